"""S12: an explanation names a cause and a measure."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import lost_points
from drafter.rules.view import FormView


@rule("S12", "偏差说明缺少原因或改进措施", "warning", tags=("scoring", "explanation"), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（偏差原因分析及改进措施）")
def check(view: FormView):
    """
    检查内容：
    失分指标的偏差说明应同时包含偏差原因（因为、由于、受……影响、导致、不足、滞后、变化……）
    和改进措施（下一步、将、拟、后续、加强、完善……）。“有待完善”“仍有提升空间”描述的是问题，
    不算措施。套话由 S11 报告，本规则不重复。

    为什么重要：
    栏目名称就是“偏差原因分析及改进措施”，两部分缺一不可：只有原因没有措施，问题会重复出现；
    只有措施没有原因，措施就没有针对性。

    示例：
    “社会效益指标中‘居住环境品质’仍有提升空间，下一步拟通过开展物业服务专项行动……”（没有原因）
    “实际申请人次为 486 人次”（没有措施）

    如何修改：
    按“原因：……；措施：……”两段写：原因说明差在哪里、为什么；措施说明谁、何时、做什么。
    """
    for it in view.items:
        if not lost_points(it, view.config):
            continue
        note = it.ind.deviation or ""
        if not W.strip_punct(note) or W.is_boilerplate(note):
            continue
        missing = [part for part, ok in (("偏差原因", W.has_cause(note)), ("改进措施", W.has_measure(note))) if not ok]
        if missing:
            yield view.hit(it, f"偏差说明缺少{'和'.join(missing)}",
                           "按“原因：……；措施：……”补全说明")
