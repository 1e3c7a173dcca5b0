"""Many LLM calls at once: a bounded pool whose results come back in input order.

Every task that sends a batch of independent calls (deductions, critique, extraction, eval)
hands them to :func:`run_calls` with the ``--jobs`` value. The pool

* runs at most ``jobs`` calls at a time (threads: the work is waiting on sockets);
* returns one :class:`Outcome` per item, in the items' order, so the caller applies answers
  exactly as ``--jobs 1`` would and the output does not depend on which call finished first;
* leaves pauses (429), warm-up and stopping on a dead server to the client's :class:`~drafter.llm.gate.Gate`,
  which every worker passes before each request;
* shows a rich progress bar on stderr when stderr is a terminal: calls done, cached, failed, tokens.
"""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Generic, Sequence, TypeVar

from drafter.llm import LLMError

I = TypeVar("I")
R = TypeVar("R")


@dataclass
class Outcome(Generic[R]):
    value: R | None = None
    error: LLMError | None = None

    @property
    def sent(self) -> bool:
        """False when the call never went out (the server had been given up on before its turn)."""
        return self.error is None or self.error.attempts > 0


@dataclass
class Tally:
    total: int
    done: int = 0
    cached: int = 0
    failed: int = 0
    tokens: int = 0

    def line(self) -> str:
        return f"缓存 {self.cached} · 失败 {self.failed} · 词元 {self.tokens}"


def run_calls(items: Sequence[I], call: Callable[[I], R], jobs: int, label: str = "调用大模型",
              show: bool | None = None) -> list[Outcome[R]]:
    """``call(item)`` for every item, ``jobs`` at a time; LLMError becomes the outcome's error.

    ``call`` returns whatever the task needs; when that is a CallResult (or has ``cache_hit`` and
    ``total_tokens``) the progress bar counts it.
    """
    outcomes: list[Outcome[R]] = [Outcome() for _ in items]
    if not items:
        return outcomes
    tally = Tally(len(items))
    lock = threading.Lock()
    bar = _Bar(label, tally, sys.stderr.isatty() if show is None else show)

    def one(i: int) -> None:
        try:
            outcomes[i].value = call(items[i])
        except LLMError as e:
            outcomes[i].error = e
        with lock:
            tally.done += 1
            value = outcomes[i].value
            if outcomes[i].error is not None:
                tally.failed += 1
            elif getattr(value, "cache_hit", False):
                tally.cached += 1
            tokens = getattr(value, "total_tokens", None)
            if isinstance(tokens, int):
                tally.tokens += tokens
            bar.update()

    with bar:
        if jobs <= 1 or len(items) == 1:
            for i in range(len(items)):
                one(i)
        else:
            pool = ThreadPoolExecutor(max_workers=min(jobs, len(items)), thread_name_prefix="llm")
            try:
                # list(): re-raise here whatever is not an LLMError (a bug must not vanish in a thread).
                list(pool.map(one, range(len(items))))
            except BaseException:
                # Ctrl-C: the calls in flight finish (their answers reach the cache, so a re-run
                # does not pay for them again); the ones not started are not sent at all.
                pool.shutdown(wait=True, cancel_futures=True)
                raise
            pool.shutdown(wait=True)
    return outcomes


class _Bar:
    """A rich progress bar on stderr, or nothing when stderr is not a terminal (pipes, tests, CI)."""

    def __init__(self, label: str, tally: Tally, show: bool):
        self.tally = tally
        self.progress: Any = None
        if show:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[line]}"), TimeElapsedColumn(),
                                     console=Console(file=sys.stderr), transient=False)
            self.task = self.progress.add_task(label, total=tally.total, line=tally.line())

    def __enter__(self) -> "_Bar":
        if self.progress is not None:
            self.progress.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.stop()

    def update(self) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=self.tally.done, line=self.tally.line())
