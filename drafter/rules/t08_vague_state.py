"""T08: a value that only states that all is well ("健全", "合规") or restates the work."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import VAGUE, FormView


def _restates(value: str, name: str) -> bool:
    v = W.strip_punct(value)
    if len(v) >= 2 and v in name:
        return True
    # "调研报告完成率" as the value of "调研报告": the cell holds a name, not a value.
    return len(v) >= 4 and v.endswith(("率", "性", "度", "数量", "情况"))


@rule("T08", "定性表述无判定标准", "warning", tags=("unmeasurable",),
      basis="财政支出绩效评价管理办法（细化、量化，不能量化的分级分档表述）；财预〔2015〕88号")
def check(view: FormView):
    """
    检查内容：
    指标值只写一个“状态”（保障、到位、可行、稳定、通畅、形成、全年……），或者重复指标名称、描述
    工作内容（“按照计划落实”“实施项目成本控制”“做好……”），没有可判定的标准。这样的指标标记为
    不可衡量。产出质量类、管理类指标中对照文件即可判定的“合规、规范、完备、达标、符合、合格、
    齐全、制度健全”不在此列，由 T21 提示写明评判标准；同样的词用在效益指标上仍由本规则报告。日期、期限、频次（每季度）、
    “零发生”、“=0件”、引用具体标准（“达到 GB/T…… 二级”“通过验收”）的定性值视为可衡量。

    为什么重要：
    定性指标也要能判定“达成/部分达成/未达成”。只写“健全”，年终无法判断健全到什么程度，
    自评几乎总是“达成”；审核中这类指标被认为“不可衡量、不可评价”。

    示例：
    效益指标 / 社会效益指标 / 保障个人信息安全 / 保障
    效益指标 / 可持续影响指标 / 查询平台运行稳定 / 全年
    产出指标 / 质量指标 / 业务知识宣贯 / 到位
    改为：效益指标 / 可持续影响指标 / 查询平台可用率 / ≥99.5%

    如何修改：
    换成能核验的结果：如“管理制度修订印发 ≥1 项”“收费合规率 =100%（抽查 ≥30 户）”
    “平台可用率 ≥99.5%”“12月31日前完成”；或写出分级标准（达到×× 标准×级）。
    """
    for it in view.items:
        if it.kind != VAGUE or it.owned_elsewhere or it.verifiable:
            continue
        word = W.state_word(it.text)
        if W.strip_punct(it.text) in ("全年", "全天", "常年", "长期"):
            msg = f"指标值「{it.value_text}」只写了期间，没有可判定的标准（如可用率、故障时长）"
        elif _restates(it.text, it.name):
            msg = f"指标值「{it.value_text}」只是重复指标名称，没有可判定的标准"
        elif word and len(W.strip_punct(it.text)) <= 4:
            msg = f"指标值「{it.value_text}」只写了状态，没有判定标准（{word}到什么程度、如何核验）"
        else:
            msg = f"指标值「{it.value_text}」描述的是工作内容或状态，不是可核验的结果"
        yield view.hit(it, msg, "改写为可核验的结果，如「××率 =100%」「制度文件 ≥1 项」「12月31日前完成」")
