"""T30: a target form names its project, its department, its implementing unit and its goal."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.rules import words as W
from drafter.rules.finding import Severity
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit

# (field, label, severity): the implementing unit is often the department itself and left blank,
# so its absence weighs less than a nameless project or a form without a goal.
_FIELDS: tuple[tuple[str, str, Severity], ...] = (
    ("project_name", "项目名称", "error"),
    ("department", "主管部门", "error"),
    ("agency", "实施单位", "warning"),
    ("annual_goal", "年度绩效目标", "error"),
)


@rule("T30", "表头必填项缺失", "error", tags=("completeness", "header"), kinds=("target",),
      basis="财预〔2015〕88号（审核完整性）；预算管理一体化系统必填项校验")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    绩效目标申报表的表头应填写项目名称、主管部门、实施单位和年度绩效目标（年度总体目标）。
    项目名称、主管部门、年度绩效目标为空是错误；实施单位为空是警告（实施单位常与主管部门相同而漏填）。
    只有“/”“—”“*”等占位符的栏目按未填写处理。

    为什么重要：
    表头决定这张表属于哪个项目、由谁负责、要实现什么。没有项目名称和主管部门的表无法归档和对应
    预算，没有年度绩效目标，三级指标就无从判断是否与目标相关。一体化系统对这些栏目强制必填。

    示例：
    项目名称 公房资产监管 / 主管部门（空） / 实施单位（空） / 年度绩效目标（空）

    如何修改：
    补齐表头：主管部门写一级预算单位全称，实施单位写具体承担项目的单位（与主管部门相同也照填），
    年度绩效目标写一段话：做什么、做多少、达到什么效果。
    """
    form = view.form
    for field, label, severity in _FIELDS:
        if not W.blank(getattr(form, field)):
            continue
        yield view.hit(None, f"表头未填写{label}", f"填写{label}", severity=severity)
