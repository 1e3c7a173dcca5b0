"""What an operator can tune when starting the workbench, with limits that fit real forms."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

MB = 1024 * 1024


def _token_from_env() -> str | None:
    token = os.environ.get("DRAFTER_WEB_TOKEN", "").strip()
    return token or None


@dataclass
class WebSettings:
    # A real form is a few hundred KB (a scanned PDF a few MB); a batch for 扣分分析 is a few
    # hundred files. Anything far beyond is a mistake or an attack, refused with a clear message.
    max_file_bytes: int = 20 * MB
    max_request_bytes: int = 200 * MB
    max_files: int = 500
    max_unpacked_bytes: int = 300 * MB
    keep_seconds: int = 3600
    workers: int = 4
    # How long a page request waits for its job before answering with a progress bar instead.
    wait_seconds: float = 2.0
    token: str | None = field(default_factory=_token_from_env)
    work_root: Path | None = None  # per-job folders; default a fresh temporary directory
