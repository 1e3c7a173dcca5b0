"""T23: a cost indicator is an amount of money, and a ceiling."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit, num


@rule("T23", "成本指标单位或方向不当", "warning", tags=("cost", "direction"),
      basis="财预〔2021〕101号（成本指标：单位成本、总成本等，以金额计）；上海市 2025 取值指引（经济成本指标分总成本、单位成本、分项成本）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    成本指标（一级或二级为成本，或名称含“成本”）的计量单位应是金额（元、万元）或单位金额
    （元/人、万元/公里），如“470人/天”“100%”之外的非金额单位即报告（成本节约率、成本控制率
    用 % 不报告）；成本指标写成“≥”“>”的也报告，无论名称是否带“成本”“费用”（节约、压减类除外）。

    为什么重要：
    成本指标衡量花了多少钱，是上限：写成人天、人次就成了数量指标；写成“≥”等于要求多花钱，
    年终按正向计分，花得越多得分越高。

    示例：
    成本指标 / 经济成本指标 / 差旅标准 / ≤470人/天
    成本指标 / 经济成本指标 / 人均培训费 / ≥320元/人
    改为：成本指标 / 经济成本指标 / 人均培训费 / ≤320元/人（依据 本市培训费管理办法）

    如何修改：
    成本指标写成金额上限：“≤470元/人·天（依据差旅费管理办法）”“总成本 ≤120万元”。
    """
    for it in view.items:
        if not it.is_cost or it.kind != NUMERIC or it.is_sat:
            continue
        v = it.target
        head, per = W.split_rate_unit(v.unit)
        saving = W.any_in(it.name, W.GOOD_DECREASE)
        if v.unit != "%" and head in ("", "万", "千", "亿"):
            # "≤28.40/株", "45万": an amount with its 元 dropped, not a count.
            yield view.hit(it, f"成本指标的单位「{v.unit}」缺少“元”，金额单位不完整",
                           f"写全金额单位，如「{v.op or '≤'}{num(v.value)}{head}元" + (f"/{per}」" if per else "」"))
        elif v.unit != "%" and head not in W.MONEY_UNITS:
            yield view.hit(it, f"成本指标的单位是「{v.unit}」，不是金额",
                           f"改为金额或单位金额，如「≤{num(v.value)}元" + (f"/{per}」" if per else "」") +
                           "，并写明依据的支出标准")
        elif v.op in ("≥", ">") and not saving:
            yield view.hit(it, f"成本指标写成「{it.value_text}」（{v.op}）：成本是上限，写成下限等于要求多花钱",
                           f"改为「≤{num(v.value)}{v.unit}」")
