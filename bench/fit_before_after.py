"""Fit of offline drafts before and after: the same judge over an older engine and this one.

    python bench/fit_before_after.py [--before main] [--forms ../shared/realforms] [--no-corpus] [-o report.md]

The judge is this tree's `drafter eval` (drafter/draft/fit.py and evaluate.py, with library/ for
the sector vocabulary). The "before" engine is the drafter package of a git ref (default ``main``),
exported with ``git archive`` to a temporary directory; the judge's files are laid over it, so
both sides are measured by exactly the same code. Each engine drafts from its own library (the
ref's ``library/``); the judge knows sectors by this tree's library on both sides. Each side
drafts every case leave-one-out in a fresh DRAFTER_HOME (the built-in corpus ingested on first
use): the target forms of the corpus and the forms of ``--forms`` (hand labels first). Prints a Markdown report: the summary before and
after, and every project's draft after, by sector, with what was judged relevant.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# classify.py is the engine's (project type); the judge uses only its sector placement, which an
# engine change must leave alone for before and after to stay comparable.
JUDGE = ["drafter/draft/fit.py", "drafter/draft/words.py", "drafter/draft/library.py",
         "drafter/draft/evaluate.py", "drafter/resources.py"]

RUN = r"""
import json, sys
from drafter.draft import evaluate as ev
from drafter.draft import pipeline
forms = sys.argv[2]
cases = ([] if sys.argv[3] == "no-corpus" else ev.corpus_cases()) + (ev.folder_cases([forms])[0] if forms else [])
import inspect
if "library_exclude" not in inspect.signature(pipeline.draft).parameters:
    # An engine from before the library: it has none to hold back.
    plain = pipeline.draft
    pipeline.draft = lambda *a, library_exclude=None, **k: plain(*a, **k)
import os
from pathlib import Path
from drafter.draft import library as lib
judge = os.environ.get("FIT_JUDGE_LIBRARY")
(summary,) = ev.evaluate(cases, ["offline"], judge_library=lib.from_dir(Path(judge)) if judge else None)
json.dump(summary.to_json(), open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
"""


def measure(tree: Path, forms: str, out: Path, corpus: bool = True) -> dict:
    home = tempfile.mkdtemp(prefix="fit-home-")
    env = dict(os.environ, PYTHONPATH=str(tree), DRAFTER_HOME=home, FIT_JUDGE_LIBRARY=str(ROOT / "library"))
    for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE"):
        env.pop(k, None)
    subprocess.run([sys.executable, "-c", RUN, str(out), forms, "corpus" if corpus else "no-corpus"], env=env,
                   check=True, cwd=tree)
    shutil.rmtree(home, ignore_errors=True)
    return json.loads(out.read_text(encoding="utf-8"))


def old_tree(ref: str, where: Path) -> Path:
    where.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref, "drafter", "corpus", "prompts", "library"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    for rel in JUDGE:
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, where / rel)
    return where


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


def exact(summary: dict, key: str, whole: str) -> str:
    """"38.1% (45/118)": the share with the counts it comes from, summed over the projects."""
    part = sum(p["fit"][key] for p in summary["projects"] if p.get("fit"))
    total = sum(p["fit"][whole] for p in summary["projects"] if p.get("fit"))
    return f"{part / max(total, 1):.1%} ({part}/{total})"


def report(before: dict, after: dict, ref: str) -> str:
    b, a = before["fit"], after["fit"]
    lines = [f"## Offline drafts of {after['drafts']} real projects, leave-one-out (before: `{ref}`)", "",
             "| measure | before | after |", "|---|---|---|"]
    rows = [
        ("real form's indicators covered by the draft", exact(before, "covered", "real"),
         exact(after, "covered", "real")),
        ("drafted rows relevant to the project", exact(before, "relevant", "rows"), exact(after, "relevant", "rows")),
        ("rows naming an object, carried over from other sectors' forms", b["carried_rows"], a["carried_rows"]),
        (f"goal quantities that appear as targets (of {a['goal_quantities']})",
         pct(b["goal_quantities_captured"]), pct(a["goal_quantities_captured"])),
        ("absurd rows per draft", f"{b['absurd_per_draft']:.2f}", f"{a['absurd_per_draft']:.2f}"),
        ("placeholder rows", b["placeholders"], a["placeholders"]),
        ("drafts with all six categories", f"{before['full_coverage']}/{before['drafts']}",
         f"{after['full_coverage']}/{after['drafts']}"),
        ("unmeasurable values (review)", before["unmeasurable"], after["unmeasurable"]),
        ("rows drafted", b["rows"], a["rows"]),
        ("drafts that failed", before["failed"], after["failed"]),
    ]
    lines += [f"| {m} | {x} | {y} |" for m, x, y in rows]
    lines += ["", "## Drafts after, by sector (judged against each project's real form)", "",
              "| sector | type | project | covered | relevant | absurd | goal quantities | rows judged not relevant |",
              "|---|---|---|---|---|---|---|---|"]
    for p in sorted(after["projects"], key=lambda p: (p["sector"], p["project"])):
        f = p["fit"]
        if not f:  # the engine failed on this project
            lines.append(f"| — | — | {p['project']} | 失败：{p['error']} | | | | |")
            continue
        bad = "; ".join(f"{r['name']}（{r['why']}）" for r in f["rows_judged"] if not r["relevant"]) or "—"
        gq = f"{f['captured']}/{f['goal_quantities']}" if f["goal_quantities"] else "—"
        lines.append(f"| {p['sector']} | {p['project_type']} | {p['project']} | {f['covered']}/{f['real']} | "
                     f"{f['relevant']}/{f['rows']} | {f['absurd']} | {gq} | {bad} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", default="main", help="git ref of the engine to compare with")
    default_forms = ROOT.parent / "shared" / "realforms"
    ap.add_argument("--forms", default=str(default_forms) if default_forms.is_dir() else "",
                    help="folder of real forms to add to the corpus cases")
    ap.add_argument("--no-corpus", action="store_true", help="only the forms of --forms, not the corpus's")
    ap.add_argument("-o", "--output", type=Path, help="write the report here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="fit-before-") as tmp:
        tree = old_tree(args.before, Path(tmp) / "tree")
        before = measure(tree, args.forms, Path(tmp) / "before.json", not args.no_corpus)
        after = measure(ROOT, args.forms, Path(tmp) / "after.json", not args.no_corpus)
    text = report(before, after, args.before)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
