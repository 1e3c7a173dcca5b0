"""Reading, review and deductions measured end to end on the labelled real forms.

For each ``../shared/realforms/NNN.gold.json`` the text is read in process (the two ``#`` lines
dropped, as ``score-realforms`` does), then:

* reading: indicators found, fully right, precision, files refused, with the matching and the
  "fully right" test of ``../shared/tools/score-realforms`` itself (loaded, not copied);
* review: indicators the rules flag as unmeasurable (findings tagged ``unmeasurable``) against the
  labels' ``measurability == "vague"``: recall and precision;
* deductions: labelled rows that lost points (得分 < 分值) found by ``drafter deductions``' row
  extraction with the same points lost, and rows it reports that lost nothing in the labels.

A development aid (``PYTHONPATH=. /work/venv/bin/python bench/realforms_eval.py``); tests/test_realforms.py
holds the floors. Needs ``../shared``; says so and exits 0 without it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
REALFORMS = SHARED / "realforms"
SCORER = SHARED / "tools" / "score-realforms"


def available() -> bool:
    return REALFORMS.is_dir() and SCORER.is_file()


def scorer() -> ModuleType:
    loader = SourceFileLoader("score_realforms", str(SCORER))
    spec = spec_from_loader(loader.name, loader)
    assert spec is not None
    module = module_from_spec(spec)
    loader.exec_module(module)
    return module


@dataclass
class Figures:
    gold: int = 0
    found: int = 0
    right: int = 0
    read: int = 0
    refused: list[str] = field(default_factory=list)
    vague: int = 0
    vague_flagged: int = 0
    flagged: int = 0
    flagged_vague: int = 0
    lost_rows: int = 0
    lost_found: int = 0
    invented: int = 0

    def lines(self) -> list[str]:
        g = self.gold or 1
        return [
            (f"reading: found {self.found / g:.2f} ({self.found}/{self.gold}), fully right "
            f"{self.right / g:.2f} ({self.right}/{self.gold}), precision {self.right / (self.read or 1):.2f} "
            f"({self.right}/{self.read}), files refused {len(self.refused)} {self.refused or ''}").rstrip(),
            (f"review, vague indicators flagged: recall {self.vague_flagged / (self.vague or 1):.2f} "
            f"({self.vague_flagged}/{self.vague}), precision {self.flagged_vague / (self.flagged or 1):.2f} "
            f"({self.flagged_vague}/{self.flagged})"),
            (f"deductions: lost-point rows found with the right points {self.lost_found} of "
             f"{self.lost_rows}, rows invented {self.invented}"),
        ]


def evaluate(folder: Path = REALFORMS) -> Figures:
    from drafter.deductions.extract import from_form
    from drafter.read.text import read_text
    from drafter.rules import review_forms

    sc = scorer()
    fig = Figures()
    for gp in sorted(folder.glob("*.gold.json")):
        gold = json.loads(gp.read_text(encoding="utf-8"))
        gi = gold.get("indicators") or []
        body = (folder / gold["source"]).read_text(encoding="utf-8").split("\n", 3)[3]
        forms = read_text(body)
        if not forms:
            fig.refused.append(gold["source"])
        where = [(fi, k) for fi, f in enumerate(forms) for k in range(len(f.indicators))]
        pred = [json.loads(forms[fi].indicators[k].model_dump_json()) for fi, k in where]
        pairs = sc.match(gi, pred)
        fig.gold += len(gi)
        fig.found += len(pairs)
        fig.right += sum(sc.right(gi[i], pred[j]) for i, j in pairs)
        fig.read += len(pred)
        gold_of = {j: i for i, j in pairs}
        # Review: which read indicators the rules call unmeasurable.
        findings = review_forms([(gold["source"], forms)])
        flagged = {(f.form_index, f.indicator_index) for f in findings
                   if "unmeasurable" in f.tags and f.indicator_index is not None}
        flagged_pred = {j for j, w in enumerate(where) if w in flagged}
        vague = {i for i, g in enumerate(gi) if g.get("measurability") == "vague"}
        fig.vague += len(vague)
        fig.vague_flagged += sum(1 for i, j in pairs if i in vague and j in flagged_pred)
        fig.flagged += len(flagged_pred)
        fig.flagged_vague += sum(1 for j in flagged_pred if gold_of.get(j) in vague)
        # Deductions: rows that lost points, with the points.
        lost_gold = {i: round(g["weight"] - g["score"], 2) for i, g in enumerate(gi)
                     if g.get("weight") is not None and g.get("score") is not None and g["score"] < g["weight"]}
        fig.lost_rows += len(lost_gold)
        for fi, f in enumerate(forms):
            for d in from_form(f, gold["source"], fi):
                if d.indicator_index is None:
                    continue  # the budget row is not an indicator row of the labels
                j = where.index((fi, d.indicator_index))
                i = gold_of.get(j)
                if i is not None and i in lost_gold and abs(lost_gold[i] - d.lost) < 1e-6:
                    fig.lost_found += 1
                elif i is None or i not in lost_gold:
                    fig.invented += 1
    return fig


def main() -> None:
    if not available():
        print(f"skipped: {REALFORMS} or {SCORER} is not there (a clone without ../shared)")
        return
    for line in evaluate().lines():
        print(line)


if __name__ == "__main__":
    main()
