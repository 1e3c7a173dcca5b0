"""Many files through one function, results in file order: in this process or in worker processes.

Reading and the rules are pure Python, so threads would share one core; ``--jobs N`` runs them
in N processes instead. Results come back in the order of the files whatever finished first, so
the output of ``--jobs 2`` is the output of ``--jobs 1``. Workers ignore Ctrl-C: the parent
stops them and reports one line, instead of every worker printing a traceback.

:class:`Spool` holds pass-one results on disk (pickled, one record per file) so that a batch of
any size costs the memory of one file plus whatever the caller accumulates.
"""

from __future__ import annotations

import os
import pickle
import signal
import tempfile
from typing import IO, Any, Callable, Iterable, Iterator, Optional, Sequence, TypeVar

R = TypeVar("R")
T = TypeVar("T")

# Files handed to a worker at a time: large enough that the pipe is not the bottleneck, small
# enough that both workers stay busy to the end of a few hundred files.
CHUNK = 4
# Chunks queued per worker ahead of the consumer: enough to keep every worker busy while the
# consumer takes a result, few enough that waiting results cost a few files' memory.
AHEAD = 4


def process_jobs(option: Optional[int]) -> int:
    """``--jobs`` / ``DRAFTER_JOBS`` for work in processes; unset means the number of cores."""
    from drafter.jobs import ENV, resolve_jobs
    if option is None and not os.environ.get(ENV, "").strip():
        return max(1, os.cpu_count() or 1)
    return resolve_jobs(option)


def _quiet_worker(init: Optional[Callable[..., None]], args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if init is not None:
        init(*args)


def map_ordered(func: Callable[[T], R], items: Sequence[T], jobs: int,
                init: Optional[Callable[..., None]] = None, initargs: tuple[Any, ...] = ()) -> Iterator[R]:
    """``func(item)`` for every item, in order; ``jobs`` > 1 spreads the calls over processes.

    ``init(*initargs)`` runs once in each worker (and once here when ``jobs`` is 1), so state
    that is costly to pass with every item (configuration, selected rules) travels once.
    """
    if jobs <= 1 or len(items) <= 1:
        if init is not None:
            init(*initargs)
        for item in items:
            yield func(item)
        return
    import multiprocessing as mp
    from collections import deque
    # fork: the workers start with the rules and readers already imported, in milliseconds.
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    pool = ctx.Pool(min(jobs, len(items)), initializer=_quiet_worker, initargs=(init, initargs))
    # Pool.imap would run ahead of a slow consumer (a workbook written form by form) and keep
    # every finished result in memory: at most AHEAD chunks per worker are in flight or waiting.
    chunks = iter([items[k:k + CHUNK] for k in range(0, len(items), CHUNK)])
    pending: deque = deque()

    def submit() -> None:
        chunk = next(chunks, None)
        if chunk is not None:
            pending.append(pool.apply_async(_run_chunk, (func, chunk)))

    try:
        for _ in range(jobs * AHEAD):
            submit()
        while pending:
            done = pending.popleft().get()
            submit()
            yield from done
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def _run_chunk(func: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [func(item) for item in chunk]


class Spool:
    """Pickled records on a temporary file, appended in pass one and read back in order."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="drafter-spool-")

    def add(self, pickled: bytes) -> int:
        """Append one record; its offset, for :meth:`load_at`."""
        self._file.seek(0, os.SEEK_END)
        offset = self._file.tell()
        self._file.write(pickled)
        return offset

    def load_at(self, offset: int) -> Any:
        """The record that :meth:`add` put at ``offset``, read back alone."""
        self._file.flush()
        self._file.seek(offset)
        return pickle.load(self._file)

    def __iter__(self) -> Iterator[Any]:
        self._file.flush()
        self._file.seek(0)
        while True:
            try:
                # A fresh unpickler per record: one reused across records keeps the first one's
                # memo, and the next record's references would point into it.
                yield pickle.load(self._file)
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dump(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def chained(parts: Iterable[Iterable[R]]) -> Iterator[R]:
    for part in parts:
        yield from part
