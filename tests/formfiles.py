"""Office files generated from form data: the same form as .xlsx, .docx and PDF, in the layouts
real forms use, to test (and measure, bench/bench_input_kinds.py) every input kind.

A form is drawn once as a grid (rows of cell texts plus merged ranges); each writer renders that
grid: openpyxl merges, python-docx merged cells, reportlab SPANs with the built-in CID font
STSong-Light (no font file needed). The layouts:

- ``merged``: 一级/二级/三级/指标值 (+ 实际完成值/分值/得分/偏差原因), 一级 and 二级 merged down.
- ``split``: separate 指标性质 / 指标值 / 度量单位 columns (the value printed as a bare number).
- ``midterm``: a two-row heading with 中期指标值 and 年度指标值 under one 指标值 (annual is the target).
- ``score_first``: 分值 printed before 年度指标值; target forms get a 指标值说明 column instead.

The ".xls" written here is an HTML table, as many budget systems export it.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LAYOUTS = ("merged", "split", "midterm", "score_first")
REALFORMS = Path(__file__).resolve().parents[1] / ".." / "shared" / "realforms"


@dataclass
class Grid:
    title: str
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    widths: list[float] = field(default_factory=list)  # relative column widths


def gold_forms(folder: Path = REALFORMS) -> list[dict[str, Any]]:
    """The labelled forms whose every indicator has a printed value (the value column is never
    empty), by file number: the office-file benchmark's forms."""
    out = []
    for p in sorted(folder.glob("1*.gold.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        if g["indicators"] and all(i.get("target_raw") for i in g["indicators"]):
            out.append(g)
    return out[:8]


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _mid(ind: dict[str, Any]) -> str:
    """A medium-term value that differs from the annual one, as forms print them."""
    if ind.get("value") is None:
        return "持续推进"
    return f"{ind.get('op') or ''}{ind['value'] * 3:g}{ind.get('unit') or ''}"


def grid(form: dict[str, Any], layout: str) -> Grid:
    self_eval = form["kind"] == "self_eval"
    inds = form["indicators"]
    year = form.get("year") or 2023
    title = f"{year}年度项目支出绩效{'自评表' if self_eval else '目标申报表'}"
    if layout == "merged":
        head = [["一级指标", "二级指标", "三级指标", "年度指标值"]]
        body = [[i.get("target_raw") or ""] for i in inds]
    elif layout == "split":
        head = [["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位"]]
        body = [[i.get("op") or ("定量" if i.get("value") is not None else "定性"),
                 _num(i.get("value")) if i.get("value") is not None else (i.get("target_raw") or ""),
                 i.get("unit") or "" if i.get("value") is not None else ""] for i in inds]
    elif layout == "midterm":
        head = [["一级指标", "二级指标", "三级指标", "指标值", ""],
                ["", "", "", "中期指标值", "年度指标值"]]
        body = [[_mid(i), i.get("target_raw") or ""] for i in inds]
    else:
        if self_eval:
            head = [["一级指标", "二级指标", "三级指标", "分值", "年度指标值"]]
            body = [[_num(i.get("weight")), i.get("target_raw") or ""] for i in inds]
        else:
            head = [["一级指标", "二级指标", "三级指标", "年度指标值", "指标值说明"]]
            body = [[i.get("target_raw") or "", "按年度计划据实统计"] for i in inds]
    if self_eval:
        if layout == "score_first":
            extra_head = ["实际完成值", "得分", "未完成原因分析及改进措施"]
            extra = [[i.get("actual_raw") or "", _num(i.get("score")), i.get("note") or ""] for i in inds]
        else:
            extra_head = ["实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
            extra = [[i.get("actual_raw") or "", _num(i.get("weight")), _num(i.get("score")),
                      i.get("note") or ""] for i in inds]
        head[0] += extra_head
        for h in head[1:]:
            h += [""] * len(extra_head)
        body = [b + e for b, e in zip(body, extra)]
    top = [[title], ["项目名称", form.get("project_name") or "某项目", "实施单位",
                     form.get("agency") or "某单位"]]
    rows = top + head + [[i.get("level1") or "", i.get("level2") or "", i.get("name") or ""] + b
                         for i, b in zip(inds, body)]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    merges = [(0, 0, 0, width - 1), (1, 3, 1, width - 1) if width > 4 else (1, 3, 1, 3)]
    h0 = len(top)
    if len(head) == 2:
        for c in range(width):
            if c in (3, 4):
                continue
            merges.append((h0, c, h0 + 1, c))  # headings two rows tall
        merges.append((h0, 3, h0, 4))  # 指标值 over 中期 and 年度
    b0 = h0 + len(head)
    for col in (0, 1):  # 一级, 二级 merged down over their runs
        start = 0
        while start < len(inds):
            end = start
            key = (inds[start].get("level1"), inds[start].get("level2"))[: col + 1]
            while end + 1 < len(inds) and \
                    (inds[end + 1].get("level1"), inds[end + 1].get("level2"))[: col + 1] == key:
                end += 1
            if end > start and key[-1]:  # empty label cells are not merged
                merges.append((b0 + start, col, b0 + end, col))
                for k in range(start + 1, end + 1):
                    rows[b0 + k][col] = ""
            start = end + 1
    widths = [2, 2.4, 4] + [2] * (width - 3)
    return Grid(title=title, rows=rows, merges=merges, widths=widths)


# -- writers --------------------------------------------------------------------------------

def write_xlsx(g: Grid, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Side
    from openpyxl.utils import get_column_letter
    wb = Workbook()
    ws = wb.active
    thin = Side(style="thin")
    for r, row in enumerate(g.rows, start=1):
        for c, text in enumerate(row, start=1):
            cell = ws.cell(r, c, text or None)
            if text:
                cell.data_type = "s"  # "=100%" is a typed value, not a formula
            if r > 1:  # ruled and wrapped, as forms are printed
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    for c, w in enumerate(g.widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = 7 * w
    # Printed landscape, one page wide, as forms are (LibreOffice prints a PDF from this).
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    for r0, c0, r1, c1 in g.merges:
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)


def write_docx(g: Grid, path: Path) -> None:
    from docx import Document
    doc = Document()
    doc.add_paragraph(g.title)
    rows = g.rows[1:]  # the title is a paragraph above the table, as in Word forms
    width = len(rows[0])
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for r0, c0, r1, c1 in g.merges:
        if r0 == 0:
            continue
        a, b = table.cell(r0 - 1, c0), table.cell(r1 - 1, c1)
        keep = a.text
        merged = a.merge(b)
        merged.text = keep  # merge() joins the texts of every cell; keep the top-left one
    doc.save(str(path))


def write_pdf(g: Grid, path: Path, split_in_row: bool = False, page_height: float | None = None,
              repeat_heading: bool = False) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=9, leading=11, wordWrap="CJK")
    size = landscape(A4) if page_height is None else (landscape(A4)[0], page_height)
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=30, rightMargin=30,
                            topMargin=30, bottomMargin=30)
    total = sum(g.widths)
    widths = [doc.width * w / total for w in g.widths]
    title = Paragraph(g.title, ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=18))
    data = [[Paragraph(t, style) if t else "" for t in row] for row in g.rows[1:]]
    spans = [("SPAN", (c0, r0 - 1), (c1, r1 - 1)) for r0, c0, r1, c1 in g.merges if r0 > 0]
    # repeat_heading: the 一级/二级/三级 heading row printed again at the top of every page.
    heading = next((k for k, row in enumerate(g.rows[1:]) if "三级指标" in row), None)
    repeat = (heading,) if repeat_heading and heading is not None else 0
    table = Table(data, colWidths=widths, repeatRows=repeat, splitInRow=1 if split_in_row else 0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP" if split_in_row else "MIDDLE")] + spans))
    doc.build([title, table])


def write_scan(g: Grid, path: Path, dpi: int = 200) -> None:
    """A scanned PDF of the form: its PDF rendered page by page, blurred, thresholded like a
    photocopy, and saved as images with no text layer (needs a Chinese system font to render
    reportlab's non-embedded STSong-Light)."""
    import tempfile

    import pypdfium2 as pdfium
    from PIL import ImageFilter
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "form.pdf"
        write_pdf(g, src)
        pdf = pdfium.PdfDocument(str(src))
        pages = [pdf[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(pdf))]
        pdf.close()
    pages = [p.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: 30 if v < 128 else 235) for p in pages]
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])


