"""Background jobs: each in its own temporary folder, polled by the page, deleted when expired.

Work that may take long (hundreds of files, LLM calls) runs in a small thread pool; the page
shows a progress bar and polls. Jobs live in memory with their folder on disk; after
``keep_seconds`` both are removed, so uploaded forms do not linger on the server.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from drafter.errors import InputError

UNEXPECTED = "处理时出现内部错误，请检查文件后重试；若持续出现请联系管理员"


@dataclass
class Job:
    id: str
    kind: str
    folder: Path
    created: float = field(default_factory=time.time)
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    stage: str = "排队中"
    notes: list[str] = field(default_factory=list)
    result: Any = None
    error: str | None = None
    error_status: int = 400
    # Review: findings a reviewer accepted, by index, with the reason given.
    accepted: dict[int, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _future: Future[Any] | None = None

    def progress(self, done: int, total: int, stage: str) -> None:
        self.done, self.total, self.stage = done, total, stage

    def note(self, line: str) -> None:
        self.notes.append(line)

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0


class Jobs:
    def __init__(self, keep_seconds: int, workers: int, root: Path | None = None,
                 clean: Callable[[str], str] = lambda s: s) -> None:
        self.keep_seconds = keep_seconds
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="drafter-web-")) if root is None else root
        self.root.mkdir(parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="drafter-job")
        self._clean = clean
        # Expired jobs also go when nobody visits: a janitor wakes every minute (or sooner).
        self._stop = threading.Event()
        self._janitor = threading.Thread(target=self._sweep, name="drafter-job-janitor", daemon=True)
        self._janitor.start()

    def _sweep(self) -> None:
        while not self._stop.wait(min(60.0, max(1.0, self.keep_seconds / 2))):
            self.expire()

    def new(self, kind: str) -> Job:
        self.expire()
        job_id = secrets.token_urlsafe(16)
        folder = self.root / job_id
        folder.mkdir(mode=0o700)
        job = Job(job_id, kind, folder)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def scratch(self) -> Path:
        """A folder for a request answered at once (no job to poll), removed by the caller."""
        return Path(tempfile.mkdtemp(prefix="req-", dir=self.root))

    def discard(self, job: Job) -> None:
        """A job refused before it started: gone with its folder."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def start(self, job: Job, work: Callable[[Job], Any]) -> Job:
        job._future = self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        job.status, job.stage = "running", "处理中"
        try:
            job.result = work(job)
        except InputError as e:
            job.error = self._clean(str(e))
            job.error_status = 413 if type(e).__name__ == "UploadError" else 400
            job.status = "failed"
        except Exception as e:  # noqa: BLE001 - the page gets one line; the operator the traceback
            known = _known_message(e)
            job.error = self._clean(known) if known else UNEXPECTED
            job.error_status = 400 if known else 500
            job.status = "failed"
            if not known:
                traceback.print_exc()
        else:
            job.status, job.stage = "done", "完成"
        finally:
            job.notes = [self._clean(n) for n in job.notes]

    def wait(self, job: Job, seconds: float) -> None:
        if job._future is not None:
            try:
                job._future.result(timeout=seconds)
            except Exception:  # noqa: BLE001 - a timeout or the job's own error: the page polls for it
                return

    def get(self, job_id: str, kind: str | None = None) -> Job | None:
        self.expire()
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and (kind is None or job.kind == kind) else None

    def expire(self) -> None:
        cutoff = time.time() - self.keep_seconds
        with self._lock:
            old = [j for j in self._jobs.values() if j.created < cutoff and j.finished]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)

    def shutdown(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)


def _known_message(e: Exception) -> str | None:
    """One-line errors other parts of drafter raise for a user to act on."""
    names = {"ConfigError", "StoreError", "OfflineError", "SelectionError", "LLMError"}
    return str(e) if type(e).__name__ in names else None
