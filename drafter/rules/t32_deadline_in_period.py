"""T32: a timeliness deadline falls inside the project period."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.dates import deadlines
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit


@rule("T32", "时效期限超出项目期间", "warning", tags=("timeliness", "period"), kinds=("target",),
      basis="财预〔2015〕88号（年度绩效目标与预算年度、项目实施期相对应）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    时效类指标（名称或指标值说的是时限、进度、完成时间）写的日期或期限（“2024年12月31日前”
    “6月底前”“年底前”，没写年份的按表的年度计）应落在计划开始日期与计划完成日期之间。
    表中没有项目起止日期的不检查。

    为什么重要：
    期限早于项目开始，或晚于项目完成，说明时效指标抄自别的项目或别的年度，年终无法据此评价进度。

    示例：
    计划开始日期 2024-01-01 / 计划完成日期 2024-12-31 / 验收完成时限 / 2025年3月31日前

    如何修改：
    按本项目的实施计划改写期限，使其落在项目期间内；项目确需延期的，先调整项目起止日期。
    """
    form = view.form
    start, end = form.planned_start, form.planned_end
    if start is None or end is None or start > end:
        return  # T31 reports a missing or reversed period
    for it in view.items:
        if not (it.is_time or (it.fam2 == "时效")):
            continue
        for d in deadlines(it.value_text, form.year or end.year):
            if d < start or d > end:
                side = "早于计划开始日期" if d < start else "晚于计划完成日期"
                yield view.hit(it, f"期限 {d} {side}（项目期间 {start} 至 {end}）",
                               f"把期限改到 {start} 至 {end} 之间")
                break
