"""The local store as generations: an ingest writes a copy and switches to it in one rename.

Chroma commits each upsert on its own, so an ingest that dies half way (killed, disk full, an
embedding endpoint failing on the tenth source) would leave a store that is neither the old one
nor the new one. Instead, under ``DRAFTER_HOME/chroma/``:

* ``gen-<id>/`` directories each hold a complete Chroma persistent store;
* ``CURRENT`` names the one readers open; it is replaced with ``os.replace`` (atomic), so a
  reader sees the old generation or the new one, never a mix;
* an ingest copies the current generation, writes into the copy, and only then points
  ``CURRENT`` at it. Killed at any moment, it leaves ``CURRENT`` on a complete generation; the
  next ingest removes leftover copies.

Only the writer (holding the exclusive store lock) creates, switches or removes generations.
A store made before generations existed (Chroma files directly in ``chroma/``) is read as is and
becomes a generation on its next ingest.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

log = logging.getLogger("drafter.store")

POINTER = "CURRENT"
PREFIX = "gen-"
LEGACY_MARKER = "chroma.sqlite3"


def root(home: Path) -> Path:
    return home / "chroma"


def current(home: Path) -> Path | None:
    """The directory readers should open, or None when nothing was ever ingested."""
    base = root(home)
    try:
        name = (base / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        name = ""
    if name and not name.startswith(".") and "/" not in name and (base / name).is_dir():
        return base / name
    if (base / LEGACY_MARKER).is_file():
        return base
    return None


@contextmanager
def staged(home: Path) -> Iterator[Path]:
    """A copy of the current generation to write into; made current only if the block succeeds."""
    base = root(home)
    base.mkdir(parents=True, exist_ok=True)
    prune(home)
    live = current(home)
    new = base / f"{PREFIX}{uuid.uuid4().hex[:12]}"
    if live is None:
        new.mkdir()
    elif live == base:
        # From the pre-generation layout copy only Chroma's files, not our own.
        shutil.copytree(live, new, ignore=lambda d, names: [
            n for n in names if n == POINTER or n.startswith(PREFIX) or n.startswith(".")]
            if Path(d) == live else [])
    else:
        shutil.copytree(live, new)
    log.debug("写入副本 %s（来自 %s）", new.name, live.name if live else "空存储库")
    try:
        yield new
    except BaseException:
        log.debug("写入失败，丢弃副本 %s", new.name)
        shutil.rmtree(new, ignore_errors=True)
        raise
    _point_at(base, new.name)
    log.debug("CURRENT → %s", new.name)
    prune(home)


def prune(home: Path) -> None:
    """Remove every generation but the current one (leftovers of killed or failed ingests)."""
    base = root(home)
    live = current(home)
    if not base.is_dir():
        return
    for entry in base.iterdir():
        if entry == live or entry.name in (POINTER,):
            continue
        if entry.name.startswith(PREFIX) and entry.is_dir():
            log.debug("删除旧版本 %s", entry.name)
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(f".{POINTER}."):  # a pointer a killed ingest never renamed
            with contextlib.suppress(OSError):
                entry.unlink()
        elif live is not None and live != base and _is_legacy_entry(entry):
            # The pre-generation store has been copied into a generation by now.
            with contextlib.suppress(OSError):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()


def _point_at(base: Path, name: str) -> None:
    tmp = base / f".{POINTER}.{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, base / POINTER)
    with contextlib.suppress(OSError):  # durability of the rename; not possible on every OS
        fd = os.open(base, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _is_legacy_entry(entry: Path) -> bool:
    # Chroma's own files: the SQLite database (and its journal) and one directory per segment.
    return entry.name.startswith(LEGACY_MARKER) or (entry.is_dir() and _looks_like_uuid(entry.name))


def _looks_like_uuid(name: str) -> bool:
    try:
        uuid.UUID(name)
        return True
    except ValueError:
        return False
