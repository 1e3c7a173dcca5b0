"""T18: a cost indicator rests on a quota, a standard or a cost analysis."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.finding import Severity
from drafter.rules.registry import rule
from drafter.rules.view import FormView


@rule("T18", "成本指标缺少定额或标准依据", "warning", tags=("cost",),
      basis="上海市市级部门项目支出核心绩效目标和指标设置及取值指引（试行）（2025）；沪府办发〔2023〕16号（成本预算绩效管理）")
def check(view: FormView):
    """
    检查内容：
    成本指标（一级或二级为成本，或名称含“成本”）的名称、指标值或取值依据中，应能看出它依据的
    成本定额、支出标准或成本测算（定额、标准、单价、测算、询价、中标价等）。
    配置 cost_standard_required 为真时（上海 2025 年指引）作错误，否则作警告。

    为什么重要：
    成本预算绩效管理要求成本指标“有标准、可比较”：单位成本按现行定额或支出标准设定，没有标准的
    按成本分析测算。没有依据的成本指标无法判断高低。

    示例：
    成本指标 / 经济成本指标 / 预算批复资金范围内 / 达标
    改为：成本指标 / 经济成本指标 / 单位测评成本 / ≤2.5万元/份（依据 2023 年政府采购中标价）

    如何修改：
    写出单位成本及其依据，如“单位测评成本 ≤2.5万元/份（依据 2023 年政府采购中标价）”
    “人均培训成本 ≤800元/人（依据本市培训费管理办法）”。
    """
    sev: Severity = "error" if view.config.cost_standard_required else "warning"
    for it in view.items:
        if not it.is_cost:
            continue
        text = it.name + it.text + (it.ind.basis or "") + (it.ind.target_raw or "")
        if W.any_in(text, W.COST_BASIS):
            continue
        yield view.hit(it, "成本指标没有写明依据的成本定额、支出标准或成本测算",
                       "写出单位成本及其依据，如「≤×元/人（依据××支出标准）」", severity=sev)
