"""Reading the files a job was given: the readable ones become forms, the others one line each."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from drafter.errors import InputError
from drafter.model import Form

Batch = list[tuple[str, list[Form]]]


@dataclass
class Sources:
    """``good``: (source name, forms) per readable file, in input order; ``bad``: one line each."""

    good: Batch = field(default_factory=list)
    bad: list[str] = field(default_factory=list)


def read_named(files: Sequence[tuple[Path, str]]) -> Sources:
    """Read each ``(path, name)``; findings and errors quote ``name``, never the path.

    The web saves uploads under a temporary folder: the user named the file, so the user's name is
    what every finding and message shows, and no server path reaches the page.
    """
    from drafter.read import read_file
    out = Sources()
    for path, name in files:
        try:
            out.good.append((name, read_file(path)))
        except InputError as e:
            out.bad.append(str(InputError(e.args[0], name)) if e.source is not None else str(e))
    return out


def read_paths(paths: Sequence[str | Path]) -> Sources:
    """Files named and the readable files inside directories named; InputError when there is none."""
    from drafter.read import expand_paths
    files = expand_paths([str(p) for p in paths])
    if not files:
        raise InputError("没有找到输入文件 (no input files)")
    return read_named([(f, str(f)) for f in files])


def unique_paths(paths: Sequence[str]) -> list[str]:
    """Each file once, even when named directly and again inside a directory: no double counting."""
    from drafter.read import expand_paths
    seen: set[Path] = set()
    out: list[str] = []
    for f in expand_paths(list(paths)):
        try:
            key = f.resolve() if f.exists() else f
        except (OSError, RuntimeError):  # a name too long, a symlink loop: read_file says why
            key = f
        if key not in seen:
            seen.add(key)
            out.append(str(f))
    return out or list(paths)
