"""S21: more executed than budgeted."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit, num, pts


@rule("S21", "预算执行超过预算", "error", tags=("scoring", "funding"), kinds=("self_eval",),
      basis="中央部门项目支出绩效自评表（执行率 = 全年执行数 ÷ 全年预算数）；《中华人民共和国预算法》（无预算不得支出）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    自评表的预算执行率超过 100%，或全年执行数大于全年预算数（调整后预算数）。

    为什么重要：
    支出不得超过预算；执行数大于预算数，要么金额填错（单位、栏次），要么存在超预算支出，
    都需要核实。执行率超过 100% 还会让预算执行得分超过 10 分（见 S03）。

    示例：
    全年预算数 100 万元，全年执行数 112 万元，执行率 112%。

    如何修改：
    核对预算数和执行数（是否把年初预算当作全年预算、是否混入其他资金）；确有追加的，按调整后预算填写。
    """
    b = view.form.budget
    if b is None:
        return
    unit = b.unit or ""
    if b.executed is not None and b.adjusted is not None and b.executed > b.adjusted + view.config.tolerance:
        yield view.hit(None, f"全年执行数 {num(b.executed)}{unit} 大于全年预算数 {num(b.adjusted)}{unit}",
                       "核对执行数和调整后预算数")
    elif b.rate_pct is not None and b.rate_pct > 100 + view.config.tolerance:
        yield view.hit(None, f"预算执行率 {pts(b.rate_pct)}% 超过 100%", "核对执行数和预算数；执行率不应超过 100%")
