"""Self-evaluation forms → one :class:`Deduction` per row that lost points.

A row lost points when its score is below its weight; the loss is ``weight − score`` rounded to
two decimals, as points are printed on the forms. The budget-execution block is a row too
(indicator "预算执行率"): its score is ``rate × weight`` on the form, recomputed here only when the
form prints a rate but no score. Target forms have no scores and are not looked at.
"""

from __future__ import annotations

from drafter.deductions import notes
from drafter.deductions.records import BUDGET_INDICATOR, MAX_NOTE_CHARS, Deduction, bounded
from drafter.model import Budget, Form, Indicator
from drafter.rules import words as W
from drafter.values import parse_value


def lost_points(weight: float | None, score: float | None) -> float:
    if weight is None or score is None:
        return 0.0
    lost = round(weight - score, 2)
    return lost if lost > 0 else 0.0


def from_form(form: Form, source: str, form_index: int) -> list[Deduction]:
    """The deductions of one self-evaluation, budget row first (it heads the printed form)."""
    if form.kind != "self_eval":
        return []
    out: list[Deduction] = []
    budget = _budget_row(form, source, form_index)
    if budget is not None:
        out.append(budget)
    for k, ind in enumerate(form.indicators):
        lost = lost_points(ind.weight, ind.score)
        if not lost or ind.weight is None or ind.score is None:  # no loss without both figures
            continue
        d = Deduction(
            source=source, form_index=form_index, indicator_index=k, agency=form.agency,
            project_name=form.project_name, year=form.year, indicator_name=ind.name or "",
            level1=ind.level1, level2=ind.level2, target=ind.target_raw, actual=ind.actual_raw,
            weight=ind.weight, score=ind.score, lost=lost, note=ind.deviation)
        _judge_note(d)
        if _target_met(ind):
            d.flags.append("target_met")
        out.append(d)
    return out


def _budget_row(form: Form, source: str, form_index: int) -> Deduction | None:
    b: Budget | None = form.budget
    if b is None or b.weight is None:
        return None
    score, derived = b.score, False
    if score is None and b.rate_pct is not None:
        score, derived = round(min(b.rate_pct, 100.0) / 100.0 * b.weight, 2), True
    lost = lost_points(b.weight, score)
    if not lost or score is None:  # no loss without a score
        return None
    d = Deduction(
        source=source, form_index=form_index, indicator_index=None, agency=form.agency,
        project_name=form.project_name, year=form.year, indicator_name=BUDGET_INDICATOR,
        level1=BUDGET_INDICATOR, level2=None, target="100%",
        actual=None if b.rate_pct is None else f"{b.rate_pct:g}%",
        weight=b.weight, score=score, lost=lost, note=None)
    _judge_note(d)
    if derived:
        d.flags.append("score_derived")
    return d


def _judge_note(d: Deduction) -> None:
    """Split the note and flag what is missing; classification comes later."""
    d.note, cut = bounded(d.note, MAX_NOTE_CHARS)
    if cut:
        d.flags.append("truncated")
    raw = d.note or ""
    if not W.strip_punct(notes.clean(raw)):  # "/" or "—" fills the cell and says nothing, like S09
        d.flags.append("no_note")
        return
    if notes.is_boilerplate(raw):
        d.flags.append("boilerplate")
        return
    parts = notes.split(raw)
    d.reason, d.measure = parts.reason, parts.measure
    if notes.is_garbled(raw):
        d.flags.append("garbled")
    if not notes.states_cause(parts.reason):
        d.flags.append("no_cause")
    if not notes.states_measure(parts.measure):
        d.flags.append("no_measure")


def _target_met(ind: Indicator) -> bool:
    """Actual meets a numeric target, yet points were lost: a scoring slip or a misread row."""
    if ind.value is None or ind.op is None:
        return False
    actual = parse_value(ind.actual_raw)
    if actual.value is None or (actual.unit and ind.unit and actual.unit != ind.unit):
        return False
    if ind.op in ("≥", "="):  # "=" scores like "≥": full marks once reached (domain.md §4.3)
        return actual.value >= ind.value - 1e-9
    if ind.op == ">":
        return actual.value > ind.value
    if ind.op == "≤":
        return actual.value <= ind.value
    return actual.value < ind.value


def mark_repeated(deductions: list[Deduction]) -> None:
    """The same explanation under several rows (across forms too) explains none of them."""
    seen: dict[str, int] = {}
    for d in deductions:
        if d.has_note:
            key = W.strip_punct(notes.clean(d.note))
            seen[key] = seen.get(key, 0) + 1
    for d in deductions:
        if d.has_note and seen.get(W.strip_punct(notes.clean(d.note)), 0) > 1:
            d.flags.append("repeated")
