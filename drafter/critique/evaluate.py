"""``drafter eval --task review``: how well each engine tells unmeasurable indicators, on labelled forms.

A labelled form is a ``*.gold.json`` file (the schema of ../shared/realforms: ``indicators`` with a
``measurability`` of quantitative | verifiable | vague). The form is built from the labels
themselves, so the figures measure the reviewer, not the reader. Per engine:

* ``offline``: the rules; an indicator is called unmeasurable when a finding tagged
  ``unmeasurable`` points at it; its rewrites are the corpus-based ``--suggest`` texts;
* ``llm``: the rules followed by the model's critique (``review --llm``), merged.

Recall and precision are of the "unmeasurable" verdict against ``vague`` labels. Every suggestion
on a flagged indicator counts as a rewrite; it "passes" when it names a value and the form with
that indicator replaced draws no blocking rule finding on it (a template such as "≥N%" fails).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from drafter.model import Form, Indicator

_REWRITE = re.compile(r"^(?:改写为：)?(?:(?P<l1>[^/；]+)/(?P<l2>[^/；]+)/)?(?P<name>[^≥≤=<>：；（]+?)[\s：]*"
                      r"(?P<value>[≥≤=<>][^；（(]+)")


@dataclass
class Case:
    source: str
    form: Form
    vague: frozenset[int]


@dataclass
class ReviewScore:
    engine: str
    forms: int = 0
    indicators: int = 0
    labelled_vague: int = 0
    flagged: int = 0
    true_positive: int = 0
    rewrites: int = 0
    rewrites_pass: int = 0
    failed_forms: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float | None:
        return self.true_positive / self.labelled_vague if self.labelled_vague else None

    @property
    def precision(self) -> float | None:
        return self.true_positive / self.flagged if self.flagged else None

    def to_json(self) -> dict[str, Any]:
        r, p = self.recall, self.precision
        return {"engine": self.engine, "forms": self.forms, "indicators": self.indicators,
                "labelled_vague": self.labelled_vague, "flagged_unmeasurable": self.flagged,
                "true_positive": self.true_positive, "recall": None if r is None else round(r, 4),
                "precision": None if p is None else round(p, 4), "rewrites": self.rewrites,
                "rewrites_pass_rules": self.rewrites_pass, "failed_forms": self.failed_forms}


def builtin_dir() -> Path:
    from drafter.resources import labelled_dir
    return labelled_dir()


def load_cases(folders: Sequence[Path]) -> tuple[list[Case], list[str]]:
    """Every ``*.gold.json`` in ``folders`` as a case; unreadable files are skipped with a note."""
    cases: list[Case] = []
    notes: list[str] = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.gold.json")):
            try:
                gold = json.loads(path.read_text(encoding="utf-8"))
                cases.append(case_from_gold(str(path), gold))
            except (OSError, ValueError, KeyError, TypeError) as e:
                notes.append(f"{path}: 无法读取标注（{type(e).__name__}），已跳过")
    return cases, notes


def case_from_gold(source: str, gold: dict[str, Any]) -> Case:
    inds, vague = [], set()
    for k, row in enumerate(gold["indicators"]):
        inds.append(Indicator(level1=row.get("level1"), level2=row.get("level2"), name=row.get("name") or "（无名称）",
                              target_raw=row.get("target_raw"), op=row.get("op"), value=row.get("value"),
                              unit=row.get("unit"), qualitative=row.get("qualitative")))
        if row.get("measurability") == "vague":
            vague.add(k)
    funds = gold.get("funds_wan")
    form = Form(kind="target", year=gold.get("year"), project_name=gold.get("project_name"),
                agency=gold.get("agency"), annual_goal=gold.get("goal"), indicators=inds,
                funds=None if funds is None else {"total": funds, "unit": "万元"})  # type: ignore[arg-type]
    return Case(source, form, frozenset(vague))


def score(engine: str, cases: Sequence[Case], client: Any = None, jobs: int = 1,
          run_id: str | None = None) -> ReviewScore:
    from drafter.rules import review_forms
    from drafter.suggest import add_suggestions

    out = ReviewScore(engine)
    batch = [(c.source, [c.form]) for c in cases]
    findings = review_forms(batch)
    if client is None:
        findings = add_suggestions(findings, batch)
    else:
        from drafter.critique import second_review
        findings, notes = second_review(batch, findings, client, jobs=jobs, run_id=run_id)
        out.notes.extend(notes)
        out.failed_forms = sum(1 for n in notes if "模型复核失败" in n)
    by_source = {c.source: c for c in cases}
    for c in cases:
        out.forms += 1
        out.indicators += len(c.form.indicators)
        out.labelled_vague += len(c.vague)
    flagged: dict[str, set[int]] = {}
    seen_rewrites: set[tuple[str, int]] = set()
    for f in findings:
        if f.indicator_index is None:
            continue
        if "unmeasurable" in f.tags:
            flagged.setdefault(f.source, set()).add(f.indicator_index)
        if f.suggestion and (f.source, f.indicator_index) not in seen_rewrites and \
                ("unmeasurable" in f.tags or f.origin != "rules"):
            seen_rewrites.add((f.source, f.indicator_index))
            out.rewrites += 1
            # A suggestion with no value to put in the form ("≥N%", "改用可计量的结果表述") fails.
            parsed = parse_rewrite(f.suggestion, by_source[f.source].form.indicators[f.indicator_index])
            if parsed is not None:
                out.rewrites_pass += passes(by_source[f.source].form, f.indicator_index, parsed)
    for source, idx in flagged.items():
        out.flagged += len(idx)
        out.true_positive += len(idx & by_source[source].vague)
    return out


def parse_rewrite(text: str, original: Indicator) -> Indicator | None:
    """The indicator a suggestion proposes (name and value), or None when it proposes no value."""
    from drafter.values import parse_value

    m = _REWRITE.match(text.strip())
    if m is None:
        return None
    raw = m.group("value").strip()
    v = parse_value(raw)
    if v.value is None:
        return None
    return Indicator(level1=(m.group("l1") or original.level1), level2=(m.group("l2") or original.level2),
                     name=m.group("name").strip(), target_raw=raw, op=v.op, value=v.value,
                     unit=v.unit)


def passes(form: Form, index: int, rewrite: Indicator) -> bool:
    from drafter.draft.review import blocking
    from drafter.rules import review_forms

    indicators = list(form.indicators)
    indicators[index] = rewrite
    trial = form.model_copy(update={"indicators": indicators})
    return not any(f.indicator_index == index for f in blocking(review_forms([("eval", [trial])])))
