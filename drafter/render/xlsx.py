"""Forms to Excel workbooks in the standard layout, the medium users exchange forms in.

One sheet per form: a header block (项目名称, 主管部门, 实施单位, 资金, 年度总体目标), then the
indicator table with 一级/二级 merged over their groups. Self-evaluations add 实际完成值/分值/得分/
偏差原因分析及改进措施; drafts add 基线/取值依据/数据来源/参考来源. For a review, findings become cell
comments on the rows they concern and a 审核意见 sheet lists them all.

Written in openpyxl's write-only mode (:class:`FormsWorkbook`): a batch of thousands of forms
costs the memory of one.
"""

from __future__ import annotations

import re
from typing import IO, Any, Iterable, Sequence

from drafter.model import Form

_TITLES = {"target": "项目支出绩效目标申报表", "self_eval": "项目支出绩效自评表"}


def forms_to_xlsx(forms: Sequence[Form], findings: Iterable[object] = ()) -> bytes:
    """Workbook bytes; ``findings`` (objects with form_index, indicator_index, code, severity,
    message, suggestion) become comments and a findings sheet."""
    import tempfile
    with tempfile.TemporaryFile(prefix="drafter-xlsx-") as fh:
        write_forms_xlsx([(forms, findings)], fh)
        fh.seek(0)
        return fh.read()


def write_forms_xlsx(parts: Iterable[tuple[Sequence[Form], Iterable[object]]], fh: IO[bytes]) -> None:
    """The workbook of ``parts`` (forms with their findings, e.g. one file's) written to ``fh``.

    Each part is laid out and let go before the next is drawn from ``parts``; on any error (or
    Ctrl-C) the temporary files are removed and ``fh`` is left for the caller to discard.
    """
    book = FormsWorkbook()
    try:
        for forms, findings in parts:
            book.add(forms, findings)
    except BaseException:
        book.discard()
        raise
    book.save(fh)


class FormsWorkbook:
    """Forms written into a write-only workbook as they come, so a batch of any size costs the
    memory of one form: each form is laid out on a scratch sheet (merges, borders, comments, as
    openpyxl's normal mode does them), copied row by row into the workbook, and let go.

    Findings go to the 审核意见 sheet as they come too; it is created at the first one and moved
    after the form sheets when saved.
    """

    def __init__(self) -> None:
        from openpyxl import Workbook

        from drafter.render.xlsx_stream import StreamedWorkbook
        self._book = StreamedWorkbook()
        self._scratch = Workbook()
        self._scratch.remove(self._scratch.active)
        self._used: set[str] = set()
        self._sheets = 0
        self._findings: Any = None  # the 审核意见 sheet, once there is a finding
        self._styles: dict = {}  # scratch style ids → this workbook's (see _copy_sheet)

    def add(self, forms: Sequence[Form], findings: Iterable[object] = ()) -> None:
        """One part of the batch: ``findings``' form_index counts within ``forms``."""
        # Readers drop control characters, but forms also come from drafts and callers: a workbook
        # refuses them (IllegalCharacterError) and the whole file would be lost for one character.
        forms = [Form.model_validate(cell_safe(f.model_dump())) for f in forms]
        findings = list(findings)
        for k, form in enumerate(forms):
            scratch = self._scratch.create_sheet("form")
            rows_of = _write_form(scratch, form)
            _annotate(scratch, [f for f in findings if getattr(f, "form_index", None) == k], rows_of)
            ws = self._book.create_sheet(_sheet_name(form, self._sheets, self._used))
            self._sheets += 1
            _copy_sheet(scratch, ws, self._styles)
            self._scratch.remove(scratch)
            self._book.close_sheet(ws)
        for f in findings:
            self._finding_row(f, forms)

    def save(self, fh) -> None:
        """Write the workbook to ``fh``, an open binary file."""
        if self._findings is not None:
            sheets = self._book.wb._sheets
            sheets.append(sheets.pop(sheets.index(self._findings)))
        self._book.save(fh)

    def discard(self) -> None:
        self._book.discard()

    def _finding_row(self, f, forms: Sequence[Form]) -> None:
        from openpyxl.styles import Alignment, Font

        if self._findings is None:
            ws = self._findings = self._book.create_sheet("审核意见")
            for letter, w in zip("ABCDEFG", (24, 30, 8, 8, 60, 50, 40)):
                ws.column_dimensions[letter].width = w
            ws.append([_text_cell(ws, c, font=Font(bold=True)) for c in _FINDING_COLUMNS])
        form = forms[f.form_index] if 0 <= f.form_index < len(forms) else None
        status = _STATUS_ZH.get(getattr(f, "status", None) or "", "")
        reason = getattr(f, "accepted_reason", None)
        message = (f"［{status}］" if status else "") + f.message + (f"（接受理由：{reason}）" if reason else "")
        values = [form.project_name if form else "", f.indicator_name or "（整表）", f.code,
                  _SEVERITY_ZH.get(f.severity, f.severity), message, f.suggestion or "",
                  getattr(f, "basis", None) or ""]
        top = Alignment(wrap_text=True, vertical="top")
        self._findings.append([_text_cell(self._findings, cell_safe(v), alignment=top) for v in values])


