"""The review rules as the judge of a draft (drafter.rules, read-only).

Drafts are checked by the same rules ``drafter review`` runs, so a draft that passes here passes
there. A finding *blocks* when it is an error, says the value cannot be measured, files an indicator in
the wrong category or mismatches the funds: the LLM engine gets one corrective round for those,
the offline engine swaps the indicator for the next candidate.
"""

from __future__ import annotations

from typing import Any

from drafter.model import Form

DRAFT_SOURCE = "draft"


def review(form: Form) -> list[Any]:
    """Findings of every rule for ``form``; empty when the rules are not installed."""
    try:
        from drafter.rules import review_forms
    except ImportError:  # pragma: no cover - rules ship with drafter
        return []
    return review_forms([(DRAFT_SOURCE, [form])])


# Warnings a draft should not leave behind either: an indicator filed in the wrong category, or a
# cost that does not match the funds, is as wrong in a draft as an error in a filed form.
CORRECTABLE_TAGS = frozenset({"unmeasurable", "classification", "funding"})


# Header fields (主管部门, 实施单位 …) come from the request, not from the drafter: a corrective round
# cannot supply them, so they never block (T30).
REQUEST_TAGS = frozenset({"header"})


def blocking(findings: list[Any]) -> list[Any]:
    return [f for f in findings if (f.severity == "error" or CORRECTABLE_TAGS & set(f.tags))
            and not REQUEST_TAGS & set(f.tags)]


def indicator_blocking(form: Form) -> dict[int, list[Any]]:
    """Blocking findings per indicator index (form-level findings are left out)."""
    out: dict[int, list[Any]] = {}
    for f in blocking(review(form)):
        if f.indicator_index is not None:
            out.setdefault(f.indicator_index, []).append(f)
    return out


def indicator_findings(form: Form) -> dict[int, list[Any]]:
    """Every finding (any severity) per indicator index."""
    out: dict[int, list[Any]] = {}
    for f in review(form):
        if f.indicator_index is not None:
            out.setdefault(f.indicator_index, []).append(f)
    return out


def describe(findings: list[Any]) -> list[str]:
    """Findings as one Chinese line each, for notes and for the corrective prompt.

    What only the model's critique found says so: the user (and the model in the corrective round)
    weighs a rule's finding and a model's opinion differently.
    """
    lines = []
    for f in findings:
        where = f"指标“{f.indicator_name}”" if f.indicator_name else "整张表"
        hint = f"（建议：{f.suggestion}）" if f.suggestion else ""
        origin = "（来源：模型）" if getattr(f, "origin", "rules") == "llm" else ""
        lines.append(f"[{f.code}] {where}：{f.message}{hint}{origin}")
    return lines
