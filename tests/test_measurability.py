"""Where `unmeasurable` stops: precision and recall against hand labels drawn by issue 15's line.

Rows are fed in clean from label files (tests/labels/), so the figure measures the rules, not the
reader. tests/labels/measurability_targets.json labels every indicator of the built-in target forms
(corpus 000, 001, 004) vague / verifiable / quantitative; its "line" field states the criterion.
"""

from __future__ import annotations

import pytest
from measure_unmeasurable import REALFORMS, builtin_batch, realform_batch, score


def test_builtin_target_forms_precision_and_recall():
    s = score(*builtin_batch())
    assert s["indicators"] == 284 and s["vague"] >= 70
    # Before issue 15 every state word was vague: 103 flagged, precision 0.75.
    assert s["precision"] >= 0.90, s["false_positives"]
    assert s["recall"] >= 0.95, s["missed"]


def test_yes_no_checks_are_not_unmeasurable_but_asked_for_their_standard():
    from drafter.rules import review_forms
    batch, truth = builtin_batch()
    findings = review_forms(batch)
    verifiable_text = {k for k, v in truth.items() if v == "verifiable"}
    t21 = {(f.source, f.form_index, f.indicator_index) for f in findings if f.code == "T21"}
    assert t21 and t21 <= verifiable_text
    assert all(f.severity == "info" and "unmeasurable" not in f.tags for f in findings if f.code == "T21")


@pytest.mark.skipif(not REALFORMS.is_dir(), reason="../shared/realforms is not present (only in the development tree)")
def test_real_gold_forms_precision_and_recall():
    s = score(*realform_batch())
    assert s["indicators"] >= 100
    assert s["precision"] >= 0.85, s["false_positives"]
    assert s["recall"] >= 0.85, s["missed"]
