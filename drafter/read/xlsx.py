"""Read forms from Excel workbooks (.xlsx) as the integrated budget system exports them.

Each sheet becomes rows of cells and goes through the same form reader as text, so header
blocks are found by label and indicator columns by what they hold. Merged cells (一级/二级
spanning a group of rows) are filled into every row they cover: a worksheet, unlike a PDF,
says exactly which rows a label owns.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

from drafter.errors import InputError
from drafter.model import Form
from drafter.read.clean import clean_cell
from drafter.read.rows import Row


# A real indicator workbook unpacks to a few MB and merges a few hundred cells. openpyxl holds
# the whole package in memory and creates one object per merged cell, so a zip bomb or a merge
# over whole columns would exhaust memory before any of our code runs: refuse them first.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_MERGED_CELLS = 200_000
# Longer runs of empty rows say nothing more than this many: no reader window is wider (a form's
# year is looked for in its first 12 rows), and a cell typed at row 1048576 must not cost a
# million rows.
_MAX_BLANK_RUN = 20
_CELL_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?")


def read_xlsx(path: Path | IO[bytes], source: str) -> list[Form]:
    from drafter.read.text import read_rows

    forms: list[Form] = []
    for _, rows in workbook_rows(path, source):
        forms.extend(read_rows(rows, aligned=True))
    return forms


def workbook_rows(path: Path | IO[bytes], source: str) -> list[tuple[str, list[Row]]]:
    """(sheet name, rows) for every worksheet, or InputError for a damaged package."""
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(path):
        raise InputError("不是有效的 xlsx 文件 (not an xlsx workbook)", source)
    _check_package(path, source)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for damaged packages
        raise InputError(f"无法打开工作簿 (cannot open workbook: {type(e).__name__})", source) from None
    return [(ws.title, sheet_rows(ws)) for ws in wb.worksheets]


def _check_package(path: Path | IO[bytes], source: str) -> None:
    """Refuse packages that would unpack or merge beyond any real form (see the limits above)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise InputError("工作簿解压后过大 (workbook larger than 512 MB unpacked)", source)
            merged = 0
            for info in infos:
                if not info.filename.lower().endswith(".xml") or "worksheets/" not in info.filename:
                    continue
                merged += _merged_area(z, info)
                if merged > MAX_MERGED_CELLS:
                    raise InputError("合并单元格过多 (merged ranges cover more than 200,000 cells)", source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError,
            RuntimeError, ValueError, zlib.error, ParseError):
        # Damaged, encrypted or malformed members: openpyxl reports them in its own words next.
        return


def _merged_area(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """Cells covered by the <mergeCell ref="A1:D4"/> elements of one worksheet.

    Read with a streaming XML parser, not a pattern over the bytes: namespaces, attribute order,
    padding inside the tag and chunk boundaries cannot hide a merge from it.
    """
    from xml.etree.ElementTree import iterparse

    area = 0
    with z.open(info) as fh:
        for _, el in iterparse(fh, events=("end",)):
            if el.tag.rsplit("}", 1)[-1] == "mergeCell":
                area += _ref_area(el.get("ref") or "")
            el.clear()
    return area


def _ref_area(ref: str) -> int:
    m = _CELL_RANGE.fullmatch(ref.strip().upper())
    if not m:
        return 0
    c1, r1, c2, r2 = m.groups()
    c2, r2 = c2 or c1, r2 or r1
    return (abs(int(r2) - int(r1)) + 1) * (abs(_column(c2) - _column(c1)) + 1)


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def sheet_rows(ws) -> list[Row]:
    """The sheet as rows of cleaned strings, merged ranges filled in.

    Built from the cells the sheet holds rather than its bounding box: one stray cell at XFD1048576
    makes the box 17 billion cells, while what we read (rows cut after their last filled cell) is
    the same either way.
    """
    fill: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    # Horizontal merges (a label spanning columns) would repeat the text in
                    # one row; only vertical spans carry meaning for other rows.
                    fill[(r, c)] = value if c == rng.min_col and r > rng.min_row else None
    texts: dict[int, dict[int, str]] = {}
    for (r, c), cell in _cells(ws):
        value = fill[(r, c)] if (r, c) in fill else cell.value
        text = _text(value, cell.number_format)
        if text:
            texts.setdefault(r, {})[c] = text
    rows: list[Row] = []
    previous = 0
    for r in sorted(texts):
        for blank in range(max(previous + 1, r - _MAX_BLANK_RUN), r):
            rows.append(Row(cells=[], raw=[], line=blank))
        by_col = texts[r]
        raw = [by_col.get(c, "") for c in range(1, max(by_col) + 1)]
        rows.append(Row(cells=[clean_cell(c) for c in raw], raw=raw, line=r))
        previous = r
    return rows


def _cells(ws):
    """((row, column), cell) for every cell the sheet holds."""
    cells = getattr(ws, "_cells", None)  # openpyxl's own store of the cells read from the file
    if isinstance(cells, dict):
        return list(cells.items())
    return [((cell.row, cell.column), cell) for row in ws.iter_rows() for cell in row]


def _text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            return f"{_plain(value * 100)}%"
        return _plain(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _plain(x: float) -> str:
    return f"{x:.6f}".rstrip("0").rstrip(".") if isinstance(x, float) else str(x)
