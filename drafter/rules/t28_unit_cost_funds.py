"""T28: unit cost × quantity against the project's funds."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit, Item, num


def _money(amount: float, unit: str) -> str:
    return f"{num(amount)}{unit}"


@rule("T28", "单位成本×数量与资金不符", "warning", tags=("funding", "cost"),
      basis="财预〔2015〕88号（适当性：资金规模与绩效目标相匹配）；上海市 2025 取值指引（指标值与预算金额相匹配）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    表中有单位成本（元/亩、元/人、万元/公里）和对应数量（亩、人、公里）时，二者之积与项目资金
    （目标表的资金总额，自评表的全年预算数）相比，大于或小于资金的一定倍数（默认 2 倍，配置
    unit_cost_factor）即报告，并列出算式。元、万元统一换算；资金或单价的单位不明时跳过，不猜。

    为什么重要：
    单位成本是资金与实物量之间的桥梁：1600元/亩 × 8000亩 = 1280万元，而项目只有 300万元，
    说明单价、数量或资金至少一个写错了，目标与资金不匹配（适当性审核）。

    示例：
    资金总额 300万元；人工造林面积 ≥8000亩；每亩补助标准 ≤1600元/亩。

    如何修改：
    核对单价依据、数量和资金：按“单位成本 × 数量 ≈ 资金”调整其中写错的一项，并写明单价依据。
    """
    funds, unit = _funds(view)
    if funds is None or unit not in W.MONEY_UNITS:
        return
    funds_yuan = funds * W.MONEY_UNITS[unit]
    if funds_yuan <= 0:
        return
    factor = view.config.unit_cost_factor
    quantities: dict[str, list[Item]] = {}
    for it in view.items:
        if it.kind == NUMERIC and it.target.unit and not it.is_cost:
            quantities.setdefault(it.target.unit, []).append(it)
    for it in view.items:
        if it.kind != NUMERIC or it.target.value is None:
            continue
        head, per = W.split_rate_unit(it.target.unit)
        if per is None or head not in W.MONEY_UNITS or per not in quantities:
            continue
        qty = quantities[per][0]
        total_yuan = it.target.value * W.MONEY_UNITS[head] * (qty.target.value or 0.0)
        if total_yuan <= 0:
            continue
        ratio = total_yuan / funds_yuan
        if ratio > factor or ratio < 1 / factor:
            shown = total_yuan / W.MONEY_UNITS[unit]
            word = "高出" if ratio > 1 else "只有"
            times = f"{num(round(ratio, 2))} 倍" if ratio > 1 else f"{num(round(ratio * 100, 1))}%"
            yield view.hit(it, f"单位成本 {num(it.target.value)}{it.target.unit} × {qty.ind.name} {num(qty.target.value)}{per}"
                               f" = {_money(round(shown, 2), unit)}，项目资金 {_money(funds, unit)}，{word}资金的 {times}",
                           "核对单价依据、数量和资金，使单位成本 × 数量与资金大致相符")


def _funds(view: FormView) -> tuple[float | None, str | None]:
    f = view.form.funds
    if f is not None and f.total is not None:
        return f.total, f.unit
    b = view.form.budget
    if b is not None and b.adjusted is not None:
        return b.adjusted, b.unit
    return None, None
