"""Scans and images to rows of cells: the optional OCR extra (``pip install "drafter[ocr]"``).

RapidOCR (Apache-2.0) ships its detection and recognition models inside the wheel, so nothing is
downloaded at run time. Recognised text boxes are placed into the table's cells by the ruling
lines found in the image (OpenCV): a cell whose dividing line is missing is a merged cell, and its
text goes to every row it covers, as for a PDF or a worksheet. A page without ruling lines is read
as text lines, split into cells at wide gaps. Either way the result is marked as OCR output
(``Form.ocr``): names and values may hold recognition errors.
"""

from __future__ import annotations

import functools
from typing import Any

from drafter.errors import InputError
from drafter.read.clean import clean_cell
from drafter.read.extracted import Extracted
from drafter.read.rows import Row

HOW_TO_ENABLE = ('没有文字层的扫描件或图片需要 OCR 扩展：pip install "drafter[ocr]" '
                 '(scanned page or image: install the OCR extra)')
DPI = 300
# A scan of a form is a few pages; every page costs seconds of recognition.
MAX_OCR_PAGES = 30
_LINE_COVER = 0.6  # share of a divider that must be drawn for two cells to be apart


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _require(source: str) -> None:
    if not available():
        raise InputError(HOW_TO_ENABLE, source)


@functools.lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr import RapidOCR
    # Without the orientation classifier: form pages are upright, and it doubles the time.
    return RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False})


def image_rows(data: bytes, source: str) -> Extracted:
    """An image file as rows (aligned when its ruling lines gave the cells' columns)."""
    _require(source)
    import cv2
    import numpy as np
    img = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise InputError("图片文件已损坏，无法读取 (broken image)", source)
    return _page_rows([img], source)


def pdf_page_rows(data: bytes, pages: list[int], source: str) -> Extracted:
    """The scanned pages (1-based numbers) of a PDF, rendered at 300 dpi and recognised."""
    _require(source)
    import numpy as np
    import pypdfium2 as pdfium
    if len(pages) > MAX_OCR_PAGES:
        raise InputError(f"扫描件超过 {MAX_OCR_PAGES} 页 (more than {MAX_OCR_PAGES} scanned pages)", source)
    try:
        pdf = pdfium.PdfDocument(data)
        images = []
        for n in pages:
            pil = pdf[n - 1].render(scale=DPI / 72).to_pil().convert("RGB")
            images.append(np.array(pil)[:, :, ::-1].copy())  # RGB to OpenCV's BGR
    except pdfium.PdfiumError as e:
        raise InputError(f"PDF 文件已损坏，无法读取 (broken PDF: {e})", source) from None
    return _page_rows(images, source)


def _page_rows(images: list[Any], source: str) -> Extracted:
    """Rows by the ruling lines where a page has them; every page's text lines as well, for a
    second reading when faint or broken rules gave wrong cells."""
    rows: list[Row] = []
    lines: list[Row] = []
    aligned = True
    for img in images:
        boxes = _recognise(img)
        page_lines = _text_lines(boxes)
        lines.extend(_row(cells, len(lines) + 1) for cells in page_lines)
        grid = _ruled_grid(img)
        if grid is not None:
            rows.extend(_row(cells, len(rows) + 1) for cells in _cells_text(grid, boxes))
        else:
            aligned = False
            rows.extend(_row(cells, len(rows) + 1) for cells in page_lines)
    if not any(r.cells for r in lines):
        raise InputError("扫描件中没有识别出文字 (no text recognised in the scan)", source)
    return Extracted(rows=rows, aligned=aligned, ocr=True, text_rows=lines if aligned else [])


def _row(raw: list[str], line: int) -> Row:
    while raw and not raw[-1]:
        raw = raw[:-1]
    return Row(cells=[clean_cell(c) for c in raw], raw=raw, line=line)


# A recognised text box: (x0, y0, x1, y1, text).
Box = tuple[float, float, float, float, str]


def _recognise(img: Any) -> list[Box]:
    result = _engine()(img)
    if result.boxes is None or result.txts is None:
        return []
    out: list[Box] = []
    for quad, text in zip(result.boxes, result.txts):
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        out.append((min(xs), min(ys), max(xs), max(ys), str(text)))
    return out


