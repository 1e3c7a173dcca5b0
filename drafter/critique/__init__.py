"""``review --llm``: the model as a second reviewer after the rules.

:mod:`.schema` is what the model must answer and the checks that make it re-ask, :mod:`.evidence`
retrieves similar indicators from the store, :mod:`.engine` builds the calls and runs them
``--jobs`` at a time, :mod:`.findings` turns answers into L-code findings merged with the rules'.
``drafter draft`` asks the same critique of a draft the model wrote (drafter.draft.critique_round).
"""

from __future__ import annotations

import uuid
from typing import Sequence

from drafter.model import Form
from drafter.rules.finding import Finding


def second_review(batch: Sequence[tuple[str, list[Form]]], rule_findings: list[Finding], client: object,
                  jobs: int = 1, selected: set[str] | None = None, run_id: str | None = None,
                  find_evidence: object | None = None) -> tuple[list[Finding], list[str]]:
    """Rule findings merged with the model's critique of every target form; and notes for stderr."""
    from drafter.critique.engine import critique
    from drafter.critique.findings import llm_findings, merge

    run = critique(batch, rule_findings, client, run_id or uuid.uuid4().hex[:12], jobs=jobs,  # type: ignore[arg-type]
                   find_evidence=find_evidence)  # type: ignore[arg-type]
    found = llm_findings(run, selected)
    merged = merge(rule_findings, found, [s for s, _ in batch])
    notes = list(run.notes)
    answered = sum(1 for a in run.answers if a.critique is not None)
    if run.answers:
        tokens = "—" if run.tokens is None else str(run.tokens)
        new = sum(1 for f in merged if f.origin == "llm")
        agreed = sum(1 for f in merged if f.origin == "rules+llm")
        notes.append(f"模型复核 {answered}/{len(run.answers)} 次调用成功：请求 {run.calls} 次，"
                     f"按校验意见重问 {run.reasks} 次，词元 {tokens}；新增模型意见 {new} 条，"
                     f"与规则意见合并 {agreed} 条（详见 drafter logs）")
    return merged, notes
