"""Hostile input: whatever bytes arrive, the readers answer with forms or drafter's own error."""

from __future__ import annotations

import io
import json
import math
import random
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SEEDS
from hangguard import no_hang
from drafter.errors import InputError
from drafter.model import ParsedFile
from drafter.read import read_file
from drafter.read.text import read_text
from drafter.render.forms import forms_json
from drafter.structured import read_structured
from drafter.values import is_value_like, parse_value

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


# ---- every reader entry point: forms (or a parsed value) or InputError, nothing else ----------
#
# The invariant checked on whatever the readers return is what the rest of drafter relies on:
# numbers are finite (rules do arithmetic and format them) and strings hold no control characters
# or lone surrogates (a workbook refuses them, UTF-8 output cannot encode them).

_FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
_FUZZ_XLSX = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))  # ~25 ms each
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_SUFFIXES = [".txt", ".md", ".markdown", ".csv", ".tsv", ".text", ".json", "", ".xlsx", ".xlsm", ".xls"]
_SEED_BYTES = [p.read_bytes() for p in SEEDS.values()]


def _real_xlsx() -> bytes:
    from drafter.render.xlsx import forms_to_xlsx
    return forms_to_xlsx(read_file(SEEDS["target_2023"]))


_XLSX = _real_xlsx()
with zipfile.ZipFile(io.BytesIO(_XLSX)) as _z:
    _XLSX_MEMBERS = {i.filename: _z.read(i) for i in _z.infolist()}


