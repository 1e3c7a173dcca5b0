"""Word .docx to rows of cells (python-docx, MIT).

Body paragraphs and tables come in document order: the title and 项目名称 lines as one-cell rows,
each table row as its cells. python-docx hands a vertically merged cell's text to every row it
covers (what the table reader wants, as from a worksheet); a horizontally merged cell comes back
once per grid column it spans, so its repeats are dropped.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from drafter.errors import InputError
from drafter.read.clean import clean_cell
from drafter.read.pdf import join_lines
from drafter.read.rows import Row


def docx_rows(data: bytes, source: str) -> list[Row]:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except Exception as e:  # python-docx and lxml raise many kinds for damaged packages
        raise InputError(f"Word 文件已损坏，无法读取 (broken .docx: {type(e).__name__})", source) from None
    rows: list[Row] = []

    def walk(element: Any) -> None:
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                text = Paragraph(child, doc).text
                if text.strip():
                    rows.append(_row([text], len(rows) + 1))
            elif tag == "tbl":
                for cells in _table_cells(Table(child, doc)):
                    rows.append(_row(cells, len(rows) + 1))
            elif tag in ("sdt", "sdtContent", "customXml"):
                walk(child)  # content controls and custom XML wrap whole tables in forms

    walk(doc.element.body)
    return rows


def docx_images(data: bytes) -> list[bytes]:
    """The pictures in a Word file: a scanned form is often pasted into one as an image."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted(n for n in z.namelist() if n.startswith("word/media/"))
        return [z.read(n) for n in names]


def _table_cells(table: Any) -> list[list[str]]:
    out: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # The same cell element repeated: a horizontal merge, not new text.
            cells.append("" if cell._tc is previous else join_lines(cell.text))
            previous = cell._tc
        out.append(cells)
    return out


def _row(raw: list[str], line: int) -> Row:
    while raw and not raw[-1]:
        raw = raw[:-1]
    return Row(cells=[clean_cell(c) for c in raw], raw=raw, line=line)
