"""What the model must return for a draft, and the SMART checks that make it re-ask.

The JSON schema of these models goes to the model (as guided decoding in JSON_SCHEMA mode, as
prompt text in JSON/MD_JSON mode), and every validator message goes back to it verbatim when an
answer fails (instructor's re-ask: "Correct your JSON ONLY RESPONSE, based on the following
errors: …"). The messages are therefore written as Chinese instructions: what is wrong, and what
to write instead. All problems of one indicator are reported together, so that one retry can fix
them all.

Which past forms may be cited is only known per request. instructor's ``context=`` would carry
it to the validators, but also makes instructor re-render every message as a Jinja template
(tech-notes §1.5), so the allowed reference ids travel in a ContextVar set by the caller instead.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from drafter.draft import vocab
from drafter.values import parse_value

Level1 = Literal["产出指标", "成本指标", "效益指标", "满意度指标"]
Level2 = Literal["数量指标", "质量指标", "时效指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
                 "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"]
Basis = Literal["历史标准", "行业标准", "计划标准", "其他标准"]
Op = Literal["=", "≥", "≤", ">", "<"]

_allowed_refs: ContextVar[frozenset[str] | None] = ContextVar("drafter_allowed_refs", default=None)

_HAS_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d{2}")
_NO_HISTORY = re.compile(r"^无历史数据[:：，,（(\s]*(.*)$")
_SOURCE_WORDS = ("表", "报告", "统计", "台账", "系统", "决算", "预算", "批复", "自评", "目标", "调查",
                 "测评", "年报", "记录", "文件", "R")


@contextmanager
def allowed_refs(ids: set[str] | frozenset[str]) -> Iterator[None]:
    """Make ``ids`` the reference ids validators accept, for the duration of one call."""
    token = _allowed_refs.set(frozenset(ids))
    try:
        yield
    finally:
        _allowed_refs.reset(token)


# The re-ask quotes the error text to the model; echoing the whole rejected input back inside it
# only doubles the prompt (the model already has its answer as the previous message).
_REF = re.compile(r"R\d{1,3}")
_QUIET = ConfigDict(hide_input_in_errors=True)


class DraftIndicator(BaseModel):
    """一个三级绩效指标。"""

    model_config = _QUIET

    level1: Level1 = Field(description="一级指标")
    level2: Level2 = Field(description="二级指标，必须属于所填的一级指标")
    name: str = Field(min_length=2, max_length=40, description="三级指标名称：具体、可考核，不写口号")
    op: Op | None = Field(default=None, description="比较符号；定性指标填 null")
    value: float | None = Field(default=None, description="目标数值；定性指标填 null")
    unit: str | None = Field(default=None, max_length=8, description="计量单位，如 %、个、份、次、万元、个工作日")
    state: str | None = Field(
        default=None, max_length=60,
        description="仅当无法量化时填写：可核验的完成状态和期限，如“12月31日前完成系统上线并通过验收”；定量指标填 null")
    baseline: str = Field(
        max_length=120,
        description="基线：历史值及其年份和来源，如“2023年实际完成96%（R2 自评表）”；"
                    "确无历史数据时写“无历史数据：原因”")
    basis: Basis = Field(description="取值依据")
    evidence: str = Field(min_length=2, max_length=60, description="数据来源/佐证材料，如“验收报告”“满意度调查报告”")
    refs: list[str] = Field(min_length=1, max_length=5, description="参考的历史表单编号，取自资料中的 R 编号，如 [\"R1\"]")

    @field_validator("name", "unit", "state", "baseline", "evidence", mode="before")
    @classmethod
    def _strip(cls, v: object) -> object:
        return v.strip() if isinstance(v, str) else v

    @model_validator(mode="after")
    def _smart(self) -> "DraftIndicator":
        problems = indicator_problems(self)
        if problems:
            # Not quoting the name: this message goes back to the model as an instruction, and a name
            # can carry text the model copied from the user's data (pydantic's loc names the index).
            raise ValueError("；".join(problems))
        return self

    @property
    def category(self) -> str:
        return vocab.LEVEL2[self.level2][1]

    @property
    def target_text(self) -> str:
        """The value cell as a form prints it: "≥90%", "=3份", or the state."""
        if self.value is None:
            return self.state or ""
        return f"{self.op or ''}{num(self.value)}{self.unit or ''}"


class DraftResponse(BaseModel):
    """新项目的绩效目标草稿。"""

    model_config = _QUIET

    annual_goal: str = Field(min_length=10, max_length=400, description="年度绩效目标：一段话，写明做什么、做多少、达到什么效果")
    indicators: list[DraftIndicator] = Field(
        min_length=6, max_length=16,
        description="三级指标列表：数量、质量、时效、成本、效益、满意度六类各至少一个")

    @model_validator(mode="after")
    def _complete(self) -> "DraftResponse":
        problems: list[str] = []
        present = {ind.category for ind in self.indicators}
        missing = [c for c in vocab.CATEGORIES if c not in present]
        if missing:
            hints = "、".join(f"{c}（{_where(c)}）" for c in missing)
            problems.append(f"缺少必备的指标类别：{hints}。请为每个缺少的类别至少补充一个可考核的指标")
        positions: dict[str, list[int]] = {}
        for i, ind in enumerate(self.indicators):
            positions.setdefault(ind.name, []).append(i)
        dups = ["与".join(f"indicators.{i}" for i in at) for at in positions.values() if len(at) > 1]
        if dups:
            # By position, not by name: see DraftIndicator._smart.
            problems.append(f"指标名称重复：{'；'.join(dups)}。每个指标只写一次，名称要互不相同")
        if problems:
            raise ValueError("；".join(problems))
        return self


def indicator_problems(ind: DraftIndicator) -> list[str]:
    """Every SMART problem of one drafted indicator, as instructions to fix it."""
    out: list[str] = []
    parent = vocab.LEVEL2[ind.level2][0]
    if ind.level1 != parent:
        out.append(f"二级指标“{ind.level2}”属于一级指标“{parent}”，请把 level1 改为“{parent}”")

    numeric = ind.value is not None
    if numeric:
        if ind.op is None:
            out.append("有数值就要有比较符号，请在 op 填 ≥、≤ 或 =")
        if not ind.unit:
            out.append("定量指标必须有计量单位，请在 unit 填写单位，如 %、个、次、万元")
        elif _HAS_DIGIT.search(ind.unit) or len(ind.unit) > 8:
            out.append("unit 里不是计量单位，请只写单位本身，如 %、个、万元")
        elif ind.unit == "%" and not (0 <= ind.value <= 100):  # type: ignore[operator]
            out.append(f"百分比应在 0 到 100 之间，当前为 {num(ind.value)}%")
        else:
            v = parse_value(ind.target_text)
            if v.value is None or v.unit != ind.unit:
                out.append("目标值无法按“符号+数值+单位”读取，请只在 unit 写单位")
    else:
        if ind.op is not None or ind.unit:
            out.append("写了比较符号或单位却没有数值，请在 value 填写目标数值")
        if not ind.state:
            out.append("指标没有目标值：请填写 op+value+unit（如 ≥ 95 %），"
                       "或在 state 写明可核验的完成状态和期限（如“12月31日前完成并通过验收”）")
        elif not vocab.has_deadline(ind.state):
            out.append("state 中的定性目标没有期限，无法核验；请改为数值目标，或写明完成期限（如“12月31日前”）")

    word = vocab.direction_word(ind.name) or vocab.direction_word(ind.state)
    if word and not numeric and not _HAS_DIGIT.search(ind.state or ""):
        out.append(f"出现方向性用语“{word}”却没有数值，无法考核；请写明提高到多少（如 ≥ 90 %）并给出基线")

    if ind.category == "满意度":
        if ind.unit != "%" or ind.op != "≥" or ind.value is None:
            out.append("满意度指标应写成 op=“≥”、unit=“%” 的满意率，如 ≥ 90 %")
        elif ind.value >= 100:
            out.append("满意度目标 100% 不可信，请按历史测评值设定，如 ≥ 90 %")

    out.extend(_baseline_problems(ind.baseline))

    allowed = _allowed_refs.get()
    if allowed is not None:
        unknown = [r for r in ind.refs if r not in allowed]
        if unknown:
            ids = "、".join(sorted(allowed, key=_ref_order)) or "（无）"
            # Quoted only when it looks like a ref: anything else is free text from the model.
            shown = [r if _REF.fullmatch(r) else "（非编号文字）" for r in unknown]
            out.append(f"refs 中的 {'、'.join(dict.fromkeys(shown))} 不是资料里的编号；只能引用 {ids}")
    return out


def _baseline_problems(baseline: str) -> list[str]:
    m = _NO_HISTORY.match(baseline)
    if m:
        if len(m.group(1).strip()) < 4:
            return ["基线写了“无历史数据”，请在冒号后说明原因（如“无历史数据：本项目为新设项目”）"]
        return []
    if not _HAS_DIGIT.search(baseline):
        return ["基线没有历史数值：请写“某年实际/目标值及来源”（如“2023年实际完成96%（R2 自评表）”），"
                "或写“无历史数据：原因”"]
    if not _YEAR.search(baseline) or not any(w in baseline for w in _SOURCE_WORDS):
        return ["基线要写明年份和来源（如“2023年实际完成96%（R2 自评表）”）"]
    return []


def _where(category: str) -> str:
    level2 = vocab.DEFAULT_LEVEL2[category]
    return f"一级“{vocab.LEVEL2[level2][0]}”/二级“{level2}”"


def _ref_order(ref: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", ref)
    return (int(digits) if digits else 0, ref)


def num(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.4f}".rstrip("0").rstrip(".")
