"""L01…L07: what the model finds in ``drafter review --llm``, documented like every rule.

The checkers below find nothing: rules cannot judge meaning. The findings come from
:mod:`drafter.critique`, one code per critique type (``PROBLEM_CODES``), and carry origin
``llm``. Registering them here gives them what every code has: ``drafter rule L01``, a place in
``--select``/``--ignore`` and in SARIF, and a code that never changes meaning.
"""

from __future__ import annotations

from typing import Iterator

from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit

# The critique's problem type → its code. goal_not_covered is form-level (no indicator).
PROBLEM_CODES: dict[str, str] = {
    "unmeasurable": "L01", "unrelated_to_project": "L02", "goal_not_covered": "L03",
    "output_as_outcome": "L04", "target_too_low": "L05", "unit_or_value_implausible": "L06",
    "wording": "L07",
}


@rule("L01", "模型复核：指标不可衡量", "warning", tags=("unmeasurable", "llm"), kinds=(),
      basis="财预〔2015〕88号（指标应细化、量化，可衡量）；模型复核")
def l01(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    大模型逐项阅读指标后认为无法客观判定是否完成：没有数值、没有基线的“提升/加强”，或数值与
    指标含义对不上（如“满意度 ≥1 项”）。规则 T01、T04、T05、T07、T08、T09、T15、T17 已经指出的同一问题
    合并为一条，不重复报告。

    为什么重要：
    规则只能识别写法（“提升”“健全”），模型能读懂意思，找出写法合规但仍然无法核验的指标。

    示例：
    群众获得感 / 明显增强

    如何修改：
    按模型给出的改写：对象 + 口径 + 比较符号 + 数值 + 单位，并写明基线和数据来源。
    """
    return iter(())


@rule("L02", "模型复核：指标与项目无关", "warning", tags=("relevance", "llm"), kinds=(),
      basis="财预〔2015〕88号（绩效目标应与部门职能、项目内容相关）；模型复核")
def l02(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    指标衡量的内容不属于本项目的资金用途和年度目标，例如物业培训项目里的“道路绿化率”。

    为什么重要：
    与项目无关的指标完成与否都说明不了资金的绩效，常见于照抄其他项目的模板。

    示例：
    项目“老旧小区物业服务测评”中的指标“农作物种植面积 ≥500 亩”

    如何修改：
    删除该指标，或换成衡量本项目产出和效果的指标。
    """
    return iter(())


@rule("L03", "模型复核：年度目标未被指标覆盖", "warning", tags=("goal", "llm"), kinds=(),
      basis="财预〔2015〕88号（绩效目标应指标化，年度目标与指标对应）；模型复核")
def l03(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    年度目标中承诺的事项（如“开展培训4次”“完成测评报告1份”）没有任何指标衡量。整张表的问题，
    不针对某个指标。

    为什么重要：
    绩效目标要“指标化”：没有指标的承诺年终无法评价，自评时也无从扣分。

    示例：
    年度目标写“开展物业企业培训4次”，指标表里没有培训次数或培训覆盖率。

    如何修改：
    按模型给出的建议补充指标，如“物业企业培训次数 ≥4 次”。
    """
    return iter(())


@rule("L04", "模型复核：以产出充当效果", "warning", tags=("classification", "llm"), kinds=(),
      basis="财预〔2021〕101号（产出、效益指标的定义）；模型复核")
def l04(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    效益指标下填写的其实是产出（完成了多少工作），如“社会效益指标 / 开展宣传活动 ≥10 次”。与规则
    T10、T11 指出的同一指标合并为一条。

    为什么重要：
    效益指标要回答“做了之后带来了什么变化”，用工作量充当效果会让评价只看过程。

    示例：
    效益指标 / 社会效益指标 / 发放宣传资料 ≥5000 份

    如何修改：
    把工作量移到产出指标，效益指标改写为受益对象的变化，如“居民知晓率 ≥85%”。
    """
    return iter(())


@rule("L05", "模型复核：目标值偏低", "warning", tags=("ambition", "llm"), kinds=(),
      basis="财预〔2015〕88号（目标值参考历史标准、行业标准确定）；模型复核")
def l05(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    目标值明显低于资料中同类指标或本单位往年的水平，例如往年满意度 ≥90%，本年只定 ≥80%。
    与规则 T13 指出的同一指标合并为一条。

    为什么重要：
    目标定得过低，项目几乎必然“完成”，绩效目标失去约束作用。

    示例：
    投诉处理及时率 ≥60%（同类项目历年为 ≥93%）

    如何修改：
    参照历史值和行业水平定目标，写明基线（数值、年度、来源）和取值依据（历史标准）。
    """
    return iter(())


@rule("L06", "模型复核：单位或数值不合理", "warning", tags=("direction", "llm"), kinds=(),
      basis="财预〔2021〕101号（指标值与计量单位）；模型复核")
def l06(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    计量单位与指标名称不符，或数值不可能成立，如“满意度 ≥95 人”“完成率 ≥120%”“培训 ≥0.5 次”。
    与规则 T04、T20 指出的同一指标合并为一条。

    为什么重要：
    单位或数值错了，年终无法用实际值对照判定，也让人怀疑整张表的可信度。

    示例：
    培训覆盖率 / ≥300 人次

    如何修改：
    统一名称和单位：“培训人次 ≥300 人次”或“培训覆盖率 ≥95%”。
    """
    return iter(())


@rule("L07", "模型复核：表述不清", "info", tags=("wording", "llm"), kinds=(),
      basis="财预〔2015〕88号（指标清晰、可衡量）；模型复核")
def l07(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    指标名称含糊、口径不明或把多件事写在一个指标里，可以判定但容易产生歧义。

    为什么重要：
    名称不清，自评时各方对“完成了什么”理解不同，扣分说明也难写。

    示例：
    相关工作完成情况 / =100%

    如何修改：
    写明对象和口径，一个指标只衡量一件事，如“测评报告验收合格率 =100%”。
    """
    return iter(())
