"""T14: the money block adds up, and a total-cost target matches the funds."""

from __future__ import annotations

from typing import Iterator

from drafter.model import Funds
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit, num

_TO_YUAN = {"元": 1.0, "万元": 1e4, "亿元": 1e8, "千元": 1e3}


@rule("T14", "目标与资金不匹配", "warning", tags=("funding", "scoring"),
      basis="财预〔2015〕88号（适当性：资金规模与绩效目标相匹配）；上海市 2025 取值指引（指标值与预算金额相匹配）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    （1）资金总额应等于财政拨款、上年结转、其他资金之和；未填的来源按 0 计（消息中注明），
    各来源之和超过总额一律是错误；（2）名称为总成本、项目总投入等的成本
    指标，其金额应与项目资金总额（自评表为全年预算数）一致。单位成本 × 数量与预算的关系需要
    数量口径，表中没有，本规则不检查。

    为什么重要：
    “适当性”审核要求资金规模与目标相匹配。资金栏合计不符说明表内数字有误；总成本指标与预算不一致，
    说明目标与资金两张皮。

    示例：
    年度资金总额 35.40 万元，其中财政拨款 97.40 万元。
    年度资金总额 100 万元，其中财政拨款 80 万元（上年结转、其他资金未填）。
    总成本 ≤120 万元，而项目资金总额为 100 万元。

    如何修改：
    核对资金来源，使总额等于各来源之和；成本指标按批复预算或成本测算填写。
    """
    cfg = view.config
    funds = view.form.funds
    if funds is not None:
        yield from _balance(view, funds)
    total, unit = None, None
    if funds is not None and funds.total is not None:
        total, unit = funds.total, funds.unit
    elif view.form.budget is not None and view.form.budget.adjusted is not None:
        total, unit = view.form.budget.adjusted, view.form.budget.unit
    if total is None or unit not in _TO_YUAN:
        return
    total_yuan = total * _TO_YUAN[unit]
    for it in view.items:
        if not it.is_cost or it.kind != NUMERIC or it.target.unit not in _TO_YUAN:
            continue
        if not any(w in it.name for w in ("总成本", "总投入", "总额", "总投资", "项目成本", "项目支出")):
            continue
        value_yuan = it.target.value * _TO_YUAN[it.target.unit]  # type: ignore[operator]
        if abs(value_yuan - total_yuan) > total_yuan * cfg.funds_tolerance_ratio:
            yield view.hit(it, f"成本指标 {it.value_text} 与项目资金 {num(total)}{unit} 不一致",
                           "按批复预算或成本测算填写总成本")


_PARTS = (("fiscal", "财政拨款"), ("carryover", "上年结转"), ("other", "其他资金"))


def _balance(view: FormView, funds: Funds) -> Iterator[Hit]:
    """Total = the three sources, an absent source counting as zero."""
    if funds.total is None:
        return
    printed = [(label, getattr(funds, key)) for key, label in _PARTS if getattr(funds, key) is not None]
    if not printed:
        return  # only the total: nothing to add up
    absent = [label for key, label in _PARTS if getattr(funds, key) is None]
    s = sum(v for _, v in printed)
    gap = s - funds.total
    if abs(gap) <= max(view.config.tolerance, abs(funds.total) * 1e-6):
        return
    unit = funds.unit or ""
    working = " + ".join(f"{label} {num(v)}" for label, v in printed)
    if absent:
        working += f"；{'、'.join(absent)}未填，按 0 计"
    if gap > 0:
        # More money from the sources than the project has: never a rounding matter.
        yield view.hit(None, f"资金来源合计 {num(s)}{unit} 超过资金总额 {num(funds.total)}{unit}（{working}）",
                       "核对各资金来源与总额", severity="error")
    else:
        yield view.hit(None, f"资金总额应为 {num(s)}{unit}（{working}），表中为 {num(funds.total)}",
                       "核对各资金来源与总额" + ("，未填的来源如为 0 请填 0" if absent else ""))
