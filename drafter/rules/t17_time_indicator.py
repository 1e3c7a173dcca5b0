"""T17: a time indicator says when, not just "及时"."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import DIRECTION, OP_NO_NUMBER, VAGUE, FormView


@rule("T17", "时效指标没有时限", "warning", tags=("unmeasurable", "timeliness"),
      basis="共性指标库示例（时效指标写明时限，如“××月××日前”）；财预〔2021〕101号")
def check(view: FormView):
    """
    检查内容：
    时效类指标（名称含及时、时限、时间、进度、按时等，或指标值只写“及时”“按时”）必须写明日期、
    期限或频次，如“12月31日前”“≤10个工作日”“每季度”“=100%（及时率）”。只写“及时”“按时”
    “按计划”等的，标记为不可衡量。

    为什么重要：
    “及时”没有判定标准：晚一天算不算及时？时效指标要让审核和自评都能用同一把尺子判断。

    示例：
    产出指标 / 时效指标 / 投诉处置及时 / 及时
    产出指标 / 时效指标 / 防伪专用纸采购时限 / 及时
    改为：产出指标 / 时效指标 / 防伪专用纸采购时限 / 6月30日前

    如何修改：
    写出期限或时点：“采购于 6月30日前完成”“投诉 ≤5个工作日内办结”“办结及时率 ≥95%”。
    """
    for it in view.items:
        if not it.is_time or it.is_sat or it.kind not in (VAGUE, DIRECTION, OP_NO_NUMBER):
            continue
        yield view.hit(it, f"时效指标只写「{it.value_text}」，没有日期、期限或频次，无法判定是否及时",
                       "写出期限或时点，如「6月30日前完成」「≤5个工作日」「及时率 ≥95%」")
