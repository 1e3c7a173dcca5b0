"""S20: low spending with near-full output and benefit scores."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import execution_rate
from drafter.rules.view import FormView, pts


@rule("S20", "执行率低而产出效益近乎满分", "warning", tags=("scoring", "consistency"), kinds=("self_eval",),
      basis="财预〔2020〕10号（预算执行与绩效目标完成情况相互印证）")
def check(view: FormView):
    """
    检查内容：
    预算执行率低于阈值（默认 60%），而产出和效益指标的得分合计仍达到其分值的 95%（可配置）以上。

    为什么重要：
    钱没花出去，产出和效益却几乎全部完成，二者至少有一个不实：要么资金安排过多，要么产出和效益
    的自评偏高。这是审核交叉核对的重点。

    示例：
    执行率 0%，产出、效益指标得 54/55 分。

    如何修改：
    核实产出和效益的实际完成情况；说明资金未执行而任务完成的原因（如由其他资金承担），
    并相应调整下一年度预算。
    """
    cfg = view.config
    budget = view.form.budget
    if budget is None:
        return
    rate, _ = execution_rate(budget)
    if rate is None or rate >= cfg.low_execution_rate:
        return
    rows = [it for it in view.items if it.fam1 in ("产出", "效益", "成本", "影响力") and it.fam2 != "满意度"]
    if not rows or any(it.ind.weight is None or it.ind.score is None for it in rows):
        return
    w = sum(it.ind.weight for it in rows)  # type: ignore[misc]
    s = sum(it.ind.score for it in rows)  # type: ignore[misc]
    if w > 0 and s / w >= cfg.high_score_share - 1e-9:
        yield view.hit(None, f"预算执行率只有 {pts(rate)}%，产出和效益指标却得了 {pts(s)}/{pts(w)} 分"
                             f"（{s / w * 100:.0f}%）", "核实产出、效益的实际完成情况，说明资金与任务的关系")
