"""T10: money flows (资金到位, 拨付, 预算执行) are inputs, not outputs or benefits."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView


@rule("T10", "以投入代替产出", "warning", tags=("classification",),
      basis="省级绩效目标表填报说明（资金、人员等投入不作为绩效目标）")
def check(view: FormView):
    """
    检查内容：
    产出、效益或满意度类别下出现资金投入类指标：资金到位率、经费拨付完成率、预算执行率、
    支出进度等。上海 2020 年表样的“投入与管理”类别下的这类指标不报告。

    为什么重要：
    绩效目标要反映“花钱办成了什么事”。资金到位、拨付、执行是投入和过程，不是产出；预算执行率在
    自评中已单独计 10 分，再作为产出指标等于重复计分。

    示例：
    产出目标 / 数量 / 物业中心经费拨付完成率 / =100%
    改为：产出目标 / 数量 / 服务小区数 / ≥29个

    如何修改：
    删去该指标，换成资金所形成的产出，如“完成测评报告 =1份”“服务小区数 ≥29个”。
    """
    for it in view.items:
        if it.fam1 in ("投入", None) or it.fam2 in ("投入管理", "财务管理", "实施管理"):
            continue
        word = W.any_in(it.name, W.INPUT_WORDS) or W.any_in(it.text, ("拨付", "资金到位"))
        if word:
            yield view.hit(it, f"「{it.ind.name}」（{word}）是资金投入或过程，不是{it.ind.level1 or '产出/效益'}",
                           "换成资金形成的产出或效果，预算执行情况由预算执行率单独计分")
