"""PDF with a text layer to rows of cells (pdfplumber, MIT).

Ruled tables are read cell by cell: a merged 一级/二级 cell is one rectangle spanning several grid
rows, so its span is rebuilt from the rectangles' positions and its text given to every row it
covers, as a worksheet's merged range is (drafter/read/xlsx.py). Text outside the tables (title,
项目名称 lines) comes in reading order between them. A PDF without ruled tables falls back to its
text lines, split into cells at wide gaps, and is read like extracted text.

Scanned pages (no characters, an image) go to the OCR extra when it is installed.
"""

from __future__ import annotations

import io
import re
from typing import Any

from drafter.errors import InputError
from drafter.read.extracted import Extracted
from drafter.read.clean import clean_cell
from drafter.read.rows import Row

# A form runs to a few pages; a 2,000-page PDF is a report, not a form, and would take minutes.
MAX_PAGES = 300
_TOL = 1.5  # points: coordinates closer than this are the same ruling line
_ROLES_WITH_VALUES = ("target", "actual", "weight", "score", "unit", "op")
_ASCII_WORD = re.compile(r"[A-Za-z]")


def pdf_rows(data: bytes, source: str) -> Extracted:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises many kinds for damaged or encrypted files
        raise InputError(_open_error(e), source) from None
    try:
        try:
            pages = list(pdf.pages)
        except Exception as e:
            raise InputError(_open_error(e), source) from None
        if not pages:
            raise InputError("PDF 没有页面 (PDF has no pages)", source)
        if len(pages) > MAX_PAGES:
            raise InputError(f"PDF 超过 {MAX_PAGES} 页，不像是一张表单 (more than {MAX_PAGES} pages)", source)
        try:
            return _read_pages(pages, data, source)
        except InputError:
            raise
        except Exception as e:  # a damaged content stream deep inside pdfminer
            raise InputError(f"PDF 文件已损坏，无法读取 (broken PDF: {type(e).__name__})", source) from None
    finally:
        _close(pdf)


def _close(pdf: Any) -> None:
    # Closing a damaged PDF parses it again and raises the same pdfminer error; the error that
    # matters (one line for the user) was already raised, or the forms already read.
    try:
        pdf.close()
    except Exception:  # noqa: BLE001 - see above
        return


def _open_error(e: Exception) -> str:
    inner = getattr(e, "args", [None])[0] if e.args else None
    names = {type(e).__name__, type(inner).__name__}
    if any("Password" in n or "Encrypt" in n for n in names) or "password" in str(e).lower():
        return "PDF 已加密，请去掉密码后再读取 (password-protected PDF)"
    return f"PDF 文件已损坏，无法读取 (broken PDF: {type(inner or e).__name__})"


def _read_pages(pages: list[Any], data: bytes, source: str) -> Extracted:
    blocks: list[Any] = []  # a table grid (list of rows), a text line, or _PAGE_BREAK
    text_rows: list[Row] = []
    scanned: list[int] = []
    counter, lines = _Counter(), _Counter()
    any_table = False
    for number, page in enumerate(pages, start=1):
        if not page.chars or _unmapped(page.chars):
            if page.images or page.chars:
                scanned.append(number)
            continue
        # A ruled box of one column is a frame around text, not a table: its lines are read as
        # the page's text lines (one cell holding a whole form would be read as one value).
        tables = [t for t in page.find_tables(table_settings=_settings(page))
                  if len({c[0] for c in t.cells}) >= 2]
        any_table = any_table or bool(tables)
        boxes = [t.bbox for t in tables]
        items: list[tuple[float, list[Row] | Row]] = []
        for table in tables:
            grid = _grid(table, counter)
            if grid:
                items.append((table.bbox[1], grid))
        for top, cells in _text_lines(page):
            text_rows.append(lines.row(cells))
            if not _inside(top, boxes):
                items.append((top, counter.row(cells)))
        items.sort(key=lambda it: it[0])
        blocks.extend(item for _, item in items)
        blocks.append(_PAGE_BREAK)
    if scanned and not text_rows:
        # Only images, or glyphs without a Unicode map: the page must be read from its picture.
        from drafter.read.ocr import pdf_page_rows
        return pdf_page_rows(data, scanned, source)
    if not text_rows:
        raise InputError("PDF 中没有文字 (no text in PDF)", source)
    if not any_table:
        return Extracted(rows=text_rows, aligned=False, scanned=scanned)
    return Extracted(rows=_join_page_breaks(blocks), aligned=True, text_rows=text_rows, scanned=scanned)


def _unmapped(chars: list[dict[str, Any]]) -> bool:
    """Text whose font has no Unicode map: pdfminer can only say "(cid:1234)" for each glyph."""
    cid = sum(1 for c in chars if str(c.get("text", "")).startswith("(cid:"))
    return cid * 2 > len(chars)


class _PageBreak:
    """Marks where one page ends among the blocks, so a row cut by the break can be joined."""


_PAGE_BREAK = _PageBreak()


class _Counter:
    """Numbers rows in reading order: the "line" a message points at."""

    def __init__(self) -> None:
        self.n = 0

    def row(self, raw: list[str]) -> Row:
        self.n += 1
        return Row(cells=[clean_cell(c) for c in raw], raw=raw, line=self.n)


