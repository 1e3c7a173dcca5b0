"""Text to rows of cells, whatever the source put between cells.

PDF and spreadsheet extraction separate cells by tabs; markdown and web copy by ``|`` pipes; some
copies put one cell per line. Each row keeps its cells at their column positions (empty cells
included) because merged 一级/二级 labels are recognised partly by the column they sit in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.read.clean import clean_cell, squash, strip_html

_PIPE_SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
_PARAGRAPHS = re.compile(r"</p>\s*<p[^>]*>", re.I)
_BLOCK_BREAKS = re.compile(r"<br\s*/?>|</li>|</div>|</tr>", re.I)


@dataclass
class Row:
    cells: list[str]  # cleaned, at their column positions ("" for empty)
    raw: list[str]  # as extracted, for cells whose inner spacing carries structure
    line: int  # 1-based line number in the source, for messages
    squashed: list[str] = field(default_factory=list)
    # Where the row is in its file when a line number does not say it ("page 2 row 5" in a PDF):
    # indicators read from the row carry it as their source; empty for text lines.
    place: str = ""

    def __post_init__(self) -> None:
        self.squashed = [squash(c) for c in self.cells]

    @property
    def filled(self) -> list[tuple[int, str]]:
        return [(i, c) for i, c in enumerate(self.cells) if c]

    @property
    def text(self) -> str:
        return "".join(self.squashed)

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)


def to_rows(text: str) -> list[Row]:
    """Split text into rows; a blank line becomes a blank row (it can separate cells or tables)."""
    rows: list[Row] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for n, line in enumerate(text.split("\n"), start=1):
        if "<" in line:
            # Paragraph tags inside one extracted line are soft breaks within a cell or title.
            line = _BLOCK_BREAKS.sub(" ", _PARAGRAPHS.sub(" ", line))
            line = strip_html(line)
        raw = _split_cells(line)
        if raw is None:
            continue
        rows.append(Row(cells=[clean_cell(c) for c in raw], raw=raw, line=n))
    return rows


def _split_cells(line: str) -> list[str] | None:
    if "\t" in line:
        return line.split("\t")
    stripped = line.strip()
    if stripped.count("|") >= 2 or (stripped.startswith("|") and stripped.endswith("|")):
        parts = stripped.split("|")
        if stripped.startswith("|"):
            parts = parts[1:]
        if stripped.endswith("|") and parts:
            parts = parts[:-1]
        if parts and all(_PIPE_SEPARATOR.match(p) for p in parts if p.strip()):
            return None  # markdown header separator |---|---|
        return parts
    # Two or more spaces between words separate columns in fixed-width copies.
    if re.search(r"\S {3,}\S", stripped) and not re.search(r"[，。；]", stripped):
        return re.split(r" {3,}", stripped)
    return [line]


def merge_rows(a: Row, b: Row) -> Row:
    """Two rows read as one, column by column (a heading OCR broke over two lines)."""
    width = max(len(a.cells), len(b.cells))
    cells = [(a.cells[i] if i < len(a.cells) else "") + (b.cells[i] if i < len(b.cells) else "")
             for i in range(width)]
    return Row(cells=cells, raw=cells, line=a.line, place=a.place)
