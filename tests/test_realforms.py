"""Reading, review and deductions on the labelled real forms of ../shared/realforms.

These forms come from other provinces and web copies (lost grids, run-together text, traditional
characters); the floors below are what the reader reaches on them. Skipped in a clone without
../shared.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import realforms_eval

pytestmark = pytest.mark.skipif(not realforms_eval.available(),
                                reason="../shared/realforms and its scorer are not here (a user's clone)")


@pytest.fixture(scope="module")
def figures():
    return realforms_eval.evaluate()


def test_every_labelled_real_form_is_read_and_most_rows_fully_right(figures):
    assert figures.refused == []
    assert figures.found / figures.gold >= 0.97
    assert figures.right / figures.gold >= 0.94
    assert figures.right / figures.read >= 0.95  # few rows read that are not indicators


def test_lost_points_are_found_with_the_right_points_and_none_invented(figures):
    assert figures.lost_found >= 14 and figures.invented == 0


def test_review_flags_most_vague_indicators_read_from_the_text(figures):
    assert figures.vague_flagged / figures.vague >= 0.75
