"""Totals across files: by category, by agency, by 一级/二级, flags, and the common causes.

Sums are taken over the rounded per-row losses and rounded again, so every figure in a report
adds up to the rows printed above it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from drafter.deductions import categories as C
from drafter.deductions.records import FLAGS, Deduction

NO_AGENCY = "（未填实施单位）"
NO_LEVEL = "（未填）"
QUOTES_PER_CAUSE = 3
QUOTE_CHARS = 80


def summarise(deductions: list[Deduction], forms: int = 0, skipped: int = 0) -> dict[str, Any]:
    total = _r(sum(d.lost for d in deductions))
    by_category: dict[str, dict[str, Any]] = {}
    for code in C.CODES:
        rows = [d for d in deductions if d.category == code]
        if rows:
            lost = _r(sum(d.lost for d in rows))
            by_category[code] = {"name": C.name_of(code), "count": len(rows), "lost": lost,
                                 "share": _r(lost / total * 100) if total else 0.0}
    by_category = dict(sorted(by_category.items(), key=lambda kv: (-kv[1]["lost"], -kv[1]["count"])))

    by_agency: dict[str, dict[str, Any]] = {}
    for d in deductions:
        a = by_agency.setdefault(d.agency or NO_AGENCY, {"count": 0, "lost": 0.0, "projects": set(),
                                                         "by_category": Counter()})
        a["count"] += 1
        a["lost"] += d.lost
        a["projects"].add((d.source, d.form_index))
        a["by_category"][d.category] += d.lost
    for a in by_agency.values():
        a["lost"] = _r(a["lost"])
        a["projects"] = len(a["projects"])
        a["by_category"] = {k: _r(v) for k, v in a["by_category"].most_common()}
    by_agency = dict(sorted(by_agency.items(), key=lambda kv: -kv[1]["lost"]))

    by_level: dict[str, dict[str, Any]] = {}
    for d in deductions:
        l1 = by_level.setdefault(d.level1 or NO_LEVEL, {"count": 0, "lost": 0.0, "level2": {}})
        l1["count"] += 1
        l1["lost"] += d.lost
        if d.level2 is not None or d.level1 != "预算执行率":
            l2 = l1["level2"].setdefault(d.level2 or NO_LEVEL, {"count": 0, "lost": 0.0})
            l2["count"] += 1
            l2["lost"] += d.lost
    for l1 in by_level.values():
        l1["lost"] = _r(l1["lost"])
        for l2 in l1["level2"].values():
            l2["lost"] = _r(l2["lost"])
        l1["level2"] = dict(sorted(l1["level2"].items(), key=lambda kv: -kv[1]["lost"]))
    by_level = dict(sorted(by_level.items(), key=lambda kv: -kv[1]["lost"]))

    flags = Counter(f for d in deductions for f in d.flags)
    return {
        "total_lost": total,
        "count": len(deductions),
        "forms": forms,
        "forms_with_deductions": len({(d.source, d.form_index) for d in deductions}),
        "skipped_target_forms": skipped,
        "by_category": by_category,
        "by_agency": by_agency,
        "by_level": by_level,
        "flags": {k: {"name": FLAGS[k], "count": flags[k]} for k in FLAGS if flags[k]},
        "top_causes": top_causes(deductions),
    }


def top_causes(deductions: list[Deduction], limit: int = 5) -> list[dict[str, Any]]:
    """The explained categories, most frequent first, each with its common cues and quotes."""
    groups: dict[str, list[Deduction]] = {}
    for d in deductions:
        if d.category != C.UNEXPLAINED:
            groups.setdefault(d.category, []).append(d)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), -sum(d.lost for d in kv[1])))
    out = []
    for code, rows in ranked[:limit]:
        cues = Counter(c for d in rows for c in d.cues if not c.startswith("指标名"))
        out.append({"category": code, "name": C.name_of(code), "count": len(rows),
                    "lost": _r(sum(d.lost for d in rows)),
                    "cues": [c for c, _ in cues.most_common(5)],
                    "examples": _quotes(rows)})
    return out


def _quotes(rows: list[Deduction]) -> list[dict[str, Any]]:
    # Readable, distinct causes first: a garbled or cause-less note is a poor example.
    ranked = sorted(rows, key=lambda d: ("garbled" in d.flags, "no_cause" in d.flags, "no_measure" in d.flags,
                                        -d.lost))
    seen: set[str] = set()
    out = []
    for d in ranked:
        text = d.reason or d.measure
        if not text or text in seen:
            continue
        seen.add(text)
        out.append({"quote": text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…",
                     "project_name": d.project_name, "agency": d.agency,
                     "indicator_name": d.indicator_name, "lost": d.lost})
        if len(out) == QUOTES_PER_CAUSE:
            break
    return out


def _r(x: float) -> float:
    return round(x + 0.0, 2)
