"""S09: every lost point is explained."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import lost_points
from drafter.rules.view import FormView, pts


@rule("S09", "扣分未说明偏差原因", "error", tags=("scoring", "explanation"), kinds=("self_eval",),
      basis="预算管理一体化系统（得分低于分值须填写偏差原因）；财预〔2020〕10号")
def check(view: FormView):
    """
    检查内容：
    得分低于分值（失分）的指标，“偏差原因分析及改进措施”栏不能为空。说明是否写得充分由
    S11、S12 检查。

    为什么重要：
    扣分必须有说明，这是自评表保存时的强制校验；没有说明的扣分无法汇总分析原因，也无法落实整改。

    示例：
    房地产估价师注册工作完成数 / 分值 5 / 得分 4 / 偏差原因栏为空（失分 1.00）

    如何修改：
    写明偏差原因（为什么没完成）和改进措施（下一步怎么做）。
    """
    for it in view.items:
        lost = lost_points(it, view.config)
        if lost and not W.strip_punct(it.ind.deviation or ""):
            yield view.hit(it, f"失分 {pts(lost)}（分值 {pts(it.ind.weight)}，得分 {pts(it.ind.score)}），"
                               "未填写偏差原因分析及改进措施",
                           "写明偏差原因和改进措施")
