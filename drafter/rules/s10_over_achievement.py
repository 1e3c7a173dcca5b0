"""S10: far above target needs an explanation (the target may have been set too low)."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import comparable, direction
from drafter.rules.view import FormView, num


@rule("S10", "大幅超额完成未说明", "warning", tags=("scoring", "ambition"), kinds=("self_eval",),
      basis="广西预算绩效管理系统自评规则（实际完成值 ≥ 目标值 130% 须说明）；财预〔2020〕10号（目标设置明显偏低的扣分）")
def check(view: FormView):
    """
    检查内容：
    正向或等于类指标的实际完成值达到目标值的 130%（可配置）以上，目标为 0 时实际达到 30
    （可配置）以上，而偏差说明为空。反向指标不检查。

    为什么重要：
    大幅超额往往说明目标定得过低；广西等地要求此时必须说明，按 10号文的精神，目标明显偏低的
    还可能要扣分。

    示例：
    本市物业费价格指数样本采集 / ≥2000个 / 实际 100000个 / 偏差说明为空

    如何修改：
    在偏差说明中写明超额的原因；属于目标偏低的，下一年度按实际水平调整目标值。
    """
    cfg = view.config
    for it in view.items:
        pair = comparable(it)
        if pair is None or direction(it) == "-" or W.strip_punct(it.ind.deviation or ""):
            continue
        target, actual = pair
        if target > 0 and actual >= target * cfg.over_achievement_ratio - 1e-9:
            yield view.hit(it, f"实际完成值 {num(actual)} 是目标值 {num(target)} 的 {actual / target * 100:.0f}%"
                               f"（≥{cfg.over_achievement_ratio * 100:.0f}%），未说明超额原因",
                           "说明超额完成的原因；目标偏低的，下一年度按实际水平调整")
        elif target == 0 and actual >= cfg.over_achievement_zero_target:
            yield view.hit(it, f"目标为 0，实际完成值 {num(actual)}（≥{num(cfg.over_achievement_zero_target)}），未说明原因",
                           "说明偏差原因，并核对目标值")
