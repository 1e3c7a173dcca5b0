"""Past forms nearest to a new project: from the store, with references a draft can cite.

The store (drafter.store) finds the most similar past projects; their full forms are then read
back from the source files, because the store keeps only what search needs and a draft also wants
the past goal, the funds (for cost baselines) and the indicators in their printed order. A source
that has disappeared since it was ingested falls back to the indicators kept in the store.

Every retrieved form gets a short id (R1, R2, …) for the prompt and a full reference
(``source#project（year年目标表）``) for the draft's ``refs``.

An empty store is filled with the built-in corpus first, so that a fresh install can draft.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from drafter.model import Form, Indicator

KIND_ZH = {"target": "目标表", "self_eval": "自评表"}
# As long as `drafter search` waits for an ingest to finish.
SEARCH_LOCK_WAIT_S = 15.0
# The built-in corpus takes a few seconds to ingest; a busy machine may take much longer.
FIRST_USE_LOCK_WAIT_S = 120.0


@dataclass
class PastForm:
    ref_id: str
    source: str
    form: Form
    score: float

    @property
    def ref(self) -> str:
        return ref_text(self.source, self.form)

    @property
    def label(self) -> str:
        f = self.form
        year = f"{f.year}年" if f.year else ""
        return f"{year}《{f.project_name or '未命名项目'}》{KIND_ZH.get(f.kind, '')}"


@dataclass
class Retrieval:
    forms: list[PastForm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Library rows offered to the engine (ids L001…): citable like past forms.
    library: list[Any] = field(default_factory=list)
    # Set when rows were drafted from the request itself (its goal and funds): cited as "G".
    goal_ref: str | None = None
    # Why the store could not be searched at all (damaged, locked, unreachable), if it could not.
    error: str | None = None

    def by_id(self) -> dict[str, PastForm]:
        return {p.ref_id: p for p in self.forms}

    def ref_ids(self) -> set[str]:
        return {p.ref_id for p in self.forms} | {r.id for r in self.library} | ({"G"} if self.goal_ref else set())

    def citations(self) -> dict[str, str]:
        """Prompt id → the full reference a draft's refs print."""
        out = {p.ref_id: p.ref for p in self.forms}
        out.update({r.id: r.citation for r in self.library})
        if self.goal_ref:
            out["G"] = self.goal_ref
        return out


def ref_text(source: str, form: Form) -> str:
    year = f"{form.year}年" if form.year else ""
    return f"{source}#{form.project_name or '未命名项目'}（{year}{KIND_ZH.get(form.kind, '')}）"


def retrieve(query: str, k: int = 6, home: Path | None = None,
             exclude: Callable[[str, Form], bool] | None = None,
             announce: Callable[[str], None] = lambda s: None) -> Retrieval:
    """The ``k`` past forms most similar to ``query``, best first, ids R1…Rk."""
    from drafter.resources import home_dir
    from drafter.store import StoreError

    home = home or home_dir()
    out = Retrieval()
    try:
        hits = _project_hits(home, query, k * 3 + 10, announce, out.notes)
    except StoreError as e:
        out.error = str(e)
        out.notes.append(f"无法检索历史表单：{e}")
        return out
    seen: set[tuple[str, str | None, int | None, str]] = set()
    for hit in hits:
        for form in _forms_of(home, hit):
            key = (hit.source, form.project_name, form.year, form.kind)
            if key in seen or (exclude and exclude(hit.source, form)) or not form.indicators:
                continue
            seen.add(key)
            out.forms.append(PastForm(f"R{len(out.forms) + 1}", hit.source, form, hit.score))
            if len(out.forms) >= k:
                return out
    return out


def _project_hits(home: Path, query: str, n: int, announce: Callable[[str], None],
                  notes: list[str]) -> list[Any]:
    from drafter.store import client, embedders
    from drafter.store.lock import store_lock
    from drafter.store.search import Filters, search

    from contextlib import nullcontext

    ef = embedders.embedder_from_env()
    remote = client.chroma_url() is not None
    if _is_empty(home, ef):
        announce("存储库为空，正在导入内置语料 corpus/（首次使用）")
        notes.append("存储库为空，已自动导入内置语料")
        # Exclusive like `drafter ingest`; a server serialises its own writers. Several drafts
        # started together on a fresh install: the others wait for the first one's ingest
        # (bounded), then find the store filled.
        with nullcontext() if remote else store_lock(home, wait=FIRST_USE_LOCK_WAIT_S):
            if _is_empty(home, ef):
                _ingest_corpus(home, ef)
    # Shared, so that a search never reads a store another process is half way through writing.
    with nullcontext() if remote else store_lock(home, shared=True, wait=SEARCH_LOCK_WAIT_S):
        collection = client.find_collection(client.open_client(home), ef)
        if collection is None:
            return []
        return search(collection, ef, query, n, Filters(kind="project"))


def _is_empty(home: Path, ef: Any) -> bool:
    from drafter.store import client

    if client.chroma_url() is None and client.persist_dir(home) is None:
        return True
    collection = client.find_collection(client.open_client(home), ef)
    return collection is None or collection.count() == 0


def _ingest_corpus(home: Path, ef: Any) -> None:
    from drafter.read import expand_paths
    from drafter.resources import corpus_dir
    from drafter.store import client
    from drafter.store import ingest as sync

    corpus = corpus_dir()
    sources, _skipped = sync.parse_files(expand_paths([str(corpus)]), corpus)
    sources += sync.library_sources()
    summary = sync.Summary(store=client.location(home), collection=client.collection_name(ef),
                           embedder=ef.name())
    sync.ingest(home, ef, sources, summary)


def _forms_of(home: Path, hit: Any) -> list[Form]:
    """The forms in ``hit``'s source that belong to its project (usually one)."""
    forms = [f for f in _read_source(hit.source) if f.project_name == hit.project_name
             and (hit.year is None or f.year == hit.year)]
    if forms:
        return forms
    return _forms_from_store(home, hit)


@lru_cache(maxsize=64)
def _read_source(source: str) -> tuple[Form, ...]:
    from drafter.errors import InputError
    from drafter.read import read_file
    from drafter.resources import corpus_dir

    path = corpus_dir() / source[len("corpus/"):] if source.startswith("corpus/") else Path(source)
    try:
        return tuple(read_file(path))
    except InputError:
        return ()


def _forms_from_store(home: Path, hit: Any) -> list[Form]:
    from drafter.store import client, embedders

    ef = embedders.embedder_from_env()
    collection = client.find_collection(client.open_client(home), ef)
    if collection is None:
        return []
    conds: list[dict[str, Any]] = [{"kind": "indicator"}, {"source": hit.source}]
    if hit.project_name:
        conds.append({"project": hit.project_name})
    if hit.year is not None:
        conds.append({"year": hit.year})
    res = collection.get(where={"$and": conds}, include=["metadatas"])
    by_kind: dict[str, list[Indicator]] = {}
    for meta in res.get("metadatas") or []:
        raw = (meta or {}).get("indicator")
        if raw:
            by_kind.setdefault(meta.get("form_kind", "target"), []).append(
                Indicator.model_validate(json.loads(raw)))
    return [Form(kind=kind, year=hit.year, project_name=hit.project_name, agency=hit.agency,  # type: ignore[arg-type]
                 indicators=sorted(inds, key=lambda i: (i.level1 or "", i.level2 or "", i.name)))
            for kind, inds in sorted(by_kind.items())]
