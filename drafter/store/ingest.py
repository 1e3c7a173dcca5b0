"""Keep the store in step with files: parse everything, then write all of it or none of it.

Nothing is written until every file has been read, so a reader crash leaves the store as it was.
Then :func:`ingest`:

* local store: a read-only pass finds out whether anything changed (a re-ingest of unchanged
  files writes nothing); if so, the sources are synced into a copy of the current generation
  which becomes current only when every source is written (generations.py). An embedding
  endpoint failing, a full disk or a kill part way leaves the previous store in place.
* Chroma server: there is no copy to switch to, so every new or changed document is embedded
  first (the step that talks to a network and fails most), and only then written. A failure while
  writing leaves complete sources behind; the next ingest finishes the job.

Within a source, upserts come before deletes, so an interruption leaves extra documents (removed
by the next ingest), never missing ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from drafter.errors import InputError
from drafter.model import Form
from drafter.store.documents import Doc, documents_for, library_documents, source_key


@dataclass
class Source:
    key: str
    forms: list[Form]
    # An indicator-library file instead of forms: its rows become documents of kind "library".
    library: list[Any] | None = None
    # Forms kept on disk instead (parse_files_streamed): (spool, offset, forms, indicators), so
    # a batch of any size holds a key and a few numbers per file, and one file's forms at a time.
    spooled: tuple[Any, int, int, int] | None = None

    def load_forms(self) -> list[Form]:
        if self.spooled is not None:
            spool, offset, _, _ = self.spooled
            forms: list[Form] = spool.load_at(offset)
            return forms
        return self.forms

    def form_count(self) -> int:
        return self.spooled[2] if self.spooled is not None else len(self.forms)

    def indicator_count(self) -> int:
        if self.spooled is not None:
            return self.spooled[3]
        return sum(len(f.indicators) for f in self.forms) + len(self.library or ())

    def documents(self) -> list[Doc]:
        if self.library is not None:
            return library_documents(self.key, self.library)
        return documents_for(self.key, self.load_forms())


def library_sources(paths: Iterable[Path] = (), shipped: bool = True) -> list[Source]:
    """The shipped library (unless ``shipped`` is False) and library files as store sources."""
    from drafter.draft import library as lib

    out = []
    if shipped:
        out.append(Source(lib.SHIPPED_SOURCE, [], lib.load_shipped().rows))
    for p in paths:
        out.append(Source(source_key(p), [], lib.read_rows(p)))
    return out


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
    # Repairs made to the store's layout before writing (generations.repair).
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "store": self.store, "collection": self.collection, "embedder": self.embedder,
            "files": self.files, "forms": self.forms, "indicators": self.indicators,
            "documents": self.documents,
            "added": self.counts.added, "updated": self.counts.updated,
            "unchanged": self.counts.unchanged, "removed": self.counts.removed,
            "skipped": [{"source": s.source, "reason": s.reason} for s in self.skipped],
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
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


def _read_one(path: str) -> tuple[bytes | None, str | None, int, int]:
    """One file read in a worker: its forms pickled and counted, or the reader's reason."""
    from drafter.batch import dump
    from drafter.read import read_file
    try:
        forms = read_file(Path(path))
    except InputError as e:
        return None, str(e.args[0]), 0, 0
    return dump(forms), None, len(forms), sum(len(f.indicators) for f in forms)


def parse_files_streamed(files: Iterable[Path], corpus: Path | None, spool: Any, jobs: int = 1,
                         on_file: Callable[[Path], None] = lambda p: None) -> tuple[list[Source], list[Skipped]]:
    """:func:`parse_files` in ``jobs`` processes, each file's forms kept on ``spool`` (a drafter.batch.Spool).

    Reading all files before writing anything still holds: the store is untouched until this returns.
    """
    from drafter.batch import map_ordered

    keyed: dict[str, Path] = {}
    for f in files:
        keyed.setdefault(source_key(f, corpus), f)  # a file named twice counts once
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for (key, f), (pickled, reason, n_forms, n_ind) in zip(
            keyed.items(), map_ordered(_read_one, [str(f) for f in keyed.values()], jobs)):
        if pickled is None:
            skipped.append(Skipped(str(f), reason or ""))
        else:
            sources.append(Source(key, [], spooled=(spool, spool.add(pickled), n_forms, n_ind)))
        on_file(f)
    return sources, skipped


