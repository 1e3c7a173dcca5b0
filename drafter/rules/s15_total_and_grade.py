"""S15: the total adds up and the grade matches its band."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.scoring import close
from drafter.rules.view import FormView, pts


def _rows_missing(view: FormView) -> float | None:
    """The sum of weights read, when it falls short of the total points: rows were lost."""
    weights = [it.ind.weight for it in view.items]
    if any(w is None for w in weights):
        return None
    budget = view.form.budget
    total = sum(weights) + (budget.weight if budget is not None and budget.weight is not None else 0.0)  # type: ignore[arg-type]
    return total if total < view.config.total_points - view.config.tolerance - 1e-9 else None


@rule("S15", "总分或评分等级错误", "error", tags=("scoring",), kinds=("self_eval",),
      basis="财政部预算司绩效评价等级（优 ≥90、良 80–89、中 60–79、差 <60）；财预〔2020〕10号")
def check(view: FormView):
    """
    检查内容：
    总分应等于各指标得分之和加预算执行得分；有指标行未读到得分，或读到的分值合计不足总分（说明有行
    未读到）时，不断定总分有误，只列出未能读到的行（提示级）；评分等级应与总分所在区间一致（默认 优 ≥90、
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
    unread = [it for it in view.items if it.ind.score is None]
    if unread and form.total_score is not None:
        # A partial reading never disproves a total: say which rows are missing instead.
        names = "、".join(f"第 {it.index + 1} 行「{it.ind.name}」" for it in unread[:5])
        more = f"等 {len(unread)} 行" if len(unread) > 5 else ""
        yield view.hit(None, f"{names}{more}未读到得分，无法核对总分 {pts(form.total_score)}",
                       "核对这些行的得分后再核对总分", severity="info")
    if view.items and not unread:
        computed = sum(scores) + (budget_score or 0.0)  # type: ignore[arg-type]
        short = _rows_missing(view)
        if short is not None and form.total_score is not None and form.total_score > computed + cfg.tolerance:
            yield view.hit(None, f"读到的分值合计只有 {pts(short)}（应为 {pts(cfg.total_points)}），可能有指标行未读到；"
                                 f"读到的得分合计 {pts(computed)}，不据此判断总分 {pts(form.total_score)} 有误",
                           "核对原表是否有未读到的指标行", severity="info")
            computed = None
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
