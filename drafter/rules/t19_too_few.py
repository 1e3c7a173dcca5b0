"""T19: too few indicators to describe a project."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView


@rule("T19", "指标数量过少", "warning", tags=("completeness",),
      basis="省级绩效目标表填报说明（三级指标总数不少于 3 个）")
def check(view: FormView):
    """
    检查内容：
    三级指标总数少于下限（默认 3 个，可配置）。某个一级指标下没有任何三级指标的情况由 T06 的
    类别检查覆盖。

    为什么重要：
    一两个指标不足以描述项目的产出和效果；有的省级表样明确要求三级指标总数不少于 3 个。

    示例：
    某工资类项目只有“工资发放完成率 =100%”“发放及时率 =100%”两个指标。

    如何修改：
    按产出（数量、质量、时效、成本）、效益、满意度各补充核心指标。
    """
    n = len(view.items)
    if n < view.config.min_indicators:
        yield view.hit(None, f"只有 {n} 个三级指标，少于 {view.config.min_indicators} 个",
                       "按产出、效益、满意度补充核心指标")
