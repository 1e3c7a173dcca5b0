"""`drafter review` over a batch of any size: two passes, memory of one file at a time.

Pass one (in ``--jobs`` processes) reads each file and runs every selected rule but S17 on it; the
forms and findings go to a spool on disk, and only a small index of target forms comes back.
S17 compares a self-evaluation with the target form of the same project *anywhere in the batch*,
so it runs in pass two, when the index is complete, and its findings are merged into their form's
in the engine's order. Pass two streams the spool in file order: the output is the same whatever
``--jobs`` was, and the same as :func:`~drafter.rules.engine.review_forms` on the whole batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator, Optional, Sequence

from drafter.config import ReviewConfig
from drafter.model import Form
from drafter.rules.engine import check_form, finding_order
from drafter.rules.finding import Finding
from drafter.rules.registry import Rule, all_rules
from drafter.rules.view import FormView, Run, project_key

CROSS_FORM = "S17"

# State of a worker (or of this process with --jobs 1), set once by :func:`_init`.
_worker: dict[str, Any] = {}


def _init(config: ReviewConfig, codes: list[str], suggest: bool) -> None:
    _worker["config"] = config
    _worker["rules"] = [r for r in all_rules() if r.code in codes and r.code != CROSS_FORM]
    _worker["suggest"] = suggest


@dataclass
class FileResult:
    """What pass one sends back for one file: counts and the target index; the rest is pickled."""
    source: str
    error: Optional[str] = None
    pickled: bytes = b""
    forms: int = 0
    indicators: int = 0
    findings: int = 0
    targets: list[tuple[str, int, Any]] = field(default_factory=list)  # (project key, form index, stub)


def _target_stub(form: Form) -> Any:
    # What S17 reads of a target form: a few names, not the whole form.
    return SimpleNamespace(year=form.year, agency=form.agency,
                           indicators=[SimpleNamespace(name=i.name) for i in form.indicators])


def review_file(path: str) -> FileResult:
    """Pass one for one file (runs in a worker)."""
    from drafter.batch import dump
    from drafter.errors import InputError
    from drafter.read import read_file

    try:
        forms = read_file(Path(path))
    except InputError as e:
        return FileResult(path, error=str(e))
    config, rules = _worker["config"], _worker["rules"]
    run = Run([(path, forms)])
    findings: list[Finding] = []
    for fi, form in enumerate(forms):
        findings.extend(check_form(FormView(form, fi, path, config, run), rules))
    if _worker["suggest"]:
        from drafter.suggest import add_suggestions
        findings = add_suggestions(findings, [(path, forms)])
    targets = [(project_key(f.project_name), k, _target_stub(f)) for k, f in enumerate(forms) if f.kind == "target"]
    return FileResult(path, pickled=dump((path, forms, findings)), forms=len(forms),
                      indicators=sum(len(f.indicators) for f in forms), findings=len(findings),
                      targets=targets)


class TargetIndex(Run):
    """The batch's target forms as S17 sees them, kept small.

    Per project, a later target with the same year and agency as an earlier one can never be the
    one S17 picks (it takes the first that matches), so only the first of each is kept.
    """

    def __init__(self) -> None:
        super().__init__([])
        self._by_key: dict[str, list[tuple[str, int, Any]]] = {}
        self._seen: set[tuple[str, Any, Any]] = set()

    def add(self, source: str, key: str, k: int, stub: Any) -> None:
        dedup = (key, stub.year or None, project_key(stub.agency) if stub.agency else None)
        if dedup in self._seen:
            return
        self._seen.add(dedup)
        self._by_key.setdefault(key, []).append((source, k, stub))

    def targets_named(self, key: str) -> list[tuple[str, int, Any]]:
        return self._by_key.get(key, [])


class Summary:
    """The `summary` of `review --format json`, accumulated file by file (see engine.summarize)."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self._seen: set[str] = set()
        self.forms = self.indicators = self.findings = self.unmeasurable = 0
        self.by_severity = {"error": 0, "warning": 0, "info": 0}
        self.by_code: dict[str, int] = {}
        self.by_tag: dict[str, int] = {}

    def add(self, source: str, forms: Sequence[Form], findings: Sequence[Finding]) -> None:
        again = source in self._seen  # the same file named twice: its indicators counted once
        self._seen.add(source)
        self.sources.append(source)
        self.forms += len(forms)
        self.indicators += sum(len(f.indicators) for f in forms)
        self.findings += len(findings)
        flagged = set()
        for f in findings:
            self.by_severity[f.severity] += 1
            self.by_code[f.code] = self.by_code.get(f.code, 0) + 1
            for t in f.tags:
                self.by_tag[t] = self.by_tag.get(t, 0) + 1
            if "unmeasurable" in f.tags and f.indicator_index is not None:
                flagged.add((f.form_index, f.indicator_index))
        if not again:
            self.unmeasurable += len(flagged)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sources": list(self.sources),
            "forms": self.forms,
            "indicators": self.indicators,
            "findings": self.findings,
            "by_severity": dict(self.by_severity),
            "by_code": dict(sorted(self.by_code.items(), key=lambda kv: (kv[0][0] != "T", kv[0]))),
            "by_tag": dict(sorted(self.by_tag.items())),
            "unmeasurable_indicators": self.unmeasurable,
        }


class BatchReview:
    """One review run over files: pass one at construction, pass two by iterating."""

    def __init__(self, files: Sequence[str], config: ReviewConfig, rules: list[Rule], jobs: int,
                 suggest: bool = False, progress: Any = None) -> None:
        from drafter.batch import Spool, map_ordered

        self.config = config
        self.cross = [r for r in rules if r.code == CROSS_FORM]
        self.index = TargetIndex()
        self.bad: list[str] = []
        self.good = 0
        self.spool = Spool()
        try:
            for res in map_ordered(review_file, list(files), jobs, _init,
                                   (config, [r.code for r in rules], suggest)):
                if res.error is not None:
                    self.bad.append(res.error)
                else:
                    self.good += 1
                    self.spool.add(res.pickled)
                    for key, k, stub in res.targets:
                        if key:
                            self.index.add(res.source, key, k, stub)
                if progress is not None:
                    progress.advance(res.forms, res.indicators, res.findings)
        except BaseException:
            self.spool.close()
            raise
        self.summary = Summary()

    def __iter__(self) -> Iterator[tuple[str, list[Form], list[Finding]]]:
        """(source, forms, findings) per readable file, in file order; :attr:`summary` fills as it goes."""
        for source, forms, findings in self.spool:
            if self.cross:
                findings = self._with_cross_form(source, forms, findings)
            self.summary.add(source, forms, findings)
            yield source, forms, findings

    def _with_cross_form(self, source: str, forms: list[Form], findings: list[Finding]) -> list[Finding]:
        by_form: dict[int, list[Finding]] = {}
        for f in findings:
            by_form.setdefault(f.form_index, []).append(f)
        out: list[Finding] = []
        for fi, form in enumerate(forms):
            mine = by_form.get(fi, [])
            if form.kind == "self_eval":
                extra = check_form(FormView(form, fi, source, self.config, self.index), self.cross)
                if extra:
                    mine = sorted(mine + extra, key=finding_order)  # stable: one rule's hits keep their order
            out.extend(mine)
        return out

    def close(self) -> None:
        self.spool.close()