def _text_cell(ws, value, **style):
    """A write-only cell, every string stored as text.

    openpyxl turns any string starting with ``=`` into a formula, so form text such as
    ``=500.00(人)`` or ``=100%`` would become a live (and broken) formula, or one a hostile form
    planted. drafter computes no formulas: every cell of a forms workbook passes through here.
    """
    from openpyxl.cell import WriteOnlyCell
    c = WriteOnlyCell(ws, value=value)
    if c.data_type == "f":
        c.data_type = "s"
    for name, v in style.items():
        setattr(c, name, v)
    return c


def _copy_sheet(src, ws, styles: dict) -> None:
    """Copy a laid-out sheet into a write-only one: widths and panes first (write-only writes them
    before the rows), then every row with its styles and comments, then the merged ranges."""
    from copy import copy

    from openpyxl.comments import Comment

    for letter, dim in src.column_dimensions.items():
        if dim.width:
            ws.column_dimensions[letter].width = dim.width
    if src.freeze_panes:
        ws.freeze_panes = src.freeze_panes
    for row in src.iter_rows(min_row=1, max_row=src.max_row, max_col=src.max_column):
        out: list[Any] = []
        for cell in row:
            comment = getattr(cell, "comment", None)
            if cell.value is None and not cell.has_style and comment is None:
                out.append(None)
                continue
            c = _text_cell(ws, cell.value)
            if cell.has_style:
                # Setting a style looks it up by hashing it, slow over thousands of cells: a style
                # seen once (same ids in the scratch workbook) is reused by its ids in this one.
                key = tuple(cell._style)
                known = styles.get(key)
                if known is None:
                    c.font, c.fill, c.border = copy(cell.font), copy(cell.fill), copy(cell.border)
                    c.alignment, c.protection = copy(cell.alignment), copy(cell.protection)
                    c.number_format = cell.number_format
                    styles[key] = copy(c._style)
                else:
                    c._style = copy(known)
            if comment is not None:
                c.comment = Comment(comment.text, comment.author)
            out.append(c)
        ws.append(out)
    for rng in src.merged_cells.ranges:
        ws.merged_cells.add(rng.coord)


def _sheet_name(form: Form, k: int, used: set[str]) -> str:
    base = re.sub(r"[\\/*?:\[\]]", "", form.project_name or f"表{k + 1}")[:25] or f"表{k + 1}"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:22]}({n})", n + 1
    used.add(name)
    return name


