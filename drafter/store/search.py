"""Nearest past indicators and projects for a plain-language query, with metadata filters.

Results are deduplicated by what a reader sees (project, agency, year, indicator name and value),
so the same form ingested from two files, or an indicator repeated across a project's
self-evaluation and target forms, shows once with its best score. Chroma is asked for more
neighbours than wanted and asked again with more when duplicates eat into ``k``.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal, Sequence

from drafter.model import Indicator
from drafter.store import StoreError

Kind = Literal["indicator", "project", "library"]

EMPTY_STORE = "存储库为空，请先运行 drafter ingest 导入表单 (store is empty: run `drafter ingest` first)"
# Long enough to outlast an ingest of the built-in corpus, short enough to not look hung.
LOCK_WAIT_S = 15.0


@dataclass(frozen=True)
class Filters:
    kind: Kind | None = None
    level1: Sequence[str] = ()
    level2: Sequence[str] = ()
    agency: Sequence[str] = ()
    year: Sequence[int] = ()

    def where(self) -> dict[str, Any] | None:
        """A Chroma ``where``: one top-level key, so several conditions go under ``$and``."""
        conds: list[dict[str, Any]] = []
        if self.kind:
            conds.append({"kind": self.kind})
        for key, given in (("level1", self.level1), ("level2", self.level2),
                           ("agency", self.agency), ("year", self.year)):
            values: list[Any] = list(dict.fromkeys(given))
            if len(values) == 1:
                conds.append({key: values[0]})
            elif values:
                conds.append({key: {"$in": values}})
        if not conds:
            return None
        return conds[0] if len(conds) == 1 else {"$and": conds}


@dataclass(frozen=True)
class Hit:
    kind: Kind
    score: float
    source: str
    project_name: str | None
    agency: str | None
    year: int | None
    indicator: Indicator | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "score": self.score, "source": self.source,
                "project_name": self.project_name, "agency": self.agency, "year": self.year,
                "indicator": None if self.indicator is None else self.indicator.model_dump(mode="json")}

    @property
    def key(self) -> tuple[Any, ...]:
        ind = self.indicator
        return (self.kind, self.project_name, self.agency, self.year,
                ind.name if ind else None, ind.target_raw if ind else None)


def search_store(query: str, k: int = 10, filters: Filters = Filters(), home: Path | None = None) -> list[Hit]:
    """Search the configured store (DRAFTER_HOME or DRAFTER_CHROMA_URL, embedder from env).

    Never creates a store, and never reads a local one mid-ingest (it waits for the lock, then
    gives up with a message). Raises StoreError with a one-line reason when there is nothing
    to search.
    """
    from drafter.store import client

    with reading(home) as (db, collection, ef):
        if collection is None or collection.count() == 0:
            others = client.other_collections(db, ef)
            hint = ""
            if others:
                hint = (f"；已有其他嵌入模型的集合 {', '.join(others)}，"
                        f"请检查 DRAFTER_EMBED_MODEL (other embedders' collections exist)")
            raise StoreError(EMPTY_STORE + hint)
        return search(collection, ef, query, k, filters)


@contextmanager
def reading(home: Path | None = None) -> Iterator[tuple[Any, Any, Any]]:
    """(client, collection or None, embedder) of the store, held open for reading.

    Never creates a store, and never reads a local one mid-ingest: it waits for the lock, then
    gives up with a message. StoreError when there is no local store at all.
    """
    from contextlib import nullcontext

    from drafter.resources import home_dir
    from drafter.store import client, embedders
    from drafter.store.lock import store_lock

    home = home_dir() if home is None else home
    remote = client.chroma_url() is not None
    if not remote and client.persist_dir(home) is None:
        raise StoreError(EMPTY_STORE)
    ef = embedders.embedder_from_env()
    # A server serialises its own writers; only the local directory needs our lock.
    guard = nullcontext() if remote else store_lock(home, shared=True, wait=LOCK_WAIT_S)
    with guard:
        db = client.open_client(home)
        yield db, client.find_collection(db, ef), ef


def search(collection: Any, embedder: Any, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
    """Search one open collection with its embedder."""
    if not query.strip():
        raise StoreError("查询内容为空 (empty query)")
    total = collection.count()
    if total == 0:
        return []
    vector = embedder.embed_query([query])[0]
    where = filters.where()
    n = min(total, max(4 * k, k + 20))
    while True:
        res = collection.query(query_embeddings=[vector], n_results=n, where=where,
                               include=["metadatas", "distances"])
        hits = _unique(_hits(res))
        returned = len(res["ids"][0])
        # Fewer rows than asked means the filter is exhausted; enough unique ones means done.
        if len(hits) >= k or returned < n or n >= total:
            return hits[:k]
        n = min(total, n * 4)


def _hits(res: dict[str, Any]) -> list[Hit]:
    out = []
    for meta, dist in zip(res["metadatas"][0], res["distances"][0]):
        meta = meta or {}
        raw = meta.get("indicator")
        indicator = Indicator.model_validate(json.loads(raw)) if raw else None
        kind: Kind = meta["kind"] if meta.get("kind") in ("indicator", "library") else "project"
        year = meta.get("year")
        out.append(Hit(kind=kind, score=round(1.0 - float(dist), 4), source=str(meta.get("source", "")),
                       project_name=meta.get("project"), agency=meta.get("agency"),
                       year=int(year) if year is not None else None, indicator=indicator))
    return out


def _unique(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for h in sorted(hits, key=lambda h: -h.score):
        if h.key not in seen:
            seen.add(h.key)
            out.append(h)
    return out
