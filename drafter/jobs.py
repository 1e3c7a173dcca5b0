"""How much drafter does at once: one ``--jobs`` option and one ``DRAFTER_JOBS`` variable.

Every command that can work on several things at the same time (LLM calls today; reading and
rules in processes later) takes its concurrency from :func:`resolve_jobs`, so the option, the
variable, the default and the error messages exist once. The value is a ceiling, not a promise:
a run with fewer pieces of work than ``jobs`` uses fewer workers.
"""

from __future__ import annotations

import os
from typing import Any, Mapping, Optional

from drafter.errors import InputError

ENV = "DRAFTER_JOBS"
DEFAULT_JOBS = 4
# A typo such as 4000 would open thousands of sockets to a provider that rate-limits at 50.
MAX_JOBS = 64


def jobs_option() -> Any:
    """The Typer option every command that runs things concurrently declares as ``jobs``."""
    import typer

    return typer.Option(None, "--jobs", "-j",
                        help=f"同时进行的大模型调用数（默认取 {ENV}，否则 {DEFAULT_JOBS}；1 = 逐个调用）")


def resolve_jobs(option: Optional[int] = None, env: Optional[Mapping[str, str]] = None) -> int:
    """``--jobs`` if given, else ``DRAFTER_JOBS``, else :data:`DEFAULT_JOBS`; InputError when invalid."""
    if option is not None:
        return _checked(option, "--jobs", str(option))
    raw = (os.environ if env is None else env).get(ENV, "").strip()
    if not raw:
        return DEFAULT_JOBS
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"{ENV} 必须是正整数：{raw!r}") from None
    return _checked(value, ENV, raw)


def _checked(value: int, name: str, raw: str) -> int:
    if value < 1:
        raise InputError(f"{name} 必须是正整数（至少为 1）：{raw}")
    if value > MAX_JOBS:
        raise InputError(f"{name} 最大为 {MAX_JOBS}：{raw}")
    return value
