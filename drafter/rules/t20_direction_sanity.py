"""T20: the operator points the right way and a rate stays within 0–100 %."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, num

def _limit_name(name: str, rate: str) -> str:
    """"检测及时率" → "检测时限": the name a time-limit figure should carry."""
    if "及时率" in name:
        return name.replace("及时率", "时限")
    return name.replace(rate, rate[:-1]) + "时限"




@rule("T20", "指标方向或取值范围不合理", "warning", tags=("direction",),
      basis="包头市财政局绩效目标审核要点（指标方向）；财预〔2020〕10号（正向、反向指标计分）")
def check(view: FormView):
    """
    检查内容：
    （1）成本、故障率、差错率、投诉率、事故数等越小越好的指标应使用“≤”（或“=0”），却用了“≥”；
    （2）覆盖率、合格率、完成率、及时率等越大越好的比率应使用“≥”，却用了“≤”，或用“=”配一个
    小于 100% 的值（实际超过时反而“不等于”）；（3）比率的目标值超过 100%；（4）名称是比率
    （……率），单位却不是 %（如“及时率 ≤10个工作日”；计数单位由 T25 报告）。满意度由 T09、
    成本指标的方向由 T23 检查。

    为什么重要：
    指标方向决定计分公式（正向：实际/目标；反向：目标/实际）。方向写反，年终计分正好颠倒；
    超过 100% 的比率和单位不符的比率说明指标口径有误。

    示例：
    产出指标 / 质量指标 / 机房设备故障率 / ≥3%
    产出指标 / 时效指标 / 房地产估价师注册及时率 / =95%
    产出指标 / 时效指标 / 查询申请处理及时率 / ≤10个工作日
    改为：产出指标 / 时效指标 / 查询申请处理时限 / ≤10个工作日

    如何修改：
    反向指标用“≤”，正向比率用“≥”；比率目标不超过 100%；比率用 %，时限类改名为“办理时限”。
    """
    for it in view.items:
        if it.kind != NUMERIC or it.is_sat:
            continue
        v, name = it.target, it.name
        negative = None if W.any_in(name, W.GOOD_DECREASE) else W.any_in(name, W.NEGATIVE_NAMES)
        positive = W.any_in(name, W.POSITIVE_RATES)
        if negative and v.op in ("≥", ">") and not it.is_cost:  # T23 owns cost indicators
            yield view.hit(it, f"「{negative}」越小越好，指标值却是「{it.value_text}」（{v.op}）",
                           f"改为「≤{num(v.value)}{v.unit}」")
            continue
        if positive and not negative:
            if v.op in ("≤", "<") and v.unit != "%":
                # "检测及时率 ≤7个工作日": the figure is a time limit; turning ≤ into ≥ would ask
                # for slowness. The name is what is wrong.
                yield view.hit(it, f"名称是「{positive}」，指标值「{it.value_text}」却是时限或数量",
                               f"改名为“{_limit_name(name, positive)}”并保留「{it.value_text}」，"
                               f"或改写为{positive} ≥N%")
                continue
            if v.op in ("≤", "<"):
                yield view.hit(it, f"「{positive}」越大越好，指标值却是「{it.value_text}」（{v.op}）",
                               f"改为「≥{num(v.value)}{v.unit}」")
                continue
            if v.unit == "%" and v.op == "=" and v.value is not None and 0 < v.value < 100:
                yield view.hit(it, f"正向比率用「=」配 {num(v.value)}%：实际超过时反而不等于目标",
                               f"改为「≥{num(v.value)}%」")
                continue
        # ‰ is a rate too: 森林火灾受害率 ≤0.9‰ is the published national form of that indicator.
        if (name.endswith("率") and v.unit and v.unit not in ("%", "‰") and v.unit not in W.COUNT_UNITS
                and not W.any_in(name, ("增长率", "增幅"))):  # a rate in 个/人 is T25's
            yield view.hit(it, f"名称是比率，单位却是「{v.unit}」", "比率用 %；若考核的是时限，改名为“××时限”")
            continue
        if v.unit == "%" and v.value is not None and v.value > 100 and not W.any_in(name, ("增长", "增幅", "提高")):
            yield view.hit(it, f"比率目标 {it.value_text} 超过 100%", "核对口径，比率目标不应超过 100%")
