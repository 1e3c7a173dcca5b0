"""One writer at a time: an advisory lock on DRAFTER_HOME/store.lock.

Two processes writing one Chroma directory can block each other for minutes or leave a half
synced source behind, so ingest takes the lock exclusively and refuses to start when it is held.
Searches on the local store take it shared and wait a little, so they never read mid-write.
The lock is released by the kernel when the process dies, so a crash never leaves it stuck.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from drafter.store import StoreError

LOCK_NAME = "store.lock"


class StoreLocked(StoreError):
    """Another drafter process holds the store lock."""


@contextmanager
def store_lock(home: Path, *, shared: bool = False, wait: float = 0.0) -> Iterator[None]:
    path = home / LOCK_NAME
    home.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+", encoding="utf-8")
    locked = False
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(fh, shared):
            if time.monotonic() >= deadline:
                holder = _holder(path)
                who = f"（PID {holder}）" if holder else ""
                raise StoreLocked(
                    f"存储库正被另一个 drafter 进程使用{who}，请等它结束后再试 "
                    f"(store is locked by another drafter process: {path})")
            time.sleep(0.1)
        if not shared:
            # The holder's pid, only for the message above; the lock itself is the flock.
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        locked = True
        yield
    finally:
        if locked and not shared:
            fh.seek(0)
            fh.truncate()
            fh.flush()
        _unlock(fh)
        fh.close()


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()[:16]
    except OSError:
        return ""


# A platform test rather than try/except ImportError, so that type checkers follow it too.
if sys.platform != "win32":
    import fcntl

    def _try_lock(fh: IO[str], shared: bool) -> bool:
        try:
            fcntl.flock(fh.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fh: IO[str]) -> None:
        # Closing the file releases the lock anyway; a failed explicit unlock changes nothing.
        with contextlib.suppress(OSError):
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

else:  # pragma: no cover - Windows: byte-range locks have no shared mode
    import msvcrt

    def _try_lock(fh: IO[str], shared: bool) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[str]) -> None:
        with contextlib.suppress(OSError):  # as above: closing releases it
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
