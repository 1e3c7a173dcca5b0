"""The value parser: every spelling of an operator, number and unit found in real forms."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from drafter.values import parse_value


@pytest.mark.parametrize("raw, op, value, unit", [
    ("=3.00(项)", "=", 3.0, "项"),
    ("≥95.00(%)", "≥", 95.0, "%"),
    (">=90%", "≥", 90.0, "%"),
    ("≥=95%", "≥", 95.0, "%"),
    (r"$\geq 95\%$", "≥", 95.0, "%"),
    (r"$= 100\%$", "=", 100.0, "%"),
    ("≤1.00 (%)", "≤", 1.0, "%"),
    ("=100", "=", 100.0, None),
    ("90", None, 90.0, None),
    ("≤10.00 (个工作日)", "≤", 10.0, "个工作日"),
    ("不低于95%", "≥", 95.0, "%"),
    ("95%以上", "≥", 95.0, "%"),
    ("≤ 3%", "≤", 3.0, "%"),
    ("＞＝９５％", "≥", 95.0, "%"),
    ("≧95%", "≥", 95.0, "%"),
    ("﹦100%", "=", 100.0, "%"),
    ("═100%", "=", 100.0, "%"),
    ("=15000.00 (幢)", "=", 15000.0, "幢"),
    ("11,712,880.00", None, 11712880.0, None),
    ("≥85.00(百分之)", "≥", 85.0, "%"),
    ("=1000.00(人 次)", "=", 1000.0, "人次"),
    ("29个", None, 29.0, "个"),
    ("不超过5万元", "≤", 5.0, "万元"),
])
def test_numeric_values(raw, op, value, unit):
    v = parse_value(raw)
    assert (v.op, v.value, v.unit, v.qualitative) == (op, value, unit, None)


@pytest.mark.parametrize("raw", [
    "提升", "与往年持平", "2023年年底前", "每季度", "365天*24小时", "当年12月底前", "持续24小时供电",
    "在租金、空置率两项指标成果基础上提升", "每季度一次", "按月支付", "健全",
])
def test_statements_stay_qualitative(raw):
    v = parse_value(raw)
    assert v.value is None and v.op is None and v.qualitative == raw


@pytest.mark.parametrize("raw", ["", "-", "/", "—", None])
def test_empty_marks_are_empty(raw):
    assert parse_value(raw) == parse_value(None)


_OPS = {"≥": ["≥", ">=", "≥=", "不低于", "＞＝"], "≤": ["≤", "<=", "不超过"], "=": ["=", "＝"],
        ">": [">"], "<": ["<"]}
_UNITS = ["%", "个", "人次", "份", "个工作日", "万元", "天"]


@given(op=st.sampled_from(sorted(_OPS)), data=st.data(),
       number=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
       unit=st.sampled_from(_UNITS), parens=st.booleans(), space=st.booleans())
def test_any_operator_spelling_number_and_unit_round_trip(op, data, number, unit, parens, space):
    spelling = data.draw(st.sampled_from(_OPS[op]))
    text = f"{spelling}{' ' if space else ''}{number}{'(' + unit + ')' if parens else unit}"
    v = parse_value(text)
    assert v.op == op
    assert v.value == pytest.approx(float(number))
    assert v.unit == unit


@given(st.text(max_size=60))
def test_parser_never_raises_and_keeps_text(text):
    v = parse_value(text)
    assert v.value is not None or v.qualitative is not None or v == parse_value(None)


_FULLWIDTH = str.maketrans("0123456789%=<>.", "０１２３４５６７８９％＝＜＞．")


@given(number=st.integers(min_value=0, max_value=10**6), op=st.sampled_from(["=", ">=", "<="]))
def test_full_width_reads_like_half_width(number, op):
    half = f"{op}{number}%"
    assert parse_value(half.translate(_FULLWIDTH)) == parse_value(half)
