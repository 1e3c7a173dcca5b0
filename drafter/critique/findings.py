"""The model's critique as review findings (L codes), merged with the rules' findings.

One finding per indicator and problem: when a rule already reported the problem the model names
(an unmeasurable value, a misfiled indicator, a low target, a wrong unit), the rule's finding
stays, gains the model's rewrite as its suggestion (it is about this indicator, the rule's is a
pattern) and the model's reasons in its message, and its origin becomes
``rules+llm``. Only what the rules did not see becomes a new L finding.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from drafter.critique.engine import CritiqueRun
from drafter.critique.schema import GoalGap, IndicatorCritique, Rewrite
from drafter.rules.finding import Finding
from drafter.rules.llm_codes import PROBLEM_CODES

# The rules that report the same problem a critique type names (by tag, or by code).
SAME_PROBLEM: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "unmeasurable": (frozenset({"unmeasurable"}), frozenset()),
    "output_as_outcome": (frozenset({"classification"}), frozenset()),
    "target_too_low": (frozenset({"ambition"}), frozenset()),
    "unit_or_value_implausible": (frozenset({"direction"}), frozenset({"T04"})),
    # Form-level: T27 names goal quantities no indicator carries.
    "goal_not_covered": (frozenset(), frozenset({"T27"})),
}


def rewrite_text(r: Rewrite) -> str:
    parts = [f"改写为：{r.level1}/{r.level2}/{r.name} {r.target_raw}"]
    if r.baseline is not None:
        year = f"{r.baseline.year}年" if r.baseline.year else ""
        parts.append(f"基线 {year}{r.baseline.value:g}{r.unit}（{r.baseline.source}）")
    parts.append(f"取值依据：{r.basis}")
    parts.append(f"数据来源：{r.evidence}")
    return "；".join(parts)


def llm_findings(run: CritiqueRun, selected: set[str] | None = None) -> list[Finding]:
    """The critique's problems as findings, in form and position order; ``selected`` filters codes."""
    from drafter.rules import get_rule

    out: list[Finding] = []
    for answer in run.answers:
        if answer.critique is None:
            continue
        piece = answer.piece
        for c in sorted(answer.critique.indicators, key=lambda c: c.position):
            if c.verdict != "需修改" or c.problem is None:
                continue
            out.append(_finding(piece.source, piece.form_index, c.position - 1,
                                piece.form.indicators[c.position - 1].name, c))
        for gap in answer.critique.uncovered:
            out.append(_gap(piece.source, piece.form_index, gap))
    keep = [f for f in out if selected is None or f.code in selected]
    for f in keep:
        rule = get_rule(f.code)
        if rule is not None:
            f.severity, f.tags = rule.severity, list(rule.tags)
    return keep


def _finding(source: str, form_index: int, index: int, name: str, c: IndicatorCritique) -> Finding:
    refs = f"（依据 {'、'.join(c.refs)}）" if c.refs else ""
    return Finding(code=PROBLEM_CODES[c.problem or "wording"], severity="warning", source=source,
                   form_index=form_index, indicator_index=index, indicator_name=name,
                   message=f"{(c.critique or '').strip()}{refs}",
                   suggestion=None if c.rewrite is None else rewrite_text(c.rewrite), origin="llm")


def _gap(source: str, form_index: int, gap: GoalGap) -> Finding:
    return Finding(code=PROBLEM_CODES["goal_not_covered"], severity="warning", source=source,
                   form_index=form_index, message=f"年度目标“{gap.commitment.strip()}”没有指标衡量：{gap.critique.strip()}",
                   suggestion=None if gap.rewrite is None else rewrite_text(gap.rewrite).replace("改写为", "补充指标", 1),
                   origin="llm")


def _problem_of(code: str) -> str:
    return next(p for p, c in PROBLEM_CODES.items() if c == code)


def merge(rule_findings: Sequence[Finding], model_findings: Sequence[Finding],
          sources: Sequence[str] = ()) -> list[Finding]:
    """Rule findings with the model's agreement folded in, plus the model's new findings, in place order."""
    merged = list(rule_findings)
    extra: list[Finding] = []
    for m in model_findings:
        tags, codes = SAME_PROBLEM.get(_problem_of(m.code), (frozenset(), frozenset()))
        twin = next((i for i, f in enumerate(merged)
                     if f.origin != "llm" and f.source == m.source and f.form_index == m.form_index
                     and f.indicator_index == m.indicator_index
                     and (tags & set(f.tags) or f.code in codes)), None)
        if twin is None:
            extra.append(m)
            continue
        f = merged[twin]
        if f.origin == "rules+llm":
            continue  # the model's first agreement already says it
        # The model's rewrite is for this indicator; a rule's suggestion is a pattern.
        merged[twin] = replace(f, origin="rules+llm", suggestion=m.suggestion or f.suggestion,
                               message=f"{f.message}（模型复核同意：{m.message}）")
    out = merged + extra
    # Place order as the rules engine has it: source, form, form-level first, indicator, code.
    rank = {src: i for i, src in enumerate(dict.fromkeys([*sources, *(f.source for f in out)]))}
    order = {"T": 0, "S": 1, "L": 2}
    out.sort(key=lambda f: (rank[f.source], f.form_index, -1 if f.indicator_index is None else f.indicator_index,
                            order[f.code[0]], f.code))
    return out
