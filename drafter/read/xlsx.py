"""Read forms from Excel workbooks (.xlsx) as the integrated budget system exports them.

Each sheet becomes rows of cells and goes through the same form reader as text, so header
blocks are found by label and indicator columns by what they hold. Merged cells (一级/二级
spanning a group of rows) are filled into every row they cover: a worksheet, unlike a PDF,
says exactly which rows a label owns.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from drafter.errors import InputError
from drafter.model import Form
from drafter.read.clean import clean_cell
from drafter.read.rows import Row


def read_xlsx(path: Path, source: str) -> list[Form]:
    from openpyxl import load_workbook
    from drafter.read.text import read_rows

    if not zipfile.is_zipfile(path):
        raise InputError("不是有效的 xlsx 文件 (not an xlsx workbook)", source)
    try:
        wb = load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for damaged packages
        raise InputError(f"无法打开工作簿 (cannot open workbook: {type(e).__name__})", source) from None
    forms: list[Form] = []
    for ws in wb.worksheets:
        forms.extend(read_rows(sheet_rows(ws), aligned=True))
    return forms


def sheet_rows(ws) -> list[Row]:
    """The sheet as rows of cleaned strings, merged ranges filled in."""
    fill: dict[tuple[int, int], object] = {}
    for rng in ws.merged_cells.ranges:
        value = ws.cell(rng.min_row, rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    # Horizontal merges (a label spanning columns) would repeat the text in
                    # one row; only vertical spans carry meaning for other rows.
                    fill[(r, c)] = value if c == rng.min_col and r > rng.min_row else None
    rows: list[Row] = []
    for r, cells in enumerate(ws.iter_rows(), start=1):
        raw = []
        for cell in cells:
            value = fill.get((r, cell.column), cell.value) if (r, cell.column) in fill else cell.value
            raw.append(_text(value, cell.number_format))
        while raw and not raw[-1]:
            raw.pop()
        rows.append(Row(cells=[clean_cell(c) for c in raw], raw=raw, line=r))
    return rows


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
