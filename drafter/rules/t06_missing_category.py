"""T06: the indicator set covers every required category."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView


@rule("T06", "缺少必备的指标类别", "error", tags=("completeness",),
      basis="财预〔2015〕88号（审核完整性）；上海市市级部门项目支出核心绩效目标和指标设置及取值指引（试行）（2025，原则上均应设置成本指标）")
def check(view: FormView):
    """
    检查内容：
    一张表应至少有：产出-数量、产出-质量、产出-时效、效益（任一种）。服务对象满意度和成本指标
    缺失时也报告：默认作警告；配置 satisfaction_required / cost_required 为真（如上海 2025 年
    指引要求原则上设置成本指标）时作错误。

    为什么重要：
    完整性是审核的第一项（R1、R6）：指标体系要覆盖产出的数量、质量、时效，以及产生的效益；
    101号文把成本控制要求写进了绩效目标的定义。

    示例：
    某项目只有“数量指标”和“社会效益指标”，没有质量、时效和满意度指标。

    如何修改：
    按表样补齐缺少的二级指标，每类至少一个可考核的三级指标，如“验收合格率 =100%”
    “12月31日前完成”“服务对象满意度 ≥90%”“单位成本 ≤×元/人”。
    """
    if not view.items:
        return
    cfg = view.config
    fam2 = {it.fam2 for it in view.items}
    fam1 = {it.fam1 for it in view.items}
    for family, label in (("数量", "产出-数量指标"), ("质量", "产出-质量指标"), ("时效", "产出-时效指标")):
        if family not in fam2:
            yield view.hit(None, f"缺少{label}", f"补充至少一个{label}")
    if not ({"效益", "影响力"} & fam1 or {"社会效益", "经济效益", "生态效益", "可持续影响"} & fam2):
        yield view.hit(None, "缺少效益指标（经济、社会、生态效益或可持续影响）", "补充能反映项目效果的效益指标")
    has_sat = "满意度" in fam1 or "满意度" in fam2 or any(it.is_sat for it in view.items)
    if not has_sat:
        yield view.hit(None, "缺少服务对象满意度指标", "面向公众或服务对象的项目应设满意度指标，如「≥90%」",
                       severity="error" if cfg.satisfaction_required else "warning")
    if not any(it.is_cost for it in view.items):
        yield view.hit(None, "缺少成本指标", "按成本定额或支出标准设置成本指标，如单位成本、总成本",
                       severity="error" if cfg.cost_required else "warning")
