"""Leave-one-out evaluation: draft each past target form's project without it, and score the draft.

For every target form in the corpus (a project with a name and a goal), the project is held back
(its own forms, target and self-evaluation, are excluded from retrieval) and drafted from its
name, goal, funds, agency and year by each engine. A draft is scored by what the review rules and
the issue care about: are all six mandatory categories covered, how many indicators would
``drafter review`` call unmeasurable, does every indicator cite a past form, and what did it cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from drafter.draft import vocab
from drafter.model import Form


@dataclass
class Case:
    source: str
    form: Form


@dataclass
class Score:
    project: str
    engine: str
    categories: int
    missing: list[str]
    indicators: int
    unmeasurable: int
    with_refs: int
    calls: int
    tokens: int | None
    error: str | None = None


@dataclass
class EngineSummary:
    engine: str
    drafts: int = 0
    failed: int = 0
    fallbacks: int = 0
    full_coverage: int = 0
    category_coverage: float = 0.0
    unmeasurable: int = 0
    indicators: int = 0
    refs_coverage: float = 0.0
    calls: int = 0
    tokens: int | None = 0
    scores: list[Score] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        n = max(self.drafts, 1)
        return {
            "engine": self.engine, "drafts": self.drafts, "failed": self.failed,
            "fallbacks": self.fallbacks,
            "full_coverage": self.full_coverage,
            "category_coverage": round(self.category_coverage, 4),
            "unmeasurable": self.unmeasurable, "unmeasurable_per_draft": round(self.unmeasurable / n, 3),
            "indicators": self.indicators, "refs_coverage": round(self.refs_coverage, 4),
            "calls_per_draft": round(self.calls / n, 2),
            "tokens_per_draft": None if self.tokens is None else round(self.tokens / n, 1),
            "projects": [s.__dict__ for s in self.scores],
        }


def corpus_cases(limit: int | None = None) -> list[Case]:
    from drafter.read import expand_paths, read_file
    from drafter.resources import corpus_dir
    from drafter.store.documents import source_key

    corpus = corpus_dir()
    cases = []
    for path in expand_paths([str(corpus)]):
        for form in read_file(path):
            if form.kind == "target" and form.project_name and form.annual_goal and form.indicators:
                cases.append(Case(source_key(path, corpus), form))
    return cases[:limit] if limit else cases


def request_for(form: Form) -> Any:
    from drafter.draft.request import DraftRequest, parse_funds

    funds = parse_funds(form.funds.model_dump()) if form.funds else None
    return DraftRequest(name=form.project_name or "", goal=form.annual_goal or "", funds_wan=funds,
                        agency=form.agency, department=form.department, year=form.year)


def evaluate(cases: list[Case], engines: list[str], home: Path | None = None,
             progress: Callable[[str], None] = lambda s: None) -> list[EngineSummary]:
    from drafter.draft import review
    from drafter.draft.pipeline import draft

    out = []
    for engine in engines:
        summary = EngineSummary(engine)
        for case in cases:
            held = case.form.project_name
            progress(f"{engine}: {held}")

            def exclude(source: str, form: Form, held: str | None = held) -> bool:
                return form.project_name == held

            try:
                result = draft(request_for(case.form), offline=engine == "offline", home=home,
                               exclude=exclude)
            except Exception as e:  # noqa: BLE001 - one failed project must not end the evaluation
                summary.failed += 1
                summary.scores.append(Score(held or "", engine, 0, list(vocab.CATEGORIES), 0, 0, 0, 0, None,
                                            error=f"{type(e).__name__}: {e}"))
                continue
            form = result.form
            present = {vocab.category_of(i.level1, i.level2) for i in form.indicators}
            missing = [c for c in vocab.CATEGORIES if c not in present]
            findings = review.review(form)
            unmeasurable = {f.indicator_index for f in findings
                            if "unmeasurable" in f.tags and f.indicator_index is not None}
            score = Score(held or "", result.engine, len(vocab.CATEGORIES) - len(missing), missing,
                          len(form.indicators), len(unmeasurable),
                          sum(1 for i in form.indicators if i.refs), result.calls, result.tokens)
            summary.scores.append(score)
        _totals(summary)
        out.append(summary)
    return out


def _totals(s: EngineSummary) -> None:
    done = [x for x in s.scores if x.error is None]
    s.drafts = len(done)
    if not done:
        s.tokens = None
        return
    # An LLM draft that fell back to the offline engine reports engine "offline".
    s.fallbacks = sum(1 for x in done if s.engine != "offline" and x.engine == "offline")
    s.full_coverage = sum(1 for x in done if not x.missing)
    s.category_coverage = sum(x.categories for x in done) / (len(done) * len(vocab.CATEGORIES))
    s.unmeasurable = sum(x.unmeasurable for x in done)
    s.indicators = sum(x.indicators for x in done)
    s.refs_coverage = sum(x.with_refs for x in done) / max(s.indicators, 1)
    s.calls = sum(x.calls for x in done)
    s.tokens = None if any(x.tokens is None for x in done) else sum(x.tokens or 0 for x in done)
