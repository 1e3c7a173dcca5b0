"""S13: every row met exactly and scored full marks."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import comparable
from drafter.rules.view import FormView


@rule("S13", "全部指标恰好完成且满分", "warning", tags=("scoring", "ambition"), kinds=("self_eval",),
      basis="财政部《关于开展中央部门项目支出绩效自评工作的通知》（2016，如实自评，不得虚报）")
def check(view: FormView):
    """
    检查内容：
    自评表（至少 3 个指标）每一行都是满分，且每个实际完成值都恰好等于目标值（数值相等，
    或定性评价为“达成”）。

    为什么重要：
    所有指标不多不少恰好完成，现实中极少见；这通常说明目标按实际倒填，或实际值照抄目标。
    财政部要求自评“实事求是”，严禁虚报、“注水”。

    示例：
    12 个指标的实际完成值都等于年度指标值，得分全部等于分值，总分 100。

    如何修改：
    核实每个实际完成值的来源（统计报表、验收记录、测评报告），按实际填写并如实计分。
    """
    rows = view.items
    if len(rows) < 3:
        return
    for it in rows:
        w, s = it.ind.weight, it.ind.score
        if w is None or s is None or abs(w - s) > view.config.tolerance:
            return
        pair = comparable(it)
        if pair is not None:
            if abs(pair[0] - pair[1]) > 1e-9:
                return
        elif W.qualitative_grade(it.ind.actual_raw) != W.QUAL_FULL:
            return
    yield view.hit(None, f"全部 {len(rows)} 个指标的实际值都恰好等于目标值且全部满分，真实性存疑",
                   "核实实际完成值的来源，按实际填写和计分")
