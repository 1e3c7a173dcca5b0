"""HTML tables to rows of cells: web pages saved as files, and the ".xls" many budget systems
export, which is an HTML table under an Excel name.

Cells are placed on the table's grid by their rowspan/colspan, and a cell spanning rows gives its
text to every row it covers (first column only), as a worksheet's merged range does
(drafter/read/xlsx.py). Text outside tables (the title, 项目名称 lines) becomes one-cell rows in
document order.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from drafter.read.clean import clean_cell
from drafter.read.pdf import join_lines
from drafter.read.rows import Row

# Spans beyond any real form are clamped: colspan="100000" must not cost a hundred thousand cells.
MAX_ROWSPAN = 500
MAX_COLSPAN = 60
# And all spans of a table together: many large spans are a hostile file, not a form.
MAX_SPANNED = 200_000
_HTML_TABLE = re.compile(r"<t[dh][\s>]", re.I)
_BLOCKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "title", "caption"}


def looks_like_html_table(text: str) -> bool:
    head = text[:200_000]
    return "<table" in head.lower() and bool(_HTML_TABLE.search(head))


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []  # (text, rowspan, colspan)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[_Table | str] = []  # tables and lines of text, in document order
        self.tables: list[_Table] = []  # open tables, innermost last
        self.cell: list[str] | None = None
        self.cell_spans = (1, 1)
        self.cells_stack: list[tuple[list[str] | None, tuple[int, int]]] = []
        self.line: list[str] = []
        self.skip = 0  # inside <script>/<style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "table":
            self._end_line()
            self.cells_stack.append((self.cell, self.cell_spans))
            self.cell = None
            table = _Table()
            self.tables.append(table)
            self.items.append(table)
        elif tag == "tr" and self.tables:
            self._close_cell()
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            self._close_cell()
            if not self.tables[-1].rows:
                self.tables[-1].rows.append([])
            a = dict(attrs)
            self.cell = []
            self.cell_spans = (_span(a.get("rowspan"), MAX_ROWSPAN), _span(a.get("colspan"), MAX_COLSPAN))
        elif tag in _BLOCKS:
            if self.cell is not None:
                self.cell.append("\n")
            else:
                self._end_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "table" and self.tables:
            self._close_cell()
            self.tables.pop()
            self.cell, self.cell_spans = self.cells_stack.pop() if self.cells_stack else (None, (1, 1))
        elif tag in ("td", "th", "tr"):
            self._close_cell()
        elif tag in _BLOCKS and self.cell is None:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif not self.tables:
            self.line.append(data)

    def _close_cell(self) -> None:
        if self.cell is not None and self.tables:
            text = join_lines(re.sub(r"[ \t\r]*\n[ \t\r]*", "\n", "".join(self.cell)).strip())
            self.tables[-1].rows[-1].append((text, *self.cell_spans))
        self.cell = None

    def _end_line(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.items.append(text)
        self.line = []

    def close(self) -> None:
        super().close()
        self._end_line()


def _span(value: str | None, limit: int) -> int:
    try:
        return min(max(int(str(value).strip()), 1), limit)
    except (TypeError, ValueError):
        return 1


def html_rows(text: str) -> list[Row]:
    parser = _Collector()
    parser.feed(text)
    parser.close()
    rows: list[Row] = []
    for item in parser.items:
        if isinstance(item, str):
            rows.append(_row([item], len(rows) + 1))
        else:
            rows.extend(_row(cells, len(rows) + 1) for cells in _grid(item))
    return rows


def _grid(table: _Table) -> list[list[str]]:
    taken: dict[tuple[int, int], str] = {}  # slots covered by a span from above or the left
    grid: list[list[str]] = []
    budget = MAX_SPANNED
    for r, cells in enumerate(table.rows):
        row: dict[int, str] = {}
        c = 0
        for text, rowspan, colspan in cells:
            while (r, c) in taken:
                row[c] = taken.pop((r, c))
                c += 1
            row[c] = text
            budget -= rowspan * colspan
            if budget < 0:
                rowspan = colspan = 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr or dc:
                        # The text again in the first column of each row below; blank elsewhere.
                        taken[(r + dr, c + dc)] = text if dc == 0 else ""
            c += colspan
        while (r, c) in taken:
            row[c] = taken.pop((r, c))
            c += 1
        for key in [k for k in taken if k[0] == r]:
            row[key[1]] = taken.pop(key)
        width = max(row) + 1 if row else 0
        grid.append([row.get(i, "") for i in range(width)])
    return grid


def _row(raw: list[str], line: int) -> Row:
    while raw and not raw[-1]:
        raw = raw[:-1]
    return Row(cells=[clean_cell(c) for c in raw], raw=raw, line=line)
