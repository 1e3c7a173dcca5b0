"""T35: this year's target against last year's result (--history)."""

from __future__ import annotations

from collections.abc import Iterator

from drafter.model import Form
from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import (
    BARE,
    NUMERIC,
    FormView,
    Hit,
    Item,
    classify,
    num,
    project_key,
)


def _year(form: Form) -> str:
    return f"{form.year}年" if form.year else "往年"


@rule("T35", "目标低于上年实际或超额完成后未调高", "warning", tags=("ambition", "baseline"), kinds=("target",),
      basis="财预〔2020〕10号（绩效目标设置明显偏低的，按偏离度扣减分值）；广西预算绩效管理系统（实际值 ≥ 目标 130%）；"
            "专项资金绩效评价管理办法第二十条（历史标准）")
def check(view: FormView) -> Iterator[Hit]:
    """
    检查内容：
    用 --history 给出同一单位、同一项目往年的表（自评表带实际完成值）时，逐个同名指标比较：
    （1）今年的正向目标低于上年实际完成值；（2）上年实际达到目标的 130% 以上（超额完成比例
    可配置，同 S10），今年目标却没有提高。两种情况都列出两个数值及其来源表。

    为什么重要：
    目标应参照历史标准设定，不得明显偏低；10号文对目标设置明显偏低、实际大幅超额的，按偏离度
    扣分。上年已做到 1500 人次，今年定 1200 人次，等于预先保证“超额完成”。

    示例：
    今年：培训人次 ≥1200人次；2023 年自评表：目标 ≥1000人次，实际 1500人次。

    如何修改：
    以上年实际值为基线设定目标，如“≥1500人次（2023 年实际 1500 人次）”；确因任务调整下降的，写明原因。
    """
    past = view.run.past_forms(view.form)
    if not past:
        return
    ratio = view.config.over_achievement_ratio
    for it in view.items:
        v = it.target
        if it.kind != NUMERIC or v.value is None or v.op not in ("≥", ">", "=") or it.is_sat:
            continue
        if W.any_in(it.name, W.NEGATIVE_NAMES) or it.is_cost:
            continue
        found = _last_year(it, past)
        if found is None:
            continue
        source, form, old, actual = found
        where = f"{_year(form)}（{source}）"
        if actual is None:
            continue
        ot = old.target
        # The sharper finding first: a target far exceeded last year and not raised since.
        if ot.value and ot.value > 0 and actual >= ot.value * ratio - 1e-9 and v.value <= ot.value + 1e-9:
            yield view.hit(it, f"上年目标 {num(ot.value)}{v.unit}、实际 {num(actual)}{v.unit}（{where}），"
                               f"完成 {num(round(actual / ot.value * 100, 1))}%，今年目标 {it.value_text} 未提高",
                           f"以上年实际值为基线提高目标，如「≥{num(actual)}{v.unit}」，或写明不提高的原因")
        elif v.value < actual - 1e-9:
            yield view.hit(it, f"目标 {it.value_text} 低于上年实际完成值 {num(actual)}{v.unit}（{where}）",
                           f"以上年实际值为基线，如「≥{num(actual)}{v.unit}（{_year(form)}实际 {num(actual)}{v.unit}）」")


def _last_year(it: Item, past: list[tuple[str, Form]]) -> tuple[str, Form, Item, float | None] | None:
    key = project_key(it.name)
    for source, form in past:
        for k, ind in enumerate(form.indicators):
            if project_key(ind.name) != key:
                continue
            old = Item(k, ind)
            if W.unit_key(old.target.unit) != W.unit_key(it.target.unit):
                continue
            actual, kind = classify(ind.actual_raw)
            same_unit = W.unit_key(actual.unit or it.target.unit) == W.unit_key(it.target.unit)
            value = actual.value if kind in (NUMERIC, BARE) and same_unit else None
            if value is None and form.kind == "self_eval":
                continue
            return source, form, old, value
    return None
