"""T04: a quantitative value has a unit (and a bare number is no target at all)."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import BARE, NO_UNIT, FormView, natural_op, num


def _unit_guess(name: str) -> str:
    if name.endswith(("率", "度", "比", "比例", "占比")):
        return "%"
    for word, unit in (("报告", "份"), ("人次", "人次"), ("次数", "次"), ("场次", "场"), ("天数", "天"),
                       ("人数", "人"), ("户数", "户"), ("个数", "个"), ("件", "件"), ("套", "套")):
        if word in name:
            return unit
    return "个"


def _counted(name: str) -> bool:
    """A name that says what a bare number counts ("项目数量")."""
    return name.endswith(("数量", "个数", "人数", "次数", "户数", "天数", "件数"))


@rule("T04", "定量指标缺少计量单位", "error", tags=("completeness", "unmeasurable"),
      basis="财预〔2021〕101号（指标值与计量单位）；包头市财政局绩效目标审核要点（指标性质、目标值、计量单位准确）")
def check(view: FormView):
    """
    检查内容：
    定量指标的指标值应是“数值 + 计量单位”。只有数字、既无符号也无单位的值（如“90”）说不清考核
    什么，标记为不可衡量；名称已写明单位或计数对象的（“面积(亩) / 80000”“项目数量 / 1”），只要求
    补符号，不标记为不可衡量；有符号但缺单位（如“=1”“=100”）的值要求补单位。满意度指标由 T09 检查。

    为什么重要：
    计量单位决定考核口径：“90”可能是 90%、90 分或 90 人。系统要求每个定量指标都填度量单位，
    审核也要核对“指标性质、目标值、计量单位”是否准确。

    示例：
    产出指标 / 时效指标 / 962121平台咨询回复及时率 / =100
    产出指标 / 数量指标 / 维修工程 / 90
    改为：产出指标 / 数量指标 / 维修工程 / ≥90项

    如何修改：
    补上单位和符号，如“=100%”“=1份”“≥90%”。
    """
    for it in view.items:
        if it.is_sat:
            continue  # T09 owns satisfaction values
        named = W.unit_in_name(it.name, it.target.value)
        if it.kind == BARE and (named or _counted(it.name)):
            # "面积(亩) / 80000": the name says what the number counts; only the operator is missing.
            unit = named or _unit_guess(it.name)
            yield view.hit(it, f"指标值「{it.value_text}」没有符号，计量单位只写在名称中（{unit}）",
                           f"写成「{natural_op(it.name, it.target)}{num(it.target.value)}{unit}」",
                           tags=("completeness",))
        elif it.kind == BARE:
            guess = _unit_guess(it.name)
            yield view.hit(it, f"指标值「{it.value_text}」只有数字，没有符号和计量单位，无法确定考核口径",
                           f"写成「{natural_op(it.name, it.target)}{num(it.target.value)}{guess}」这样的形式",
                           tags=("completeness", "unmeasurable"))
        elif it.kind == NO_UNIT and named:
            yield view.hit(it, f"指标值「{it.value_text}」的计量单位只写在名称中（{named}）",
                           f"把单位写进指标值，如「{it.target.op}{num(it.target.value)}{named}」",
                           tags=("completeness",))
        elif it.kind == NO_UNIT:
            guess = _unit_guess(it.name)
            yield view.hit(it, f"指标值「{it.value_text}」缺少计量单位",
                           f"补上单位，如「{it.target.op}{num(it.target.value)}{guess}」",
                           tags=("completeness",))
