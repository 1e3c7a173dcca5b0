"""A guard against hangs, not a speed test: how fast drafter is gets measured in ``bench/``.

A unit test that asserts "took under 3 s" fails on a loaded machine (two test runs, a build
next door) while nothing is wrong. What a test can assert is that something finishes at all:
an endless loop, a quadratic scan of a 200,000-character line or a wait on a lock that is
never released runs into :data:`HANG_SECONDS`; correct code under any plausible load does not.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

HANG_SECONDS = 60.0


class Hang(AssertionError):
    pass


@contextmanager
def no_hang(what: str, seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail if the block has not finished after ``seconds``.

    Where SIGALRM is available (POSIX, main thread) the block is interrupted when time is up,
    so a real hang fails the test instead of stalling the whole run.
    """
    assert seconds >= 30, "a hang guard, not a speed threshold"

    def expired(_signum: int, _frame: Any) -> None:
        raise Hang(f"{what} did not finish within {seconds:.0f} s (a hang)")

    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if alarm:
        previous = signal.signal(signal.SIGALRM, expired)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.monotonic() - started >= seconds:
        raise Hang(f"{what} did not finish within {seconds:.0f} s (a hang)")
