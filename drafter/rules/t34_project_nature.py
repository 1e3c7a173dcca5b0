"""T34: 项目性质 is one of the kinds budget systems know."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.nature import nature_kind
from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Hit


@rule("T34", "项目性质不是已知类型", "warning", tags=("completeness",), kinds=("target",),
      basis="预算管理一体化系统项目库（项目性质：经常性、持续性、一次性等）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    表中填写的项目性质应是已知类型之一：经常性项目（含“其他经常性项目”“经常性专项业务费”，
    以及“持续性”“延续性”项目）或一次性项目（含“其他一次性项目”）。未填写项目性质的表不检查
    （不少表样没有这一栏）。

    为什么重要：
    项目性质决定预算怎么安排、目标怎么定：经常性项目以往年实际为基线，一次性项目没有历史可比，
    目标要按实施方案设定。性质写错或写成别的内容，审核和起草都无法据此判断。

    示例：
    项目性质 / 特定目标类（这是项目类别，不是项目性质）

    如何修改：
    按预算系统的分类填写“经常性项目”或“一次性项目”（或本地表样中的“其他经常性项目”“其他一次性项目”）。
    """
    printed = view.form.project_nature
    if W.blank(printed) or nature_kind(printed) is not None:
        return
    yield view.hit(None, f"项目性质「{W.squash(printed)}」不是已知类型（经常性项目 / 一次性项目）",
                   "填写“经常性项目”或“一次性项目”")