def write_html(g: Grid, path: Path) -> None:
    """The form as an HTML table with rowspan/colspan, as budget systems "export to Excel"
    (saved under the name .xls)."""
    import html
    covered = {(r, c) for r0, c0, r1, c1 in g.merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)
               if (r, c) != (r0, c0)}
    spans = {(r0, c0): (r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in g.merges}
    out = ["<html><head><meta charset=\"utf-8\"></head><body>", f"<p>{html.escape(g.title)}</p>",
           "<table border=\"1\">"]
    for r, row in enumerate(g.rows[1:], start=1):
        tds = []
        for c, text in enumerate(row):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tds.append(f"<td{attrs}>{html.escape(text)}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table></body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


WRITERS = {"xlsx": write_xlsx, "docx": write_docx, "pdf": write_pdf, "xls": write_html}


# -- scoring (the same matching as ../shared/tools/score-realforms) --------------------------

_P = re.compile(r"[…\s\u3000()（）\[\]【】:：,，、.。;；'\"“”‘’★*·_\-—|]+")


def norm(s: Any) -> str:
    return "" if s is None else _P.sub("", unicodedata.normalize("NFKC", str(s))).lower()


def _unit(u: Any) -> str:
    n = norm(u)
    return {"百分比": "%", "百分之": "%"}.get(n, n)


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


def match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    gn = [norm(g.get("name")) for g in gold]
    pn = [norm(p.get("name")) for p in pred]
    pairs, used, left = [], set(), []
    for i, g in enumerate(gn):
        j = next((j for j, p in enumerate(pn) if j not in used and p == g and g), None)
        if j is None:
            left.append(i)
        else:
            used.add(j)
            pairs.append((i, j))
    for i in left:
        best, bj = 0.0, None
        for j, p in enumerate(pn):
            if j not in used:
                r = difflib.SequenceMatcher(None, gn[i], p).ratio()
                if r > best:
                    best, bj = r, j
        if bj is not None and best >= 0.7:
            used.add(bj)
            pairs.append((i, bj))
    return pairs


def right(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if g.get("value") is None:
        a, b = norm(g.get("qualitative") or g.get("target_raw")), norm(p.get("qualitative") or p.get("target_raw"))
        return bool(a) and (a in b or b in a) or (not a and not b)
    return (g.get("op") == p.get("op") and _same(g.get("value"), p.get("value"))
            and _unit(g.get("unit")) == _unit(p.get("unit")))


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    right: int = 0
    read: int = 0

    def add(self, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
        pairs = match(gold, pred)
        self.gold += len(gold)
        self.read += len(pred)
        self.found += len(pairs)
        self.right += sum(right(gold[i], pred[j]) for i, j in pairs)

    @property
    def fully_right(self) -> float:
        return self.right / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.read if self.read else 0.0
