"""S11: an explanation that explains nothing ("暂无", "已完成", the same text everywhere)."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import lost_points
from drafter.rules.view import FormView


@rule("S11", "偏差说明流于形式", "warning", tags=("scoring", "explanation"), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（偏差原因分析及改进措施）")
def check(view: FormView):
    """
    检查内容：
    失分指标的偏差说明是套话：“暂无”“无”“/”“已完成”“无偏差”等，或只写“客观原因”“外部原因”，
    或同一张表中多个失分指标的说明一字不差。

    为什么重要：
    “偏差原因分析及改进措施”要说明为什么扣分、下一步怎么改。套话等于没有说明，
    扣分原因无法汇总，整改也无从落实。

    示例：
    政策知晓率 / 得分 8 / 分值 10 / 偏差说明“暂无”

    如何修改：
    针对每个失分指标写出具体原因（哪一项没完成、差多少、为什么）和具体措施（谁、何时、做什么）。
    """
    notes: dict[str, list[int]] = {}
    for it in view.items:
        if not lost_points(it, view.config):
            continue
        note = it.ind.deviation or ""
        key = W.strip_punct(note)
        if not key:
            continue  # S09 reports the empty ones
        if W.is_boilerplate(note):
            yield view.hit(it, f"偏差说明「{note.strip()}」是套话，没有说明原因和措施",
                           "写出具体的偏差原因和改进措施")
            continue
        notes.setdefault(key, []).append(it.index)
    for key, rows in notes.items():
        if len(rows) < 2:
            continue
        for i in rows[1:]:
            yield view.hit(view.items[i], f"偏差说明与第 {rows[0] + 1} 行完全相同，没有针对本指标说明",
                           "针对本指标写出具体原因和措施")
