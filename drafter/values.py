"""Parse an indicator value cell (年度指标值) into operator, number and unit.

The printed cell is kept by callers as ``target_raw``; this module only says what it means:
``=3.00(项)`` is (=, 3.0, 项), ``95%以上`` is (≥, 95.0, %), ``提升`` is qualitative.
A value is numeric only when the whole cell is an operator, one number and a unit: a cell such as
``365天*24小时`` or ``2023年年底前`` is a qualitative statement, not the number 365 or 2023.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drafter.read.clean import clean_cell

if TYPE_CHECKING:
    from drafter.model import Op

# Longest spellings first so that "≥=" wins over "≥" and "不低于" over nothing.
_PREFIX_OPS: list[tuple[str, Op]] = [
    ("≥=", "≥"), (">=", "≥"), ("=>", "≥"), ("≥", "≥"), ("≤=", "≤"), ("<=", "≤"), ("=<", "≤"),
    ("≤", "≤"), ("==", "="), ("=", "="), (">", ">"), ("<", "<"),
    ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"),
    ("至少", "≥"), ("达到", "≥"), ("小于或等于", "≤"), ("小于等于", "≤"), ("不超过", "≤"),
    ("不高于", "≤"), ("不多于", "≤"), ("不大于", "≤"), ("最多", "≤"), ("控制在", "≤"),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), ("小于", "<"), ("低于", "<"), ("等于", "="),
]
_SUFFIX_OPS: list[tuple[str, Op]] = [
    ("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"),
]
_PREFIX_SPELLINGS = tuple(s for s, _ in _PREFIX_OPS)
_SUFFIX_SPELLINGS = tuple(s for s, _ in _SUFFIX_OPS)
_RESTATED_PERCENT = re.compile(r"%(?:合规|达标|合格|完成)")
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# A unit is a short run of non-digits; "(个工作日)" may come in brackets.
_UNIT = re.compile(r"^\(?\s*([^\d()=<>≥≤]{1,8}?)\s*\)?$")
_UNIT_ALIASES = {"百分之": "%", "百分比": "%", "百分点": "个百分点", "％": "%"}
# Words that make "2023年…" a deadline and "3个月内" a period, never a plain number with a unit.
_NOT_A_UNIT = re.compile(r"年.*[前底后末]|年全年|月底|月末|日前|之前|以前|前完成|[*×xX+~～\-/]\d|每")
_EMPTY_MARKS = {"", "-", "—", "/", "／", "--", "——", "无", "空"}
# Operator (≤5) + number + bracketed unit (≤10) + suffix (≤3) fits well within this. Longer cells
# are statements, and _NOT_A_UNIT's "年.*[前底后末]" would cost the square of their length.
_MAX_NUMERIC_LEN = 64


@dataclass(frozen=True)
class Value:
    op: Op | None = None
    value: float | None = None
    unit: str | None = None
    qualitative: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None


def parse_value(raw: str | None) -> Value:
    """Parse one value cell. Empty marks (``-``, ``/``) give an empty Value."""
    if raw is None:
        return Value()
    text = clean_cell(raw).replace(" ", "").replace("（", "(").replace("）", ")")
    if text in _EMPTY_MARKS:
        return Value()
    numeric = _parse_numeric(text) if len(text) <= _MAX_NUMERIC_LEN else None
    return numeric if numeric is not None else Value(qualitative=text)


def _parse_numeric(text: str) -> Value | None:
    op: Op | None = None
    # Most cells carry no operator word: one str test over all spellings skips the loops.
    if text.startswith(_PREFIX_SPELLINGS):
        for spelling, symbol in _PREFIX_OPS:
            if text.startswith(spelling):
                op, text = symbol, text[len(spelling):]
                break
    if text.endswith(_SUFFIX_SPELLINGS):
        for spelling, symbol in _SUFFIX_OPS:
            if text.endswith(spelling):
                if op is None:
                    op = symbol
                text = text[: -len(spelling)]
                break
    m = _NUMBER.match(text)
    if not m:
        return None
    number = float(m.group(0).replace(",", ""))
    rest = text[m.end():]
    unit = None
    if rest:
        if _NOT_A_UNIT.search(rest):
            return None
        if _RESTATED_PERCENT.fullmatch(rest):
            rest = "%"  # "100%合规": the word restates the indicator
        um = _UNIT.match(rest)
        if not um:
            return None
        unit = um.group(1).strip() or None
        if unit is not None:
            unit = _UNIT_ALIASES.get(unit, unit)
            # A unit never holds another operator or a sentence: "95%提升" is a statement.
            if len(unit) > 6 or any(w in unit for w in ("提升", "提高", "降低", "完成", "达到")):
                return None
    return Value(op=op, value=number, unit=unit)


def is_value_like(raw: str) -> bool:
    """Could this cell be a target or actual value rather than an indicator name?

    Numbers always are; short statements (提升, 达成指标, 2023年年底前, 每季度一次) usually are.
    Used to decide which cell of a shifted row is the value.
    """
    text = clean_cell(raw).replace(" ", "")
    if not text:
        return False
    if parse_value(text).is_numeric:
        return True
    if _NUMBER.match(text.lstrip("=≥≤<>")):
        return True
    return len(text) <= 8 and not text.endswith(("率", "数", "性", "度"))


_NAME_UNIT = re.compile(r"[(（]([^()（）\d≥≤*%]{1,4}|%)[)）]$")


def unit_in_name(name: str | None) -> str | None:
    """The unit a name prints at its end (``面积(亩)``, ``成本控制数(萬元)``, ``兑付率(%)``), for a
    value cell that gives the number alone."""
    m = _NAME_UNIT.search(name or "")
    return _UNIT_ALIASES.get(m.group(1), m.group(1)) if m else None
