"""S02: the execution rate is executed ÷ budget."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import close, execution_rate
from drafter.rules.view import FormView, num, pts


@rule("S02", "预算执行率计算错误", "error", tags=("scoring",), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（执行率 = 全年执行数 B ÷ 全年预算数 A）")
def check(view: FormView):
    """
    检查内容：
    按金额重算预算执行率：全年执行数 ÷ 全年预算数（调整后预算数）× 100%，与表中执行率比较
    （允许误差 0.01 个百分点，可配置）。表中未填执行率时给出应填的数值。

    为什么重要：
    执行率直接决定预算执行部分的 10 分。表中执行率与金额不符，要么金额填错，要么得分算错。

    示例：
    全年预算数 341.94 万元，执行数 335.19 万元，表中执行率 96.00%（应为 98.03%）。

    如何修改：
    按“执行数 ÷ 全年预算数”重算执行率，并据此重算得分（见 S03）。
    """
    budget = view.form.budget
    if budget is None:
        return
    rate, working = execution_rate(budget)
    if rate is None or working == "表中执行率":
        return
    if budget.rate_pct is None:
        yield view.hit(None, f"未填写预算执行率，按金额应为 {pts(rate)}%（{working}）",
                       f"填写执行率 {pts(rate)}%", severity="info")
    elif not close(rate, budget.rate_pct, view.config):
        yield view.hit(None, f"预算执行率应为 {pts(rate)}%（{working}），表中为 {num(budget.rate_pct)}%",
                       f"改为 {pts(rate)}%，并重算预算执行得分")
