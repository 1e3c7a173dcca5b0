"""Leave-one-out evaluation: draft each real project without its own forms, and score the draft.

Cases are the target forms of the built-in corpus plus the forms in any folder given (e.g.
``../shared/realforms``: a hand-labelled ``NNN.gold.json`` stands for its ``NNN.txt``; a
self-evaluation counts by its indicator set). Each project is held back (its own forms are
excluded from retrieval) and drafted from its name, goal and funds by each engine, as a budget
officer would. A draft is scored for completeness (six categories, unmeasurable values, cited
sources, cost) and for fit to the real project (:mod:`drafter.draft.fit`: coverage of the real
form's indicators, rows relevant, rows from unrelated sectors, goal quantities captured, absurd
rows, placeholders).
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
    # Where the real form was published: library rows collected from the same page are its own
    # indicators and are held back with it.
    source_url: str | None = None


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
    sector: str = ""
    project_type: str = ""
    fit: dict[str, Any] = field(default_factory=dict)


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
    fit: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        n = max(self.drafts, 1)
        return {"fit": self.fit,
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


def folder_cases(paths: list[str]) -> tuple[list[Case], list[str]]:
    """Cases from files and folders: hand labels (``*.gold.json``) first, else the reader."""
    from drafter.errors import InputError
    from drafter.read import expand_paths, read_file

    cases: list[Case] = []
    skipped: list[str] = []
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.is_file() and x.suffix in (".json", ".txt", ".xlsx", ".md")
                                and x.name != "INDEX.md"))
        else:
            files.extend(expand_paths([raw]))
    labelled = {f.name[: -len(".gold.json")] for f in files if f.name.endswith(".gold.json")}
    for f in files:
        if f.name.endswith(".gold.json"):
            form = gold_form(f)
            forms = [form] if form else []
        elif f.stem in labelled:
            continue
        else:
            try:
                forms = read_file(f)
            except InputError:
                skipped.append(str(f))
                continue
        usable = [x for x in forms if x.project_name and x.indicators]
        if not usable:
            skipped.append(str(f))
        url = _published_at(f)
        cases.extend(Case(str(f), x, url) for x in usable)
    return cases, skipped


def _published_with(url: str | None) -> Callable[[Any], bool] | None:
    """Library rows collected from the page the held-out form was published on."""
    if not url:
        return None
    return lambda row: bool(row.source == url)


def _published_at(path: Path) -> str | None:
    """The ``# source: URL`` line a realforms excerpt (or the excerpt beside a gold file) starts with."""
    import re

    text_file = path.with_name(path.name[: -len(".gold.json")] + ".txt") if path.name.endswith(".gold.json") else path
    try:
        with text_file.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(2000)
    except OSError:
        return None
    m = re.search(r"^#\s*source:\s*(\S+)", head, re.M)
    return m.group(1) if m and m.group(1).startswith("http") else None


def gold_form(path: Path) -> Form | None:
    """A hand-labelled form (realforms gold schema) as a Form; None when it names no project."""
    import json

    from drafter.model import Funds, Indicator

    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(d, dict) or not d.get("project_name"):
        return None
    inds = []
    for i in d.get("indicators") or []:
        if isinstance(i, dict) and i.get("name"):
            inds.append(Indicator(level1=i.get("level1"), level2=i.get("level2"), name=i["name"],
                                  target_raw=i.get("target_raw"), op=i.get("op"), value=i.get("value"),
                                  unit=i.get("unit"), qualitative=i.get("qualitative"), actual_raw=i.get("actual_raw")))
    funds = Funds(total=d["funds_wan"], unit="万元") if isinstance(d.get("funds_wan"), (int, float)) else None
    return Form(kind="self_eval" if d.get("kind") == "self_eval" else "target", year=d.get("year") if isinstance(d.get("year"), int) else None,
                project_name=d["project_name"], agency=d.get("agency"), annual_goal=d.get("goal") or None,
                funds=funds, indicators=inds)


def request_for(form: Form) -> Any:
    from drafter.draft.request import DraftRequest, parse_funds

    funds = parse_funds(form.funds.model_dump()) if form.funds else None
    # A self-evaluation may print no goal: the project is then drafted from its name alone.
    goal = form.annual_goal if form.annual_goal and len(form.annual_goal.strip()) >= 4 else (form.project_name or "")
    return DraftRequest(name=form.project_name or "", goal=goal, funds_wan=funds,
                        agency=form.agency, department=form.department, year=form.year)


def evaluate(cases: list[Case], engines: list[str], home: Path | None = None,
             progress: Callable[[str], None] = lambda s: None, judge_library: Any = None) -> list[EngineSummary]:
    """Draft every case with every engine and score it.

    The judge places each project and knows each sector's vocabulary from ``judge_library`` (by
    default the engine's own library): a before/after comparison passes the newer library so that
    both engines are judged by the same words while each drafts from its own rows.
    """
    from drafter.draft import library as lib
    from drafter.draft import review
    from drafter.draft.classify import profile
    from drafter.draft.fit import measure
    from drafter.draft.pipeline import draft

    library = judge_library or lib.load(home)
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
                               exclude=exclude, library_exclude=_published_with(case.source_url))
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
            # The project's sector is judged on its real form (name, goal and real indicators).
            real = case.form
            # Name and goal place it; the indicators only when those say nothing.
            p = profile(library, real.project_name or "", real.annual_goal or "")
            if not p.scores:
                p = profile(library, real.project_name or "",
                            "\n".join([real.annual_goal or ""] + [i.name for i in real.indicators]))
            fit = measure(real, form, library, p.sector, p.multi_year)
            score.sector, score.project_type = p.sector, form.project_type or ""
            score.fit = {k: getattr(fit, k) for k in ("real", "covered", "rows", "relevant", "foreign", "carried",
                                                      "garbled", "completion_in_multi_year", "absurd",
                                                      "placeholders", "goal_quantities", "captured")}
            score.fit["rows_judged"] = fit.judged
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
    tot = {k: sum(x.fit.get(k, 0) for x in done) for k in ("real", "covered", "rows", "relevant", "carried",
                                                             "absurd", "placeholders", "goal_quantities",
                                                             "captured")}
    s.fit = {
        "coverage": round(tot["covered"] / max(tot["real"], 1), 4),
        "relevant": round(tot["relevant"] / max(tot["rows"], 1), 4),
        "carried_rows": tot["carried"],
        "goal_quantities_captured": round(tot["captured"] / tot["goal_quantities"], 4) if tot["goal_quantities"] else None,
        "goal_quantities": tot["goal_quantities"],
        "absurd_per_draft": round(tot["absurd"] / len(done), 3),
        "placeholders": tot["placeholders"],
        "rows": tot["rows"],
    }
