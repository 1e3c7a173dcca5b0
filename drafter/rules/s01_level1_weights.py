"""S01: first-level weights follow the configured split (50/30/10/10)."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView, num

_ORDER = ("产出", "效益", "满意度")


@rule("S01", "一级指标分值分配不符", "warning", tags=("scoring", "weights"), kinds=("self_eval",),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，产出 50、效益 30、满意度 10、预算执行 10）")
def check(view: FormView):
    """
    检查内容：
    自评表各一级指标的分值合计应符合统一权重：产出 50、效益 30、服务对象满意度 10、预算执行率 10
    （可配置；成本指标计入产出，满意度按二级指标归类）。全部指标都有分值、一级类别可识别时才检查。
    总分是否为 100 由 T03 检查。

    为什么重要：
    财政部统一了自评的一级权重，使不同项目的自评结果可比。特殊情况可以调整，但应有说明；
    不说明的调整往往是为了把分值压在容易得分的指标上。

    示例：
    产出 50、效益 20、满意度 20、预算执行 10（满意度类别下放了“签约率”，占了效益的分值）。

    如何修改：
    按 50/30/10/10 重新分配分值；确需调整的，在自评报告中说明理由。
    """
    cfg = view.config
    if not view.items or any(it.ind.weight is None for it in view.items):
        return
    groups: dict[str, float] = {}
    for it in view.items:
        key: str | None
        if it.fam2 == "满意度" or it.fam1 == "满意度":
            key = "满意度"
        elif it.fam1 == "成本":
            key = cfg.cost_counts_as
        elif it.fam1 == "影响力":
            key = "效益"
        else:
            key = it.fam1
        if key is None or key not in cfg.level1_weights:
            return  # a layout without this split (投入与管理…): nothing to compare
        groups[key] = groups.get(key, 0.0) + it.ind.weight  # type: ignore[operator]
    budget = view.form.budget
    exec_w = budget.weight if budget is not None else None
    wrong = [k for k, w in cfg.level1_weights.items() if abs(groups.get(k, 0.0) - w) > cfg.tolerance + 1e-9]
    exec_wrong = exec_w is not None and abs(exec_w - cfg.execution_weight) > cfg.tolerance + 1e-9
    if not wrong and not exec_wrong:
        return
    keys = [k for k in _ORDER if k in cfg.level1_weights] + [k for k in cfg.level1_weights if k not in _ORDER]
    want = "、".join(f"{k} {num(cfg.level1_weights[k])}" for k in keys) + f"、预算执行 {num(cfg.execution_weight)}"
    have = "、".join(f"{k} {num(groups.get(k, 0.0))}" for k in keys) + (
        f"、预算执行 {num(exec_w)}" if exec_w is not None else "")
    yield view.hit(None, f"一级指标分值应为 {want}，表中为 {have}", "按统一权重重新分配，确需调整的应说明理由")
