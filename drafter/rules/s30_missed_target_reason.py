"""S30: a target that was missed is explained, whatever score was written."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.scoring import comparable, direction, lost_points
from drafter.rules.view import FormView, Hit, Item, num


def _shortfall(it: Item) -> str | None:
    """How the actual falls short of the target (by the indicator's direction), or None."""
    grade = W.qualitative_grade(it.ind.actual_raw)
    if grade in (W.QUAL_PARTIAL, W.QUAL_NONE):
        return f"实际完成值为「{W.squash(it.ind.actual_raw)}」"
    pair = comparable(it)
    if pair is None:
        return None
    target, actual = pair
    unit = it.target.unit or ""
    if direction(it) == "-":
        if actual > target + 1e-9:
            return f"实际 {num(actual)}{unit} 高于目标上限 {num(target)}{unit}"
        return None
    if actual < target - 1e-9:
        return f"实际 {num(actual)}{unit} 低于目标 {num(target)}{unit}"
    return None


@rule("S30", "未完成目标未说明偏差原因", "warning", tags=("scoring", "explanation"), kinds=("self_eval",),
      basis="预算管理一体化系统（未完成目标须填写偏差原因）；财预〔2020〕10号")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    实际完成值未达到年度指标值（正向指标低于目标、反向指标高于上限，或评价为“部分达成”
    “未达成”），而“偏差原因分析及改进措施”栏为空（或只写“无”“/”“已完成”）。不论表中给了多少分
    都要说明；已经失分的由 S09、S11 检查，本规则不重复报告。

    为什么重要：
    偏差说明针对的是“目标没完成”，不是“扣了分”。给了满分的未完成指标更需要说明：要么目标定低了、
    实际值填错了，要么得分给高了。没有说明，年终无法分析原因，也无法改进下一年的目标。

    示例：
    培训覆盖率 / ≥95% / 实际 90% / 分值 10 / 得分 10 / 偏差原因栏为空

    如何修改：
    在偏差原因栏写明未完成的原因和改进措施；若得分有误，按完成比例改正（见 S05）。
    """
    for it in view.items:
        if lost_points(it, view.config):
            continue  # S09 (empty) and S11 (boilerplate) own rows that lost points
        if W.any_in(W.strip_punct(it.ind.actual_raw or ""), W.NOT_APPLICABLE):
            continue
        note = W.strip_punct(W.squash(it.ind.deviation))
        if note and note not in W.BOILERPLATE and not W.is_placeholder(note):
            continue
        shortfall = _shortfall(it)
        if shortfall is None:
            continue
        written = f"，偏差原因只写了「{W.squash(it.ind.deviation)}」" if note else "，未填写偏差原因分析及改进措施"
        yield view.hit(it, f"{shortfall}，未达到年度指标值「{it.value_text}」{written}",
                       "写明未完成的原因和改进措施")
