"""Run the selected rules over every form of a run and collect their findings in a stable order."""

from __future__ import annotations

from typing import Iterable, Sequence

from drafter.config import ReviewConfig
from drafter.model import Form
from drafter.rules.finding import Finding
from drafter.rules.registry import Rule, all_rules
from drafter.rules.view import FormView, Run


class SelectionError(ValueError):
    """--select/--ignore named something that is no rule code, prefix or tag."""


def _expand(tokens: Iterable[str], rules: list[Rule]) -> set[str]:
    """Codes ("T07"), prefixes ("T", "S0") and tags ("unmeasurable", "scoring") to rule codes."""
    codes: set[str] = set()
    for raw in tokens:
        for token in (t.strip() for t in raw.replace("，", ",").split(",")):
            if not token:
                continue
            if token.upper() == "ALL":
                codes.update(r.code for r in rules)
                continue
            by_code = {r.code for r in rules if r.code.startswith(token.upper())}
            by_tag = {r.code for r in rules if token.lower() in r.tags}
            if not by_code and not by_tag:
                raise SelectionError(f"未知规则代码或标签 (unknown rule code or tag): {token}")
            codes |= by_code | by_tag
    return codes


def select_rules(select: Sequence[str] | None = None, ignore: Sequence[str] | None = None) -> list[Rule]:
    rules = all_rules()
    chosen = _expand(select, rules) if select else {r.code for r in rules}
    if ignore:
        chosen -= _expand(ignore, rules)
    return [r for r in rules if r.code in chosen]


def review_forms(batch: Sequence[tuple[str, list[Form]]], config: ReviewConfig | None = None,
                 select: Sequence[str] | None = None, ignore: Sequence[str] | None = None,
                 rules: list[Rule] | None = None,
                 history: Sequence[tuple[str, list[Form]]] | None = None) -> list[Finding]:
    """Findings for every form of ``batch`` ((source, forms) pairs), sorted by place then code.

    ``history`` holds earlier years' forms of the same projects, for the cross-year rule (T35).
    """
    config = config or ReviewConfig()
    rules = rules if rules is not None else select_rules(select, ignore)
    run = Run(list(batch), list(history or []))
    out: list[Finding] = []
    for source, forms in run.batch:
        for fi, form in enumerate(forms):
            out.extend(check_form(FormView(form, fi, source, config, run), rules))
    return out


def finding_order(f: Finding) -> tuple[int, bool, str]:
    """Where a finding goes among its form's: form-level first, then by row, T before S, by code."""
    return (-1 if f.indicator_index is None else f.indicator_index, f.code[0] != "T", f.code)


def check_form(view: FormView, rules: Sequence[Rule]) -> list[Finding]:
    """The findings of ``rules`` on one form, in :func:`finding_order` (stable for one rule's hits)."""
    form = view.form
    found: list[Finding] = []
    for r in rules:
        if form.kind not in r.kinds:
            continue
        for hit in r.check(view):
            idx = hit.index
            name = form.indicators[idx].name if idx is not None else None
            # Validated init: pydantic-core does it faster than model_construct's Python path.
            found.append(Finding(
                code=r.code, severity=hit.severity or r.severity, source=view.source,
                form_index=view.form_index, indicator_index=idx, indicator_name=name,
                message=hit.message, suggestion=hit.suggestion,
                tags=list(hit.tags if hit.tags is not None else r.tags), basis=r.basis or None,
                project_name=form.project_name))
    found.sort(key=finding_order)
    return found


def summarize(findings: list[Finding], batch: Sequence[tuple[str, list[Form]]]) -> dict:
    """The `summary` object of `review --format json`."""
    by_sev = {"error": 0, "warning": 0, "info": 0}
    by_code: dict[str, int] = {}
    by_tag: dict[str, int] = {}
    for f in findings:
        by_sev[f.severity] += 1
        by_code[f.code] = by_code.get(f.code, 0) + 1
        for t in f.tags:
            by_tag[t] = by_tag.get(t, 0) + 1
    forms = sum(len(fs) for _, fs in batch)
    indicators = sum(len(f.indicators) for _, fs in batch for f in fs)
    flagged = {(f.source, f.form_index, f.indicator_index) for f in findings
               if "unmeasurable" in f.tags and f.indicator_index is not None}
    return {
        "sources": [s for s, _ in batch],
        "forms": forms,
        "indicators": indicators,
        "findings": len(findings),
        "by_severity": by_sev,
        "by_code": dict(sorted(by_code.items(), key=lambda kv: (kv[0][0] != "T", kv[0]))),
        "by_tag": dict(sorted(by_tag.items())),
        "unmeasurable_indicators": len(flagged),
    }
