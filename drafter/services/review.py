"""The review job: rules (and, when asked, offline rewrites) over forms already read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from drafter.config import ReviewConfig
from drafter.model import Form
from drafter.rules.finding import Finding


@dataclass
class ReviewResult:
    findings: list[Finding]
    summary: dict[str, Any]
    rules: list[Any]
    batch: Sequence[tuple[str, list[Form]]]
    # A review round (baseline given): the previous round's findings that no longer appear.
    fixed: list[Finding] | None = None
    # Lines about the model's second review (review --llm), for stderr or the page.
    notes: list[str] = field(default_factory=list)


def load_config(path: str | Path | None) -> ReviewConfig:
    """The review configuration (weights, grades, thresholds); InputError when it is unusable."""
    from drafter.config import load_config as load
    return load(path)


def rules_for(select: Sequence[str] | None = None, ignore: Sequence[str] | None = None) -> list[Any]:
    """The rules to run; ``SelectionError`` when ``select``/``ignore`` name no rule."""
    from drafter.rules import select_rules
    return select_rules(select, ignore)


def review(batch: Sequence[tuple[str, list[Form]]], *, config: ReviewConfig | None = None,
           rules: list[Any] | None = None, suggest: bool = False,
           history: Sequence[tuple[str, list[Form]]] | None = None,
           baseline: list[Finding] | None = None, baseline_name: str | None = None,
           accepts: list[Any] | None = None, model: Any = None, jobs: int = 1) -> ReviewResult:
    """Findings and summary for ``batch`` under ``rules`` (default: all of them).

    ``history``: earlier years' forms for the cross-year rule (T35). ``baseline``: the previous
    round's findings; each finding then says "new" or "remaining" and the result lists the fixed
    ones. ``accepts``: findings a reviewer agreed to leave (status "accepted", with the reason).
    """
    from drafter.rules import review_forms, summarize
    from drafter.rules.rounds import apply_accepts, compare, round_summary
    rules = rules if rules is not None else rules_for()
    findings = review_forms(batch, config, rules=rules, history=history)
    notes: list[str] = []
    if model is not None:
        # review --llm: the model critiques every target form after the rules, ``jobs`` calls
        # at a time; its L-code findings are merged in (drafter.critique).
        from drafter.critique import second_review
        findings, notes = second_review(batch, findings, model, jobs=jobs,
                                        selected={r.code for r in rules if r.by_model})
    else:
        rules = [r for r in rules if not r.by_model]
    if suggest:
        from drafter.suggest import add_suggestions
        findings = add_suggestions(findings, batch)
    fixed = None
    if baseline is not None:
        compared = compare(findings, baseline)
        findings, fixed = compared.findings, compared.fixed
    if accepts:
        findings = apply_accepts(findings, accepts)
    summary = summarize(findings, batch)
    if fixed is not None or accepts:
        summary["round"] = round_summary(findings, fixed, baseline_name)
    return ReviewResult(findings, summary, rules, batch, fixed, notes)


def baseline_findings(path: str | Path, config: ReviewConfig | None = None,
                      rules: list[Any] | None = None) -> list[Finding]:
    """The previous round: a `review --format json` as written, or the old form reviewed now.

    InputError when the file cannot be read or is neither.
    """
    from drafter.read import read_file
    from drafter.rules import review_forms
    from drafter.rules.rounds import finding_from_dict
    from drafter.structured import read_structured
    p, source = Path(path), str(path)
    if p.suffix.lower() == ".json":
        data = read_structured(p)
        if isinstance(data, dict) and isinstance(data.get("findings"), list):
            return [finding_from_dict(d, source) for d in data["findings"]]
    return review_forms([(source, read_file(p))], config, rules=rules if rules is not None else rules_for())


def load_accepts(path: str | Path) -> list[Any]:
    """The entries of an --accept file; InputError when unreadable or an entry lacks code or reason."""
    from drafter.rules.rounds import accepts_from
    from drafter.structured import read_structured
    return accepts_from(read_structured(path), str(path))


def history_forms(paths: Sequence[str]) -> list[tuple[str, list[Form]]]:
    """Earlier years' forms named by the user; InputError on the first unreadable one (a silent
    gap would hide what T35 should say)."""
    from drafter.errors import InputError
    from drafter.read import expand_paths, read_file
    files = expand_paths(list(paths))
    if not files:
        raise InputError("没有找到往年的表 (no --history files)")
    return [(str(f), read_file(f)) for f in files]


def history_from_store(batch: Sequence[tuple[str, list[Form]]]) -> list[tuple[str, list[Form]]]:
    """Stored forms of the target projects in ``batch``; StoreError when there is no store."""
    from drafter.store.history import past_forms_from_store
    return past_forms_from_store([f.project_name for _, forms in batch for f in forms
                                  if f.kind == "target" and f.project_name])


def placed_findings(batch: Sequence[tuple[str, list[Form]]], findings: list[Finding]) -> tuple[list[Form], list[Finding]]:
    """All forms in one list and findings re-indexed into it: the shape one workbook needs."""
    from dataclasses import replace
    forms: list[Form] = []
    offset: dict[str, int] = {}
    for source, source_forms in batch:
        offset[source] = len(forms)
        forms.extend(source_forms)
    return forms, [replace(f, form_index=offset.get(f.source, 0) + f.form_index) for f in findings]


def review_xlsx(batch: Sequence[tuple[str, list[Form]]], findings: list[Finding]) -> bytes:
    """The reviewed forms, findings as cell comments on their rows, and a 审核意见 sheet."""
    from drafter.render.xlsx import forms_to_xlsx
    forms, placed = placed_findings(batch, findings)
    return forms_to_xlsx(forms, placed)


def write_review_xlsx(parts: Iterable[tuple[Sequence[Form], Sequence[Finding]]], fh: IO[bytes]) -> None:
    """The same workbook written to ``fh`` file by file: each part is one file's forms and its
    findings (form_index within that file), drawn one at a time, so a batch of any size is not
    held (``review --format xlsx`` over a streamed batch)."""
    from drafter.render.xlsx import write_forms_xlsx
    write_forms_xlsx(parts, fh)
