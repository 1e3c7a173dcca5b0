"""S14: the actual value is the target text copied over."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import DIRECTION, OP_NO_NUMBER, VAGUE, FormView


@rule("S14", "实际完成值照抄指标值", "warning", tags=("scoring", "evidence"), kinds=("self_eval",),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，如实自评）")
def check(view: FormView):
    """
    检查内容：
    不可衡量的定性指标（如“改善”“健全”）的实际完成值与年度指标值文字完全相同，没有写出实际
    做到了什么。日期、频次等可核验的指标值（“每季度一次”）照写视为已达到，不报告。

    为什么重要：
    照抄目标等于没有报告实际情况，无法核验，也无法判断达成档次。

    示例：
    社会效益 / 美化环境 / 指标值“美化环境” / 实际完成值“美化环境”

    如何修改：
    写出实际结果和佐证（如“完成绿化 1.2 万平方米，验收合格”），并选定三档评价之一。
    """
    for it in view.items:
        if it.kind not in (VAGUE, DIRECTION, OP_NO_NUMBER):
            continue  # a date or a frequency reached is reported by repeating it
        target = W.strip_punct(it.ind.target_raw or "")
        actual = W.strip_punct(it.ind.actual_raw or "")
        if target and target == actual:
            yield view.hit(it, f"实际完成值「{it.ind.actual_raw}」与指标值完全相同，没有写出实际结果",
                           "写出实际做到的结果和佐证材料，并选定评价档次")
