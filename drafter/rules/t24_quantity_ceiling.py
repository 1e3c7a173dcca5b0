"""T24: an output quantity is a floor, not a ceiling."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit, num

# Names that say the figure is a limit: "控制数", "上限", "不超过…".
_LIMIT = re.compile(r"控制|上限|限额|限量|不超过|最多|以内|压减|压缩|减少|降低|下降|占用|消耗|排放|能耗|"
                    r"费用|支出|成本|时长|时限|天数上限")


@rule("T24", "数量指标设了上限", "warning", tags=("direction",),
      basis="财预〔2020〕10号（正向指标实际值达到目标值得满分）；包头市财政局绩效目标审核要点（指标方向）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    产出数量指标用了“≤”“<”（如“培训人次 ≤1200人次”），给产出设了上限。名称表明是限额的
    （控制数、上限、不超过、消耗、排放、费用……）和越小越好的指标（故障、投诉、事故……）不报告。

    为什么重要：
    数量指标衡量做了多少，多做不应扣分。写成“≤”，年终按反向公式计分，做得越多得分越低。

    示例：
    产出指标 / 数量指标 / 培训人次 / ≤1200人次
    改为：产出指标 / 数量指标 / 培训人次 / ≥1200人次

    如何修改：
    改为“≥”；确实是限额的，把名称改为“××控制数”“××上限”。
    """
    for it in view.items:
        if it.fam2 != "数量" or it.kind != NUMERIC or it.target.op not in ("≤", "<"):
            continue
        if _LIMIT.search(it.name) or W.any_in(it.name, W.NEGATIVE_NAMES) or it.target.unit == "%":
            continue
        v = it.target
        yield view.hit(it, f"数量指标「{it.value_text}」用了「{v.op}」，给产出设了上限，多做反而扣分",
                       f"改为「≥{num(v.value)}{v.unit}」；确是限额的，名称写明“控制数”或“上限”")
