"""S19: rows that do not apply are left out and the rest rescaled to 100."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import close
from drafter.rules.view import FormView, pts


@rule("S19", "不适用指标未按百分制折算", "info", tags=("scoring",), kinds=("self_eval",),
      basis="项目支出绩效自评表计分说明（不适用指标按 100 分折算）")
def check(view: FormView):
    """
    检查内容：
    实际完成值为“不适用”“不涉及”等的指标应不计分，其余得分按百分制折算：
    总分 = （其余得分 + 预算执行得分）÷（总分值 − 不适用指标分值）× 100。

    为什么重要：
    不适用的指标若按 0 分计，项目会被不公平地扣分；若按满分计，又虚增了总分。

    示例：
    一个 10 分的指标“不涉及”，其余得分 81，表中总分 81（应折算为 90）。

    如何修改：
    不适用指标不计分，按公式折算总分，并在说明中写明原因。
    """
    cfg = view.config
    na = [it for it in view.items if W.any_in(W.strip_punct(it.ind.actual_raw or ""), W.NOT_APPLICABLE)]
    if not na:
        return
    for it in na:
        if it.ind.score:
            yield view.hit(it, f"实际完成值为「{it.ind.actual_raw}」，却计了 {pts(it.ind.score)} 分",
                           "不适用的指标不计分，其余得分按百分制折算")
    rest = [it for it in view.items if it not in na]
    if any(it.ind.score is None for it in rest) or any(it.ind.weight is None for it in na):
        return
    budget = view.form.budget
    exec_score = budget.score if budget is not None and budget.score is not None else 0.0
    excluded = sum(it.ind.weight for it in na)  # type: ignore[misc]
    base = cfg.total_points - excluded
    if base <= 0:
        return
    expected = (sum(it.ind.score for it in rest) + exec_score) / base * cfg.total_points  # type: ignore[misc]
    total = view.form.total_score
    if total is not None and not close(total, expected, cfg):
        yield view.hit(None, f"有 {len(na)} 个不适用指标（分值 {pts(excluded)}），折算后总分应为 {pts(expected)}，表中为 {pts(total)}",
                       f"按百分制折算总分为 {pts(expected)}")
