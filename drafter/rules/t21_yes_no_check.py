"""T21: a yes/no check ("合规", "制度健全") is verifiable, but only with a standard and evidence."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit


@rule("T21", "是否类指标未写评判标准和佐证材料", "info", tags=("evidence",),
      basis="财预〔2015〕88号（绩效目标可衡量、可评价）；财政支出绩效评价管理办法（定性指标分级分档）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    产出质量类或管理类（投入管理、财务管理、实施管理）指标的值是对照文件即可判定“是/否”的状态：
    合规、规范、完备、达标、符合、合格、齐全、财务管理制度健全、有专职人员等。这类指标可以核验，
    不标记为不可衡量；本规则只提示写明评判标准和佐证材料。同样的词用在效益、可持续影响指标上
    （“长效管理机制 / 健全”）不可核验，由 T07、T08 报告。

    为什么重要：
    “合规”由谁、按什么文件判定，年终要拿出什么材料，事先写清，自评和审核才用同一把尺子。

    示例：
    产出指标 / 质量指标 / 白蚁防治服务收费合规 / 合规
    投入与管理 / 财务管理 / 财务管理制度健全性 / 财务制度建立健全
    改为：产出指标 / 质量指标 / 白蚁防治服务收费合规率 / =100%

    如何修改：
    在指标解释或备注中写明评判标准和佐证材料，如“合规：收费标准符合沪价〔20××〕×号，
    以收费台账和抽查记录为证”；能计数的改为比率，如“收费合规率 =100%”。
    """
    for it in view.items:
        if not it.verifiable:
            continue
        yield view.hit(it, f"指标值「{it.value_text}」可对照文件判定，但未写明评判标准和佐证材料",
                       "写明评判标准（依据的文件、条款）和佐证材料（台账、记录、验收单）")
