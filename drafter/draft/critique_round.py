"""The model's critique as a second judge of an LLM draft, beside the review rules.

When the LLM engine wrote the draft, its review round asks the model once more, the way
``drafter review --llm`` does (task ``critique``, the same prompts, so a later ``review --llm`` of
the same form is answered from the cache), with the past forms the draft was written from as
evidence. What the critique finds that a corrective round can fix (:data:`CORRECTABLE`) joins the
rules' blocking findings in the engine's one corrective round.

There is no second critique call after that round. A flagged row is judged by whether the
revision changed it: a row the model called unrelated to the project (L02) that is still there is
dropped; any other flagged row left exactly as it was (same 二级指标, name and value) keeps the
model's finding, reported in the notes as the model's. Offline drafts, and drafts that fell back
to offline, are never critiqued. A critique that fails leaves the draft to the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drafter.draft import review
from drafter.draft.schema import DraftResponse
from drafter.model import Form
from drafter.rules.finding import Finding

# Problems the model can be asked to fix in the revision: not measurable, not this project's,
# goal not covered, an output filed as an outcome, a low target, an implausible unit or value.
# L07 (wording, an info) is only reported.
CORRECTABLE = frozenset({"L01", "L02", "L03", "L04", "L05", "L06"})
UNRELATED = "L02"
GOAL = "L03"


@dataclass
class Judgement:
    """What the critique said of a draft: its findings (origin ``llm``), or why it failed."""

    findings: list[Finding] = field(default_factory=list)
    # Per L03 finding, in order: the name of the indicator the model suggested adding, if any.
    additions: list[str | None] = field(default_factory=list)
    error: str | None = None


def judge(form: Form, rule_findings: list[Finding], client: Any, run_id: str, past: Sequence[Any]) -> Judgement:
    """One critique call on ``form``, its ``rule_findings`` and ``past`` forms (as evidence) shown."""
    from drafter.critique.engine import CritiqueRun, critique_form
    from drafter.critique.evidence import from_past_forms
    from drafter.critique.findings import llm_findings

    evidence, _ = from_past_forms(past)(review.DRAFT_SOURCE, form)
    answer = critique_form(review.DRAFT_SOURCE, form, rule_findings, evidence, client, run_id)
    if answer.critique is None:
        return Judgement(error=answer.error or "没有得到答案")
    found = llm_findings(CritiqueRun(answers=[answer]))
    additions = [g.rewrite.name.strip() if g.rewrite is not None else None for g in answer.critique.uncovered]
    return Judgement(found, additions)


def to_correct(rule_findings: list[Finding], judged: Judgement) -> list[Finding]:
    """What the corrective round is asked to fix: blocking rule findings and the model's fixable ones.

    One finding per indicator and problem: where a rule reported what the model names, the rule's
    finding carries the model's agreement and rewrite (drafter.critique.findings.merge). With no
    model finding, exactly the rules' blocking findings, in their order.
    """
    blocking = review.blocking(rule_findings)
    if not judged.findings:
        return blocking
    from drafter.critique.findings import merge

    merged = merge(rule_findings, judged.findings, [review.DRAFT_SOURCE])
    return [f for f in merged if f.origin == "rules+llm" or (f.origin == "llm" and f.code in CORRECTABLE)
            or (f.origin == "rules" and review.blocking([f]))]


def sent_back(rule_findings: list[Finding], judged: Judgement, corrective: Sequence[Finding]) -> list[Finding]:
    """The model's findings the corrective list already says: listed, or folded into a rule's finding."""
    if not judged.findings:
        return []
    from drafter.critique.findings import merge

    kept = {id(f) for f in merge(rule_findings, judged.findings, [review.DRAFT_SOURCE])}
    listed = {id(f) for f in corrective}
    return [m for m in judged.findings if id(m) in listed or id(m) not in kept]


def from_model(findings: Sequence[Finding]) -> int:
    return sum(1 for f in findings if f.origin != "rules")


def unrelated_kept(judged: Judgement, first: Form, now: Form) -> list[str]:
    """Names of the rows the model called unrelated (in ``first``) that ``now`` still has."""
    names = {i.name for i in now.indicators}
    flagged = [first.indicators[f.indicator_index].name for f in judged.findings
               if f.code == UNRELATED and f.indicator_index is not None]
    return [n for n in dict.fromkeys(flagged) if n in names]


def drop(response: DraftResponse, names: Sequence[str]) -> tuple[DraftResponse, list[str], list[str]]:
    """``response`` without the rows named; a row whose category would be left empty stays.

    Returns the new response, the names dropped and the names kept for their category (the
    review would otherwise reject the draft for a missing category, as the relevance gate does).
    """
    unwanted = set(names)
    keep = [d for d in response.indicators if d.name not in unwanted]
    present = {d.category for d in keep}
    stays = {id(d) for d in response.indicators if d.name in unwanted and d.category not in present}
    kept = [d for d in response.indicators if d.name not in unwanted or id(d) in stays]
    removed = [d.name for d in response.indicators if d.name in unwanted and id(d) not in stays]
    for_category = [d.name for d in response.indicators if id(d) in stays]
    if removed:
        response = response.model_copy(update={"indicators": kept})
    return response, removed, for_category


def remaining(judged: Judgement, first: Form, now: Form, said: Sequence[Finding] = ()) -> list[Finding]:
    """The model's findings (other than L02) that still stand in ``now``, ``first`` being what it read.

    A row stands unchanged when ``now`` has one with the same 二级指标, name and value; a goal
    commitment stays uncovered unless ``now`` has the indicator the model suggested (or, with no
    suggestion, any indicator ``first`` did not have). Findings in ``said`` (already in the
    notes) are left out.
    """
    rows = {(i.level2, i.name, i.target_raw) for i in now.indicators}
    names = {i.name for i in now.indicators}
    added = names - {i.name for i in first.indicators}
    additions = iter(judged.additions)
    skip = {id(f) for f in said}
    out: list[Finding] = []
    for f in judged.findings:
        if f.indicator_index is None:
            suggested = next(additions, None) if f.code == GOAL else None
            covered = suggested in names if suggested else bool(added)
            if not covered and id(f) not in skip:
                out.append(f)
            continue
        if f.code == UNRELATED or id(f) in skip:
            continue
        row = first.indicators[f.indicator_index]
        if (row.level2, row.name, row.target_raw) in rows:
            out.append(f)
    return out
