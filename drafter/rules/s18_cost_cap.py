"""S18: where a jurisdiction caps the cost score when no cost indicator was filed."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView, num, pts


@rule("S18", "未设成本指标的得分上限", "warning", tags=("scoring", "cost", "jurisdiction"), kinds=("self_eval",),
      basis="山西省预算绩效管理系统自评规则（未设成本指标的成本分值上限）")
def check(view: FormView):
    """
    检查内容：
    地方规则（山西等）：未设置成本指标的项目，成本部分得分不超过规定上限（如 5 分）。
    只有在配置中设置了 cost_missing_cap 时才检查；此时自评表没有任何成本指标、而总分按满额
    成本分计算（总分超过 100 − (成本满分 − 上限)）时报告。默认不启用。

    为什么重要：
    成本是绩效目标的组成部分；不设成本指标却拿满分，等于回避了成本约束。

    示例：
    未设成本指标，总分 98（按山西规则最多 100 − 10 + 5 = 95）。

    如何修改：
    补设成本指标，或按本地规则扣减成本部分得分。
    """
    cfg = view.config
    cap = cfg.cost_missing_cap
    if cap is None or any(it.is_cost for it in view.items):
        return
    cost_full = cfg.level1_weights.get("成本", 10.0)
    limit = cfg.total_points - max(cost_full - cap, 0.0)
    total = view.form.total_score
    if total is not None and total > limit + cfg.tolerance:
        yield view.hit(None, f"未设成本指标，按本地规则成本部分最多 {num(cap)} 分，总分最多 {pts(limit)}，表中为 {pts(total)}",
                       "补设成本指标，或按本地规则扣减成本部分得分")
