"""Why a draft misses a real form's indicators: every uncovered real row, classified.

    python bench/fit_misses.py [--forms ../shared/realforms] [--no-corpus] [--rows]

Drafts every case leave-one-out with this tree's offline engine (as ``drafter eval`` does), pairs
the real rows with the drafted ones by the judge's own matching (drafter/draft/fit.py), and puts
each real row left uncovered in the first class that fits it:

* damaged or label-only name (数量指标, OCR debris): nothing can match it;
* input or budget management (资金到位率, 预算执行率, 专款专用): inputs are not targets (T10/T11), the
  engine does not draft them on purpose;
* qualitative target (提升, 健全, 合格): a draft holds only measurable values (T07/T08);
* category slot (成本, 时效, 满意度 are matched by category): the draft held fewer rows of it;
* the project's own count, absent from its goal (居民健康档案 38508人): no offline engine can know it;
* a count the goal states that the goal parser missed;
* a rate the library holds (same measure in the project's sector or type): held out with its
  own page, gated, or over quota;
* a rate a drafted row nearly names (a shared object word): the judge does not count it;
* a rate named in neither the goal nor the library.
Prints the counts (Markdown) and a few examples of each; ``--rows`` lists every miss.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_LABEL = re.compile(r"^(?:数量|质量|时效|成本|效益|社会效益|社会成本|满意度|服务对象或受益者满意度)指标$|绩效评价情况")
_INPUT = re.compile(r"资金|预算|到位|合规|支出安排|成本控制|政府采购|专款专用|拨付|兑付")

CLASSES = [
    "damaged or label-only name",
    "input or budget management (T10/T11)",
    "qualitative target (提升/健全/合格)",
    "category slot: the draft held fewer rows of it",
    "the project's own count, absent from its goal",
    "a count the goal states, missed by the parser",
    "a rate the library holds (held out, gated or over quota)",
    "a rate a drafted row nearly names (judge)",
    "a rate in neither the goal nor the library",
]


def classify(real, drafted, library, sector: str) -> str:  # noqa: ANN001 - model objects
    from drafter.draft import fit
    from drafter.draft.words import dice, shared_words
    from drafter.read.vocab import simplified

    name = simplified(real.name or "")
    target = real.target_raw or real.qualitative or ""
    category = fit._category(real)
    if _LABEL.search(name) or not fit.clean_name(name):
        return CLASSES[0]
    if _INPUT.search(name):
        return CLASSES[1]
    if real.value is None and not re.search(r"\d", target):
        return CLASSES[2]
    if category in ("成本", "时效", "满意度"):
        return CLASSES[3]
    if category == "数量" and real.unit not in ("%", "‰"):
        stated = any(abs(v * (1e4 if wan else 1) - (real.value or -1)) < 1e-6
                     for v, wan, _ in fit.goal_quantities(fit_goal(real)))
        return CLASSES[5] if stated else CLASSES[4]
    rows = [r for r in library.rows if r.sector == sector or r.common]
    if any(dice(fit.same_measure_name(r.name), fit.same_measure_name(name)) >= 0.5 for r in rows):
        return CLASSES[6]
    if any(shared_words(fit.same_measure_name(name), fit.same_measure_name(d.name)) for d in drafted):
        return CLASSES[7]
    return CLASSES[8]


_GOALS: dict[int, str] = {}


def fit_goal(real) -> str:  # noqa: ANN001
    return _GOALS.get(id(real), "")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_forms = ROOT.parent / "shared" / "realforms"
    ap.add_argument("--forms", default=str(default_forms) if default_forms.is_dir() else "")
    ap.add_argument("--no-corpus", action="store_true")
    ap.add_argument("--rows", action="store_true", help="list every miss")
    args = ap.parse_args()
    os.environ["DRAFTER_HOME"] = tempfile.mkdtemp(prefix="fit-misses-")
    for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE"):
        os.environ.pop(k, None)

    from drafter.draft import evaluate as ev
    from drafter.draft import fit
    from drafter.draft import library as lib
    from drafter.draft.classify import profile
    from drafter.draft.pipeline import draft

    cases = ([] if args.no_corpus else ev.corpus_cases()) + (ev.folder_cases([args.forms])[0] if args.forms else [])
    library = lib.load()
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    total = covered = 0
    for case in cases:
        held = case.form.project_name

        def exclude(source, form, held=held):  # noqa: ANN001
            return form.project_name == held

        result = draft(ev.request_for(case.form), offline=True, exclude=exclude,
                       library_exclude=ev._published_with(case.source_url))
        real = case.form
        p = profile(library, real.project_name or "", real.annual_goal or "")
        real_rows = [i for i in real.indicators if fit._category(i) is not None]
        drafted = [i for i in result.form.indicators if not fit.is_placeholder(i)]
        for r in real_rows:
            _GOALS[id(r)] = real.annual_goal or ""
        for r, d in fit.pairs(real_rows, drafted):
            total += 1
            if d is not None:
                covered += 1
                continue
            k = classify(r, drafted, library, p.sector)
            counts[k] += 1
            examples[k].append(f"{r.name} {r.target_raw or r.qualitative or ''}".strip()[:36] + f"（{(held or '')[:12]}）")
    print(f"{len(cases)} projects: {covered}/{total} real rows covered, {total - covered} missed\n")
    print("| why the real row is missed | rows | examples |\n|---|---|---|")
    for k in CLASSES:
        if counts[k]:
            print(f"| {k} | {counts[k]} | {'；'.join(examples[k][:3])} |")
    if args.rows:
        for k in CLASSES:
            print(f"\n### {k}\n" + "\n".join(f"- {e}" for e in examples[k]))


if __name__ == "__main__":
    main()
