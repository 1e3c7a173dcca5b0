"""T27: every quantity the annual goal promises is measured by some indicator."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit, num


def _grams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


@rule("T27", "年度目标中的数量没有对应指标", "warning", tags=("goal", "completeness"), kinds=("target",),
      basis="财预〔2015〕88号（相关性：绩效指标与绩效目标相对应）；包头市财政局审核要点（具体指标与绩效目标的匹配度）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    年度目标中写出的每个“数值 + 单位”（8000亩、30公里、8万人次）都应有一个指标去衡量：
    有单位相同且数值相等的指标，或单位相同、名称与目标中该数字前的文字有共同词语的指标。
    报告没有对应指标的数量。金额、年份、日期、百分比不在此列。

    为什么重要：
    年度目标承诺的产出必须在指标中体现，年终才能核对是否完成；目标写了 30 公里道路而指标里没有，
    这部分产出就无人考核（相关性审核）。

    示例：
    年度目标：“完成人工造林 8000亩，新建林区道路 30公里。”指标中只有“人工造林面积 ≥8000亩”。

    如何修改：
    为缺少的数量补设数量指标，如“新建林区道路长度 ≥30公里”；目标写错的，改正年度目标。
    """
    goal = view.form.annual_goal
    if not goal or not view.items:
        return
    measured = [(*W.in_base_unit(it.target.value, it.target.unit), it.name) for it in view.items
                if it.kind == NUMERIC and it.target.value is not None]
    missing: list[str] = []
    for amount, unit, before in W.quantities(goal):
        same_unit = [(v, n) for v, u, n in measured if u == unit]
        if any(abs(v - amount) <= max(1e-9, amount * 0.01) for v, _ in same_unit):
            continue
        context = _grams(before[-6:])
        if any(context & _grams(n) for _, n in same_unit):
            continue
        missing.append(f"{before[-6:]}{num(amount)}{unit}")
    if missing:
        yield view.hit(None, f"年度目标中的 {'、'.join(missing)} 没有对应的指标",
                       "为这些数量补设数量指标（单位、数值与年度目标一致）")
