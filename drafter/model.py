"""The one vocabulary of the code: forms, indicators and their money blocks.

Field names are a public contract (``../shared/design.md``, "JSON contracts"): scripts and users
read ``parse --format json`` output, and every command accepts it back as input. Missing values
are ``None`` (``null``), never invented.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_serializer

from drafter.dates import parse_date

Op = Literal["=", "≥", "≤", ">", "<"]
FormKind = Literal["target", "self_eval"]

# Fields only a drafted indicator carries; parsed forms leave them out of their JSON.
DRAFT_FIELDS = ("baseline", "basis", "evidence", "refs")


class Indicator(BaseModel):
    """One 三级 indicator row with its place in the 一级/二级 tree."""

    model_config = ConfigDict(extra="ignore")

    level1: str | None = None
    level2: str | None = None
    name: str
    target_raw: str | None = None
    op: Op | None = None
    value: float | None = None
    unit: str | None = None
    qualitative: str | None = None
    # Self-evaluation columns.
    actual_raw: str | None = None
    weight: float | None = None
    score: float | None = None
    deviation: str | None = None
    # Drafted indicators only.
    baseline: str | None = None
    basis: str | None = None
    evidence: str | None = None
    refs: list[str] | None = None
    # A 中期/长期 target printed beside the annual one (the annual one is ``target_raw``).
    longterm_raw: str | None = None
    # Where the row was read: "line 12" in a text, a sheet cell or page for other kinds. Lets a
    # user check every value against the form; drafted indicators have none.
    source: str | None = None

    @model_serializer(mode="wrap")
    def _drop_empty_draft_fields(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        for k in ("source", "longterm_raw"):
            if data.get(k) is None:
                data.pop(k, None)
        if all(data.get(k) is None for k in DRAFT_FIELDS):
            for k in DRAFT_FIELDS:
                data.pop(k, None)
        return data


class Funds(BaseModel):
    """Money block of a target form (项目资金)."""

    model_config = ConfigDict(extra="ignore")

    total: float | None = None
    fiscal: float | None = None
    carryover: float | None = None
    other: float | None = None
    unit: str | None = None


class Budget(BaseModel):
    """Budget-execution block of a self-evaluation (年初预算数 / 全年预算数 / 全年执行数)."""

    model_config = ConfigDict(extra="ignore")

    unit: str | None = None
    initial: float | None = None
    adjusted: float | None = None
    executed: float | None = None
    rate_pct: float | None = None
    weight: float | None = None
    score: float | None = None


class Form(BaseModel):
    """A target form (绩效目标申报表) or a self-evaluation (绩效自评表)."""

    model_config = ConfigDict(extra="ignore")

    kind: FormKind = "target"
    year: int | None = None
    project_name: str | None = None
    department: str | None = None
    agency: str | None = None
    project_type: str | None = None
    # 项目性质 as printed (经常性 / 一次性 / 其他一次性项目 …); drafting reads it via drafter.nature.
    project_nature: str | None = None
    # 计划开始日期 / 计划完成日期: the project period.
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    annual_goal: str | None = None
    funds: Funds | None = None
    budget: Budget | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    total_score: float | None = None
    grade: str | None = None
    # Read by OCR from a scan or image: names and values may hold recognition errors.
    ocr: bool = False

    @field_validator("planned_start", "planned_end", mode="before")
    @classmethod
    def _date(cls, v: Any, info: ValidationInfo) -> Any:
        # JSON written by hand carries dates as forms print them ("2024年1月1日"); a string that is
        # no date is refused (the reader's one-line InputError names the field).
        if isinstance(v, str):
            if not v.strip():
                return None
            d = parse_date(v, end=info.field_name == "planned_end")
            if d is None:
                raise ValueError("not a date")
            return d
        return v


class ParsedFile(BaseModel):
    """What `drafter parse --format json` prints for one input file."""

    source: str
    forms: list[Form]
    # Set only when the reader found no form and ``--llm-read`` had the model read the file:
    # every row then came from the model ("llm"), and ``dropped`` lists what it gave that the
    # text does not contain. Left out of the JSON otherwise.
    read_by: str | None = None
    dropped: list[str] | None = None
