"""Deductions for people (terminal table, Markdown, Excel) and for programs (JSON).

The HTML report with charts lives in :mod:`drafter.render.report_html`; the helpers here
(labels, number formats) are shared with it so that every format says the same thing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from drafter.deductions.records import (
    FLAGS,
    NO_INDICATOR_NAME,
    Deduction,
    Measure,
    Report,
)

if TYPE_CHECKING:
    from drafter.deductions.stream import SpooledReport

ENGINE_NAMES = {"offline": "离线规则引擎"}
SOURCE_NAMES = {"note": "说明原文", "template": "模板", "llm": "大模型"}
NO_PROJECT = "（未填项目名称）"


# ---- shared helpers ---------------------------------------------------------------------------

def pts(x: float | None) -> str:
    """Points as printed on self-evaluations: two decimals."""
    return "—" if x is None else f"{x:.2f}"


def engine_name(engine: str) -> str:
    return ENGINE_NAMES.get(engine, f"大模型 {engine.removeprefix('llm:')}")


def project_label(d: Deduction) -> str:
    return d.project_name or NO_PROJECT


def flag_names(d: Deduction) -> list[str]:
    return [FLAGS[f] for f in d.flags]


def measure_text(m: Measure) -> str:
    parts = [f"责任：{m.owner or '待明确'}", f"时限：{m.deadline or '待明确'}", f"目标：{m.target or '待明确'}"]
    return f"{m.action}（{'；'.join(parts)}）"


def headline(report: Report | SpooledReport) -> list[str]:
    s = report.summary
    lines = [f"分析自评表 {s['forms']} 张，其中 {s['forms_with_deductions']} 张有扣分；"
             f"扣分 {s['count']} 处，共失分 {pts(s['total_lost'])} 分。",
             f"分类与措施：{engine_name(report.engine)}。"]
    if s.get("skipped_target_forms"):
        lines.append(f"跳过绩效目标表 {s['skipped_target_forms']} 张（没有得分，不做扣分分析）。")
    return lines


# ---- JSON -------------------------------------------------------------------------------------

def report_json(report: Report | SpooledReport) -> str:
    return b"".join(report_json_chunks(report)).decode("utf-8")


def report_json_chunks(report: Report | SpooledReport) -> Iterator[bytes]:
    """The JSON report piece by piece, row after row: the text ``json.dumps`` gives for the whole.

    Each row is dumped alone and indented to its depth in the document, so a report of any size
    is written without holding it.
    """
    first = True
    for d in report.deductions:
        item = json.dumps(d.model_dump(mode="json"), ensure_ascii=False, indent=2).replace("\n", "\n    ")
        yield (('{\n  "deductions": [\n    ' if first else ",\n    ") + item).encode("utf-8")
        first = False
    yield ('{\n  "deductions": [],' if first else "\n  ],").encode("utf-8")
    tail = json.dumps({"summary": report.summary, "engine": report.engine, "notes": list(report.notes)},
                      ensure_ascii=False, indent=2)
    yield ("\n" + tail[2:]).encode("utf-8")


# ---- terminal ---------------------------------------------------------------------------------

# Rows laid out at a time. Rich sizes a table's columns over every row it holds, so a batch's rows
# are printed a page at a time, each page written out before the next is read: memory holds one
# page whatever the batch. A report that fits one page prints exactly as a single table.
TABLE_PAGE_ROWS = 200

DETAIL_TITLE = "扣分明细"
# A page after the first says it continues the table, as a 续表 does on paper.
DETAIL_CONTINUED = "扣分明细（续）"
DETAIL_COLUMNS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("项目", {"max_width": 22}), ("指标", {"max_width": 20}), ("分值", {"justify": "right"}),
    ("得分", {"justify": "right"}), ("失分", {"justify": "right"}), ("类别", {"max_width": 16}),
    ("偏差原因", {"max_width": 36}), ("问题", {"max_width": 16}))
POINTS_WIDTH = len("100.00")


def table_parts(report: Report | SpooledReport, console: Any, page_rows: int | None = None) -> Iterator[Any]:
    """The terminal report, one renderable at a time to print in order, the rows a page at a time.

    The first page is laid out by Rich over its own rows, as one table always was; later pages
    keep the first page's column widths (a longer cell wraps inside its column), so the columns
    line up down the whole listing, and repeat the header under the title 扣分明细（续）.
    ``console`` is the one the parts will be printed on: the first page is measured on it.
    ``page_rows`` defaults to TABLE_PAGE_ROWS.
    """
    from rich import box
    from rich.table import Table

    page_rows = page_rows or TABLE_PAGE_ROWS
    yield from headline(report)
    widths: list[int] | None = None
    page: list[tuple[str, ...]] = []

    def layout(paged: bool) -> Table:
        table = Table(box=box.SIMPLE_HEAVY, title=DETAIL_TITLE if widths is None else DETAIL_CONTINUED,
                      title_justify="left")
        for k, (col, kw) in enumerate(DETAIL_COLUMNS):
            if widths is not None:
                kw = {**kw, "width": widths[k]}
            elif paged and kw.get("justify") == "right":
                # Later pages may hold a 10.00 where the first had only 2.00: a number split over
                # two lines would misread, so points get room for 100.00 from the first page on.
                kw = {**kw, "min_width": POINTS_WIDTH}
            table.add_column(col, overflow="fold", **kw)
        for row in page:
            table.add_row(*row)
        return table

    for d in report.deductions:
        if len(page) == page_rows:  # a row beyond the page: the table goes on, page by page
            table = layout(paged=True)
            if widths is None:
                widths = _content_widths(table, console)
            yield table
            page = []
        page.append((project_label(d), d.indicator_label, pts(d.weight), pts(d.score), pts(d.lost),
                     d.category_name, _short(d.reason or d.measure, 60), "、".join(flag_names(d))))
    yield layout(paged=widths is not None)

    s = report.summary
    cats = Table(box=box.SIMPLE, title="按原因类别", title_justify="left")
    for col in ("类别", "代码", "处数", "失分", "占比"):
        cats.add_column(col, justify="right" if col in ("处数", "失分", "占比") else "left")
    for code, c in s["by_category"].items():
        cats.add_row(c["name"], code, str(c["count"]), pts(c["lost"]), f"{c['share']:.1f}%")
    yield cats
    agencies = Table(box=box.SIMPLE, title="按实施单位", title_justify="left")
    for col in ("实施单位", "项目数", "处数", "失分"):
        agencies.add_column(col, justify="left" if col == "实施单位" else "right")
    for name, a in s["by_agency"].items():
        agencies.add_row(name, str(a["projects"]), str(a["count"]), pts(a["lost"]))
    yield agencies
    yield f"合计失分 {pts(s['total_lost'])} 分。改进措施见 --format markdown / html / xlsx。"


def _content_widths(table: Any, console: Any) -> list[int]:
    """The content width Rich gives each column of ``table`` when printed on ``console``.

    Rich keeps this step private (Table.__rich_console__ does the same three calls); rich is
    pinned below 15 and tests/test_deductions_table.py checks that later pages line up with the
    first, so a change in it shows.
    """
    options = console.options
    width = options.max_width if table.width is None else table.width
    spans = table._calculate_column_widths(console, options.update_width(width - table._extra_width))
    return [span - table._get_padding_width(k) for k, span in enumerate(spans)]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


# ---- Markdown ---------------------------------------------------------------------------------

def _cell(text: Any) -> str:
    from drafter.render.markdown import md_text
    return md_text(text)


def report_markdown(report: Report | SpooledReport) -> str:
    return "".join(report_markdown_chunks(report))


def report_markdown_chunks(report: Report | SpooledReport) -> Iterator[str]:
    """The Markdown report in pieces (summary first, then the rows twice: details, measures)."""
    return _rstripped(_lines(_markdown_parts(report)))


def _lines(parts: Iterator[list[str]]) -> Iterator[str]:
    first = True
    for lines in parts:
        for line in lines:
            yield line if first else "\n" + line
            first = False


def _rstripped(chunks: Iterator[str]) -> Iterator[str]:
    """``"".join(chunks).rstrip() + "\n"``, one chunk at a time: trailing blanks are held back."""
    held = ""
    for chunk in chunks:
        text = held + chunk
        kept = text.rstrip()
        if kept:
            yield kept
        held = text[len(kept):]
    yield "\n"


def _markdown_parts(report: Report | SpooledReport) -> Iterator[list[str]]:
    s = report.summary
    out = ["# 绩效自评扣分原因分析", ""]
    out += [f"- {_cell(line)}" for line in headline(report)]
    out += [f"- {_cell(n)}" for n in report.notes]
    out += ["", "## 按原因类别", "", "| 类别 | 代码 | 处数 | 失分 | 占比 |", "|---|---|---:|---:|---:|"]
    for code, c in s["by_category"].items():
        out.append(f"| {_cell(c['name'])} | `{code}` | {c['count']} | {pts(c['lost'])} | {c['share']:.1f}% |")
    out.append(f"| **合计** | | **{s['count']}** | **{pts(s['total_lost'])}** | 100% |")

    out += ["", "## 按实施单位", "", "| 实施单位 | 项目数 | 处数 | 失分 | 主要原因 |", "|---|---:|---:|---:|---|"]
    for name, a in s["by_agency"].items():
        top = next(iter(a["by_category"]), None)
        main = s["by_category"][top]["name"] if top else ""
        out.append(f"| {_cell(name)} | {a['projects']} | {a['count']} | {pts(a['lost'])} | {_cell(main)} |")

    out += ["", "## 按指标层级", "", "| 一级指标 | 二级指标 | 处数 | 失分 |", "|---|---|---:|---:|"]
    for l1, v in s["by_level"].items():
        out.append(f"| **{_cell(l1)}** | 小计 | {v['count']} | {pts(v['lost'])} |")
        for l2, w in v["level2"].items():
            out.append(f"| | {_cell(l2)} | {w['count']} | {pts(w['lost'])} |")

    out += ["", "## 常见原因", ""]
    for k, cause in enumerate(s["top_causes"], start=1):
        out.append(f"### {k}. {_cell(cause['name'])}（{cause['count']} 处，失分 {pts(cause['lost'])}）")
        out.append("")
        if cause["cues"]:
            out.append(f"常见说法：{_cell('、'.join(cause['cues']))}")
            out.append("")
        for ex in cause["examples"]:
            where = f"{ex['project_name'] or NO_PROJECT} · {ex['indicator_name'] or NO_INDICATOR_NAME}，失分 {pts(ex['lost'])}"
            out.append(f"> “{_cell(ex['quote'])}”（{_cell(where)}）")
            out.append("")

    if s["flags"]:
        out += ["## 偏差说明的问题", "", "| 问题 | 处数 |", "|---|---:|"]
        out += [f"| {_cell(f['name'])} | {f['count']} |" for f in s["flags"].values()]
        out.append("")

    out += ["## 扣分明细", "",
            "| # | 实施单位 | 项目 | 指标 | 分值 | 得分 | 失分 | 类别 | 偏差原因 | 改进措施 | 问题 |",
            "|---:|---|---|---|---:|---:|---:|---|---|---|---|"]
    yield out
    for k, d in enumerate(report.deductions, start=1):
        yield [f"| {k} | {_cell(d.agency)} | {_cell(project_label(d))} | {_cell(d.indicator_label)} | "
                   f"{pts(d.weight)} | {pts(d.score)} | {pts(d.lost)} | {_cell(d.category_name)} | "
                   f"{_cell(d.reason)} | {_cell(d.measure)} | {_cell('、'.join(flag_names(d)))} |"]

    yield ["", "## 改进措施", ""]
    for k, d in enumerate(report.deductions, start=1):
        yield ([f"### {k}. {_cell(project_label(d))} · {_cell(d.indicator_label)}"
                f"（失分 {pts(d.lost)}，{_cell(d.category_name)}）", ""]
               + [f"- 【{SOURCE_NAMES[m.source]}】{_cell(measure_text(m))}" for m in d.improvement_measures]
               + [""])


# ---- Excel ------------------------------------------------------------------------------------

def report_xlsx(report: Report | SpooledReport) -> bytes:
    import tempfile
    with tempfile.TemporaryFile() as fh:
        write_xlsx(report, fh)
        fh.seek(0)
        return fh.read()


def write_xlsx(report: Report | SpooledReport, fh: Any) -> None:
    """The workbook written to ``fh`` in openpyxl's write-only mode: rows go out as they come.

    Every sheet is created first (their order is the workbook's), the summary sheets filled from
    the summary, and the two row sheets (扣分明细, 改进措施) in one pass over the deductions.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from drafter.render.xlsx import cell_safe

    wb = Workbook(write_only=True)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    class Sheet:
        def __init__(self, title: str, header: list[str], widths: list[int]) -> None:
            self.ws = wb.create_sheet(title)
            self.columns = len(header)
            self.rows = 0
            for k, w in enumerate(widths, start=1):
                self.ws.column_dimensions[get_column_letter(k)].width = w
            self.ws.freeze_panes = "A2"
            self._append(header, header=True)

        def _append(self, values: list[Any], header: bool = False) -> None:
            cells = []
            for v in cell_safe(list(values)):
                c = WriteOnlyCell(self.ws, value=v)
                if c.data_type == "f":  # form text such as "=100%" is text, never a formula (render.xlsx._text_cell)
                    c.data_type = "s"
                if header:
                    c.font, c.fill = bold, fill
                else:
                    c.alignment = wrap
                cells.append(c)
            self.ws.append(cells)
            self.rows += 1

        def add(self, values: list[Any]) -> None:
            self._append(values)

        def close(self) -> None:
            self.ws.auto_filter.ref = f"A1:{get_column_letter(self.columns)}{self.rows}"

    s = report.summary
    detail = Sheet("扣分明细",
                   ["来源文件", "实施单位", "项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值",
                    "分值", "得分", "失分", "类别代码", "类别", "偏差原因", "改进措施", "偏差说明原文", "问题", "判定方式"],
                   [18, 18, 24, 10, 12, 20, 12, 12, 7, 7, 7, 14, 18, 40, 40, 50, 18, 10])
    todo = Sheet("改进措施", ["实施单位", "项目名称", "指标", "失分", "类别", "措施", "责任主体", "时限", "可衡量目标", "来源"],
                 [18, 24, 20, 7, 18, 50, 18, 16, 36, 8])
    rest = [
        (Sheet("按类别", ["类别代码", "类别", "处数", "失分", "占比(%)"], [22, 34, 8, 8, 8]),
         [[code, c["name"], c["count"], c["lost"], c["share"]] for code, c in s["by_category"].items()]
         + [["合计", "", s["count"], s["total_lost"], 100.0]]),
        (Sheet("按单位", ["实施单位", "项目数", "处数", "失分"], [34, 8, 8, 8]),
         [[name, a["projects"], a["count"], a["lost"]] for name, a in s["by_agency"].items()]),
        (Sheet("按层级", ["一级指标", "二级指标", "处数", "失分"], [16, 20, 8, 8]),
         [[l1, l2, w["count"], w["lost"]] for l1, v in s["by_level"].items()
          for l2, w in ([("（小计）", v)] + list(v["level2"].items()))]),
        (Sheet("常见原因", ["类别", "处数", "失分", "常见说法", "示例"], [30, 8, 8, 30, 80]),
         [[c["name"], c["count"], c["lost"], "、".join(c["cues"]),
           "\n".join(f"“{e['quote']}”（{e['project_name'] or NO_PROJECT} · {e['indicator_name'] or NO_INDICATOR_NAME}）"
                     for e in c["examples"])]
          for c in s["top_causes"]]),
    ]
    for d in report.deductions:
        detail.add([d.source, d.agency, d.project_name, d.level1, d.level2, d.indicator_name, d.target, d.actual,
                    d.weight, d.score, d.lost, d.category, d.category_name, d.reason, d.measure, d.note,
                    "、".join(flag_names(d)), "规则" if d.classified_by == "rules" else d.classified_by])
        for m in d.improvement_measures:
            todo.add([d.agency, d.project_name, m.indicator or d.indicator_label, d.lost, d.category_name, m.action,
                      m.owner, m.deadline, m.target, SOURCE_NAMES[m.source]])
    detail.close()
    todo.close()
    for sheet, rows in rest:
        for row in rows:
            sheet.add(row)
        sheet.close()
    wb.save(fh)