def _write_form(ws, form: Form) -> dict[int, int]:
    """Write one form; return indicator index → worksheet row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    drafted = any(i.refs or i.basis or i.evidence or i.baseline for i in form.indicators)
    self_eval = form.kind == "self_eval"
    columns = ["一级指标", "二级指标", "三级指标", "年度指标值"]
    if self_eval:
        columns += ["实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    elif any(i.weight is not None for i in form.indicators):
        columns += ["分值"]
    if drafted:
        columns += ["基线", "取值依据", "数据来源", "参考来源"]
    width = len(columns)
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")

    title = _TITLES[form.kind] + (f"（{form.year}年度）" if form.year else "")
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    header: list[tuple[str, object]] = [
        ("项目名称", form.project_name), ("主管部门", form.department), ("实施单位", form.agency),
        ("项目类别", form.project_type), ("项目性质", form.project_nature),
        # ISO text, not a date cell: it reads the same in every locale and reads back as printed.
        ("计划开始日期", form.planned_start and form.planned_start.isoformat()),
        ("计划完成日期", form.planned_end and form.planned_end.isoformat())]
    if form.funds:
        unit = form.funds.unit or "元"
        header += [(f"年度资金总额（{unit}）", form.funds.total),
                   (f"其中：当年财政拨款（{unit}）", form.funds.fiscal),
                   (f"上年结转资金（{unit}）", form.funds.carryover),
                   (f"其他资金（{unit}）", form.funds.other)]
    header.append(("年度总体目标", form.annual_goal))
    r = 2
    for label, value in header:
        if value is None:
            continue
        ws.cell(r, 1, label).font = bold
        ws.cell(r, 2, value).alignment = wrap
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
        r += 1
    if form.budget:
        b = form.budget
        labels = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率(%)", "得分"]
        ws.cell(r, 1, f"项目资金（{b.unit or '元'}）").font = bold
        for j, lbl in enumerate(labels):
            ws.cell(r, 2 + j, lbl).font = bold
        r += 1
        ws.cell(r, 1, "年度资金总额")
        for j, amount in enumerate([b.initial, b.adjusted, b.executed, b.weight, b.rate_pct, b.score]):
            ws.cell(r, 2 + j, amount)
        r += 1
    r += 1
    table_top = r
    for j, col in enumerate(columns, start=1):
        c = ws.cell(r, j, col)
        c.font, c.fill, c.border, c.alignment = bold, head_fill, border, wrap
    rows_of: dict[int, int] = {}
    for k, ind in enumerate(form.indicators):
        r += 1
        rows_of[k] = r
        values: list[str | float | None] = [ind.level1, ind.level2, ind.name, ind.target_raw or ind.qualitative]
        if self_eval:
            values += [ind.actual_raw, ind.weight, ind.score, ind.deviation]
        elif "分值" in columns:
            values += [ind.weight]
        if drafted:
            values += [ind.baseline, ind.basis, ind.evidence, "；".join(ind.refs or [])]
        for j, v in enumerate(values, start=1):
            c = ws.cell(r, j, v)
            c.border, c.alignment = border, wrap
    # 二级 first: once 一级 cells are merged, the rows below read as empty.
    _merge_runs(ws, table_top + 1, r, 2, within=1)
    _merge_runs(ws, table_top + 1, r, 1)
    if self_eval and form.total_score is not None:
        r += 1
        ws.cell(r, 3, "总分").font = bold
        ws.cell(r, columns.index("得分") + 1, form.total_score)
        if form.grade:
            r += 1
            ws.cell(r, 3, "评分等级").font = bold
            ws.cell(r, columns.index("得分") + 1, form.grade)
    widths = {"一级指标": 12, "二级指标": 16, "三级指标": 36, "年度指标值": 16, "实际完成值": 16,
              "分值": 8, "得分": 8, "偏差原因分析及改进措施": 40, "基线": 24, "取值依据": 12,
              "数据来源": 24, "参考来源": 30}
    for j, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = widths.get(col, 14)
    ws.freeze_panes = ws.cell(table_top + 1, 1)
    return rows_of


def _merge_runs(ws, first: int, last: int, col: int, within: int | None = None) -> None:
    """Merge runs of equal labels in a column, as the printed forms do (二级 within its 一级)."""
    from openpyxl.styles import Alignment

    start = first
    for r in range(first + 1, last + 2):
        same = r <= last and ws.cell(r, col).value == ws.cell(start, col).value and \
            (within is None or ws.cell(r, within).value == ws.cell(start, within).value)
        if same:
            continue
        if r - 1 > start and ws.cell(start, col).value is not None:
            ws.merge_cells(start_row=start, start_column=col, end_row=r - 1, end_column=col)
            ws.cell(start, col).alignment = Alignment(vertical="center", wrap_text=True)
        start = r


def _annotate(ws, findings: list, rows_of: dict[int, int]) -> None:
    from openpyxl.comments import Comment

    by_row: dict[int, list] = {}
    for f in findings:
        idx = getattr(f, "indicator_index", None)
        row = rows_of.get(idx) if idx is not None else None
        if row is not None:
            by_row.setdefault(row, []).append(f)
    for row, items in by_row.items():
        text = "\n".join(f"[{f.code} {f.severity}] {f.message}" for f in items)
        ws.cell(row, 3).comment = Comment(cell_safe(text[:30000]), "drafter")


# Review rounds (--baseline / --accept): what became of each finding since the last round.
_STATUS_ZH = {"new": "新增", "remaining": "未修改", "accepted": "已接受"}


_FINDING_COLUMNS = ["项目名称", "指标", "规则", "级别", "问题", "修改建议", "依据"]
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def cell_safe(value):
    """``value`` with every string stripped of what a workbook cannot store (see strip_controls)."""
    from drafter.read.clean import strip_controls

    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [cell_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: cell_safe(v) for k, v in value.items()}
    return value

