"""Offline classification: keyword rules over the note, the indicator name and its level.

The rules themselves (cue words, weights, tie order) are documented with the category set in
:mod:`drafter.deductions.categories`; this module only applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from drafter.deductions import categories as C
from drafter.deductions.records import Deduction
from drafter.rules import words as W


@dataclass(frozen=True)
class Verdict:
    category: str
    confidence: Literal["high", "medium", "low"]  # "high": cue in the cause; "medium": measure cue or name hint; "low": 一级 only
    cues: tuple[str, ...]


def classify(d: Deduction) -> Verdict:
    if not d.has_note:
        return Verdict(C.UNEXPLAINED, "high", ())
    reason, measure = W.squash(d.reason), W.squash(d.measure)
    if not reason and not measure:
        # A note that did not split (garbled beyond repair): read it whole as a cause.
        from drafter.deductions.notes import clean
        reason = clean(d.note)
    name, level2 = W.squash(d.indicator_name), W.squash(d.level2)

    scores: dict[str, float] = {}
    found: dict[str, list[str]] = {}
    strength: dict[str, Literal["high", "medium", "low"]] = {}
    for cat in C.CATEGORIES:
        total = 0.0
        for cue, weight in cat.cues:
            if cue in reason:
                total += 2 * weight
                found.setdefault(cat.code, []).append(cue)
                strength[cat.code] = "high"
            elif cue in measure:
                total += weight
                found.setdefault(cat.code, []).append(cue)
                strength.setdefault(cat.code, "medium")
        hint = next((h for h in cat.name_hints if h in name), None)
        if hint:
            total += 1.0
            found.setdefault(cat.code, []).append(f"指标名含“{hint}”")
            strength.setdefault(cat.code, "medium")
        hint2 = next((h for h in cat.level2_hints if h in level2), None)
        if hint2:
            total += 0.5
            strength.setdefault(cat.code, "medium")
        if total:
            scores[cat.code] = total

    if scores:
        order = {code: i for i, code in enumerate(C.CODES)}
        best = max(scores, key=lambda code: (scores[code], -order[code]))
        return Verdict(best, strength.get(best, "medium"), tuple(found.get(best, ())))
    level1 = d.level1 or ""
    fallback = next((code for key, code in C.LEVEL1_FALLBACK if key in level1), "mechanism")
    return Verdict(fallback, "low", ())


def apply(d: Deduction) -> None:
    v = classify(d)
    d.category, d.confidence, d.cues = v.category, v.confidence, list(v.cues)
    d.category_name = C.name_of(v.category)
    d.classified_by = "rules"
