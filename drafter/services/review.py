"""The review job: rules (and, when asked, offline rewrites) over forms already read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from drafter.config import ReviewConfig
from drafter.model import Form
from drafter.rules.finding import Finding


@dataclass
class ReviewResult:
    findings: list[Finding]
    summary: dict[str, Any]
    rules: list[Any]
    batch: Sequence[tuple[str, list[Form]]]
    # Lines about the model's second review (review --llm), for stderr or the page.
    notes: list[str] = field(default_factory=list)


def load_config(path: str | Path | None) -> ReviewConfig:
    """The review configuration (weights, grades, thresholds); InputError when it is unusable."""
    from drafter.config import load_config as load
    return load(path)


def rules_for(select: Sequence[str] | None = None, ignore: Sequence[str] | None = None) -> list[Any]:
    """The rules to run; ``SelectionError`` when ``select``/``ignore`` name no rule."""
    from drafter.rules import select_rules
    return select_rules(select, ignore)


def review(batch: Sequence[tuple[str, list[Form]]], *, config: ReviewConfig | None = None,
           rules: list[Any] | None = None, suggest: bool = False, model: Any = None,
           jobs: int = 1) -> ReviewResult:
    """Findings and summary for ``batch`` under ``rules`` (default: all of them).

    With ``model`` (an LLM client), the model critiques every target form after the rules
    (drafter.critique, ``jobs`` calls at a time) and its L-code findings are merged in; without
    one, the L codes are left out of ``rules`` (nothing ran them).
    """
    from drafter.rules import review_forms, summarize
    rules = rules if rules is not None else rules_for()
    findings = review_forms(batch, config, rules=rules)
    notes: list[str] = []
    if model is not None:
        from drafter.critique import second_review
        findings, notes = second_review(batch, findings, model, jobs=jobs,
                                        selected={r.code for r in rules if r.by_model})
    else:
        rules = [r for r in rules if not r.by_model]
    if suggest:
        from drafter.suggest import add_suggestions
        findings = add_suggestions(findings, batch)
    return ReviewResult(findings, summarize(findings, batch), rules, batch, notes)


def placed_findings(batch: Sequence[tuple[str, list[Form]]], findings: list[Finding]) -> tuple[list[Form], list[Finding]]:
    """All forms in one list and findings re-indexed into it: the shape one workbook needs."""
    from dataclasses import replace
    forms: list[Form] = []
    offset: dict[str, int] = {}
    for source, source_forms in batch:
        offset[source] = len(forms)
        forms.extend(source_forms)
    return forms, [replace(f, form_index=offset.get(f.source, 0) + f.form_index) for f in findings]


def review_xlsx(batch: Sequence[tuple[str, list[Form]]], findings: list[Finding]) -> bytes:
    """The reviewed forms, findings as cell comments on their rows, and a 审核意见 sheet."""
    from drafter.render.xlsx import forms_to_xlsx
    forms, placed = placed_findings(batch, findings)
    return forms_to_xlsx(forms, placed)
