"""What every worker of one client checks before a request goes out.

Many calls at once (``--jobs``) share one server, so three things are decided for all of them
together, in one place:

* **warm-up**: until one request of this client has been answered (validated or not), only one
  call is let through. A server that is down then costs one call's retries, not ``jobs`` times
  as many, and a server that rejects the instructor mode is stepped down once, before the others
  start;
* **pause**: a 429 with ``Retry-After`` pauses every worker until that time, not only the one
  that was told, since the others would be refused the same way;
* **stop**: a call that failed for good because the server is unreachable or keeps refusing stops
  every later request of this client; calls still queued fail at once, unsent, and the caller
  keeps its offline result for them.
"""

from __future__ import annotations

import threading
import time
from typing import Callable


class Stopped(Exception):
    """The server was given up on by an earlier call; nothing was sent."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Gate:
    def __init__(self, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self._cond = threading.Condition()
        self._sleep = sleep
        self._clock = clock
        self._until = 0.0
        self._alive = False
        self._probing = False
        self._stopped: str | None = None
        # The pause deadline this thread has already slept out: a sleep that is a stand-in (tests)
        # or returns a hair early must not make it wait for the same pause twice.
        self._local = threading.local()

    @property
    def stopped(self) -> str | None:
        return self._stopped

    def admit(self) -> None:
        """Block until this worker may send a request; :class:`Stopped` when none may."""
        with self._cond:
            while not self._alive and self._probing and self._stopped is None:
                self._cond.wait()
            if self._stopped is not None:
                raise Stopped(self._stopped)
            if not self._alive:
                self._probing = True
        self.wait_pause()

    def wait_pause(self) -> None:
        """Sleep out a pause a 429 asked for (any worker's); returns at once when there is none."""
        while True:
            with self._cond:
                until = self._until
                left = until - self._clock()
                if self._stopped is not None or left <= 0 or until == getattr(self._local, "waited", None):
                    return
            self._sleep(left)
            self._local.waited = until  # a later pause (another 429) moves ``until``: wait again

    def pause(self, seconds: float) -> None:
        """Pause every worker for ``seconds``; the calling worker sleeps exactly that long now."""
        with self._cond:
            own = self._clock() + seconds
            self._until = max(self._until, own)
        self._sleep(seconds)
        self._local.waited = own  # a longer pause another worker set is still waited out

    def answered(self) -> None:
        """The server answered a request: everyone may go."""
        with self._cond:
            self._alive, self._probing = True, False
            self._cond.notify_all()

    def unanswered(self) -> None:
        """The probing call ended without an answer but not for good (e.g. a non-server error)."""
        with self._cond:
            if not self._alive:
                self._probing = False
                self._cond.notify()

    def stop(self, reason: str) -> None:
        with self._cond:
            if self._stopped is None:
                self._stopped = reason
            self._probing = False
            self._cond.notify_all()
