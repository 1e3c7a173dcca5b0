"""T13: every target trivially reached ("=100%" everywhere)."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView


@rule("T13", "目标值普遍偏低或流于形式", "warning", tags=("ambition",),
      basis="财预〔2020〕10号（目标设置明显偏低的扣分规定）；《绩效评价报告编制实务》（绩效目标合理性）")
def check(view: FormView):
    """
    检查内容：
    表中的定量指标（至少 3 个）全部是“=100%”或“≥100%”一类的完成率目标（比例阈值可配置，
    默认全部）。

    为什么重要：
    “完成率 =100%”只说明“计划要做的都做了”，不反映做了多少、做得多好；全部如此的指标体系
    等于没有目标，审核会认为目标设置过低、不能体现产出和效果。

    示例：
    某保障类项目：工资发放完成率 =100%、发放及时率 =100%、资金使用合规率 =100%。

    如何修改：
    至少为主要产出写出实物量（如“服务人次 ≥12,000 人次”）、为效果写出可比较的水平
    （如“投诉率 ≤3%，上年 4.2%”）。
    """
    cfg = view.config
    numeric = [it for it in view.items if it.kind == NUMERIC]
    if len(numeric) < cfg.trivial_min_count:
        return
    trivial = [it for it in numeric if it.target.unit == "%" and it.target.value is not None
               and it.target.value >= 100 and it.target.op in ("=", "≥", None)]
    share = len(trivial) / len(numeric)
    if share >= cfg.trivial_share - 1e-9:
        yield view.hit(None, f"{len(trivial)}/{len(numeric)} 个定量指标都是 100% 的完成率类目标，没有实物量和水平目标",
                       "为主要产出写出实物量、为效果写出可比较的水平和基线")
