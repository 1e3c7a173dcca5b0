"""T03: weights are positive and add up to the configured total."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView, pts


@rule("T03", "分值合计不正确", "error", tags=("scoring",),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，权重合计 100 分）；财预〔2020〕10号《项目支出绩效评价管理办法》")
def check(view: FormView):
    """
    检查内容：
    表上填了分值（权重）时：每个指标的分值应大于 0；全部三级指标分值之和加上预算执行率分值应等于
    总分（默认 100，可配置）。单列预算执行分值的省份（如重庆奉节：指标 90 分 + 预算执行 10 分），
    目标表的指标分值合计为总分减去 target_execution_weight。没有分值栏的目标申报表不检查（这是本规则在数据上的限制）。
    一级指标之间的分配（50/30/10/10）由 S01 检查。

    为什么重要：
    系统逐级校验权重：三级之和等于二级、二级之和等于一级、总和等于 100。合计不对，自评总分就不可比，
    等级也会判错。

    示例：
    产出 24 + 质量 30 + 效益 1 + 满意度 15 + 预算执行 10 = 80（应为 100）

    如何修改：
    调整各指标分值，使合计等于 100；不适用的指标删去并把分值分给其他指标，不要填 0 分。
    """
    cfg = view.config
    weights = [it.ind.weight for it in view.items]
    if all(w is None for w in weights):
        return
    for it in view.items:
        w = it.ind.weight
        if w is not None and w <= 0:
            yield view.hit(it, f"分值为 {pts(w)}，指标分值应大于 0", "删去不适用的指标，或给出正的分值")
    if any(w is None for w in weights):
        return  # S06 reports the rows without a weight; a partial sum says nothing.
    indicator_sum = sum(weights)  # type: ignore[arg-type]
    budget = view.form.budget
    exec_w = budget.weight if budget is not None and budget.weight is not None else (
        cfg.target_execution_weight if view.kind == "target" else 0.0)
    total = indicator_sum + exec_w
    if abs(total - cfg.total_points) > cfg.tolerance + 1e-9:
        parts = f"指标 {pts(indicator_sum)}" + (f" + 预算执行 {pts(exec_w)}" if exec_w else "")
        yield view.hit(None, f"分值合计应为 {pts(cfg.total_points)}，表中为 {pts(total)}（{parts}）",
                       f"调整分值，使合计等于 {pts(cfg.total_points)}")
