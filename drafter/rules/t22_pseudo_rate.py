"""T22: a percentage on something that is not a rate measures nothing (pseudo-quantified)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import NUMERIC, FormView, Hit

_VALUE_NOISE = re.compile(r"[\d.,%％=≥≤<>()（）\s]")


@rule("T22", "百分比用于非比率指标（伪量化）", "warning", tags=("unmeasurable",),
      basis="财预〔2015〕88号（绩效目标细化、量化）；财政支出绩效评价管理办法（可量化的指标须能计算）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    指标值是百分比，指标名称却不是比率或比例：一个工作方向（“维护社会稳定”“助推民生事业发展”）、
    一项活动（“全年免费开放”）或一个有无状态（“管理制度健全”）。百分比没有分母，看起来量化了，
    实际无法计算，标记为不可衡量。满意度指标由 T09 检查。

    为什么重要：
    “维护社会稳定 ≥95%”无法说明 95% 是什么与什么之比，年终只能填“100%”，等于没有目标；
    审核把这类写法视为伪量化。

    示例：
    效益指标 / 社会效益指标 / 维护社会稳定 / ≥95%
    产出指标 / 数量指标 / 全年免费开放 / 100%
    改为：产出指标 / 数量指标 / 全年免费开放天数 / ≥300天

    如何修改：
    写出能计数的对象：“免费开放天数 ≥300天”“信访事项办结率 ≥95%（办结件数/受理件数）”；
    有无状态写成“制度文件 ≥1项”或按 T21 写明评判标准。
    """
    for it in view.items:
        if it.is_sat or it.kind != NUMERIC or it.target.unit != "%":
            continue
        why = W.pseudo_rate(it.name, _VALUE_NOISE.sub("", it.ind.target_raw or ""))
        if why:
            yield view.hit(it, f"指标值「{it.value_text}」是百分比，但{why}",
                           "写出能计数的对象及其分母，如「××天数 ≥N天」「××办结率 ≥95%（办结件数/受理件数）」")
