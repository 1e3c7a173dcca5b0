"""S15: the total adds up and the grade matches its band."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import close
from drafter.rules.view import FormView, pts


@rule("S15", "总分或评分等级错误", "error", tags=("scoring",), kinds=("self_eval",))
def check(view: FormView):
    """
    检查内容：
    总分应等于各指标得分之和加预算执行得分；评分等级应与总分所在区间一致（默认 优 ≥90、
    良 80–89、中 60–79、差 <60，可配置）。满分不是 100 分时（配置 total_points），等级按
    总分折合的百分制分数判定。表中未填总分或等级时，给出应填的数值（提示级）。

    为什么重要：
    总分和等级是自评结果的“结论”，直接用于预算安排（优先保障、压减、取消）。加总错误或等级
    与分数不符，结论就不成立。

    示例：
    指标得分合计 87 + 预算执行 10 = 97，表中总分 98，等级“优”。
    总分 89，等级“优”（应为“良”）。
    满分 150 分，总分 130（折合 86.67 分），等级“优”（应为“良”）。

    如何修改：
    重新加总得分；按配置的分数区间确定等级。
    """
    cfg = view.config
    form = view.form
    scores = [it.ind.score for it in view.items]
    budget_score = form.budget.score if form.budget is not None else None
    computed = None
    if view.items and all(s is not None for s in scores):
        computed = sum(scores) + (budget_score or 0.0)  # type: ignore[arg-type]
    working = None
    if computed is not None:
        working = f"指标得分 {pts(computed - (budget_score or 0.0))}" + (
            f" + 预算执行得分 {pts(budget_score)}" if budget_score is not None else "")
    total = form.total_score
    if total is not None and computed is not None and not close(total, computed, cfg):
        yield view.hit(None, f"总分应为 {pts(computed)}（{working}），表中为 {pts(total)}",
                       f"改为 {pts(computed)}，并据此确定等级")
    elif total is None and computed is not None:
        yield view.hit(None, f"未填写总分，按得分合计应为 {pts(computed)}（{working}）",
                       f"填写总分 {pts(computed)}", severity="info")
    basis = total if total is not None else computed
    if basis is None:
        return
    # Bands are on a 100-point scale: a form scored out of 150 is graded on its percentage.
    scaled = abs(cfg.total_points - 100.0) > 1e-9 and cfg.total_points > 0
    pct = basis / cfg.total_points * 100 if scaled else basis
    expected = cfg.grade_for(pct)
    said = f"总分 {pts(basis)}/{pts(cfg.total_points)}，折合 {pts(pct)} 分" if scaled else f"总分 {pts(basis)}"
    grade = (form.grade or "").strip()
    if grade and grade != expected:
        yield view.hit(None, f"评分等级应为「{expected}」（{said}，{expected} {cfg.band_text(expected)}），"
                             f"表中为「{grade}」", f"改为「{expected}」")
    elif not grade:
        yield view.hit(None, f"未填写评分等级，按{said}应为「{expected}」（{cfg.band_text(expected)}）",
                       f"填写等级「{expected}」", severity="info")
