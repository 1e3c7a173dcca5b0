"""T26: template text left in a form: "(≥**%)", "指标2", "……", "XX"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit

# What a template prints for the unit to fill in. A value that is a placeholder and nothing else
# ("**", "/") is a missing value, reported by T01.
_TEMPLATE = re.compile(r"[(（]\s*[≥≤><=]?\s*\*+\s*[^()（）]{0,4}[)）]|\*\*|……|…{2,}|\.{6,}|"
                       r"(?<![A-Za-z])(?:XX|xx|××|ＸＸ)(?![A-Za-z])|^指标\s*\d+\s*[:：]?$|^指标\s*\d+\s*[:：]")


def _template(text: str | None) -> str | None:
    if not text:
        return None
    m = _TEMPLATE.search(text.strip())
    return m.group(0) if m else None


@rule("T26", "表样模板文字未删除", "warning", tags=("completeness",),
      basis="财预〔2015〕88号（审核完整性：绩效目标明确、清晰）；预算管理一体化系统填报规范")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    表样中供填写的模板文字留在了表里：指标名称中的“(≥**%)”“**”，编号“指标2：”，省略号
    “……”，“XX”“××”占位；年度目标中的“XX”“××”。整格只有占位符（“**”“/”）的指标值按缺失
    由 T01 报告。

    为什么重要：
    留着模板文字说明该处没有真正填写：名称里的“(≥**%)”意味着目标值可能也没有核实，
    “指标2：”“……”是空行，会被当作指标计数和计分。

    示例：
    产出指标 / 数量指标 / 新增造林面积(≥**亩) / ≥17600亩
    产出指标 / 质量指标 / 指标2： / ≥90%
    改为：产出指标 / 数量指标 / 新增造林面积 / ≥17600亩

    如何修改：
    删去模板文字，写出真实的名称和数值；没有内容的空行整行删除。
    """
    for it in view.items:
        found = _template(it.ind.name)
        where = "指标名称"
        if not found and not W.is_placeholder(it.ind.target_raw):
            found, where = _template(it.ind.target_raw), "指标值"
        if found:
            yield view.hit(it, f"{where}中留有表样模板文字「{found}」", "删去模板文字，填写真实内容；空行整行删除")
    goal = _template(view.form.annual_goal)
    if goal and not W.is_placeholder(view.form.annual_goal):
        yield view.hit(None, f"年度目标中留有表样模板文字「{goal}」", "把占位文字换成本项目的真实内容")
