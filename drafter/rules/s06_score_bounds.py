"""S06: a score lies between 0 and its weight, and both are filled in."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import FormView, pts


@rule("S06", "得分超出分值或缺失", "error", tags=("scoring",), kinds=("self_eval",),
      basis="财预〔2020〕10号（超额完成按满分计，不超过分值）")
def check(view: FormView):
    """
    检查内容：
    每个指标的得分应在 0 到分值之间；分值和得分都应填写。整张表没有分值、得分栏的表样不检查。

    为什么重要：
    超额完成也只能得满分；得分超过分值或为负，总分就不可信。缺少分值或得分的行无法参与合计。

    示例：
    化解信访矛盾满意率 / 分值 5.00 / 得分 97.52

    如何修改：
    得分不超过分值；补齐缺失的分值和得分。
    """
    tol = view.config.tolerance
    if all(it.ind.weight is None and it.ind.score is None for it in view.items):
        return  # a layout without 分值/得分 columns (target values and actuals only)
    for it in view.items:
        w, s = it.ind.weight, it.ind.score
        if w is None or s is None:
            missing = "、".join(x for x, v in (("分值", w), ("得分", s)) if v is None)
            yield view.hit(it, f"缺少{missing}", "补齐分值和得分")
        elif s > w + tol + 1e-9:
            yield view.hit(it, f"得分 {pts(s)} 超过分值 {pts(w)}（最多 {pts(w)}）", f"得分改为不超过 {pts(w)}")
        elif s < -1e-9:
            yield view.hit(it, f"得分 {pts(s)} 为负数", "得分最低为 0")
