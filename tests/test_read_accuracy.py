"""The reader against independent hand labels of the five seeds (tests/labels/*.json).

The labels were made by people reading the forms, not by this reader; they repair OCR
character damage inside names that no reader can undo, so self-evaluation scores are also
reported with names matched fuzzily (most characters in common), which is what a user sees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import CORPUS
from drafter.read import read_file

LABELS = Path(__file__).parent / "labels"
FIELDS = ("level1", "level2", "op", "value", "unit", "qualitative", "actual_raw", "weight", "score")


def _sq(x):
    return re.sub(r"\s+", "", x) if isinstance(x, str) else x


def _close(a: str, b: str) -> bool:
    if not a or not b:
        return a == b
    common = sum(min(a.count(c), b.count(c)) for c in set(a))
    return common / max(len(a), len(b)) >= 0.8


def score_file(stem: str, fuzzy: bool) -> tuple[int, int, int, int, int]:
    labels = json.loads((LABELS / f"{stem}.json").read_text(encoding="utf-8"))
    forms = read_file(CORPUS / f"{stem}.txt")
    tp = fp = fn = right = total = 0
    used_forms: set[int] = set()
    for lf in labels["forms"]:
        names = {_sq(i["name"]) for i in lf["indicators"]}
        best = max(((len(names & {_sq(i.name) for i in f.indicators}), -j, j)
                    for j, f in enumerate(forms) if j not in used_forms), default=None)
        got = forms[best[2]].indicators if best and best[0] else []
        if best and best[0]:
            used_forms.add(best[2])
        free = list(range(len(got)))
        for exp in lf["indicators"]:
            name = _sq(exp["name"])
            match = next((j for j in free if _sq(got[j].name) == name), None)
            if match is None and fuzzy:
                match = next((j for j in free if _close(_sq(got[j].name), name or "")), None)
            if match is None:
                fn += 1
                continue
            free.remove(match)
            tp += 1
            g = got[match].model_dump()
            for field in FIELDS:
                if field in exp:
                    e, v = exp[field], g.get(field)
                    if field == "actual_raw":
                        e, v = _sq(e), _sq(v)
                    right += e == v or (isinstance(e, (int, float)) and isinstance(v, (int, float))
                                        and abs(e - v) < 1e-6)
                    total += 1
        fp += len(free)
    return tp, fp, fn, right, total


def _f1(tp, fp, fn):
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    return 2 * p * r / max(1e-9, p + r)


@pytest.mark.parametrize("stem", ["000_695c4e6a2653faf7", "001_307eddae529147f6",
                                  "004_9acc5c6ccbae97bb"])
def test_target_forms_match_hand_labels(stem):
    tp, fp, fn, right, total = score_file(stem, fuzzy=False)
    assert _f1(tp, fp, fn) >= 0.99
    assert right / total >= 0.97


# 003 is OCR output that stacks whole columns into single cells and drops one value cell, so
# its later values sit one row off; the floor records that, it does not excuse it.
@pytest.mark.parametrize("stem, f1_floor, field_floor", [("002_abc6290ce127bb5c", 0.93, 0.95),
                                                         ("003_7ec12586f0d6cf79", 0.95, 0.70)])
def test_self_evaluations_match_hand_labels(stem, f1_floor, field_floor):
    tp, fp, fn, right, total = score_file(stem, fuzzy=True)
    assert _f1(tp, fp, fn) >= f1_floor
    assert right / total >= field_floor