class _Grid:
    def __init__(self, ys: list[int], xs: list[int], horiz: Any, vert: Any):
        self.ys, self.xs = ys, xs  # ruling line positions, top to bottom / left to right
        self.horiz, self.vert = horiz, vert  # masks of the drawn lines

    def divided_below(self, r: int, c: int) -> bool:
        """Is there a line between grid row r and r+1 across column c?"""
        y = self.ys[r + 1]
        band = self.horiz[max(0, y - 3): y + 4, self.xs[c]: self.xs[c + 1]]
        return band.size > 0 and (band.max(axis=0) > 0).mean() >= _LINE_COVER

    def divided_right(self, r: int, c: int) -> bool:
        x = self.xs[c + 1]
        band = self.vert[self.ys[r]: self.ys[r + 1], max(0, x - 3): x + 4]
        return band.size > 0 and (band.max(axis=1) > 0).mean() >= _LINE_COVER


def _ruled_grid(img: Any) -> _Grid | None:
    """Row and column lines of the page's table, from long horizontal and vertical strokes."""
    import cv2
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    binary = cv2.adaptiveThreshold(~gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = binary.shape
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 40, 10), 1)))
    vert = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 60, 10))))
    ys = _positions((horiz > 0).sum(axis=1), w // 8)
    xs = _positions((vert > 0).sum(axis=0), h // 20)
    if len(ys) < 3 or len(xs) < 3:
        return None
    return _Grid(ys, xs, horiz, vert)


def _positions(profile: Any, minimum: int) -> list[int]:
    """Centres of runs of rows (or columns) where a line is drawn long enough."""
    out: list[int] = []
    run: list[int] = []
    for i, v in enumerate(profile):
        if v >= minimum:
            run.append(i)
        elif run:
            out.append(sum(run) // len(run))
            run = []
    if run:
        out.append(sum(run) // len(run))
    return out


def _cells_text(grid: _Grid, boxes: list[Box]) -> list[list[str]]:
    """Grid rows of cell texts: boxes placed by their centres, merged cells rebuilt from missing
    dividers; text above or below the table becomes rows of its own."""
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    owner = [[(r, c) for c in range(nc)] for r in range(nr)]  # top-left cell of each merged area
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not grid.divided_right(r, c):
                owner[r][c + 1] = owner[r][c]
            if r + 1 < nr and not grid.divided_below(r, c):
                owner[r + 1][c] = owner[r][c]
    parts: dict[tuple[int, int], list[Box]] = {}
    above: list[Box] = []
    below: list[Box] = []
    for box in boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        at_r, at_c = _slot(grid.ys, cy), _slot(grid.xs, cx)
        if at_r is None or at_c is None:
            (above if cy < grid.ys[0] else below).append(box)
        else:
            parts.setdefault(owner[at_r][at_c], []).append(box)
    text = {key: _join_boxes(bs) for key, bs in parts.items()}
    out = [cells for cells in _text_lines(above)]
    for r in range(nr):
        row = []
        for c in range(nc):
            o = owner[r][c]
            # A merged area's text in its first column of every row it covers (as a worksheet).
            first_col = c == 0 or owner[r][c - 1] != o
            row.append(text.get(o, "") if first_col else "")
        out.append(row)
    out.extend(_text_lines(below))
    return out


def _slot(lines: list[int], v: float) -> int | None:
    for i in range(len(lines) - 1):
        if lines[i] <= v < lines[i + 1]:
            return i
    return None


def _join_boxes(boxes: list[Box]) -> str:
    from drafter.read.pdf import join_lines
    lines = _text_lines(boxes)
    return join_lines("\n".join("".join(cells) for cells in lines))


def _text_lines(boxes: list[Box]) -> list[list[str]]:
    """Boxes to lines (by vertical overlap) of cells (a new cell at a gap wider than a character)."""
    lines: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        cy = (b[1] + b[3]) / 2
        if lines:
            last = lines[-1]
            ly0 = sum(x[1] for x in last) / len(last)
            ly1 = sum(x[3] for x in last) / len(last)
            if ly0 <= cy <= ly1:
                last.append(b)
                continue
        lines.append([b])
    out: list[list[str]] = []
    for line in lines:
        line.sort(key=lambda b: b[0])
        cells = [line[0][4]]
        for prev, b in zip(line, line[1:]):
            height = max(prev[3] - prev[1], 1.0)
            if b[0] - prev[2] > 1.5 * height:
                cells.append(b[4])
            else:
                cells[-1] += b[4]
        out.append(cells)
    return out
