"""T07: a direction word ("提升", "改善", "有效") is not a target."""

from __future__ import annotations

from drafter.rules.registry import rule
from drafter.rules.view import DIRECTION, FormView


@rule("T07", "方向性用语无量化目标", "warning", tags=("unmeasurable",),
      basis="财政支出绩效评价管理办法（绩效目标细化、量化，不能量化的以分级分档形式表述）；财预〔2015〕88号（审核绩效目标是否细化量化）")
def check(view: FormView):
    """
    检查内容：
    指标值只写了方向、程度或改进的词（提升、提高、改善、增强、优化、拓展、加强、逐步完善、维持、
    健全、有效、明显、显著、较好、进一步、较上年提升、“在……基础上提升”、与往年持平等），
    没有数值、没有基线、也没有分级标准。这样的指标标记为不可衡量。满意度、时效类指标分别由
    T09、T17 检查。

    为什么重要：
    绩效目标要“细化、量化”：能量化的要量化，不能量化的要写成分级分档的定性表述。“提升”提升
    多少、从哪里提升都不清楚，年终无论结果如何都可以自评为“达成”，审核也无从判断目标高低。

    示例：
    效益指标 / 经济效益指标 / 小区公共收益入账率提升 / 提升
    效益指标 / 社会效益指标 / 平台成果应用率 / 较上年提升
    改为：效益指标 / 社会效益指标 / 平台成果应用率 / ≥85%

    如何修改：
    写成“数值 + 单位”，并注明基线：如“入账率 ≥85%（2023 年实际 80%）”“较上年（基线 2,000 件）
    增长 ≥5%”；确实无法量化的，写成可判定的分级标准（如“出台制度文件 ≥1 件并印发执行”）。
    """
    for it in view.items:
        if it.kind != DIRECTION or it.owned_elsewhere or it.verifiable:
            continue
        yield view.hit(it, f"指标值「{it.value_text}」只表示方向或程度，没有目标数值和基线，无法考核",
                       "写成可考核的目标值并注明基线，如「≥85%（上年实际 80%）」或「较上年（基线值）提高 N 个百分点」")
