"""Uploads into a job's own folder: names sanitised, sizes counted, archives unpacked with care.

The name a user's browser sends is only ever shown, never used as a path: every file is written as
``<job folder>/<number>_<cleaned name>``, so ``../../etc/passwd`` or ``C:\\x`` cannot leave the
folder. Archives (.zip) are unpacked member by member with the sizes counted as bytes arrive, since
the sizes an archive declares can lie.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from typing import IO, Any, Sequence

from drafter.errors import InputError
from drafter.web.settings import WebSettings

CHUNK = 1024 * 1024
# A .zip of forms compresses text perhaps 10:1; a member claiming 1000:1 is a bomb, not a form.
MAX_RATIO = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadError(InputError):
    """An upload refused for its size or count: HTTP 413 rather than 400."""


def display_name(raw: str | None, fallback: str = "上传文件") -> str:
    """The file's own name without any folder part, controls or reserved characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    return name[:120] or fallback


def _inside(folder: Path, name: str) -> Path:
    path = (folder / name).resolve()
    if path.parent != folder.resolve():  # cannot happen after display_name; checked all the same
        raise InputError(f"文件名无效：{name}")
    return path


class Budget:
    """Bytes and files left for one request, across uploads and unpacked members."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.files = 0
        self.unpacked = 0
        self.names: set[str] = set()

    def unique(self, name: str) -> str:
        """Each file's shown name once: findings are grouped by it, so two 自评表.txt must differ."""
        shown, k = name, 1
        while shown in self.names:
            k += 1
            stem, dot, ext = name.rpartition(".")
            shown = f"{stem}（{k}）.{ext}" if dot and stem else f"{name}（{k}）"
        self.names.add(shown)
        return shown

    def add_file(self) -> None:
        self.files += 1
        if self.files > self.settings.max_files:
            raise UploadError(f"文件过多：一次最多 {self.settings.max_files} 个文件（含压缩包内的文件）")


def _copy(src: IO[bytes], dest: Path, limit: int, name: str, budget: Budget | None = None,
          too_large: str | None = None) -> int:
    written = 0
    with dest.open("xb") as out:
        while True:
            chunk = src.read(CHUNK)
            if not chunk:
                break
            written += len(chunk)
            if written > limit:
                raise UploadError(too_large or f"{name}：文件过大（上限 {limit // (1024 * 1024)} MB）")
            if budget is not None:
                budget.unpacked += len(chunk)
                if budget.unpacked > budget.settings.max_unpacked_bytes:
                    raise UploadError(f"{name}：压缩包解压后过大（上限 "
                                      f"{budget.settings.max_unpacked_bytes // (1024 * 1024)} MB），疑似压缩炸弹")
            out.write(chunk)
    return written


def member_name(raw: str, fallback: str) -> str:
    """An archive member's path as shown: its folders kept (2023/自评表.txt), ``..`` and roots dropped."""
    parts = [display_name(p, "") for p in re.split(r"[\\/]", raw) if p not in ("", ".", "..")]
    return "/".join(p for p in parts if p) or fallback


def save_text(text: str, folder: Path, name: str = "粘贴表格") -> list[tuple[Path, str]]:
    data = text.encode("utf-8")
    path = _inside(folder, "000_pasted.txt")
    path.write_bytes(data)
    return [(path, name)]


def save_uploads(files: Sequence[Any], folder: Path, settings: WebSettings) -> list[tuple[Path, str]]:
    """(path in ``folder``, name to show) for every uploaded file, archives unpacked.

    ``files`` are Starlette ``UploadFile``s (a ``filename`` and a binary ``file``). Raises
    UploadError (too large, too many) or InputError (a damaged archive); the caller removes the
    folder, so nothing half-written stays behind.
    """
    budget = Budget(settings)
    out: list[tuple[Path, str]] = []
    for k, upload in enumerate(files, start=1):
        name = display_name(getattr(upload, "filename", None), f"文件{k}")
        budget.add_file()
        dest = _inside(folder, f"{k:03d}_{name}")
        _copy(upload.file, dest, settings.max_file_bytes, name)
        if name.lower().endswith(".zip"):
            out.extend(_unpack(dest, folder / f"{k:03d}_unpacked", name, budget))
            dest.unlink()
        else:
            out.append((dest, budget.unique(name)))
    return out


def _unpack(archive: Path, folder: Path, shown: str, budget: Budget) -> list[tuple[Path, str]]:
    folder.mkdir()
    out: list[tuple[Path, str]] = []
    try:
        with zipfile.ZipFile(archive) as z:
            members = [i for i in z.infolist() if not i.is_dir() and not _skipped(i.filename)]
            if sum(i.file_size for i in members) > budget.settings.max_unpacked_bytes:
                raise UploadError(f"{shown}：压缩包解压后过大，疑似压缩炸弹")
            for k, info in enumerate(members, start=1):
                if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                    raise UploadError(f"{shown}：{display_name(info.filename)} 的压缩比异常，疑似压缩炸弹")
                budget.add_file()
                name = display_name(info.filename, f"文件{k}")
                dest = _inside(folder, f"{k:04d}_{name}")
                with z.open(info) as src:
                    # At most the declared size plus one chunk: a member whose header lies is cut off.
                    limit = budget.settings.max_file_bytes
                    lied = info.file_size < limit
                    _copy(src, dest, info.file_size if lied else limit, f"{shown}/{name}", budget,
                          f"{shown}：{name} 解压后大于压缩包所声明的大小，疑似压缩炸弹" if lied else None)
                if name.lower().endswith(".zip"):
                    dest.unlink()
                    raise UploadError(f"{shown}：压缩包中不能再套压缩包（{name}）")
                out.append((dest, budget.unique(f"{shown}/{member_name(info.filename, name)}")))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as e:
        shutil.rmtree(folder, ignore_errors=True)
        reason = "已加密" if isinstance(e, RuntimeError) else "已损坏或格式不支持"
        raise InputError(f"{shown}：压缩包无法解开（{reason}）") from None
    return out


def _skipped(name: str) -> bool:
    """Folders and files a zip tool adds on its own (macOS resource forks, hidden files)."""
    parts = re.split(r"[\\/]", name)
    return parts[0] == "__MACOSX" or parts[-1].startswith(".")
