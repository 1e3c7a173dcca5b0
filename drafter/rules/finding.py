"""What a rule reports: the `review --format json` contract (../shared/design.md)."""

from __future__ import annotations

from typing import Literal

from dataclasses import dataclass, field

Severity = Literal["error", "warning", "info"]

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}
SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(slots=True)
class Finding:
    """One problem in one form (``indicator_index`` null) or in one of its indicators.

    A slotted dataclass, not a pydantic model: a batch of 10,000 forms yields a quarter of a
    million findings, and a model instance costs six times the memory (its fields-set and
    ``__dict__``). Findings are made only by the engine, so there is nothing to validate;
    pydantic-core still serialises them field by field in declaration order.
    """

    code: str
    severity: Severity
    source: str
    form_index: int
    indicator_index: int | None = None
    indicator_name: str | None = None
    message: str = ""
    suggestion: str | None = None
    tags: list[str] = field(default_factory=list)
    # The clause or guide the finding rests on (the rule's basis; LLM findings may cite their own).
    basis: str | None = None
    # The form's project: what a later review round matches findings by, with the indicator name.
    project_name: str | None = None
    # Review rounds (--baseline / --accept): "new", "remaining" or "accepted"; null otherwise.
    status: str | None = None
    accepted_reason: str | None = None
    # Who found it: "rules", "llm" (review --llm, L codes) or "rules+llm" (a rule finding the
    # model's critique agreed with and added its rewrite to: one finding, not two).
    origin: str = "rules"


def at_least(severity: str, level: str) -> bool:
    """Does ``severity`` reach ``level`` (error > warning > info)?"""
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[level]
