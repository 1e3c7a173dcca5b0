"""What the model must return for a batch of deductions, and the checks that make it re-ask.

Validator messages go back to the model verbatim when an answer fails (instructor's re-ask), so
they are written as Chinese instructions: what is wrong and what to write instead.

Which row ids a batch must answer is only known per request; like ``drafter.draft.schema`` it
travels in a ContextVar rather than instructor's ``context=`` (which would re-render our
prompts as Jinja templates, tech-notes §1.5).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from drafter.deductions import categories as C

_expected_ids: ContextVar[frozenset[int] | None] = ContextVar("drafter_deduction_ids", default=None)

_DEADLINE = re.compile(r"\d{4}年|\d{1,2}月|[一二三四五六七八九十]{1,2}月|季度|年底|年末|年内|月底|上半年|下半年|"
                       r"每月|每周|每年|日前|前完成|之前")
_MEASURABLE = re.compile(r"\d|[%％≥≤]|百分之|全部|零")
_SLOGAN = re.compile(r"^(?:进一步)?(?:加强|强化|完善|提升|提高|优化|做好|抓好)(?:管理|工作|服务|力度)?[。.]?$")


@contextmanager
def expected_ids(ids: set[int] | frozenset[int]) -> Iterator[None]:
    token = _expected_ids.set(frozenset(ids))
    try:
        yield
    finally:
        _expected_ids.reset(token)


# Errors go back to the model as the re-ask instruction; the input they would quote is the
# model's own text, which may repeat a hostile note it was given as data.
_QUIET = ConfigDict(hide_input_in_errors=True)


class SmartMeasure(BaseModel):
    """One SMART improvement measure."""

    model_config = _QUIET

    action: str = Field(description="具体行动：做什么、对什么对象、用什么办法")
    owner: str = Field(description="责任主体：实施单位或其内设部门")
    deadline: str = Field(description="完成时限，如“2025年6月底前”“每季度”")
    target: str = Field(description="可衡量的目标，含数字，如“满意度≥90%”“培训不少于2次”")
    indicator: str = Field(description="该措施保障的绩效指标名称")

    @field_validator("action")
    @classmethod
    def _concrete(cls, v: str) -> str:
        v = v.strip()
        if len(v) < 8 or _SLOGAN.match(v):
            raise ValueError("action 要写具体做什么（动作、对象、办法），不少于 8 个字，不要只写“加强管理”之类的口号")
        return v

    @field_validator("owner", "indicator")
    @classmethod
    def _named(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("owner 和 indicator 不能为空：owner 写责任单位或部门，indicator 写所保障的指标名称")
        return v

    @field_validator("deadline")
    @classmethod
    def _dated(cls, v: str) -> str:
        v = v.strip()
        if not _DEADLINE.search(v):
            raise ValueError("deadline 要写明确的完成时限，如“2025年6月底前”“每季度”，不要写“尽快”“及时”")
        return v

    @field_validator("target")
    @classmethod
    def _measurable(cls, v: str) -> str:
        v = v.strip()
        if not _MEASURABLE.search(v):
            raise ValueError("target 要写可衡量的目标值（含数字或百分比，如“满意度≥90%”“每季度至少 1 次”）")
        return v


class DeductionAnswer(BaseModel):
    model_config = _QUIET

    id: int = Field(description="资料中该扣分行的编号")
    category: str = Field(description="扣分原因类别代码：" + "、".join(C.CODES))
    reason: str = Field(description="说明中的偏差原因部分（尽量摘录原文，说明未写原因时为空字符串）")
    measure: str = Field(description="说明中的改进措施部分（尽量摘录原文，说明未写措施时为空字符串）")
    measures: list[SmartMeasure] = Field(description="1 到 3 条 SMART 改进措施")

    @field_validator("category", mode="before")
    @classmethod
    def _known_category(cls, v: object) -> str:
        text = str(v or "").strip()
        if text in C.BY_CODE:
            return text
        if text in C.BY_NAME:  # the display name is unambiguous: accept it
            return C.BY_NAME[text]
        raise ValueError(f"category 必须是以下代码之一：{'、'.join(C.CODES)}；写代码本身，不要写中文名称或其他词")

    @field_validator("measures")
    @classmethod
    def _some_measures(cls, v: list[SmartMeasure]) -> list[SmartMeasure]:
        if not 1 <= len(v) <= 3:
            raise ValueError("measures 要给出 1 到 3 条改进措施")
        return v


class DeductionBatch(BaseModel):
    model_config = _QUIET

    items: list[DeductionAnswer]

    @model_validator(mode="wrap")
    @classmethod
    def _answers_every_row(cls, data: Any, handler: Any) -> "DeductionBatch":
        # A wrap validator, so that a missing row is reported together with the field errors
        # and one re-ask can fix everything (an "after" validator only runs once fields pass).
        problem = _id_problem(data)
        try:
            result = handler(data)
        except ValidationError as e:
            if problem is None:
                raise
            details: list[InitErrorDetails] = []
            for err in e.errors():
                detail: InitErrorDetails = {"type": err["type"], "loc": err["loc"], "input": err["input"]}
                if "ctx" in err:
                    detail["ctx"] = err["ctx"]
                details.append(detail)
            raise ValidationError.from_exception_data(
                cls.__name__, [*details, {"type": PydanticCustomError("rows", problem), "loc": ("items",),
                                          "input": data}], hide_input=True) from None
        if problem is not None:
            raise ValueError(problem)
        return result


def _id_problem(data: Any) -> str | None:
    expected = _expected_ids.get()
    if expected is None or not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return None
    got = [item.get("id") if isinstance(item, dict) else getattr(item, "id", None) for item in data["items"]]
    got = [int(i) if isinstance(i, (int, float, str)) and str(i).strip().isdigit() else i for i in got]
    missing = sorted(expected - set(got))
    extra = sorted({i for i in got if i not in expected}, key=str)
    twice = sorted({i for i in got if got.count(i) > 1}, key=str)
    problems = []
    if missing:
        problems.append(f"缺少编号 {missing} 的答案")
    if extra:
        problems.append(f"编号 {extra} 不在资料中")
    if twice:
        problems.append(f"编号 {twice} 重复")
    if not problems:
        return None
    return "；".join(problems) + f"。items 必须对资料中的每个编号 {sorted(expected)} 各给出一条答案"
