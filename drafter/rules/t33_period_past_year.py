"""T33: an annual target form's project period stays inside its year."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit


@rule("T33", "年度目标表的项目期间跨年", "warning", tags=("period",), kinds=("target",),
      basis="财预〔2015〕88号（年度绩效目标对应一个预算年度）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    年度绩效目标表（有年度）的计划完成日期不应晚于该年 12 月 31 日，计划开始日期不应早于该年
    1 月 1 日。跨年实施的项目，年度表只写本年度的部分。

    为什么重要：
    年度绩效目标对应当年预算，年终按当年自评。期间跨到下一年，年度指标就混入了下一年的工作量，
    自评时无法判断本年度是否完成。

    示例：
    2024年度绩效目标表 / 计划开始日期 2024-01-01 / 计划完成日期 2025-06-30

    如何修改：
    年度表的期间写本年度（如 2024-01-01 至 2024-12-31），跨年项目的总体期间写入中长期目标或项目概况。
    """
    form = view.form
    year = form.year
    if year is None:
        return
    start, end = form.planned_start, form.planned_end
    if end is not None and end.year > year:
        yield view.hit(None, f"{year}年度目标表的计划完成日期为 {end}，超出 {year} 年",
                       f"年度表的计划完成日期写到 {year}-12-31 为止，跨年部分写入中长期目标")
    if start is not None and start.year < year:
        yield view.hit(None, f"{year}年度目标表的计划开始日期为 {start}，早于 {year} 年",
                       f"年度表的计划开始日期从 {year}-01-01 起")
