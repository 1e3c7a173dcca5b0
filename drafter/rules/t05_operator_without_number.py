"""T05: an operator needs a number after it."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import OP_NO_NUMBER, FormView


@rule("T05", "有比较符号而无数值", "error", tags=("unmeasurable",),
      basis="财预〔2021〕101号（指标性质与指标值）；预算管理一体化系统“定量指标的指标值为数值”校验")
def check(view: FormView):
    """
    检查内容：
    指标值写了比较符号或比较词（≥、≤、不超过、不低于、控制在……），后面却没有数值，例如只写
    “不超过”。这样的值标记为不可衡量。满意度、时效类指标分别由 T09、T17 检查。

    为什么重要：
    指标性质（正向、反向、等于）决定年终的计分公式，必须和一个具体数值配对；只有方向没有数值，
    自评时无法计算完成比例。

    示例：
    产出指标 / 数量指标 / 项目支出不超过项目预算 / 不超过
    改为：产出指标 / 数量指标 / 项目支出控制数 / ≤629.3万元

    如何修改：
    补上数值和单位，如“≤100%（实际支出/预算数）”“≤629.3万元”。
    """
    for it in view.items:
        if it.kind != OP_NO_NUMBER or it.owned_elsewhere:
            continue
        yield view.hit(it, f"指标值「{it.value_text}」只有比较符号，没有数值，无法计算完成比例",
                       f"在「{it.value_text}」后补上数值和单位，如「≤100%」或具体金额")
