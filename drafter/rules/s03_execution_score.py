"""S03: the execution score is min(rate, 100 %) × its weight."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import close, expected_execution_score
from drafter.rules.view import FormView, pts


@rule("S03", "预算执行得分计算错误", "error", tags=("scoring",), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（预算执行得分 = 执行率 × 10）")
def check(view: FormView):
    """
    检查内容：
    预算执行得分应为 执行率 × 分值（默认 10 分），执行率超过 100% 时按 100% 计（可配置），
    得分不得超过分值。执行率按金额重算（见 S02），没有金额时用表中执行率。

    为什么重要：
    预算执行是自评总分中唯一完全由数字决定的部分，算错说明整张表的计算没有核对；
    不封顶会出现超过 10 分的执行得分。

    示例：
    执行率 93.74%，分值 10，表中得分 10.00（应为 9.37）。

    如何修改：
    按“执行率 × 分值”重算得分，保留两位小数。
    """
    budget = view.form.budget
    if budget is None or budget.score is None:
        return
    exp = expected_execution_score(budget, view.config)
    if exp is None:
        return
    weight = budget.weight if budget.weight is not None else view.config.execution_weight
    if budget.score > weight + view.config.tolerance + 1e-9:
        yield view.hit(None, f"预算执行得分 {pts(budget.score)} 超过分值 {pts(weight)}；应为 {pts(exp.score)}（{exp.working}）",
                       f"改为 {pts(exp.score)}")
    elif not close(exp.score, budget.score, view.config):
        yield view.hit(None, f"预算执行得分应为 {pts(exp.score)}（{exp.working}），表中为 {pts(budget.score)}",
                       f"改为 {pts(exp.score)}")
