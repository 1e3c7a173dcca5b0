"""`drafter deductions` over a batch of any size: the memory of a few files, not of the batch.

Pass one (in ``--jobs`` processes, :func:`drafter.batch.map_ordered`) reads each file, extracts
its deductions, classifies them and proposes the offline measures: all of it pure, per file. The
rows go to a spool on disk; what comes back is counts and, per noted row, a digest of its note.
Whether a note is "repeated" depends on the whole batch (the same text under another row, in any
file), so the flag is set in pass two, when every digest is counted. Pass two streams the spool in
file order, asks the model (when there is one) a window of batches at a time, adds each row to the
summary and writes it to a second spool, which the renderers read after the summary is complete.

The rows, batches, flags and summary are those :func:`drafter.deductions.analyse.analyse` gives
for the whole batch in memory, so every output format is byte-identical to it, whatever ``--jobs``.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.deductions.records import Deduction

Note = Callable[[str], None]

# Batches of noted rows sent to the model at once in pass two: enough to keep --jobs calls busy
# with room to spare, few enough that the rows waiting for them stay a small part of memory.
WINDOW_PER_JOB = 16


@dataclass
class FileDeductions:
    """What pass one sends back for one file; the rows themselves are pickled."""
    source: str
    error: str | None = None
    pickled: bytes = b""
    forms: int = 0  # self-evaluations
    indicators: int = 0
    rows: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per target form skipped
    keys: list[bytes] = field(default_factory=list)  # note digest of each noted row


def note_key(d: Deduction) -> bytes:
    """What makes two notes "the same" for the repeated flag (extract.mark_repeated), as a digest."""
    from drafter.deductions import notes
    from drafter.rules import words as W
    return hashlib.blake2b(W.strip_punct(notes.clean(d.note)).encode("utf-8"), digest_size=16).digest()


def deductions_file(path: str) -> FileDeductions:
    """Pass one for one file (runs in a worker): read, extract, classify, offline measures."""
    from drafter.batch import dump
    from drafter.deductions import classify, extract, measures
    from drafter.services.sources import read_named

    got = read_named([(Path(path), path)])
    if not got.good:
        return FileDeductions(path, error=got.bad[0])
    forms = got.good[0][1]
    out = FileDeductions(path, indicators=sum(len(f.indicators) for f in forms))
    rows: list[Deduction] = []
    for k, form in enumerate(forms):
        if form.kind != "self_eval":
            out.skipped.append(f"跳过绩效目标表：{path} 第 {k + 1} 张（{form.project_name or '未填项目名称'}），"
                               "扣分分析只读自评表")
            continue
        out.forms += 1
        rows.extend(extract.from_form(form, path, k))
    # Measures may flag a note "truncated"; analyse() flags "repeated" before that, so remember
    # which rows measures flagged, and pass two puts "repeated" where analyse() would have.
    cut_by_measures: list[bool] = []
    for d in rows:
        classify.apply(d)
        before = len(d.flags)
        d.improvement_measures = measures.offline_measures(d)
        cut_by_measures.append(len(d.flags) > before)
        if d.has_note:
            out.keys.append(note_key(d))
    out.rows = len(rows)
    out.pickled = dump((rows, cut_by_measures))
    return out


class SpooledReport:
    """A report whose rows are on disk: ``deductions`` can be iterated as often as a renderer needs.

    It has the attributes of :class:`~drafter.deductions.records.Report` that the renderers read.
    """

    def __init__(self, engine: str, summary: dict[str, Any], notes: list[str], spool: Any) -> None:
        self.engine, self.summary, self.notes = engine, summary, notes
        self._spool = spool

    @property
    def deductions(self) -> _Rows:
        return _Rows(self._spool)

    def close(self) -> None:
        self._spool.close()


class _Rows:
    def __init__(self, spool: Any) -> None:
        self._spool = spool

    def __iter__(self) -> Iterator[Deduction]:
        for rows in self._spool:
            yield from rows


class StreamedDeductions:
    """One deductions run over files: pass one at construction, :meth:`report` for pass two."""

    def __init__(self, files: Sequence[str], jobs: int, note: Note = lambda _m: None,
                 progress: Any = None) -> None:
        from drafter.batch import Spool, map_ordered

        self.bad: list[str] = []
        self.good = 0
        self.forms = self.skipped = self.rows = self.noted = 0
        self._seen: dict[bytes, int] = {}  # note digest -> rows with that note (capped at 2)
        self.spool = Spool()
        try:
            for res in map_ordered(deductions_file, list(files), jobs):
                if res.error is not None:
                    self.bad.append(res.error)
                    note(res.error)
                else:
                    self.good += 1
                    self.spool.add(res.pickled)
                    self.forms += res.forms
                    self.skipped += len(res.skipped)
                    self.rows += res.rows
                    self.noted += len(res.keys)
                    for line in res.skipped:
                        note(line)
                    for key in res.keys:
                        self._seen[key] = min(self._seen.get(key, 0) + 1, 2)
                if progress is not None:
                    progress.advance(res.forms, res.indicators, res.rows)
        except BaseException:
            self.spool.close()
            raise

    def report(self, client: Any = None, jobs: int = 1, note: Note = lambda _m: None,
               run_id: str | None = None) -> SpooledReport:
        """Pass two: flags, the model's answers, the summary; the rows end on a spool for the renderers."""
        from drafter.batch import Spool, dump
        from drafter.deductions.records import MAX_MEASURES_PER_NOTE, MAX_NOTE_CHARS
        from drafter.deductions.summary import Totals

        totals = Totals()
        out = Spool()
        enricher = None
        if client is not None and self.rows:
            import uuid

            from drafter.deductions.llm_engine import Enricher
            enricher = Enricher(client, run_id or uuid.uuid4().hex[:12], jobs, self.noted, note)

        def emit(rows: list[Deduction]) -> None:
            for d in rows:
                totals.add(d)
            out.add(dump(rows))

        try:
            if enricher is None:
                for rows, cut in self.spool:
                    self._mark_repeated(rows, cut)
                    emit(rows)
            else:
                self._with_model(enricher, emit, max(jobs, 1) * WINDOW_PER_JOB)
        except BaseException:
            out.close()
            raise
        finally:
            self.spool.close()

        engine, notes = "offline", []
        if enricher is not None:
            run = enricher.finish()
            notes.extend(run.notes)
            if run.answered:
                engine = client.engine
        cut_notes = totals.flags["truncated"]
        if cut_notes:
            notes.append(f"{cut_notes} 条偏差说明过长，已截断（每条最多 {MAX_NOTE_CHARS} 字、"
                         f"{MAX_MEASURES_PER_NOTE} 条措施）(long notes cut)")
        return SpooledReport(engine, totals.as_dict(forms=self.forms, skipped=self.skipped), notes, out)

    def _mark_repeated(self, rows: list[Deduction], cut_by_measures: list[bool]) -> None:
        for d, cut in zip(rows, cut_by_measures):
            if d.has_note and self._seen.get(note_key(d), 0) > 1:
                if cut:  # measures' "truncated" came after "repeated" in analyse()
                    d.flags.insert(len(d.flags) - 1, "repeated")
                else:
                    d.flags.append("repeated")

    def _with_model(self, enricher: Any, emit: Callable[[list[Deduction]], None], window: int) -> None:
        """Rows wait until every noted row of their file is answered; batches go out a window at a time."""
        from drafter.deductions.llm_engine import BATCH_SIZE

        pending: deque[tuple[list[Deduction], int]] = deque()  # (a file's rows, index of its last noted row)
        current: list[Deduction] = []
        full: list[list[Deduction]] = []
        noted = answered = 0

        def flush(upto: int) -> None:
            while pending and pending[0][1] < upto:
                emit(pending.popleft()[0])

        for rows, cut in self.spool:
            self._mark_repeated(rows, cut)
            last = -1
            for d in rows:
                if d.has_note:
                    current.append(d)
                    last = noted
                    noted += 1
                    if len(current) == BATCH_SIZE:
                        full.append(current)
                        current = []
            pending.append((rows, last))
            if len(full) >= window:
                enricher.send(full)
                answered += BATCH_SIZE * len(full)
                full = []
            flush(answered)
        if current:
            full.append(current)
        if full:
            enricher.send(full)
        flush(noted + 1)
