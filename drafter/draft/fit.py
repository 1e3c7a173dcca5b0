"""How well a draft fits its project, judged against the project's real form.

A draft can cover all six categories with measurable values and still be returned by a finance
bureau: rows about another sector's objects, a completion date for a multi-year lease, the goal's
own quantities missing. These measures look for exactly that, with nothing of the engine's own
reasoning (its sector guess, its library choices) taken on trust:

* **coverage**: real indicators matched one-to-one by a drafted row measuring the same thing
  (same category for cost, time and satisfaction; otherwise names alike, or one object word and
  the same unit);
* **relevant**: drafted rows that are not absurd and either name an object of the project (a word
  of its name, goal or real indicators) or name none at all (项目总成本, 验收合格率);
* **foreign**: rows naming an object that belongs to another sector's vocabulary and appears
  nowhere in the project's own text (办公楼宇调查数 in a farmland draft);
* **carried**: rows naming an object and citing a past form of another sector;
* **goal quantities**: number + unit pairs in the goal (8万亩, 30公里, 90%) found as a target;
* **absurd**: foreign rows, names damaged by OCR, and completion dates in multi-year projects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from drafter.draft import vocab
from drafter.draft.library import COMMON_SECTOR, Library
from drafter.draft.words import GENERIC, dice, object_words, shared_words
from drafter.model import Form, Indicator
from drafter.read.vocab import simplified

# Units of the goal parser, independent of the engine's own parser.
_GOAL_UNITS = ("平方米", "工作日", "人次", "公里", "小时", "公顷", "亩", "米", "名", "户", "所", "个", "台", "套",
               "场", "次", "门", "座", "间", "件", "株", "人", "吨", "%", "‰")
GOAL_QUANTITY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万)?\s*(" + "|".join(_GOAL_UNITS) + ")")
_REF_PROJECT = re.compile(r"#(.+?)（")
_LIB_REF = re.compile(r"#(L\d+|[^\s#]+:\d+) ")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_BAD_NAME = re.compile(r"[/+∧·|↑↓\\$^]|^[^\u4e00-\u9fff(（★\d]")


@dataclass
class Fit:
    real: int = 0
    covered: int = 0
    rows: int = 0
    relevant: int = 0
    foreign: int = 0
    carried: int = 0
    garbled: int = 0
    completion_in_multi_year: int = 0
    placeholders: int = 0
    goal_quantities: int = 0
    captured: int = 0
    judged: list[dict[str, Any]] = field(default_factory=list)

    @property
    def absurd(self) -> int:
        return self.foreign + self.garbled + self.completion_in_multi_year


def measure(real: Form, draft: Form, library: Library, sector: str, multi_year: bool) -> Fit:
    """Fit of ``draft`` to the project whose real form is ``real`` (sector judged on the real form)."""
    text = "\n".join([real.project_name or "", real.annual_goal or ""] + [i.name for i in real.indicators])
    foreign_words = _foreign_vocabulary(library, sector)
    sector_of_ref = _ref_sectors(library)
    out = Fit(rows=len(draft.indicators))
    for ind in draft.indicators:
        why = []
        name = ind.name
        if is_placeholder(ind):
            out.placeholders += 1
            why.append("占位")
        if not clean_name(name):
            out.garbled += 1
            why.append("名称残缺")
        alien = sorted(w for w in foreign_words if w in name and w not in text)
        if alien:
            out.foreign += 1
            why.append("他行业对象：" + "、".join(alien[:3]))
        if multi_year and _is_completion_date(ind):
            out.completion_in_multi_year += 1
            why.append("跨年度项目却写当年完成")
        about_project = bool(shared_words(name, text)) or not object_words(name)
        relevant = not why and about_project
        # A generic row (项目总成本) citing a form of another sector carries nothing over.
        if object_words(name) and any(sector_of_ref(r) not in (None, sector, COMMON_SECTOR) for r in ind.refs or []):
            out.carried += 1
            why.append("引自他行业历史表单")
        if relevant:
            out.relevant += 1
        elif not why:
            why.append("对象与项目无关")
        out.judged.append({"name": name, "target": ind.target_raw or ind.qualitative or "",
                           "relevant": relevant, "why": "；".join(why)})
    real_rows = [i for i in real.indicators if _category(i) is not None]
    out.real = len(real_rows)
    out.covered = _matched(real_rows, [i for i in draft.indicators if not is_placeholder(i)])
    quantities = goal_quantities(real.annual_goal or "")
    out.goal_quantities = len(quantities)
    out.captured = sum(1 for q in quantities if any(_states(i, q) for i in draft.indicators))
    return out


def is_placeholder(ind: Indicator) -> bool:
    return "待补充" in (ind.name or "") or "待补充" in (ind.qualitative or "") or "待补充" in (ind.target_raw or "")


def clean_name(name: str) -> bool:
    """A name a reader can use: mostly Chinese, no OCR debris, not a fragment."""
    text = re.sub(r"\s+", "", name or "")
    if not 3 <= len(text) <= 40 or _BAD_NAME.search(text):
        return False
    return len(_CJK.findall(text)) / len(text) >= 0.6


def goal_quantities(goal: str) -> list[tuple[float, bool, str]]:
    """(number, has 万, unit) for every quantity the goal states; years and money are not quantities."""
    out = []
    for m in GOAL_QUANTITY.finditer(goal):
        value, wan, unit = float(m.group(1)), bool(m.group(2)), m.group(3)
        if unit in ("%", "‰") and wan:
            continue
        q = (value, wan, unit)
        if q not in out:
            out.append(q)
    return out


def _states(ind: Indicator, q: tuple[float, bool, str]) -> bool:
    value, wan, unit = q
    if ind.value is None or not ind.unit:
        return False
    u = ind.unit.replace("个工作日", "工作日")
    if wan and abs(ind.value - value * 1e4) < 1e-6 and u == unit:
        return True
    return abs(ind.value - value) < 1e-6 and u == (("万" + unit) if wan else unit)


def _is_completion_date(ind: Indicator) -> bool:
    state = ind.qualitative or ind.target_raw or ""
    return vocab.category_of(ind.level1, ind.level2) == "时效" and bool(
        re.search(r"12月(?:31日|底)前?完成|年底前完成|年内完成", state))


def _category(ind: Indicator) -> str | None:
    cat = vocab.category_of(ind.level1, ind.level2)
    if cat:
        return cat
    # Forms that lost their level labels (gold 110): judge by name and unit.
    if "满意" in ind.name:
        return "满意度"
    if ind.unit == "%" or "率" in ind.name:
        return "质量"
    return "数量" if ind.value is not None else None


# Spellings of one measure, compared as one. 验收率 of works is the share that passed acceptance
# (验收合格率), whether the form says 项目 or 工程; works or goods are found 质量合格 at acceptance,
# so 工程质量合格 (定性) and 设施设备质量合格率 measure what 工程/设备验收合格率 does; a 及时性 or 满意率
# stated in % is the 及时率 or 满意度 (rules.md 5.1: the share of satisfied respondents). Measures
# that differ in what they count (完成率 vs 完成及时率, 处置率 vs 处置及时率) are not listed.
_SAME_MEASURE = ((re.compile(r"(?:项目|工程)竣工验收(?:合格)?率"), "工程竣工验收合格率"),
                 (re.compile(r"验收率"), "验收合格率"), (re.compile(r"质量合格率?$"), "验收合格率"),
                 (re.compile(r"及时性"), "及时率"), (re.compile(r"满意率"), "满意度"))


def same_measure_name(name: str | None) -> str:
    """``name`` in simplified script with the spellings of :data:`_SAME_MEASURE` made one."""
    out = simplified(name or "")
    for pattern, repl in _SAME_MEASURE:
        out = pattern.sub(repl, out)
    return out


def _matched(real: list[Indicator], drafted: list[Indicator]) -> int:
    return sum(1 for _, d in pairs(real, drafted) if d is not None)


def pairs(real: list[Indicator], drafted: list[Indicator]) -> list[tuple[Indicator, Indicator | None]]:
    """Each real indicator with the drafted row that covers it (greedy, one-to-one), or None."""
    free = list(drafted)
    out: list[tuple[Indicator, Indicator | None]] = []
    for r in real:
        cat = _category(r)
        best = None
        rname = same_measure_name(r.name)
        for d in free:
            dcat = _category(d)
            if cat in ("成本", "时效", "满意度") and dcat == cat:
                best = d
                break
            dname = same_measure_name(d.name)
            if dice(rname, dname) >= 0.5 or (shared_words(rname, dname) and _same_unit(r, d)):
                best = d
                break
        if best is not None:
            free.remove(best)
        out.append((r, best))
    return out


def _same_unit(a: Indicator, b: Indicator) -> bool:
    ua = (a.unit or ("%" if "率" in a.name else "")).replace("萬", "万")
    ub = (b.unit or ("%" if "率" in b.name else "")).replace("萬", "万")
    return bool(ua) and (ua == ub or ua.lstrip("万") == ub.lstrip("万"))


def _foreign_vocabulary(library: Library, sector: str) -> set[str]:
    """Object words that belong to other sectors only (shared or generic words are left out)."""
    owners: dict[str, set[str]] = {}
    for s, words in library.sector_words.items():
        for w in words:
            owners.setdefault(w, set()).add(s)
    for r in library.rows:
        for w in r.keywords:
            owners.setdefault(w, set()).add(r.sector)
    common = {w for r in library.rows if r.sector == COMMON_SECTOR for w in r.keywords}
    # A word the sector's own published rows name (免疫 in 卫生健康's 免疫规划疫苗接种率) is not
    # another sector's object, whichever sectors' keywords happen to list it.
    own_names = "\n".join(r.name for r in library.rows if r.sector == sector)
    return {w for w, s in owners.items()
            if len(w) >= 2 and sector not in s and COMMON_SECTOR not in s and len(s) <= 2
            and w not in common and w not in GENERIC and object_words(w) and w not in own_names}


def _ref_sectors(library: Library) -> Any:
    from drafter.draft.classify import sector_scores

    rows = library.by_id()
    cache: dict[str, str | None] = {}

    def sector_of(ref: str) -> str | None:
        if ref in cache:
            return cache[ref]
        m = _LIB_REF.search(ref)
        if m and m.group(1) in rows:
            cache[ref] = rows[m.group(1)].sector
        else:
            p = _REF_PROJECT.search(ref)
            scores = sector_scores(library, p.group(1)) if p else {}
            cache[ref] = max(scores, key=lambda s: (scores[s], s)) if scores else None
        return cache[ref]

    return sector_of
