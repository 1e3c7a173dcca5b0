"""A progress bar on stderr for long batches: files done, forms, indicators, findings, rate, time left.

Only on a terminal, and only once a run has gone on for a moment (a small batch finishes before
a bar is worth drawing). Elsewhere (a pipe, a log file, CI) nothing is drawn: the command's own
one-line summary at the end is the record. The bar is redrawn by the caller, not by a thread,
so worker processes forked while it runs inherit no half-held lock.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Optional

# Seconds before the bar appears, and between redraws.
DELAY = 1.0
REFRESH = 0.2


class BatchProgress:
    def __init__(self, total: int, what: str = "文件", enabled: Optional[bool] = None) -> None:
        self.total = total
        self.what = what
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.counts = {"forms": 0, "indicators": 0, "findings": 0}
        self.done = 0
        self._start = time.monotonic()
        self._last = 0.0
        self._bar: Any = None
        self._task: Any = None

    def advance(self, forms: int = 0, indicators: int = 0, findings: int = 0) -> None:
        self.done += 1
        self.counts["forms"] += forms
        self.counts["indicators"] += indicators
        self.counts["findings"] += findings
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < REFRESH and self.done < self.total:
            return
        self._last = now
        if self._bar is None:
            if now - self._start < DELAY:
                return
            self._open()
        c = self.counts
        self._bar.update(self._task, completed=self.done,
                         info=f"表 {c['forms']:,} · 指标 {c['indicators']:,} · 问题 {c['findings']:,}"
                              f" · {self.rate():,.1f} 个/秒")
        self._bar.refresh()

    def _open(self) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn,
                                   TextColumn, TimeRemainingColumn)

        self._bar = Progress(TextColumn(self.what), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                             TextColumn("{task.fields[info]}"),
                             TimeRemainingColumn(), console=Console(file=sys.stderr, force_terminal=True), transient=True,
                             auto_refresh=False)
        self._task = self._bar.add_task(self.what, total=self.total, info="")
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def rate(self) -> float:
        """Files a second so far."""
        return self.done / max(time.monotonic() - self._start, 1e-9)
