"""What `drafter deductions` produces: one record per lost point, the measures, the summary.

Field names of :class:`Deduction` and the top of :class:`Report` are the JSON contract of
../shared/design.md ("deductions"): ``source, agency, project_name, indicator_name, level1, level2,
weight, score, lost, reason, measure, category, improvement_measures`` and ``summary`` with
``by_category``, ``by_agency``, ``total_lost``. Everything else is added alongside, never renamed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

BUDGET_INDICATOR = "预算执行率"
NO_INDICATOR_NAME = "（未填指标名称）"

MeasureSource = Literal["note", "template", "llm"]

# Flags on a deduction: what is wrong with its explanation (or with the row itself).
FLAGS: dict[str, str] = {
    "no_note": "扣分无说明",
    "boilerplate": "说明是套话",
    "no_cause": "缺少偏差原因",
    "no_measure": "缺少改进措施",
    "repeated": "与其他指标的说明雷同",
    "garbled": "说明文字疑似识别错误",
    "target_met": "实际值已达目标值仍扣分",
    "score_derived": "得分由执行率推算",
    "truncated": "说明过长，已截断",
}
# A deviation note is a cell of a form, a few hundred characters; one of megabytes is pasted
# noise, and splitting it into measures would multiply it (one note of 14 MB made 400,001
# measures and 134 MB of output). Longer notes are cut and flagged "truncated".
MAX_NOTE_CHARS = 5000
MAX_MEASURES_PER_NOTE = 10
MAX_MEASURE_CHARS = 300


def bounded(text: str | None, limit: int) -> tuple[str | None, bool]:
    """``text`` cut to ``limit`` characters (with "…"), and whether it was cut."""
    if text is None or len(text) <= limit:
        return text, False
    return text[:limit] + "…", True


class Measure(BaseModel):
    """One improvement measure: who does what by when, measured how, protecting which indicator."""

    action: str
    owner: str | None = None
    deadline: str | None = None
    target: str | None = None
    indicator: str | None = None
    source: MeasureSource = "template"


class Deduction(BaseModel):
    source: str
    form_index: int
    indicator_index: int | None = None  # None for the budget-execution row
    agency: str | None = None
    project_name: str | None = None
    year: int | None = None
    indicator_name: str
    level1: str | None = None
    level2: str | None = None
    target: str | None = None
    actual: str | None = None
    weight: float
    score: float
    lost: float
    note: str | None = None  # the deviation text as printed on the form
    reason: str = ""  # its cause part (偏差原因)
    measure: str = ""  # its measure part (改进措施)
    category: str = "unexplained"
    category_name: str = ""
    confidence: Literal["high", "medium", "low"] | None = "low"  # None: judged by the LLM
    cues: list[str] = Field(default_factory=list)
    classified_by: str = "rules"
    flags: list[str] = Field(default_factory=list)
    improvement_measures: list[Measure] = Field(default_factory=list)

    @property
    def indicator_label(self) -> str:
        """The name for people; the data keeps what the form printed (possibly nothing)."""
        return self.indicator_name or NO_INDICATOR_NAME

    @property
    def has_note(self) -> bool:
        return "no_note" not in self.flags and "boilerplate" not in self.flags


class Report(BaseModel):
    engine: str = "offline"
    deductions: list[Deduction]
    summary: dict[str, Any]
    notes: list[str] = Field(default_factory=list)
