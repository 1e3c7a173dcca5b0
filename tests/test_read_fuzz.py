"""Hostile input: whatever bytes arrive, the readers answer with forms or drafter's own error."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SEEDS
from drafter.errors import InputError
from drafter.read import read_file
from drafter.read.text import read_text

_SEED_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in SEEDS.values())
_SEED_LINES = _SEED_TEXT.splitlines()
_PIECES = ["\t", "|", "\n", " ", "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "实际完成值",
           "分值", "得分", "总分", "≥", "=", "%", "(", ")", "$\\geq", "<p>", "</p>", "提升", "5.00",
           "数量 指标", "可持", "续影 响指 标", "评分等级", "年度资金总额", "年初预算数", "…"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=8), max_size=80))
def test_text_of_form_pieces_never_crashes(pieces):
    forms = read_text("".join(pieces))
    for f in forms:
        assert all(isinstance(i.name, str) for i in f.indicators)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=60))
def test_shuffled_and_truncated_seed_lines_never_crash(seed, n):
    rng = random.Random(seed)
    start = rng.randrange(len(_SEED_LINES))
    lines = _SEED_LINES[start:start + n]
    rng.shuffle(lines)
    if lines and rng.random() < 0.5:
        lines[-1] = lines[-1][: rng.randrange(len(lines[-1]) + 1)]
    read_text("\n".join(lines))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_any_bytes_give_forms_or_an_input_error(tmp_path, data):
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    try:
        read_file(path)
    except InputError:
        pass


def test_truncated_seed_file_still_reads_its_complete_forms(tmp_path):
    text = SEEDS["target_2024"].read_text(encoding="utf-8")
    path = tmp_path / "cut.txt"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    forms = read_file(path)
    assert [f.project_name for f in forms][:3] == ["公房资产监管", "维修资金管理", "白蚁防治综合事务管理"]
    assert len(forms[0].indicators) == 16
