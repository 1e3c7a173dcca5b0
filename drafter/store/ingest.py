"""Keep the store in step with files: parse everything first, then sync one source at a time.

Nothing is written until every file has been read, so a reader crash leaves the store as it was.
Each source is then written as upserts of its new and changed documents followed by deletion of
its documents that are gone. Upsert comes before delete so that an interruption between the two
leaves extra documents (removed by the next ingest), never missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from drafter.errors import InputError
from drafter.model import Form
from drafter.store.documents import Doc, documents_for, source_key


@dataclass
class Source:
    key: str
    forms: list[Form]


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __iadd__(self, other: "Counts") -> "Counts":
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        return self


@dataclass
class Summary:
    store: str
    collection: str
    embedder: str
    files: int = 0
    forms: int = 0
    indicators: int = 0
    documents: int = 0
    counts: Counts = field(default_factory=Counts)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store, "collection": self.collection, "embedder": self.embedder,
            "files": self.files, "forms": self.forms, "indicators": self.indicators,
            "documents": self.documents,
            "added": self.counts.added, "updated": self.counts.updated,
            "unchanged": self.counts.unchanged, "removed": self.counts.removed,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "seconds": round(self.seconds, 3),
        }


def parse_files(files: Iterable[Path], corpus: Path | None,
                 on_file: Callable[[Path], None] = lambda p: None) -> tuple[list[Source], list[Skipped]]:
    """Parse every file; unreadable ones are skipped with the reader's reason."""
    from drafter.read import read_file

    sources: dict[str, Source] = {}
    skipped: list[Skipped] = []
    for f in files:
        key = source_key(f, corpus)
        if key not in sources:  # a file named twice (a directory and a file in it) counts once
            try:
                sources[key] = Source(key, read_file(f))
            except InputError as e:
                skipped.append(Skipped(str(f), str(e.args[0])))
        on_file(f)
    return list(sources.values()), skipped


def sync_source(collection: Any, embedder: Any, source: str, docs: list[Doc],
                batch: int) -> Counts:
    """Make the collection hold exactly ``docs`` for ``source``."""
    from drafter.store.embedders import embed_docs

    existing = collection.get(where={"source": source}, include=["metadatas"])
    old = {i: (m or {}).get("digest") for i, m in zip(existing["ids"], existing["metadatas"] or [])}
    counts = Counts()
    todo: list[Doc] = []
    for d in docs:
        if d.id not in old:
            counts.added += 1
            todo.append(d)
        elif old[d.id] != d.digest:
            counts.updated += 1
            todo.append(d)
        else:
            counts.unchanged += 1
    fresh = {d.id for d in docs}
    stale = [i for i in old if i not in fresh]
    counts.removed = len(stale)

    if todo:
        vectors = embed_docs(embedder, todo)
        for start in range(0, len(todo), batch):
            part = todo[start:start + batch]
            collection.upsert(ids=[d.id for d in part],
                              embeddings=vectors[start:start + batch],
                              documents=[d.text for d in part],
                              metadatas=[d.metadata for d in part])
    for start in range(0, len(stale), batch):
        collection.delete(ids=stale[start:start + batch])
    return counts


def sync(collection: Any, embedder: Any, sources: list[Source], summary: Summary, batch: int,
         on_source: Callable[[Source], None] = lambda s: None) -> Summary:
    for src in sources:
        docs = documents_for(src.key, src.forms)
        summary.files += 1
        summary.forms += len(src.forms)
        summary.indicators += sum(len(f.indicators) for f in src.forms)
        summary.documents += len(docs)
        summary.counts += sync_source(collection, embedder, src.key, docs, batch)
        on_source(src)
    return summary
