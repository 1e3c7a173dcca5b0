"""T16: the annual goal holds a long-term or multi-stage goal."""

from __future__ import annotations

import re

from drafter.rules.registry import rule
from drafter.rules.view import FormView

# "十四五" or "五年规划" alone only cite the plan a project serves; they are not its goal.
# The annual goal's own label, left in the text by some layouts: "年度绩效总目标" is the annual one.
_ANNUAL_LABEL = re.compile(r"(?:年度|本年度|当年)(?:绩效)?总体?目标|绩效总目标")
_LONG_TERM = re.compile(r"预期总目标|总目标|长期目标|中长期目标|阶段性目标|第[一二三]阶段|分阶段|[三五]年内")


@rule("T16", "年度目标与长期目标混淆", "warning", tags=("goal",),
      basis="财预〔2015〕88号（年度绩效目标与中长期绩效目标）")
def check(view: FormView):
    """
    检查内容：
    年度目标栏写的是总目标、长期目标或分阶段目标（“预期总目标……阶段性目标……”“第一阶段……
    第二阶段……”）。表中没有单独的长期目标栏，年度金额与多年总额的比较也无从做起，
    本规则只检查年度目标文字。

    为什么重要：
    年度绩效目标要和当年预算对应；把多年目标写进年度目标，年终无法判断当年是否完成，
    也容易把多年的工作量当作当年的产出。

    示例：
    年度目标：“预期总目标：……确保住宅小区按期交付。阶段性目标：……”

    如何修改：
    年度目标只写当年要完成的产出和效果（与当年预算对应）；长期目标写在中长期目标栏或项目立项材料中。
    """
    goal = _ANNUAL_LABEL.sub("", view.form.annual_goal or "")
    m = _LONG_TERM.search(goal)
    if m:
        yield view.hit(None, f"年度目标中出现“{m.group(0)}”，写的是长期或分阶段目标，而不是当年目标",
                       "年度目标只写当年要完成的产出和效果，与当年预算对应")