def _walk(value):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _walk(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    else:
        yield value


def _assert_usable(forms) -> None:
    for x in _walk([f.model_dump() for f in forms]):
        if isinstance(x, float):
            assert math.isfinite(x), x
        elif isinstance(x, str):
            assert not _UNSTORABLE.search(x), repr(x)
    forms_json([ParsedFile(source="x", forms=forms)]).encode("utf-8")


def _read(data: bytes, suffix: str = ".txt"):
    """read_file on these bytes: the forms, or None for drafter's own InputError."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"input{suffix}"
        path.write_bytes(data)
        try:
            forms = read_file(path)
        except InputError as e:
            assert str(e).startswith(str(path)) and "\n" not in str(e)
            return None
    _assert_usable(forms)
    return forms


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for where, op, chunk in edits:
        i = int(where * len(out)) if out else 0
        if op == "flip" and out:
            out[min(i, len(out) - 1)] ^= (chunk[:1] or b"\x01")[0] or 1
        elif op == "delete":
            del out[i:i + 1 + len(chunk)]
        else:
            out[i:i] = chunk
    return bytes(out)


_EDITS = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["flip", "delete", "insert"]),
                            st.binary(min_size=0, max_size=12)), min_size=1, max_size=8)


@_FUZZ
@given(st.sampled_from(_SUFFIXES), st.binary(max_size=2000))
def test_any_bytes_under_any_suffix(suffix, data):
    _read(data, suffix)


@_FUZZ
@given(st.sampled_from(_SUFFIXES), st.sampled_from(["PK\x03\x04", "\ufeff", "\xff\xfe", "{", "[", "项目名称\t"]),
       st.binary(max_size=400))
def test_bytes_behind_a_telling_start(suffix, start, data):
    head = start.encode("latin-1") if start in ("PK\x03\x04", "\xff\xfe") else start.encode("utf-8")
    _read(head + data, suffix)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, len(SEEDS) - 1), _EDITS, st.sampled_from([".txt", ".md", ".csv", ""]))
def test_mutated_seed_files(k, edits, suffix):
    _read(_mutate(_SEED_BYTES[k], edits), suffix)


@_FUZZ
@given(st.integers(0, len(SEEDS) - 1), st.floats(0, 1), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_seed_cut_anywhere_in_any_encoding(k, where, encoding):
    data = _SEED_BYTES[k].decode("utf-8").encode(encoding)
    _read(data[: int(where * len(data))])


@_FUZZ_XLSX
@given(_EDITS)
def test_mutated_xlsx_bytes(edits):
    _read(_mutate(_XLSX, edits), ".xlsx")


@_FUZZ_XLSX
@given(st.sampled_from(sorted(_XLSX_MEMBERS)), _EDITS,
       st.sampled_from([b"", b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>', b'<mergeCell ref="A1:C9"/>',
                        b"&#1;", b"\xff", b"<", b'"', b"]]>", b'<v>1e999</v>']))
def test_xlsx_with_mutated_parts(member, edits, splice):
    """A well-formed zip around damaged XML gets past the zip checks into openpyxl and our rows."""
    body = _mutate(_XLSX_MEMBERS[member], edits)
    cut = len(body) // 2
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in _XLSX_MEMBERS.items():
            z.writestr(name, body[:cut] + splice + body[cut:] if name == member else data)
    _read(buf.getvalue(), ".xlsx")


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(
        st.sampled_from(["forms", "form", "indicators", "name", "kind", "value", "weight", "score", "year",
                         "budget", "funds", "source", "level1", "op", "x"]), inner, max_size=6),
    max_leaves=30)


@_FUZZ
@given(_JSON)
def test_any_json_value(value):
    _read(json.dumps(value, ensure_ascii=False).encode("utf-8"), ".json")


_PARSED = json.loads(forms_json([ParsedFile(source="s", forms=read_file(SEEDS["self_eval_2024"])[:2])]))


@_FUZZ
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 30),
                          st.sampled_from(["value", "weight", "score", "name", "op", "unit", "level1"]),
                          st.sampled_from([None, "", 1e308, -1e308, 2 ** 70, "NaN", "\x01\ud800", "≥", [], {}, "x" * 300])),
                max_size=6),
       st.sampled_from(["", "NaN", "Infinity", "-Infinity", "1e999", "\"\\ud800\\u0001\""]))
def test_parse_output_with_hostile_values(edits, constant):
    data = json.loads(json.dumps(_PARSED))
    for form, row, field, value in edits:
        indicators = data["forms"][form]["indicators"]
        if indicators:
            indicators[row % len(indicators)][field] = value
    text = json.dumps(data)  # \u escapes: the reader, not this test, meets the surrogates
    if constant:
        text = text.replace('"score": 5.0', f'"score": {constant}', 1)
    _read(text.encode("utf-8"), ".json")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_parse_value_on_any_text(text):
    v = parse_value(text)
    assert v.value is None or math.isfinite(v.value)
    assert isinstance(is_value_like(text), bool)


@_FUZZ
@given(st.lists(st.sampled_from(["≥", "≤", "=", "不低于", "以上", "年", "月底前", "(", ")", "%", "1", "9" * 40,
                                 ".", ",", "0", "个工作日", "万元", "\u3000", "\t", "≥=", "$\\geq"]), max_size=30))
def test_parse_value_on_value_like_pieces(pieces):
    v = parse_value("".join(pieces))
    assert v.value is None or math.isfinite(v.value)


def _structured(data: bytes, suffix: str):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"side{suffix}"
        path.write_bytes(data)
        try:
            value = read_structured(path)
        except InputError as e:
            assert str(e).startswith(str(path)) and "\n" not in str(e)
            return None
    for x in _walk(value):
        if isinstance(x, str):
            assert not _UNSTORABLE.search(x), repr(x)
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
    return value


_SIDE_SUFFIXES = [".json", ".yaml", ".yml", ".toml", "", ".txt", ".xlsx"]


@_FUZZ
@given(st.sampled_from(_SIDE_SUFFIXES), st.binary(max_size=1000))
def test_side_file_any_bytes(suffix, data):
    _structured(data, suffix)


@_FUZZ
@given(st.sampled_from(_SIDE_SUFFIXES),
       st.lists(st.sampled_from(["name: ", "goal: ", "\n", "  ", "- ", "[", "]", "{", "}", ":", "\"", "'", "&a ", "*a",
                                 "!!binary ", "!!timestamp ", "2024-13-45", "1" * 5000, "= ", "\"优\" = 80",
                                 "[review]", "tolerance", "0x", "~", "? ", "\\ud800", "\\x01", "…", "项目"]),
                max_size=40))
def test_side_file_from_format_pieces(suffix, pieces):
    _structured("".join(pieces).encode("utf-8"), suffix)


@pytest.mark.parametrize("suffix, text", [
    (".json", "[" * 100_000), (".json", '{"a":' * 100_000), (".yaml", "[" * 1000), (".yaml", "- " * 5000),
    (".yaml", "{a: " * 1000), (".toml", "a = " + "[" * 100_000), (".toml", "a = " + "{b = " * 100_000),
])
def test_side_file_nested_deeper_than_the_stack(tmp_path, suffix, text):
    path = tmp_path / f"side{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        read_structured(path)


# ---- shapes that once took quadratic time; bench/bench_read_shapes.py times them ----


@pytest.mark.parametrize("shape", ["label_cells", "value_cell", "one_line", "ascii_noise"])
def test_pathological_shapes_are_read_in_linear_time(tmp_path, shape):
    n = 200_000
    rng = random.Random(3)
    text = {
        # A row of many 项目名称 cells: each label used to re-clean the whole row.
        "label_cells": "项目名称\t主管部门\t" * (n // 10) + "\n一级指标\t二级指标\t三级指标\t指标值",
        # A value cell "1年年年…": the unit pattern 年.*[前底后末] was tried from every 年.
        "value_cell": "项目名称\tx\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t人数\t1" + "年" * (n // 3),
        # Form words on one tab-separated line.
        "one_line": "\t".join(rng.choice(_PIECES) for _ in range(n // 5)),
        # Printable noise without a 级 anywhere: no heading is possible, refused at once.
        "ascii_noise": "".join(rng.choice("abc \t\n&#;<>|$\\0123456789") for _ in range(n)),
    }[shape]
    path = tmp_path / "shape.txt"
    path.write_text(text, encoding="utf-8")
    # Each shape used to be quadratic: hours at this size, so the hang guard catches a relapse.
    with no_hang(f"reading the {shape} shape"):
        _read(path.read_bytes())


def test_a_cell_far_out_does_not_make_the_sheet_huge(tmp_path):
    """One stray cell at XFD1048576 (a formatted whole row, a typo): the bounding box is 17
    billion cells, the sheet's own cells a few hundred."""
    sheet = "xl/worksheets/sheet1.xml"
    body = _XLSX_MEMBERS[sheet].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in _XLSX_MEMBERS.items():
            z.writestr(name, body if name == sheet else data)
    with no_hang("reading a sheet with a cell at XFD1048576"):
        forms = _read(buf.getvalue(), ".xlsx")
    assert [f.project_name for f in forms] == [f.project_name for f in read_file(SEEDS["target_2023"])]


def test_workbooks_beyond_any_real_form_are_refused_before_openpyxl(tmp_path, monkeypatch):
    import drafter.read.xlsx as xlsx
    sheet = "xl/worksheets/sheet1.xml"
    merged = re.sub(rb"<mergeCells[^>]*>", b'\\g<0><mergeCell ref="E1:XFD1048576"/>', _XLSX_MEMBERS[sheet], count=1)
    assert merged != _XLSX_MEMBERS[sheet]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in _XLSX_MEMBERS.items():
            z.writestr(name, merged if name == sheet else data)
    path = tmp_path / "merged.xlsx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="合并单元格过多"):
        read_file(path)
    path.write_bytes(_XLSX)
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1000)  # stands in for a zip bomb
    with pytest.raises(InputError, match="解压后过大"):
        read_file(path)


def test_a_file_cut_inside_its_last_character_reads_as_the_text_before_it(tmp_path):
    data = SEEDS["target_2024"].read_bytes()
    cut = len(data) * 2 // 3
    while data[cut] & 0xC0 != 0x80:  # inside a multi-byte character
        cut += 1
    whole = tmp_path / "whole.txt"
    whole.write_bytes(data[:cut].decode("utf-8", "ignore").encode("utf-8"))
    assert _read(data[:cut]) == read_file(whole)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_as_too_large():
    with pytest.raises(InputError, match="50 MB"):
        read_file("/dev/zero")


@pytest.mark.parametrize("name", ["a" * 300, "dir/" + "b" * 300 + ".txt"])
def test_unusable_names_are_input_errors(name):
    with pytest.raises(InputError):
        read_file(name)
    with pytest.raises(InputError):
        read_structured(name)
