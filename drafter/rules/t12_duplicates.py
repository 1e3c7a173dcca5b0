"""T12: the same indicator twice."""

from __future__ import annotations

from drafter.rules import words as W
from drafter.rules.registry import rule
from drafter.rules.view import FormView, Item


def _near(a: str, b: str) -> bool:
    """One character apart (a typo or an OCR slip), in names long enough for that to matter."""
    if min(len(a), len(b)) < 8 or abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = 0
        for x, y in zip(a, b):
            if x != y:
                diff += 1
                if diff > 1:
                    return False
        return diff == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1:]


def _same_target(a: Item, b: Item) -> bool:
    """Names one character apart with different targets are two indicators ("营造林面积 ≥1000亩" and
    its part "新造林面积 ≥300亩"), not a typo."""
    return W.squash(a.ind.target_raw) == W.squash(b.ind.target_raw)


@rule("T12", "指标重复", "warning", tags=("duplicate",),
      basis="财预〔2015〕88号（审核完整性、相关性）")
def check(view: FormView):
    """
    检查内容：
    同一张表中指标名称相同（忽略空格和标点），或只差一个字且目标值相同，或同一段文字被复制到
    不同的二级指标下。只差一个字而目标值不同的（“营造林面积”与其中的“新造林面积”）是分项与总量，
    不报告。

    为什么重要：
    重复指标是凑数，会让分值重复计算，也让真正需要的类别显得“已经有了”。

    示例：
    满意度指标 / 服务对象满意度指标 / 化解信访矛盾满意率 / ≥70%（出现两次）
    改为：满意度指标 / 服务对象满意度指标 / 化解信访矛盾满意率 / ≥70%

    如何修改：
    删去重复的指标；确属不同内容的，改名写清区别（对象、范围或口径）。
    """
    seen: dict[str, int] = {}
    by_len: dict[int, list[str]] = {}
    for it in view.items:
        key = W.strip_punct(it.name)
        if not key:
            continue
        if key in seen:
            first = view.items[seen[key]]
            where = "" if first.ind.level2 == it.ind.level2 else f"（分别在{first.ind.level2}和{it.ind.level2}下）"
            yield view.hit(it, f"与第 {first.index + 1} 行指标「{first.ind.name}」重复{where}",
                           "删去重复的指标，或写清两者的区别")
            continue
        near = next((o for n in (len(key) - 1, len(key), len(key) + 1) for o in by_len.get(n, ())
                     if _near(key, o)), None) if len(key) >= 8 else None
        if near is not None and _same_target(view.items[seen[near]], it):
            j = seen[near]
            yield view.hit(it, f"与第 {j + 1} 行指标「{view.items[j].ind.name}」只差一个字，疑似重复",
                           "确认是否重复；不同的指标请写清区别")
        seen[key] = it.index
        by_len.setdefault(len(key), []).append(key)
