"""Precision and recall of the `unmeasurable` tag against hand labels, rows fed in clean.

Shared by tests/test_measurability.py and usable by hand (``python -m tests.measure_unmeasurable``):
the rows come from label files, not through the reader, so what is measured is the rules alone.
"""

from __future__ import annotations

import json
from pathlib import Path

from drafter.model import Form, Indicator
from drafter.rules import review_forms

LABELS = Path(__file__).resolve().parent / "labels"
REALFORMS = Path(__file__).resolve().parents[1] / ".." / "shared" / "realforms"
_FIELDS = ("level1", "level2", "name", "target_raw", "op", "value", "unit", "qualitative")


def _indicator(row: dict) -> Indicator:
    return Indicator(**{k: row.get(k) for k in _FIELDS if row.get(k) is not None or k == "name"})


def builtin_batch() -> tuple[list[tuple[str, list[Form]]], dict[tuple[str, int, int], str]]:
    """The built-in target forms (hand-read rows of corpus/000, 001, 004) and their labels."""
    labels = json.loads((LABELS / "measurability_targets.json").read_text(encoding="utf-8"))
    batch, truth = [], {}
    for stem, rows in labels["sources"].items():
        read = json.loads((LABELS / f"{stem}.json").read_text(encoding="utf-8"))
        forms = [Form(kind=lf["kind"], project_name=lf.get("project_name"),
                      indicators=[_indicator(i) for i in lf["indicators"]]) for lf in read["forms"]]
        for r in rows:
            ind = forms[r["form"]].indicators[r["index"]]
            if ind.name != r["name"]:
                raise ValueError(f"{stem} {r['form']}/{r['index']}: label for {r['name']!r}, row is {ind.name!r}")
            truth[(stem, r["form"], r["index"])] = r["label"]
        batch.append((stem, forms))
    return batch, truth


def realform_batch() -> tuple[list[tuple[str, list[Form]]], dict[tuple[str, int, int], str]]:
    """The 15 gold real forms, rows with a printed value only (a target written into the name is
    a reading matter, not a rule matter)."""
    batch, truth = [], {}
    for path in sorted(REALFORMS.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        stem = path.name.split(".")[0]
        rows = [r for r in gold["indicators"] if r.get("target_raw")]
        # Both kinds are reviewed as target forms: the measure is about the target cell.
        batch.append((stem, [Form(kind="target", project_name=gold.get("project_name"),
                                  indicators=[_indicator(r) for r in rows])]))
        for i, r in enumerate(rows):
            truth[(stem, 0, i)] = r["measurability"]
    return batch, truth


def score(batch, truth) -> dict:
    flagged = {(f.source, f.form_index, f.indicator_index) for f in review_forms(batch)
               if "unmeasurable" in f.tags and f.indicator_index is not None}
    vague = {k for k, v in truth.items() if v == "vague"}
    tp = len(flagged & vague)
    return {"indicators": len(truth), "vague": len(vague), "flagged": len(flagged), "tp": tp,
            "precision": tp / len(flagged) if flagged else 1.0,
            "recall": tp / len(vague) if vague else 1.0,
            "false_positives": sorted(flagged - vague), "missed": sorted(vague - flagged)}


if __name__ == "__main__":
    for name, fn in (("built-in target forms", builtin_batch), ("real forms (gold)", realform_batch)):
        s = score(*fn())
        print(f"{name}: {s['indicators']} indicators, {s['vague']} vague, {s['flagged']} flagged, "
              f"precision {s['precision']:.2f}, recall {s['recall']:.2f}")
        b, t = fn()
        rows = {(src, k, i): f.indicators[i] for src, fs in b for k, f in enumerate(fs) for i in range(len(f.indicators))}
        for key in s["false_positives"]:
            print("  FP", key, rows[key].name, "|", rows[key].target_raw, "|", t[key])
        for key in s["missed"]:
            print("  FN", key, rows[key].name, "|", rows[key].target_raw)
