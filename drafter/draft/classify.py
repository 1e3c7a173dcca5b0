"""Project type and sector from a project's name, goal and funds.

The sector is the one whose words (``library/sectors.json``) and library-row keywords the name and
goal use most, the name counting twice; the type likewise from ``library/types.json``. Either can be
given by the user (``--sector``, ``--type``), which wins. A project that spans years (续建,
"2024-2026年", "三年") is marked so that its draft sets an annual progress target, not a
completion date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.draft.library import COMMON_SECTOR, Library

DEFAULT_TYPE = "专项工作"
FALLBACK_SECTOR = "一般公共服务"
_MULTI_YEAR = re.compile(
    r"续建|跨年|分年|多年|(?:19|20)\d{2}\s*[-—~～至到]\s*(?:(?:19|20)\d{2}|\d{2})\s*年|"
    r"[二两三四五六七八九十]年(?:行动|计划|规划|建设|实施|期)|(?:为期|合同期|租期|租赁期)\s*\d+\s*年|\d+\s*年期")


@dataclass
class Profile:
    sector: str
    project_type: str
    multi_year: bool = False
    beneficiary: str = "服务对象"
    timing: str = "deadline"
    sector_given: bool = False
    type_given: bool = False
    scores: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        how = lambda given: "用户指定" if given else "按项目名称和目标推断"  # noqa: E731
        span = "，跨年度项目" if self.multi_year else ""
        return (f"项目类型：{self.project_type}（{how(self.type_given)}）；行业：{self.sector}"
                f"（{how(self.sector_given)}）{span}")


def profile(library: Library, name: str, goal: str = "", funds_wan: float | None = None,
            sector: str | None = None, project_type: str | None = None) -> Profile:
    text = f"{name}\n{goal}"
    scores = sector_scores(library, name, goal)
    found_sector = max(scores, key=lambda s: (scores[s], s)) if scores else FALLBACK_SECTOR
    if not scores or scores[found_sector] <= 0:
        found_sector = FALLBACK_SECTOR
    ptype = project_type or infer_type(library, name, goal)
    spec = library.types.get(ptype, {})
    return Profile(sector=sector or found_sector, project_type=ptype, multi_year=bool(_MULTI_YEAR.search(text)),
                   beneficiary=str(spec.get("beneficiary") or "服务对象"),
                   timing=str(spec.get("timing") or "deadline"),
                   sector_given=bool(sector), type_given=bool(project_type), scores=scores)


def sector_scores(library: Library, name: str, goal: str = "") -> dict[str, float]:
    def hits(words: set[str]) -> float:
        return sum(len(w) * (2 * name.count(w) + min(goal.count(w), 3)) for w in words if len(w) >= 2)

    by_sector: dict[str, set[str]] = {}
    for s, words in library.sector_words.items():
        by_sector.setdefault(s, set()).update(words)
    for r in library.rows:
        if r.sector != COMMON_SECTOR:
            by_sector.setdefault(r.sector, set()).update(r.keywords)
    return {s: hits(w) for s, w in by_sector.items() if hits(w) > 0}


def infer_type(library: Library, name: str, goal: str = "") -> str:
    in_name: dict[str, float] = {}
    in_goal: dict[str, float] = {}
    for ptype, spec in library.types.items():
        words = [w for w in spec.get("words", ()) if isinstance(w, str)]
        in_name[ptype] = float(sum(len(w) * name.count(w) for w in words))
        in_goal[ptype] = float(sum(len(w) * min(goal.count(w), 2) for w in words))
    if not any(in_name.values()):
        # The goal often lists everything the unit does (a 系统 here, a 检查 there, 安全加固 as a
        # figure of speech): without the name, it places the project only when one type has more
        # of its words than all the others together.
        best = max(in_goal, key=lambda t: in_goal[t], default=DEFAULT_TYPE)
        rest = sum(in_goal.values()) - in_goal.get(best, 0.0)
        return best if in_goal.get(best, 0.0) > rest else DEFAULT_TYPE
    best, best_score = DEFAULT_TYPE, 0.0
    for ptype in library.types:
        # The name says what the money is for; the goal often lists everything the unit does.
        score = 3 * in_name[ptype] + in_goal[ptype]
        if score > best_score:
            best, best_score = ptype, score
    return best
