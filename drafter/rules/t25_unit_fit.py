"""T25: the unit fits what the indicator measures."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit

# Names about how long something lasts: there a number of years is right.
_DURATION = re.compile(r"年限|期限|周期|寿命|时长|年数|时间|时效|工期|保修|质保|服务期|使用期|存续|有效期|持续")
_RATE = re.compile(r"(?:率|比例|占比|百分比)$")


@rule("T25", "计量单位与指标不符", "warning", tags=("completeness",),
      basis="包头市财政局绩效目标审核要点（计量单位准确、合理）；财预〔2021〕101号（指标值与计量单位）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    计量单位与指标名称衡量的东西对不上：数量、长度、面积用“年”（“道路长度 =3年”“培训人次
    ≥2年”），名称不是年限、期限、周期等时长；比率（……率、比例、占比）用计数单位（个、人、次、
    件……）。比率用时限单位（工作日、小时）由 T20 报告。

    为什么重要：
    单位错了，指标值就不知道在量什么；年终按单位核对完成值时无从比较。

    示例：
    产出指标 / 数量指标 / 培训人次 / ≥2年
    产出指标 / 质量指标 / 档案数字化覆盖率 / ≥90个
    改为：产出指标 / 质量指标 / 档案数字化覆盖率 / ≥90%

    如何修改：
    按名称选单位：数量用个、人次、公里、亩，比率用 %，时长才用年、月、天。
    """
    for it in view.items:
        if it.kind != NUMERIC or it.is_sat:
            continue
        unit = it.target.unit or ""
        if unit == "年" and not _DURATION.search(it.name):
            yield view.hit(it, f"指标值「{it.value_text}」的单位是“年”，但「{it.ind.name}」不是年限或期限",
                           "按名称选单位，如人次、个、公里、亩；考核期限的写成“××年限 ≥N年”")
        elif _RATE.search(it.name) and unit in W.COUNT_UNITS:
            yield view.hit(it, f"「{it.ind.name}」是比率，单位却是计数单位“{unit}”",
                           "比率用 %；考核数量的，名称改为“××数”")