def _settings(page: Any) -> dict[str, Any]:
    """Close a table that a page break left open: a row cut by the break has no bottom rule on
    this page (no top rule on the next), so its cells would not be rectangles at all."""
    v = [e for e in page.edges if e["orientation"] == "v"]
    h = [e for e in page.edges if e["orientation"] == "h"]
    if not v or not h:
        return {}
    extra = []
    lowest, highest = max(e["bottom"] for e in v), min(e["top"] for e in v)
    if lowest > max(e["top"] for e in h) + 2 * _TOL:
        extra.append(lowest)
    if highest < min(e["top"] for e in h) - 2 * _TOL:
        extra.append(highest)
    return {"explicit_horizontal_lines": extra} if extra else {}


def _inside(top: float, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(b[1] - _TOL <= top <= b[3] + _TOL for b in boxes)


def _grid(table: Any, counter: _Counter) -> list[Row]:
    """The table's rows with merged spans filled in: a vertical span's text in every row it
    covers (first column only), a horizontal span's text once."""
    texts = table.extract()
    rows = table.rows
    if not rows:
        return []
    lefts = sorted({c[0] for r in rows for c in r.cells if c is not None})
    width = len(lefts)
    grid: list[list[str]] = [["" for _ in range(width)] for _ in rows]
    for i, row in enumerate(rows):
        for cell, text in zip(row.cells, texts[i] if i < len(texts) else []):
            if cell is None or not text:
                continue
            x0, bottom = cell[0], cell[3]
            j = _index(lefts, x0)
            if j is None or i >= len(grid):
                continue
            value = join_lines(text)
            grid[i][j] = value
            # Rows whose top lies inside this rectangle are covered by it (a vertical merge).
            for k in range(i + 1, len(rows)):
                if rows[k].bbox[1] >= bottom - _TOL:
                    break
                grid[k][j] = value
    return [counter.row(_trim(cells)) for cells in grid]


def _index(starts: list[float], x: float) -> int | None:
    for j, s in enumerate(starts):
        if abs(s - x) <= _TOL:
            return j
    return None


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def join_lines(text: str) -> str:
    """A cell's wrapped lines as one text: Chinese joins without a space, Latin words with one."""
    lines = [ln.strip() for ln in text.split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(ln[0]):
            out += " "
        out += ln
    return out


def _text_lines(page: Any) -> list[tuple[float, list[str]]]:
    """Text lines as (top, cells): words on one baseline, a new cell where the gap is wider
    than one and a half characters (column spacing, not word spacing)."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 2.5:
            lines[-1].append(w)
        else:
            lines.append([w])
    out: list[tuple[float, list[str]]] = []
    for line in lines:
        line.sort(key=lambda w: w["x0"])
        cells = [line[0]["text"]]
        for prev, w in zip(line, line[1:]):
            size = max(prev["bottom"] - prev["top"], 1.0)
            if w["x0"] - prev["x1"] > 1.5 * size:
                cells.append(w["text"])
            else:
                sep = " " if _ASCII_WORD.match(cells[-1][-1:]) and _ASCII_WORD.match(w["text"][:1]) else ""
                cells[-1] += sep + w["text"]
        out.append((line[0]["top"], cells))
    return out


def _join_page_breaks(blocks: list[Any]) -> list[Row]:
    """Flatten the blocks; a table row that a page break cut in two becomes one row again.

    The second part opens the next page's table (after a repeated heading) with text only in
    columns such as the name or a note, none in the value columns, while the row above it has
    values: a row of its own would carry at least its value or 分值.
    """
    from drafter.read.table import read_header

    rows: list[Row] = []
    header = None
    last_table_row: Row | None = None
    after_break = False
    for block in blocks:
        if block is _PAGE_BREAK:
            after_break = True
            continue
        if isinstance(block, Row):
            rows.append(block)
            continue
        for k, row in enumerate(block):
            h = read_header(row)
            if h is not None:
                header = h
                rows.append(row)
                continue
            if after_break and last_table_row is not None and header is not None and \
                    _continues(last_table_row, row, header):
                _merge_into(last_table_row, row)
                after_break = False
                continue
            after_break = False
            rows.append(row)
            last_table_row = row
        after_break = False
    for n, row in enumerate(rows, start=1):  # numbered in reading order, for messages
        row.line = n
    return rows


def _continues(above: Row, row: Row, header: Any) -> bool:
    if len(row.cells) > len(above.cells) or not any(row.cells):
        return False
    value_cols = [c for role in _ROLES_WITH_VALUES for c in header.roles.get(role, [])]
    if not value_cols:
        return False

    def filled(r: Row, c: int) -> bool:
        return c < len(r.cells) and bool(r.cells[c])

    if any(filled(row, c) for c in value_cols) or not any(filled(above, c) for c in value_cols):
        return False
    # Text only where the row above has text too: the rest of its cells, not new ones.
    return all(filled(above, c) for c, text in enumerate(row.cells) if text)


def _merge_into(above: Row, row: Row) -> None:
    for c, text in enumerate(row.raw):
        if not text or c >= len(above.raw):
            continue
        if above.cells[c] == row.cells[c]:
            continue  # a merged label printed again on the new page
        above.raw[c] = join_lines(above.raw[c] + "\n" + text)
        above.cells[c] = clean_cell(above.raw[c])
    above.__post_init__()
