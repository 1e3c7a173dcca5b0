"""Where the built-in corpus, the prompts and drafter's own data live.

A wheel carries ``corpus/``, ``library/`` and ``prompts/`` inside the package (``drafter/_data``); a source
checkout has them at the repository root. User data (store, LLM log, cache) goes under
``DRAFTER_HOME``, by default a per-user data directory.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    packaged = _PKG / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PKG.parent / name


def corpus_dir() -> Path:
    """The built-in corpus: the five public seed forms shipped with drafter."""
    return _data_dir("corpus")


def labelled_dir() -> Path:
    """Hand-labelled forms (``*.gold.json``) that ``drafter eval --task review`` scores by default."""
    return _data_dir("labelled")


def library_dir() -> Path:
    """The curated indicator library (library.jsonl, sectors.json, types.json)."""
    return _data_dir("library")


def prompts_dir() -> Path:
    return _data_dir("prompts")


def home_path() -> Path:
    """Where DRAFTER_HOME is (the XDG data dir by default), without creating it."""
    env = os.environ.get("DRAFTER_HOME")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "drafter"


def home_dir() -> Path:
    """DRAFTER_HOME, created on first use; HomeError (one line naming it) when it cannot be used."""
    from drafter.errors import HomeError, quote_name

    path = home_path()
    try:
        path.mkdir(parents=True, exist_ok=True)
        if not path.is_dir():
            raise NotADirectoryError(20, "Not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as e:
        why = "是文件而不是目录" if isinstance(e, (FileExistsError, NotADirectoryError)) and path.exists() \
            else (e.strerror or type(e).__name__)
        raise HomeError(f"DRAFTER_HOME {quote_name(path)} 无法使用：{why}，请设置为一个可写的目录 "
                        f"(DRAFTER_HOME is not a usable directory)") from None
    return path
