"""S04: a low execution rate needs a reason."""

from __future__ import annotations

import re

from drafter.rules.registry import rule
from drafter.rules.scoring import execution_rate
from drafter.rules.view import FormView, pts

_MONEY_TALK = re.compile(r"执行率|预算|资金|支出|结余|未支付|未执行|经费|拨付|付款|结算")


@rule("S04", "预算执行率偏低且未说明原因", "warning", tags=("scoring", "explanation"), kinds=("self_eval",),
      basis="四川省项目支出绩效自评表填报要求（执行率低于 90% 须说明原因）")
def check(view: FormView):
    """
    检查内容：
    预算执行率低于阈值（默认 90%，可配置）时，表中（年度目标完成情况或任一偏差说明）应说明
    资金没有用完的原因。表中没有预算执行的专门说明栏，本规则在年度目标和各行偏差说明中查找
    与资金、预算、支出有关的说明。

    为什么重要：
    执行率低意味着资金沉淀或项目进度滞后；四川等地要求执行率低于 90% 时必须说明原因，
    预算调整也要单独说明。

    示例：
    全年预算 16.2 万元，执行 0 万元，执行率 0%，表中没有任何说明。

    如何修改：
    在偏差说明或自评报告中写明原因（如采购延期、政策调整、结余收回）和改进措施。
    """
    budget = view.form.budget
    if budget is None:
        return
    rate, _ = execution_rate(budget)
    limit = view.config.execution_explain_below
    if rate is None or rate >= limit - 1e-9:
        return
    texts = [view.form.annual_goal or ""] + [it.ind.deviation or "" for it in view.items]
    if any(_MONEY_TALK.search(t) for t in texts):
        return
    yield view.hit(None, f"预算执行率 {pts(rate)}% 低于 {limit:g}%，表中没有说明资金未执行的原因",
                   "说明执行率偏低的原因（采购延期、政策调整、结余收回等）和改进措施")
