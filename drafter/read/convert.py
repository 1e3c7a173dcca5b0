"""Old binary Office files (.doc, .xls) to .docx / .xlsx through LibreOffice.

Each conversion gets its own profile directory: soffice refuses to start, or hands the job to a
running instance, when two conversions share one (another drafter process, or the user's own
LibreOffice window).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from drafter.errors import InputError

TIMEOUT_S = 120
_TARGET = {"doc": ("docx", "Word .doc"), "xls": ("xlsx", "Excel .xls")}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, kind: str, source: str) -> bytes:
    """The file converted to its modern format, or InputError saying why it cannot be."""
    target, label = _TARGET[kind]
    exe = soffice()
    if exe is None:
        raise InputError(f"读取旧版 {label} 需要 LibreOffice (soffice)，请安装，或另存为 .{target} "
                         f"(install LibreOffice or save as .{target})", source)
    with tempfile.TemporaryDirectory(prefix="drafter-soffice-") as tmp:
        d = Path(tmp)
        src = d / f"input.{kind}"
        src.write_bytes(data)
        out = d / "out"
        cmd = [exe, f"-env:UserInstallation={(d / 'profile').as_uri()}", "--headless",
               "--norestore", "--convert-to", target, "--outdir", str(out), str(src)]
        try:
            # A session of its own: soffice is a launcher that starts soffice.bin, and a
            # timeout must stop both, not leave the converter running.
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            raise InputError(f"无法运行 LibreOffice (cannot run soffice: {e.strerror})", source) from None
        try:
            proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if hasattr(os, "killpg"):
                    os.killpg(proc.pid, signal.SIGKILL)
                else:  # Windows: no process groups
                    proc.kill()
            proc.wait()
            raise InputError(f"LibreOffice 转换超时 (conversion took longer than {TIMEOUT_S} s)",
                             source) from None
        result = out / f"input.{target}"
        if not result.is_file():
            raise InputError(f"LibreOffice 无法转换此 {label} 文件，可能已损坏或加密 "
                             f"(conversion failed: broken or password-protected)", source)
        return result.read_bytes()
