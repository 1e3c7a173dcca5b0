"""S31: a budget of zero cannot be spent or scored."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit, num, pts


@rule("S31", "预算数为零却有支出或得分", "error", tags=("scoring", "funding"), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（执行率 = 全年执行数 ÷ 全年预算数）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    全年预算数（调整后预算；未列时为年初预算数）为 0，而全年执行数大于 0，或预算执行率、
    预算执行得分不为 0。

    为什么重要：
    预算为 0 时执行率无从计算（除以 0），表中的执行率和得分只能是估填的；有支出却没有预算，
    要么预算数漏填，要么支出无预算依据，都是审核必须退回的问题。

    示例：
    年初预算数 0 / 全年预算数 0 / 全年执行数 12.5 / 执行率 100% / 得分 10

    如何修改：
    填写批复的全年预算数；确无预算的，执行数、执行率和得分应为 0 或不填，并说明支出的资金来源。
    """
    b = view.form.budget
    if b is None:
        return
    base, label = (b.adjusted, "全年预算数") if b.adjusted is not None else (b.initial, "年初预算数")
    if base is None or abs(base) > 1e-9:
        return
    unit = b.unit or ""
    what = []
    if b.executed:
        what.append(f"全年执行数 {num(b.executed)}{unit}")
    if b.rate_pct:
        what.append(f"执行率 {num(b.rate_pct)}%")
    if b.score:
        what.append(f"预算执行得分 {pts(b.score)}")
    if what:
        yield view.hit(None, f"{label}为 0，表中却有{'、'.join(what)}",
                       f"填写批复的{label}，或将执行数、执行率和得分改为 0")
