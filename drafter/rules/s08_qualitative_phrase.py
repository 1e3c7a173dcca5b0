"""S08: the actual value is a standard grade (qualitative) or a number (quantitative)."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import BARE, MISSING, NO_UNIT, NUMERIC, TEXT_OK, FormView

_PHRASES = "达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差"
_NUMERIC = (NUMERIC, NO_UNIT, BARE)


@rule("S08", "实际完成值填写不规范", "warning", tags=("scoring", "evidence"), kinds=("self_eval",),
      basis="财预〔2020〕10号（定性指标三档完成情况）")
def check(view: FormView):
    """
    检查内容：
    定性指标的实际完成值应是三档标准评价之一（达成年度指标 / 部分达成年度指标并具有一定效果 /
    未达成年度指标且效果较差），不能是“效果明显”“提升”“合规”之类的自由文字；定量指标（目标是
    数值）的实际完成值应是实际数值，不能只写“达成指标”。日期、频次等可核验的文字不报告。

    为什么重要：
    系统按三档评价给定性指标定分数区间（见 S07），自由文字无法对应档次；定量指标只写“达成”，
    就无法按完成比例核对得分（见 S05）。

    示例：
    居民群众知晓率 / 实际完成值“提升”
    成果报告评审通过率 / 目标 ≥95% / 实际完成值“达成指标”

    如何修改：
    定性指标从三档评价中选择；定量指标填写实际数值和单位，如“96%”。
    """
    for it in view.items:
        raw = it.ind.actual_raw
        kind = it.actual_kind
        if kind in (MISSING, TEXT_OK) or kind in _NUMERIC:
            continue
        grade = W.qualitative_grade(raw)
        if grade is None:
            yield view.hit(it, f"实际完成值「{raw}」不是标准评价（{_PHRASES}）",
                           "从三档标准评价中选择，并在偏差说明中写明依据")
        elif it.kind in _NUMERIC:
            yield view.hit(it, f"目标为数值（{it.value_text}），实际完成值却只写「{raw}」，无法核对完成比例",
                           "填写实际完成的数值和单位")
