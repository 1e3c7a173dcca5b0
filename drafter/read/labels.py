"""The 一级/二级 label vocabulary, fuzzy label matching and name-to-category affinity.

Layouts differ by era and province (domain.md §1): the 2021+ four-category tree (产出/效益/满意度/
成本 指标), the pre-2021 three-category tree, and Shanghai's 2020 目标表 (投入与管理/产出目标/
效果目标/影响力目标). Labels arrive damaged: split over rows ("可持" / "续影 响指 标"), with
characters missing ("服 对 满 度 标") or misread. Matching is by longest common subsequence so
that damaged labels still find their word, while indicator names (long, with other words) do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Canonical category keys, used for compatibility and affinity; labels keep their printed form.
LEVEL1_WORDS: dict[str, str] = {
    "产出指标": "产出", "效益指标": "效益", "满意度指标": "满意度", "成本指标": "成本",
    "产出目标": "产出", "效果目标": "效益", "影响力目标": "影响力", "投入与管理": "投入",
    "投入和管理目标": "投入", "投入和管理": "投入", "投入与管理目标": "投入", "效益目标": "效益",
    "满意度目标": "满意度", "成本目标": "成本", "投入指标": "投入", "过程指标": "过程",
    "决策指标": "决策", "效果指标": "效益", "影响力指标": "影响力",
}
LEVEL2_WORDS: dict[str, str] = {
    "数量指标": "数量", "质量指标": "质量", "时效指标": "时效", "成本指标": "成本",
    "经济成本指标": "成本", "社会成本指标": "成本", "生态环境成本指标": "成本",
    "经济效益指标": "经济效益", "社会效益指标": "社会效益", "生态效益指标": "生态效益",
    "环境效益指标": "生态效益", "可持续影响指标": "可持续影响", "服务对象满意度指标": "满意度",
    "满意度指标": "满意度",
    "数量": "数量", "质量": "质量", "时效": "时效", "成本": "成本", "经济效益": "经济效益",
    "社会效益": "社会效益", "生态效益": "生态效益", "环境效益": "生态效益",
    "可持续影响": "可持续影响", "服务对象满意度": "满意度", "满意度": "满意度",
    "投入管理": "投入管理", "财务管理": "财务管理", "实施管理": "实施管理", "资金管理": "财务管理",
    "组织实施": "实施管理", "长效管理": "可持续影响", "部门协助": "部门协助",
    "社会影响": "社会效益", "可持续影响力": "可持续影响",
    "数量目标": "数量", "质量目标": "质量", "时效目标": "时效", "成本目标": "成本",
}
# Which 一级 family each 二级 family may sit under, most usual first.
PARENTS: dict[str, tuple[str, ...]] = {
    "数量": ("产出",), "质量": ("产出",), "时效": ("产出", "投入"), "成本": ("成本", "产出", "投入"),
    "经济效益": ("效益",), "社会效益": ("效益", "影响力"), "生态效益": ("效益",),
    "可持续影响": ("效益", "影响力"), "满意度": ("满意度", "效益"),
    "投入管理": ("投入",), "财务管理": ("投入", "过程"), "实施管理": ("投入", "过程"),
    "部门协助": ("影响力",),
}
# The 2021+ tree's 一级 label for a 二级 family, when a form prints no 一级 at all.
DEFAULT_LEVEL1 = {"产出": "产出指标", "效益": "效益指标", "满意度": "满意度指标", "成本": "成本指标"}
# Row-spanning super labels and table headings that are not levels.
NOT_LEVELS = {"一级", "二级", "三级", "绩效指标", "项目绩效目标", "绩效目标", "指标", "标", "一级指标", "二级指标",
              "三级指标", "一级目标", "二级目标", "三级目标"}


@dataclass(frozen=True)
class LabelMatch:
    word: str  # the vocabulary word the cell stands for
    level: int  # 1 or 2; ambiguous words report the more usual level
    family: str
    exact: bool
    ambiguous: bool  # word exists at both levels (成本指标, 满意度指标)


def _lcs(a: str, b: str) -> int:
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


_WORD_CHARS = {w: frozenset(w) for w in (*LEVEL1_WORDS, *LEVEL2_WORDS)}


@lru_cache(maxsize=8192)
def match_label(text: str) -> LabelMatch | None:
    """The level word a (squashed, cleaned) cell stands for, or None for names and noise."""
    if not text or len(text) > 12 or text in NOT_LEVELS:
        return None
    if any(ch.isdigit() for ch in text):
        return None
    best: tuple[float, str, int] | None = None
    allowed = 1 if len(text) >= 5 and text.endswith("标") else 0
    for level, words in ((1, LEVEL1_WORDS), (2, LEVEL2_WORDS)):
        for word in words:
            if text == word:
                return _make(word, level, exact=True)
            # Characters the word lacks are stray whatever the alignment: counting them is
            # cheap, and spares the LCS for the many cells of a file that are no label at all.
            chars = _WORD_CHARS[word]
            if sum(ch not in chars for ch in text) > allowed:
                continue
            common = _lcs(text, word)
            # Damaged labels lose characters but rarely gain any: every character of the cell
            # must come from the word, in order (one stray one in a long cell that still ends
            # like a label, "服务就意度标"), and carry a real part of it ("指标" alone does not).
            stray = len(text) - common
            if stray > allowed or common < 2:
                continue
            if common / len(word) < 0.3 and not word.startswith(text):
                continue
            if text.endswith("指标") and common == 2:
                continue
            score = common / len(word) + (0.05 if word.startswith(text[:2]) else 0)
            if best is None or score > best[0]:
                best = (score, word, level)
    if best is None:
        return None
    return _make(best[1], best[2], exact=False)


def _make(word: str, level: int, exact: bool) -> LabelMatch:
    both = word in LEVEL1_WORDS and word in LEVEL2_WORDS
    if level == 1 or (both and word in ("满意度指标",)):
        return LabelMatch(word, 1, LEVEL1_WORDS[word], exact, both)
    return LabelMatch(word, 2, LEVEL2_WORDS[word], exact, both)


def continues(prefix: str, fragment: str) -> str | None:
    """If ``fragment`` completes the label fragment ``prefix`` ("可持" + "续影响指标"), the joint text."""
    joint = prefix + fragment
    m = match_label(joint)
    if m is None:
        return None
    if len(joint) > len(m.word) + 1:
        return None
    return joint


# Words in an indicator name (or its value) that point to the 二级 family it belongs to. Used only
# to decide rows whose group is ambiguous because a merged label was printed mid-group.
_AFFINITY: dict[str, tuple[str, ...]] = {
    "满意度": ("满意",),
    "时效": ("及时", "时限", "时效", "按时", "准时", "完成时间", "周期", "进度", "时间"),
    "质量": ("合格", "准确", "达标", "合规", "质量", "验收", "差错", "通过率", "可用率", "规范",
             "完好", "优良", "符合", "稳定性", "故障"),
    "数量": ("数量", "场次", "次数", "人次", "份数", "个数", "完成数", "维护数", "调查数", "监测数"),
    "可持续影响": ("长效", "机制", "持续", "制度", "长期"),
    "经济效益": ("经济", "收益", "增收", "节约", "入账"),
    "生态效益": ("生态", "绿化", "节能", "减排", "灭蚁"),
    "社会效益": ("效益", "知晓", "改善", "品质", "影响", "社会", "水平提升", "获得感", "安全"),
    "成本": ("成本", "预算", "费用", "支出", "单价", "经费"),
}
# One alternation per family: a compiled search replaces a Python loop of substring tests.
_AFFINITY_RE: dict[str, re.Pattern[str]] = {
    fam: re.compile("|".join(map(re.escape, words))) for fam, words in _AFFINITY.items()}
_COUNT_UNITS = set("个份次项人场件家条幢支门包天册套台户篇期批栋") | {"人次", "场次", "万元"}


def affinity(family: str, name: str, unit: str | None = None) -> float:
    """How strongly an indicator name suggests the given 二级 family (0 = no opinion)."""
    score = 0.0
    for fam, pattern in _AFFINITY_RE.items():
        if pattern.search(name):
            score += 1.0 if fam == family else -0.25
    if family == "数量" and unit in _COUNT_UNITS:
        score += 0.5
    return score
