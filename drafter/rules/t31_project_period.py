"""T31: the project period has both ends, and starts before it finishes."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit


@rule("T31", "项目起止日期不完整或颠倒", "error", tags=("completeness", "period"), kinds=("target",),
      basis="预算管理一体化系统项目库（计划开始日期、计划完成日期）；财预〔2015〕88号（可行性审核）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    填写了计划开始日期或计划完成日期的目标表，两者都应填写，且计划开始日期不晚于计划完成日期。
    两者都没有的表不检查（不少表样没有这两栏）。

    为什么重要：
    项目期间决定年度目标、时效指标和资金安排的时间口径：只有一端的期间无法判断时效指标是否落在
    期间内，开始晚于完成的日期则是录入错误。

    示例：
    计划开始日期 2024-12-31 / 计划完成日期 2024-01-01
    计划开始日期 2024-01-01 / 计划完成日期（空）

    如何修改：
    按批复的实施计划填写起止日期，如“2024-01-01 至 2024-12-31”。
    """
    start, end = view.form.planned_start, view.form.planned_end
    if start is None and end is None:
        return
    if start is None or end is None:
        have, lack = ("计划开始日期", "计划完成日期") if start is not None else ("计划完成日期", "计划开始日期")
        shown = start if start is not None else end
        yield view.hit(None, f"填写了{have} {shown}，未填写{lack}", f"补填{lack}")
    elif start > end:
        yield view.hit(None, f"计划开始日期 {start} 晚于计划完成日期 {end}", "核对并改正起止日期")
