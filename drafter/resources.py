"""Where the built-in corpus, the prompts and drafter's own data live.

A wheel carries ``corpus/`` and ``prompts/`` inside the package (``drafter/_data``); a source
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


def prompts_dir() -> Path:
    return _data_dir("prompts")


def home_dir() -> Path:
    """DRAFTER_HOME, or the XDG data dir; created on first use."""
    env = os.environ.get("DRAFTER_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "drafter"
    path.mkdir(parents=True, exist_ok=True)
    return path
