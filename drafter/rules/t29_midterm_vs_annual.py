"""T29: the annual target goes beyond the mid-term target it is a part of."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit, num

# Where the goal text opens its mid-term (or whole-period) part and its annual part.
_MID = re.compile(r"中期目标|中长期目标|总体目标|实施期目标|项目期目标|长期目标")
_ANNUAL = re.compile(r"年度目标|本年度目标|当年目标|年度绩效目标")


def _parts(goal: str) -> tuple[str, str] | None:
    mid, annual = _MID.search(goal), _ANNUAL.search(goal)
    if not mid or not annual:
        return None
    if mid.start() < annual.start():
        return goal[mid.end():annual.start()], goal[annual.end():]
    return goal[mid.end():], goal[annual.end():mid.start()]


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


@rule("T29", "年度目标超过中期目标", "warning", tags=("goal",), kinds=("target",),
      basis="财预〔2015〕88号（年度绩效目标是中期绩效目标的分解，应与之相符）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    目标栏同时写了中期（总体、实施期）目标和年度目标时，年度目标中的数量（单位相同、前面的
    文字有共同词语）不应大于中期目标中的同一数量。

    为什么重要：
    年度目标是中期目标的一部分。一年要完成的量超过整个实施期的量，说明两者至少有一个写错，
    或把多年的量当成了当年的量（与 T16 相反的混淆）。

    示例：
    中期目标：“三年完成造林 5000亩。”年度目标：“当年完成造林 8000亩。”

    如何修改：
    核对中期和年度目标：年度数量按中期目标分年度分解，不超过中期总量。
    """
    parts = _parts(view.form.annual_goal or "")
    if parts is None:
        return
    mid = W.quantities(parts[0])
    for amount, unit, before in W.quantities(parts[1]):
        for m_amount, m_unit, m_before in mid:
            if m_unit == unit and _grams(before[-6:]) & _grams(m_before[-6:]) and amount > m_amount * (1 + 1e-9):
                yield view.hit(None, f"年度目标 {before[-6:]}{num(amount)}{unit} 超过中期目标 "
                                     f"{m_before[-6:]}{num(m_amount)}{m_unit}", "按中期目标分年度分解年度目标")
                break
