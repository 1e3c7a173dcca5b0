"""What the model returns when it reads a form the reader could not, and what it may not invent.

Two kinds of check, on purpose:

* the schema's validators (a name on every row, numbers where scores go, at least one indicator)
  make instructor re-ask with their Chinese message: the answer was malformed;
* grounding (:func:`ground`) runs after validation and never re-asks: every name and value must
  occur in the source text after whitespace and width normalisation, and whatever does not is
  dropped and reported. A model asked again to "find" a value that is not there would make one up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from drafter.model import Form, Indicator
from drafter.values import parse_value

_QUIET = ConfigDict(hide_input_in_errors=True)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")


class ExtractedIndicator(BaseModel):
    model_config = _QUIET

    level1: str | None = Field(default=None, description="一级指标，照抄原文")
    level2: str | None = Field(default=None, description="二级指标，照抄原文")
    name: str = Field(description="三级指标名称，照抄原文")
    target: str | None = Field(default=None, description="指标值/年度指标值，照抄原文（如 ≥95%）")
    actual: str | None = Field(default=None, description="实际完成值（自评表），照抄原文")
    weight: str | None = Field(default=None, description="分值，数字")
    score: str | None = Field(default=None, description="得分，数字")

    @field_validator("name")
    @classmethod
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("name 不能为空：照抄原文中的三级指标名称；没有名称的行不要输出")
        return v.strip()

    @field_validator("weight", "score", mode="before")
    @classmethod
    def _number(cls, v: object) -> str | None:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        text = str(v).strip()
        if not _NUMBER.match(text):
            raise ValueError("weight 和 score 只能是原文中的数字（如 10 或 9.5）；原文没有时写 null")
        return text


class ExtractedForm(BaseModel):
    model_config = _QUIET

    kind: Literal["target", "self_eval"] = Field(description="target = 绩效目标申报表；self_eval = 绩效自评表")
    project_name: str | None = Field(default=None, description="项目名称，照抄原文")
    agency: str | None = Field(default=None, description="实施单位/申报单位，照抄原文")
    year: int | None = Field(default=None, description="年度")
    annual_goal: str | None = Field(default=None, description="年度目标，照抄原文")
    indicators: list[ExtractedIndicator] = Field(description="表中的每个三级指标，按原文顺序")

    @field_validator("indicators")
    @classmethod
    def _some(cls, v: list[ExtractedIndicator]) -> list[ExtractedIndicator]:
        if not v:
            raise ValueError("indicators 不能为空：把原文中每个三级指标（名称和指标值）各写一行")
        return v


class Extraction(BaseModel):
    model_config = _QUIET

    forms: list[ExtractedForm] = Field(description="原文中的每张绩效目标表或自评表")


def normalise(text: str) -> str:
    """Width folded (NFKC: full-width digits, ％, ＞), all whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class Grounded:
    forms: list[Form] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    rows: int = 0


def ground(answer: Extraction, source_text: str) -> Grounded:
    """The answer as Forms, keeping only names and values that occur in ``source_text``."""
    hay = normalise(source_text)
    out = Grounded()

    def found(value: str | None) -> bool:
        return value is not None and bool(normalise(value)) and normalise(value) in hay

    def keep(value: str | None, what: str) -> str | None:
        if value is None or not value.strip():
            return None
        if found(value):
            return value.strip()
        out.dropped.append(f"{what}“{value.strip()[:40]}”")
        return None

    for ef in answer.forms:
        indicators = []
        for row in ef.indicators:
            if not found(row.name):
                out.dropped.append(f"指标“{row.name[:40]}”（整行）")
                continue
            target = keep(row.target, f"“{row.name[:20]}”的指标值")
            v = parse_value(target)
            weight, score = keep(row.weight, f"“{row.name[:20]}”的分值"), keep(row.score, f"“{row.name[:20]}”的得分")
            indicators.append(Indicator(
                level1=keep(row.level1, "一级指标"), level2=keep(row.level2, "二级指标"), name=row.name.strip(),
                target_raw=target, op=v.op, value=v.value, unit=v.unit, qualitative=v.qualitative,
                actual_raw=keep(row.actual, f"“{row.name[:20]}”的实际完成值"),
                weight=None if weight is None else float(weight), score=None if score is None else float(score)))
        if not indicators:
            continue
        year = ef.year if ef.year is not None and str(ef.year) in hay else None
        if ef.year is not None and year is None:
            out.dropped.append(f"年度“{ef.year}”")
        out.rows += len(indicators)
        out.forms.append(Form(kind=ef.kind, year=year, project_name=keep(ef.project_name, "项目名称"),
                              agency=keep(ef.agency, "实施单位"), annual_goal=keep(ef.annual_goal, "年度目标"),
                              indicators=indicators))
    return out
