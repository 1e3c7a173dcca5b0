"""S16: a satisfaction result needs a survey behind it."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import comparable
from drafter.rules.view import FormView


@rule("S16", "满意度结果缺少测评依据", "info", tags=("scoring", "evidence", "satisfaction"), kinds=("self_eval",),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，如实自评）")
def check(view: FormView):
    """
    检查内容：
    满意度指标的实际完成值只写了“达成指标”（没有测得的满意率），或恰好等于目标值，而偏差说明中
    没有提到问卷、调查、测评、样本等测评依据。表中没有测评方法栏，本规则只能从这两种迹象推断，
    因此为提示级。

    为什么重要：
    满意度必须来自实际测评（问卷、第三方测评），并能说明样本量和方法；没有测得的数值，
    或数值恰好等于目标，常常说明没有真正开展调查。

    示例：
    上级部门满意度 / ≥95% / 实际完成值“达成指标”
    管理部门综合满意度 / ≥85% / 实际 85%

    如何修改：
    填写实际测得的满意率，并注明测评方式、样本量和时间（如“问卷调查，有效样本 320 份，92.5%”）。
    """
    for it in view.items:
        if not it.is_sat or W.mentions_survey(it.ind.deviation or ""):
            continue
        if W.qualitative_grade(it.ind.actual_raw):
            yield view.hit(it, f"满意度只写「{it.ind.actual_raw}」，没有实际测得的满意率和测评依据",
                           "填写实测满意率，并注明测评方式和样本量")
            continue
        pair = comparable(it)
        if pair is not None and abs(pair[0] - pair[1]) < 1e-9:
            yield view.hit(it, f"满意度实际值恰好等于目标值（{it.ind.actual_raw}），没有说明测评方式和样本",
                           "注明测评方式、样本量和时间")
