"""Totals across files: by category, by agency, by 一级/二级, flags, and the common causes.

Sums are taken over the rounded per-row losses and rounded again, so every figure in a report
adds up to the rows printed above it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from drafter.deductions import categories as C
from drafter.deductions.records import FLAGS, Deduction

NO_AGENCY = "（未填实施单位）"
NO_LEVEL = "（未填）"
QUOTES_PER_CAUSE = 3
QUOTE_CHARS = 80


def summarise(deductions: Iterable[Deduction], forms: int = 0, skipped: int = 0) -> dict[str, Any]:
    totals = Totals()
    for d in deductions:
        totals.add(d)
    return totals.as_dict(forms=forms, skipped=skipped)


def top_causes(deductions: Iterable[Deduction], limit: int = 5) -> list[dict[str, Any]]:
    """The explained categories, most frequent first, each with its common cues and quotes."""
    totals = Totals()
    for d in deductions:
        totals.add(d)
    return totals.top_causes(limit)


class _Sum:
    """Left-to-right float addition, as ``sum()`` adds a list, kept as a running total."""
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value: float = 0

    def add(self, x: float) -> None:
        self.value += x


class _Cause:
    """One explained category: its count, loss, cue counts and the best few distinct quotes."""

    def __init__(self) -> None:
        self.count = 0
        self.lost = _Sum()
        self.cues: Counter[str] = Counter()
        # text -> (rank, payload); at most QUOTES_PER_CAUSE entries. The rank is the order a full
        # sort of the category's rows would give (readable causes first, then the larger loss,
        # then the earlier row), so keeping the best-ranked occurrence of the best few texts gives
        # the quotes a sort of every row would, in the memory of a few rows.
        self.quotes: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}

    def add(self, d: Deduction, seq: int) -> None:
        self.count += 1
        self.lost.add(d.lost)
        for c in d.cues:
            if not c.startswith("指标名"):
                self.cues[c] += 1
        text = d.reason or d.measure
        if not text:
            return
        rank = ("garbled" in d.flags, "no_cause" in d.flags, "no_measure" in d.flags, -d.lost, seq)
        held = self.quotes.get(text)
        if held is not None:
            if rank < held[0]:
                self.quotes[text] = (rank, _quote(d, text))
            return
        if len(self.quotes) >= QUOTES_PER_CAUSE:
            worst = max(self.quotes, key=lambda t: self.quotes[t][0])
            if rank >= self.quotes[worst][0]:
                return
            del self.quotes[worst]
        self.quotes[text] = (rank, _quote(d, text))

    def examples(self) -> list[dict[str, Any]]:
        return [q for _, q in sorted(self.quotes.values(), key=lambda rq: rq[0])]


def _quote(d: Deduction, text: str) -> dict[str, Any]:
    return {"quote": text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…",
            "project_name": d.project_name, "agency": d.agency,
            "indicator_name": d.indicator_name, "lost": d.lost}


class Totals:
    """The summary of a report, accumulated one deduction at a time in report order.

    Holds counts and sums per category, agency and level, plus a few quotes per cause: the
    memory of the summary, not of the rows, so a batch of any size can be summed as it streams.
    The rows of one form must arrive together (they do: a form's rows are extracted at once);
    projects and forms with deductions are counted where one form's rows end and the next begin.
    """

    def __init__(self) -> None:
        self.count = 0
        self.total = _Sum()
        self.by_category: dict[str, list[Any]] = {}  # code -> [count, _Sum]
        self.by_agency: dict[str, dict[str, Any]] = {}
        self.by_level: dict[str, dict[str, Any]] = {}
        self.flags: Counter[str] = Counter()
        self.causes: dict[str, _Cause] = {}
        self.forms_with_deductions = 0
        self._last_form: tuple[str, int] | None = None

    def add(self, d: Deduction) -> None:
        self.count += 1
        self.total.add(d.lost)
        form = (d.source, d.form_index)
        new_form = form != self._last_form
        if new_form:
            self.forms_with_deductions += 1
            self._last_form = form
        cat = self.by_category.setdefault(d.category, [0, _Sum()])
        cat[0] += 1
        cat[1].add(d.lost)

        a = self.by_agency.setdefault(d.agency or NO_AGENCY, {"count": 0, "lost": 0.0, "projects": 0,
                                                              "last": None, "by_category": Counter()})
        a["count"] += 1
        a["lost"] += d.lost
        if a["last"] != form:
            a["projects"] += 1
            a["last"] = form
        a["by_category"][d.category] += d.lost

        l1 = self.by_level.setdefault(d.level1 or NO_LEVEL, {"count": 0, "lost": 0.0, "level2": {}})
        l1["count"] += 1
        l1["lost"] += d.lost
        if d.level2 is not None or d.level1 != "预算执行率":
            l2 = l1["level2"].setdefault(d.level2 or NO_LEVEL, {"count": 0, "lost": 0.0})
            l2["count"] += 1
            l2["lost"] += d.lost

        self.flags.update(d.flags)
        if d.category != C.UNEXPLAINED:
            self.causes.setdefault(d.category, _Cause()).add(d, self.count)

    def as_dict(self, forms: int = 0, skipped: int = 0) -> dict[str, Any]:
        total = _r(self.total.value)
        by_category: dict[str, dict[str, Any]] = {}
        for code in C.CODES:
            if code in self.by_category:
                n, lost_sum = self.by_category[code]
                lost = _r(lost_sum.value)
                by_category[code] = {"name": C.name_of(code), "count": n, "lost": lost,
                                     "share": _r(lost / total * 100) if total else 0.0}
        by_category = dict(sorted(by_category.items(), key=lambda kv: (-kv[1]["lost"], -kv[1]["count"])))

        by_agency = {name: {"count": a["count"], "lost": _r(a["lost"]), "projects": a["projects"],
                            "by_category": {k: _r(v) for k, v in a["by_category"].most_common()}}
                     for name, a in self.by_agency.items()}
        by_agency = dict(sorted(by_agency.items(), key=lambda kv: -kv[1]["lost"]))

        by_level = {}
        for name, l1 in self.by_level.items():
            level2 = {k: {"count": v["count"], "lost": _r(v["lost"])} for k, v in l1["level2"].items()}
            by_level[name] = {"count": l1["count"], "lost": _r(l1["lost"]),
                              "level2": dict(sorted(level2.items(), key=lambda kv: -kv[1]["lost"]))}
        by_level = dict(sorted(by_level.items(), key=lambda kv: -kv[1]["lost"]))

        return {
            "total_lost": total,
            "count": self.count,
            "forms": forms,
            "forms_with_deductions": self.forms_with_deductions,
            "skipped_target_forms": skipped,
            "by_category": by_category,
            "by_agency": by_agency,
            "by_level": by_level,
            "flags": {k: {"name": FLAGS[k], "count": self.flags[k]} for k in FLAGS if self.flags[k]},
            "top_causes": self.top_causes(),
        }

    def top_causes(self, limit: int = 5) -> list[dict[str, Any]]:
        ranked = sorted(self.causes.items(), key=lambda kv: (-kv[1].count, -kv[1].lost.value))
        return [{"category": code, "name": C.name_of(code), "count": c.count, "lost": _r(c.lost.value),
                 "cues": [cue for cue, _ in c.cues.most_common(5)], "examples": c.examples()}
                for code, c in ranked[:limit]]


def _r(x: float) -> float:
    return round(x + 0.0, 2)
