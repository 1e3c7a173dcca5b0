"""T02: 一级/二级 labels come from the vocabulary of a known layout and fit together."""

from __future__ import annotations

from drafter.read.labels import LEVEL1_WORDS, LEVEL2_WORDS, PARENTS
from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView

_PARENT_LABEL = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标",
                 "投入": "投入与管理", "影响力": "影响力目标"}


@rule("T02", "一级/二级指标名称不规范", "error", tags=("structure",),
      basis="财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引（试行）》（产出、效益、满意度、成本指标体系）")
def check(view: FormView):
    """
    检查内容：
    一级、二级指标名称应来自所用表样的固定词表：2021 年后的“产出/效益/满意度/成本指标”体系、
    此前的“产出/效益/满意度”三类体系，或上海 2020 年目标表的“投入与管理/产出目标/效果目标/
    影响力目标”；二级指标还要放在对应的一级指标之下（如“时效指标”属于产出）。

    为什么重要：
    一级、二级指标是固定的分类，系统按它们汇总分值（产出 50、效益 30、满意度 10）。自造名称或
    把二级放错一级，会让分值核对和类别完整性检查失效。

    示例：
    效益指标 / 数量指标 / 培训人次 / ≥1200人次（数量指标属于产出）
    绩效指标 / 工作指标 / 培训人次 / ≥1200人次（不在任何表样的词表中）
    改为：产出指标 / 数量指标 / 培训人次 / ≥1200人次

    如何修改：
    按所用表样改用规范名称，把二级指标移到正确的一级指标下。
    """
    for it in view.items:
        ind = it.ind
        l1, l2 = W.squash(ind.level1), W.squash(ind.level2)
        problems: list[str] = []
        if l1 and l1 not in LEVEL1_WORDS:
            problems.append(f"一级指标「{l1}」不是规范名称" + (
                f"（应为「{_PARENT_LABEL[it.fam1]}」一类）" if it.fam1 in _PARENT_LABEL else ""))
        if l2 and l2 not in LEVEL2_WORDS:
            problems.append(f"二级指标「{l2}」不是规范名称")
        if it.fam1 and it.fam2 and it.fam2 in PARENTS and it.fam1 not in PARENTS[it.fam2]:
            parent = _PARENT_LABEL.get(PARENTS[it.fam2][0], PARENTS[it.fam2][0])
            problems.append(f"二级指标「{l2}」不应放在一级指标「{l1}」之下（应属「{parent}」）")
        if problems:
            yield view.hit(it, "；".join(problems), "按所用表样改用规范的一级、二级指标名称")
