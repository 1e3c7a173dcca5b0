"""T15: "提高5%" with no level to start from."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import RELATIVE, FormView


@rule("T15", "相对目标缺少基线", "warning", tags=("unmeasurable", "baseline"),
      basis="专项资金绩效评价管理办法第二十条（历史标准）；财预〔2020〕10号（评价标准）")
def check(view: FormView):
    """
    检查内容：
    指标值是相对变化（提高 5%、下降 10%、较上年增长 2 个百分点、同比……），但没有写基线
    （上年实际值、基期值），起草的指标也没有 baseline 字段。标记为不可衡量。

    为什么重要：
    相对目标只有和起点放在一起才能核验：不知道上年是多少，就无法判断今年是否“提高了 5%”，
    也无法判断目标是否定得过低（历史标准）。

    示例：
    产出指标 / 质量指标 / 投诉处理时长 / 较上年缩短10%
    效益指标 / 经济效益指标 / 公共收益入账率 / 提高5%
    改为：效益指标 / 经济效益指标 / 公共收益入账率 / 由上年80%提高到84%

    如何修改：
    写出基线和目标水平，如“由 2023 年的 80% 提高到 ≥84%”，或直接写绝对值“≥84%（基线 80%）”。
    """
    for it in view.items:
        if it.kind != RELATIVE or it.is_sat or it.ind.baseline:
            continue
        yield view.hit(it, f"指标值「{it.value_text}」是相对变化，没有基线（上年实际值），无法核验",
                       "写出基线和目标水平，如「由上年 80% 提高到 ≥84%」")
