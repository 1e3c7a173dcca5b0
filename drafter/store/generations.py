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

A generation is deleted only when it is proven dead: superseded (``CURRENT`` names another one)
or abandoned (it still carries the ``.drafter-incomplete`` mark an ingest sets while writing).
A damaged ``CURRENT`` (empty, not UTF-8, naming a missing generation) proves nothing: readers
use the newest complete generation, and the next ingest points ``CURRENT`` back at it
(:func:`repair`) instead of starting from an empty store and deleting the others.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

log = logging.getLogger("drafter.store")

POINTER = "CURRENT"
PREFIX = "gen-"
LEGACY_MARKER = "chroma.sqlite3"
# Set in a generation while an ingest writes it, replaced by COMPLETE (a time stamp) just before
# CURRENT switches to it.
INCOMPLETE = ".drafter-incomplete"
COMPLETE = ".drafter-complete"


def root(home: Path) -> Path:
    return home / "chroma"


def _damaged(base: Path) -> str:
    return (f"存储库指针 {base / POINTER} 已损坏，且没有可用的完整版本，请运行 drafter ingest 重建 "
            f"(store pointer is damaged: run `drafter ingest` to repair it)")


def _not_a_directory(base: Path) -> str:
    return (f"{base} 不是目录，存储库无法使用，运行 drafter ingest 会把它移到一旁并重建 "
            f"(store path is not a directory: run `drafter ingest` to repair it)")


def _pointer(base: Path) -> tuple[Path | None, bool]:
    """(the generation CURRENT names, whether CURRENT exists but names nothing usable)."""
    from drafter.store import StoreError

    if base.exists() and not base.is_dir():
        raise StoreError(_not_a_directory(base))
    try:
        name = (base / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None, False
    except (OSError, UnicodeDecodeError):  # not UTF-8, a directory, unreadable
        return None, True
    if name and not name.startswith(".") and "/" not in name and (base / name).is_dir():
        return base / name, False
    return None, True


def complete_generations(base: Path) -> list[Path]:
    """Generations no ingest is writing (or was killed writing), newest first."""
    found = []
    with contextlib.suppress(OSError):
        for entry in base.iterdir():
            if entry.name.startswith(PREFIX) and entry.is_dir() and not (entry / INCOMPLETE).exists():
                found.append((_completed_at(entry), entry))
    return [entry for _, entry in sorted(found, key=lambda x: x[0], reverse=True)]


def _completed_at(gen: Path) -> tuple[int, float]:
    try:
        return 1, float((gen / COMPLETE).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        # Made before the stamp existed: the database's own modification time.
        with contextlib.suppress(OSError):
            return 0, (gen / LEGACY_MARKER).stat().st_mtime
        return 0, 0.0


def current(home: Path) -> Path | None:
    """The directory readers should open, or None when nothing was ever ingested.

    With CURRENT damaged or missing while complete generations exist, the newest of them (the
    one the pointer named, short of a clock jump): reading it harms nothing. StoreError (one line)
    when the store cannot be used at all.
    """
    from drafter.store import StoreError

    base = root(home)
    live, damaged = _pointer(base)
    if live is not None:
        return live
    adopted = complete_generations(base)
    if adopted:
        log.debug("CURRENT 无效，读取最新的完整版本 %s", adopted[0].name)
        return adopted[0]
    if damaged:
        raise StoreError(_damaged(base))
    if (base / LEGACY_MARKER).is_file():
        return base
    return None


def repair(home: Path) -> list[str]:
    """Make the store's layout sound before an ingest writes; what was done, one line each.

    Holds only under the exclusive store lock. Nothing is deleted here: a file where the store
    directory should be is moved aside, a damaged pointer is pointed at the newest complete
    generation (or removed when there is none, so the store reads as empty).
    """
    base = root(home)
    notes: list[str] = []
    if base.exists() and not base.is_dir():
        aside = base.with_name(f"{base.name}.not-a-store-{uuid.uuid4().hex[:8]}")
        os.replace(base, aside)
        notes.append(f"{base} 不是目录，已移到 {aside}，重新建立存储库 (moved aside)")
        return notes
    live, damaged = _pointer(base)
    if live is not None or not (damaged or complete_generations(base)):
        return notes
    adopted = complete_generations(base)
    if adopted:
        _point_at(base, adopted[0].name)
        notes.append(f"存储库指针 {base / POINTER} 无效，已恢复为最新的完整版本 {adopted[0].name} "
                     f"(pointer repaired)")
    else:
        if (base / POINTER).is_dir():
            shutil.rmtree(base / POINTER)
        else:
            os.unlink(base / POINTER)
        notes.append(f"存储库指针 {base / POINTER} 无效，且没有完整的版本，重新建立存储库 (pointer reset)")
    return notes


@contextmanager
def staged(home: Path) -> Iterator[Path]:
    """A copy of the current generation to write into; made current only if the block succeeds."""
    base = root(home)
    base.mkdir(parents=True, exist_ok=True)
    prune(home)
    live = current(home)
    new = base / f"{PREFIX}{uuid.uuid4().hex[:12]}"
    # Marked before anything is copied: a kill during the copy leaves a generation known dead.
    new.mkdir()
    (new / INCOMPLETE).touch()
    try:
        if live == base:
            # From the pre-generation layout copy only Chroma's files, not our own.
            shutil.copytree(live, new, dirs_exist_ok=True, ignore=lambda d, names: [
                n for n in names if n == POINTER or n.startswith(PREFIX) or n.startswith(".")]
                if Path(d) == live else [])
        elif live is not None:
            shutil.copytree(live, new, dirs_exist_ok=True, ignore=shutil.ignore_patterns(COMPLETE))
        log.debug("写入副本 %s（来自 %s）", new.name, live.name if live else "空存储库")
        yield new
    except BaseException:
        log.debug("写入失败，丢弃副本 %s", new.name)
        shutil.rmtree(new, ignore_errors=True)
        raise
    (new / COMPLETE).write_text(f"{time.time():.6f}\n", encoding="utf-8")
    os.unlink(new / INCOMPLETE)
    _point_at(base, new.name)
    log.debug("CURRENT → %s", new.name)
    prune(home)


def prune(home: Path) -> None:
    """Remove the generations proven dead (superseded, or left by killed or failed ingests)."""
    base = root(home)
    if not base.is_dir():
        return
    live, _ = _pointer(base)
    for entry in base.iterdir():
        if entry == live or entry.name in (POINTER,):
            continue
        if entry.name.startswith(PREFIX) and entry.is_dir():
            if live is None and not (entry / INCOMPLETE).exists():
                continue  # no sound CURRENT says it was superseded: keep it
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
