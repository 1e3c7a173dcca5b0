"""What a non-text input kind hands the table reader: rows of cells, and how far to trust them."""

from __future__ import annotations

from dataclasses import dataclass, field

from drafter.read.rows import Row


@dataclass
class Extracted:
    rows: list[Row]  # tables (cells in their columns when ``aligned``) and the text between them
    aligned: bool  # False: rows are text lines split at gaps, read by what their cells hold
    ocr: bool = False  # recognised from an image: names and values may hold recognition errors
    text_rows: list[Row] = field(default_factory=list)  # every text line, for a second reading
    scanned: list[int] = field(default_factory=list)  # PDF pages left unread: images, unmapped glyphs