@dataclass
class Plan:
    """What one source needs: documents to embed and upsert, ids to delete."""
    source: str
    todo: list[Doc]
    stale: list[str]
    counts: Counts


def plan_source(collection: Any | None, source: str, docs: list[Doc]) -> Plan:
    """Compare ``docs`` with what ``collection`` holds for ``source`` (None: an empty store)."""
    old: dict[str, Any] = {}
    if collection is not None:
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
    return Plan(source, todo, stale, counts)


def apply_plan(collection: Any, plan: Plan, vectors: Any, batch: int) -> None:
    todo = plan.todo
    for start in range(0, len(todo), batch):
        part = todo[start:start + batch]
        collection.upsert(ids=[d.id for d in part],
                          embeddings=vectors[start:start + batch],
                          documents=[d.text for d in part],
                          metadatas=[d.metadata for d in part])
    for start in range(0, len(plan.stale), batch):
        collection.delete(ids=plan.stale[start:start + batch])


def sync_source(collection: Any, embedder: Any, source: str, docs: list[Doc],
                batch: int) -> Counts:
    """Make the collection hold exactly ``docs`` for ``source``."""
    from drafter.store.embedders import embed_docs

    plan = plan_source(collection, source, docs)
    if plan.todo or plan.stale:
        apply_plan(collection, plan, embed_docs(embedder, plan.todo), batch)
    return plan.counts


def sync(collection: Any, embedder: Any, sources: list[Source], summary: Summary, batch: int,
         on_source: Callable[[Source], None] = lambda s: None) -> Summary:
    for src in sources:
        docs = src.documents()
        _tally(summary, src, docs)
        summary.counts += sync_source(collection, embedder, src.key, docs, batch)
        on_source(src)
    return summary


def ingest(home: Path, embedder: Any, sources: list[Source], summary: Summary,
           on_source: Callable[[Source], None] = lambda s: None) -> Summary:
    """Bring the store (local generation or server) in step with ``sources``; see the module doc."""
    from drafter.store import client

    if client.chroma_url() is not None:
        return _ingest_remote(home, embedder, sources, summary, on_source)
    from drafter.store import generations
    summary.notes.extend(generations.repair(home))
    generations.prune(home)  # copies left by a killed ingest, even when there is nothing to write
    if not _local_changes(home, embedder, sources):
        for src in sources:
            docs = src.documents()
            _tally(summary, src, docs)
            summary.counts.unchanged += len(docs)
            on_source(src)
        return summary
    with generations.staged(home) as path:
        db = client.open_path(path)
        try:
            collection = client.create_collection(db, embedder)
            sync(collection, embedder, sources, summary, db.get_max_batch_size(), on_source)
        finally:
            client.close(db)
    return summary


def _local_changes(home: Path, embedder: Any, sources: list[Source]) -> bool:
    from drafter.store import client

    if client.persist_dir(home) is None:
        return True
    db = client.open_client(home)
    try:
        collection = client.find_collection(db, embedder)
        if collection is None:
            return True
        return any(p.todo or p.stale for p in
                   (plan_source(collection, s.key, s.documents()) for s in sources))
    finally:
        client.close(db)


def _ingest_remote(home: Path, embedder: Any, sources: list[Source], summary: Summary,
                   on_source: Callable[[Source], None]) -> Summary:
    from drafter.store import client
    from drafter.store.embedders import embed_docs

    db = client.open_client(home)
    collection = client.create_collection(db, embedder)
    plans = []
    for src in sources:
        docs = src.documents()
        _tally(summary, src, docs)
        plans.append(plan_source(collection, src.key, docs))
    vectors = embed_docs(embedder, [d for p in plans for d in p.todo])
    batch, start = db.get_max_batch_size(), 0
    for src, plan in zip(sources, plans):
        apply_plan(collection, plan, vectors[start:start + len(plan.todo)], batch)
        start += len(plan.todo)
        summary.counts += plan.counts
        on_source(src)
    return summary


def _tally(summary: Summary, src: Source, docs: list[Doc]) -> None:
    summary.files += 1
    summary.forms += src.form_count()
    summary.indicators += src.indicator_count()
    summary.documents += len(docs)
