"""The vocabulary a drafted form uses: the 2021+ (财预〔2021〕101号) four-category tree.

Drafts are always written in the current layout, whatever layout the past forms they learn from
used; :func:`category_of` maps any printed label (2020 Shanghai 目标表, pre-2021 three-category
forms) onto the six categories every draft must cover (domain.md §1.3, §5.1 T06).
"""

from __future__ import annotations

import re

from drafter.read.labels import LEVEL1_WORDS, LEVEL2_WORDS

# The six mandatory categories, in the order a form lists them.
CATEGORIES = ("数量", "质量", "时效", "成本", "效益", "满意度")

LEVEL1 = ("产出指标", "成本指标", "效益指标", "满意度指标")
# 二级 label -> (一级 label, category).
LEVEL2: dict[str, tuple[str, str]] = {
    "数量指标": ("产出指标", "数量"),
    "质量指标": ("产出指标", "质量"),
    "时效指标": ("产出指标", "时效"),
    "经济成本指标": ("成本指标", "成本"),
    "社会成本指标": ("成本指标", "成本"),
    "生态环境成本指标": ("成本指标", "成本"),
    "经济效益指标": ("效益指标", "效益"),
    "社会效益指标": ("效益指标", "效益"),
    "生态效益指标": ("效益指标", "效益"),
    "可持续影响指标": ("效益指标", "效益"),
    "服务对象满意度指标": ("满意度指标", "满意度"),
}
# Where a category goes when nothing more specific is known.
DEFAULT_LEVEL2 = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "经济成本指标",
                  "效益": "社会效益指标", "满意度": "服务对象满意度指标"}
# Family names from drafter.read.labels -> the label a draft prints.
_FAMILY_LEVEL2 = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "经济成本指标",
                  "经济效益": "经济效益指标", "社会效益": "社会效益指标", "生态效益": "生态效益指标",
                  "可持续影响": "可持续影响指标", "满意度": "服务对象满意度指标"}

BASES = ("历史标准", "行业标准", "计划标准", "其他标准")

# Words that say which way without saying how far (domain.md §2.3). A drafted indicator may use
# them only next to a number.
_RULE_WORDS: tuple[str, ...]
try:  # one vocabulary with the review rules when they are installed
    from drafter.rules.words import DIRECTION_WORDS as _RULE_WORDS
except ImportError:  # pragma: no cover - rules ship with drafter
    _RULE_WORDS = ()
DIRECTION_WORDS = tuple(dict.fromkeys((
    "提升", "提高", "改善", "增强", "优化", "加强", "健全", "完善", "促进", "有效", "明显", "显著",
    "较好", "进一步", "拓展", "维持", "保持", "持续", "逐步", "不断", "强化", "推进",
) + tuple(_RULE_WORDS)))
_DIRECTION = re.compile("|".join(sorted(map(re.escape, DIRECTION_WORDS), key=len, reverse=True)))

# A verifiable state needs a point in time: "2025年12月31日前", "12月底前", "3个月内", "每季度".
DEADLINE = re.compile(
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?(?:前|底前|底|末前|末)|\d{4}年(?:底|末|内|年底前|上半年|下半年)|"
    r"[上下]半年|年底前|年内|\d+个?(?:工作日|自然日|日|天|周|月|季度)内|每(?:月|季度|半年|年|周)")


def category_of(level1: str | None, level2: str | None) -> str | None:
    """The mandatory category of a printed 一级/二级 pair, or None (inputs, management items)."""
    l1 = re.sub(r"\s+", "", level1 or "")
    l2 = re.sub(r"\s+", "", level2 or "")
    fam1 = LEVEL1_WORDS.get(l1)
    fam2 = LEVEL2_WORDS.get(l2)
    if fam2 in ("数量", "质量", "时效", "成本", "满意度"):
        return fam2
    if fam2 in ("经济效益", "社会效益", "生态效益", "可持续影响"):
        return "效益"
    if fam1 == "成本":
        return "成本"
    if fam1 == "满意度" or "满意" in l2:
        return "满意度"
    return None


def level2_label(level1: str | None, level2: str | None) -> str | None:
    """The 2021+ 二级 label for a printed pair (``长效管理`` → ``可持续影响指标``)."""
    fam2 = LEVEL2_WORDS.get(re.sub(r"\s+", "", level2 or ""))
    if fam2 in _FAMILY_LEVEL2:
        return _FAMILY_LEVEL2[fam2]
    cat = category_of(level1, level2)
    return DEFAULT_LEVEL2.get(cat) if cat else None


def direction_word(text: str | None) -> str | None:
    m = _DIRECTION.search(text or "")
    return m.group(0) if m else None


def has_deadline(text: str | None) -> bool:
    return bool(text and DEADLINE.search(text))
