"""Numbers read from environment variables, checked once for every variable drafter reads.

``float()`` accepts ``nan``, ``inf`` and ``1e9``; a timeout of ``nan`` or a billion retries would
make drafter hang or spin rather than fail. Every numeric variable goes through :func:`number`
with its range, and a bad value is one line naming the variable.
"""

from __future__ import annotations

import math
from typing import Mapping


class EnvError(ValueError):
    """A numeric environment variable out of its range; callers re-raise it as their error."""


def number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float,
           integer: bool = False, low_open: bool = False) -> float:
    """``env[name]`` as a number in [low, high] (``(low, high]`` with ``low_open``), else EnvError."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    kind = "整数" if integer else "数"
    bounds = f"{'大于' if low_open else ''}{low:g} 到 {high:g} 之间的{kind}"
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    ok = math.isfinite(value) and (value > low if low_open else value >= low) and value <= high
    if ok and integer:
        ok = value == int(value)
    if not ok:
        raise EnvError(f"环境变量 {name} 应为{bounds}，现为 {shown!r} "
                       f"({name} must be {'an integer' if integer else 'a number'} "
                       f"{'above' if low_open else 'from'} {low:g} to {high:g})")
    return int(value) if integer else value
