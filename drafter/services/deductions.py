"""The deductions job: self-evaluations in, a report of lost points and measures out."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from drafter.model import Form

Note = Callable[[str], None]


def llm_client(note: Note) -> Any:
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
    return LLMClient(settings)


def analyse_deductions(batch: Sequence[tuple[str, list[Form]]], *, offline: bool = False,
                       note: Note = lambda _m: None) -> Any:
    """A :class:`~drafter.deductions.records.Report`; its ``notes`` are also passed to ``note``."""
    from drafter.deductions.analyse import analyse
    if offline:
        note("使用离线规则引擎（使用了 --offline）")
        client = None
    else:
        client = llm_client(note)
    report = analyse(batch, client=client, note=note)
    if client is not None:
        report.notes.extend(client.log.notes)  # the call log moved aside or skipped
    for line in report.notes:
        note(line)
    return report
