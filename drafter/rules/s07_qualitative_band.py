"""S07: a qualitative score lies inside the band of its grade."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import qualitative_band
from drafter.rules.view import FormView, num, pts

_LABEL = {W.QUAL_FULL: "达成", W.QUAL_PARTIAL: "部分达成", W.QUAL_NONE: "未达成"}


@rule("S07", "定性指标得分不在等级区间内", "error", tags=("scoring",), kinds=("self_eval",),
      basis="财预〔2020〕10号（定性指标达成、部分达成、未达成三档：100–80%、80–60%、60–0%）")
def check(view: FormView):
    """
    检查内容：
    实际完成值是三档定性评价之一时，得分应落在对应区间（占分值的比例，可配置）：
    达成年度指标 80%（含）–100%；部分达成年度指标并具有一定效果 60%（含）–80%（不含）；
    未达成年度指标且效果较差 0–60%（不含）。

    为什么重要：
    三档评价是定性指标唯一的计分依据。“部分达成”却给了 80% 以上，或“达成”却只给 60%，
    说明评价和得分至少有一个不实。

    示例：
    居住环境品质 / 部分达成指标并具有一定效果 / 分值 6 / 得分 4.80（应不低于 3.60、低于 4.80）

    如何修改：
    按评价档次调整得分；若实际效果与档次不符，改正档次并在偏差说明中写明依据。
    """
    cfg = view.config
    for it in view.items:
        grade = W.qualitative_grade(it.ind.actual_raw)
        w, s = it.ind.weight, it.ind.score
        if grade is None or w is None or s is None or grade not in cfg.qualitative_bands:
            continue
        low, high, inclusive = qualitative_band(grade, w, cfg)
        eps = 1e-6
        inside = s >= low - eps and (s <= high + eps if inclusive else s < high - eps)
        if not inside:
            lo_pct, hi_pct = cfg.qualitative_bands[grade]
            if inclusive:
                band = f"应在 {pts(low)}–{pts(high)} 之间"
            elif low <= 0:
                band = f"应低于 {pts(high)}"
            else:
                band = f"应不低于 {pts(low)}、低于 {pts(high)}"
            yield view.hit(it, f"「{_LABEL[grade]}」的得分{band}（{num(lo_pct * 100)}%–{num(hi_pct * 100)}%×{num(w)}），"
                               f"表中为 {pts(s)}",
                           "按评价档次调整得分，或改正评价档次")
