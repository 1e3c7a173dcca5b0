"""T11: an indicator filed under the wrong category."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Item

_BENEFIT2 = ("经济效益", "社会效益", "生态效益", "可持续影响")


def _problem(it: Item) -> str | None:
    name, f1, f2 = it.name, it.fam1, it.fam2
    in_sat = f1 == "满意度" or f2 == "满意度"
    if it.is_sat and not in_sat and (f1 or f2):
        return "满意度指标应放在“服务对象满意度指标”下，不应放在" + (it.ind.level2 or it.ind.level1 or "")
    if in_sat and not it.is_sat:
        return "放在满意度类别下，但不是满意度指标（满意度不能代替效益或产出）"
    if f2 == "时效" and not W.any_in(name, W.TIME_NAME_WORDS) and not it.is_time:
        return "放在时效指标下，但名称没有时间要素（及时率、完成时限、周期），应移到相应类别"
    if f1 in ("产出", "效益", "满意度", "影响力") and (word := W.any_in(name, W.MANAGEMENT_ITEMS)):
        return f"“{word}”是资金或管理合规事项，不是{it.ind.level1}"
    if (f1 == "效益" or f2 in _BENEFIT2) and (word := W.any_in(name, W.OUTPUT_MEASURES)):
        return f"“{word}”是产出（质量、时效、数量）类指标，放在{it.ind.level2 or it.ind.level1}下"
    if f1 == "产出" and (word := W.any_in(name, W.BENEFIT_MEASURES)):
        return f"“{word}”反映的是效益，不是产出"
    if f2 == "生态效益" and (word := W.any_in(name, ("节约", "成本", "费用", "资金"))):
        return f"“{word}”是成本控制内容，不是生态效益"
    return None


@rule("T11", "指标类别归属错误", "warning", tags=("classification",),
      basis="财预〔2021〕101号（产出、效益、满意度、成本指标的定义）")
def check(view: FormView):
    """
    检查内容：
    指标放错了类别：满意度指标放在效益或可持续影响下；满意度类别下放的不是满意度（如签约率、
    营商环境）；时效指标名称里没有任何时间要素（如把“验收合格率”放在时效下）；故障率、准确率、
    合格率、完成率等产出类指标放在效益下；知晓率等效益放在产出下；资金合规、政府采购、信息公开
    等管理事项作为产出或效益；成本节约放在生态效益下。

    为什么重要：
    指标混淆（质量与效益不分、以满意度代替效益）是审核中最常见的问题之一。类别错了，
    类别完整性检查和分值分配都失真，真正的效益目标也就缺位了。

    示例：
    效益指标 / 社会效益指标 / 机房设备日常运行故障率 / ≤3%（故障率是质量指标）
    效益指标 / 可持续影响指标 / 上级部门满意度 / ≥90%
    产出目标 / 时效 / 市政工程建设质量验收合格率 / =100%
    改为：产出指标 / 质量指标 / 机房设备日常运行故障率 / ≤3%

    如何修改：
    把指标移到正确的二级指标下；被挪走后某类为空的，补一个真正属于该类的指标。
    """
    for it in view.items:
        problem = _problem(it)
        if problem:
            yield view.hit(it, problem, "把指标移到正确的类别，并检查原类别是否还有合适的指标")
