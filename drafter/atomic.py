"""Write files whole or not at all: a temp file in the same directory, then rename.

Rename replaces whatever the name points at, so the target is checked first: a device, FIFO or
socket is refused (renaming over ``/dev/null`` as root would replace the device with a file), and
a symlink is followed, so its target gets the new contents and the link stays a link.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Iterable


class NotRegularFile(OSError):
    """The output path exists and is not a regular file (nor a symlink to one)."""


def special_kind(mode: int) -> str | None:
    """What a non-regular file is, in Chinese, or None for a regular file (``os.stat().st_mode``)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "目录 (a directory)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件 (a device)"
    if stat.S_ISFIFO(mode):
        return "命名管道 (a FIFO)"
    if stat.S_ISSOCK(mode):
        return "套接字 (a socket)"
    return "特殊文件 (a special file)"


def resolve_target(path: Path) -> Path:
    """The file a write to ``path`` should replace: symlinks followed, special files refused."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        return real  # new file (or a dangling link: its target is created)
    kind = special_kind(st.st_mode)
    if kind is not None:
        raise NotRegularFile(errno.EINVAL, f"不是普通文件，而是{kind}，拒绝写入", str(path))
    return real


def write_bytes_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """``data`` (or its chunks, in order: a big report need not be joined first) as one file."""
    path = resolve_target(Path(path))
    chunks = [data] if isinstance(data, bytes) else data
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        # mkstemp creates 0600; a report is meant to be shared like any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        # The temp file may already be gone; the original error is the one to report.
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
