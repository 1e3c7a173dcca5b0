"""The deductions job: self-evaluations in, a report of lost points and measures out."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from drafter.model import Form

Note = Callable[[str], None]


def llm_client(note: Note, use_cache: bool = True) -> Any:
    """The LLM client when configuration names one; None (offline, announced) otherwise.

    Raises ConfigError when the configuration names a provider that cannot be used.
    """
    from drafter.llm.profiles import resolve

    settings, reason = resolve()
    if settings is None:
        note(f"使用离线规则引擎（{reason}）")
        return None
    from drafter.llm.client import LLMClient
    note(f"使用大模型 {settings.model}（{settings.profile}）分类并生成改进措施")
    return LLMClient(settings, use_cache=use_cache)


_RESOLVE = object()


def analyse_deductions(batch: Sequence[tuple[str, list[Form]]], *, offline: bool = False,
                       note: Note = lambda _m: None, client: Any = _RESOLVE, jobs: int = 1,
                       use_cache: bool = True) -> Any:
    """A :class:`~drafter.deductions.records.Report`; its ``notes`` are also passed to ``note``.

    ``client`` is the LLM client a caller already resolved (None: offline, already announced);
    left out, configuration picks one here. ``jobs`` calls run at once.
    """
    from drafter.deductions.analyse import analyse
    if offline:
        note("使用离线规则引擎（使用了 --offline）")
        client = None
    elif client is _RESOLVE:
        client = llm_client(note, use_cache)
    report = analyse(batch, client=client, note=note, jobs=jobs)
    if client is not None:
        report.notes.extend(client.log.notes)  # the call log moved aside or skipped
    for line in report.notes:
        note(line)
    return report
