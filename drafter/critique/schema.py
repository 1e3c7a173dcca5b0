"""What the model returns when it critiques a form, and the checks that make it re-ask.

Every validator message goes back to the model verbatim when an answer fails (instructor's
re-ask), so each is a Chinese instruction: what is wrong and what to write instead. The facts the
validators need (which positions exist, which evidence ids were given, which numbers appear in
the form and the evidence, how to run the rules on a rewrite) are known only per request; they
travel in a ContextVar set by the caller, not in instructor's ``context=`` (which would re-render
the prompt as a Jinja template, tech-notes §1.5).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Iterator, Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator,
                      field_validator, model_validator)

from drafter.draft.schema import Basis, Level1, Level2, Op

Problem = Literal["unmeasurable", "unrelated_to_project", "goal_not_covered", "output_as_outcome",
                  "target_too_low", "unit_or_value_implausible", "wording"]
# goal_not_covered is about the form (a commitment with no indicator), not about one indicator.
INDICATOR_PROBLEMS: tuple[str, ...] = ("unmeasurable", "unrelated_to_project", "output_as_outcome",
                                       "target_too_low", "unit_or_value_implausible", "wording")

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# The model's own text can repeat hostile form text it was given as data: keep it out of errors.
_QUIET = ConfigDict(hide_input_in_errors=True)
# Length caps become maxLength/maxItems in the JSON schema, which a grammar-enforcing server
# (llama.cpp) turns into a hard stop: a small model that repeats itself ends a field there instead
# of running to the token limit. They are generous for a real reviewer's answer.
TEXT_MAX = 200
NAME_MAX = 60
SHORT_MAX = 20
REFS_MAX = 3


def _cap(message: str) -> WrapValidator:
    """pydantic words an over-long field in English; the model is re-asked in Chinese, like the rest."""
    def check(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as e:
            if any(err["type"] in ("string_too_long", "too_long") for err in e.errors()):
                raise ValueError(message) from None
            raise
    return WrapValidator(check)


Text = Annotated[str, Field(max_length=TEXT_MAX), _cap(f"最多 {TEXT_MAX} 个字：只写要点，不要重复")]
Name = Annotated[str, Field(max_length=NAME_MAX), _cap(f"指标名称最多 {NAME_MAX} 个字：写对象和口径即可")]
Short = Annotated[str, Field(max_length=SHORT_MAX), _cap(f"最多 {SHORT_MAX} 个字")]
Refs = Annotated[list[str], Field(max_length=REFS_MAX), _cap(f"refs 最多 {REFS_MAX} 个证据编号：只列最相关的")]


@dataclass(frozen=True)
class Facts:
    """What one request showed the model, for the validators to check its answer against."""

    positions: frozenset[int]
    evidence_ids: frozenset[str]
    numbers: frozenset[str]
    # Blocking rule findings for a rewrite of the indicator at ``position`` (Chinese lines).
    check_rewrite: Callable[[int, "Rewrite"], list[str]] = field(default=lambda _p, _r: [])


_facts: ContextVar[Facts | None] = ContextVar("drafter_critique_facts", default=None)


@contextmanager
def facts(value: Facts) -> Iterator[None]:
    token = _facts.set(value)
    try:
        yield
    finally:
        _facts.reset(token)


def numbers_in(text: str) -> set[str]:
    """Every number in ``text`` in a canonical spelling (95, 95.0 and 95.00 are one number)."""
    return {canonical(m) for m in _NUMBER.findall(text.replace(",", ""))}


def canonical(number: str | float | int) -> str:
    value = float(number)
    return str(int(value)) if value.is_integer() else f"{value:g}"


class Baseline(BaseModel):
    """A past value the rewrite is set against: taken from the evidence or the form, never invented."""

    model_config = _QUIET

    value: float = Field(description="基线数值（只能取自资料中的历史指标或本表）")
    year: int | None = Field(default=None, description="基线所属年度")
    source: Short = Field(description="基线出处：证据编号（如 E1）或“本表”")


class Rewrite(BaseModel):
    """A SMART replacement for one indicator."""

    model_config = _QUIET

    level1: Level1
    level2: Level2
    name: Name = Field(description="三级指标名称：可核验的对象 + 计量口径，不写“加强”“提升”")
    op: Op
    value: float
    unit: Short = Field(description="计量单位，如 %、次、份、户、万元")
    baseline: Baseline | None = Field(default=None, description="基线；资料中没有可用的历史值时为 null")
    basis: Basis = Field(description="取值依据")
    evidence: Text = Field(description="数据来源 / 佐证材料，如“验收报告”“满意度调查问卷”")

    @property
    def target_raw(self) -> str:
        return f"{self.op}{canonical(self.value)}{self.unit}"


class IndicatorCritique(BaseModel):
    model_config = _QUIET

    position: int = Field(description="资料中指标的序号 (position)")
    verdict: Literal["合格", "需修改"]
    problem: Problem | None = Field(default=None, description="问题类型；合格时为 null")
    critique: Text | None = Field(default=None, description="一两句中文：问题在哪里、为什么；合格时为 null")
    rewrite: Rewrite | None = Field(default=None, description="SMART 改写；合格时为 null")
    refs: Refs = Field(default_factory=list, description="所依据的证据编号，如 [\"E1\"]")

    @model_validator(mode="after")
    def _consistent(self) -> "IndicatorCritique":
        f = _facts.get()
        problems: list[str] = []
        where = f"序号 {self.position} 的指标"
        if f is not None and self.position not in f.positions:
            problems.append(f"序号 {self.position} 不存在：position 只能是资料中给出的序号 {sorted(f.positions)}")
        if self.verdict == "需修改":
            if self.problem is None or self.problem == "goal_not_covered":
                problems.append(f"{where}判为需修改时，problem 必须是 {'、'.join(INDICATOR_PROBLEMS)} 之一"
                                "（年度目标未被覆盖写在 uncovered 中）")
            if not (self.critique or "").strip():
                problems.append(f"{where}判为需修改时，critique 要用一两句话说明问题")
        if f is not None:
            unknown = [r for r in self.refs if r not in f.evidence_ids]
            if unknown:
                given = "、".join(sorted(f.evidence_ids)) or "（本次没有提供证据，refs 应为空列表）"
                problems.append(f"{where}的 refs 引用了未提供的证据 {unknown}；只能引用 {given}")
            if self.rewrite is not None:
                problems.extend(_rewrite_problems(self.position, self.rewrite, f))
        if problems:
            raise ValueError("；".join(problems))
        return self


def _rewrite_problems(position: int, rewrite: Rewrite, f: Facts) -> list[str]:
    out: list[str] = []
    where = f"序号 {position} 的改写"
    b = rewrite.baseline
    if b is not None:
        if canonical(b.value) not in f.numbers:
            out.append(f"{where}的基线数值 {canonical(b.value)} 在资料（本表和证据）中找不到：基线只能取自资料，"
                       "不要编造历史数据；没有可用的历史值时 baseline 写 null，basis 写“计划标准”或“行业标准”")
        if b.source != "本表" and b.source not in f.evidence_ids:
            out.append(f"{where}的基线出处 {b.source!r} 不是提供的证据编号，也不是“本表”")
        if b.year is not None and canonical(b.year) not in f.numbers:
            out.append(f"{where}的基线年度 {b.year} 在资料中找不到")
    for line in f.check_rewrite(position, rewrite):
        out.append(f"{where}没有通过审核规则：{line}")
    return out


class GoalGap(BaseModel):
    """A commitment of the annual goal that no indicator measures."""

    model_config = _QUIET

    commitment: Text = Field(description="年度目标中的承诺原文（摘录）")
    critique: Text = Field(description="为什么说没有指标衡量它")
    rewrite: Rewrite | None = Field(default=None, description="建议补充的指标")

    @model_validator(mode="after")
    def _addition_passes(self) -> "GoalGap":
        f = _facts.get()
        if f is not None and self.rewrite is not None:
            # Position 0: the suggested indicator is checked as an addition to the form.
            problems = _rewrite_problems(0, self.rewrite, f)
            if problems:
                raise ValueError("；".join(p.replace("序号 0 的改写", "uncovered 中建议补充的指标") for p in problems))
        return self


class FormCritique(BaseModel):
    model_config = _QUIET

    indicators: list[IndicatorCritique] = Field(description="对资料中每个指标各一条，按序号")
    uncovered: list[GoalGap] = Field(default_factory=list, description="年度目标中没有指标衡量的承诺")

    @model_validator(mode="after")
    def _every_position_once(self) -> "FormCritique":
        f = _facts.get()
        if f is None:
            return self
        got = [c.position for c in self.indicators]
        missing = sorted(f.positions - set(got))
        twice = sorted({p for p in got if got.count(p) > 1})
        problems = []
        if missing:
            problems.append(f"缺少序号 {missing} 的评价")
        if twice:
            problems.append(f"序号 {twice} 重复")
        if problems:
            raise ValueError("；".join(problems) + f"。indicators 必须对序号 {sorted(f.positions)} 各给出一条评价")
        return self
