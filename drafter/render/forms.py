"""Forms for people (Rich tables, Chinese headers) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from drafter.model import Form, ParsedFile


def forms_json(parsed: list[ParsedFile]) -> str:
    """`parse --format json`: one object per file, a list when there are several."""
    return "".join(forms_json_chunks(parsed_json_item(p) for p in parsed))


def parsed_json_item(p: ParsedFile) -> str:
    """One file's object in `parse --format json`, as ``json.dumps(indent=2)`` writes it."""
    item = p.model_dump(mode="json", exclude={"read_by", "dropped"} if p.read_by is None else None)
    return json.dumps(item, ensure_ascii=False, indent=2)


def forms_json_chunks(items: Iterable[str]) -> Iterator[str]:
    """The objects of :func:`parsed_json_item` as one document, written as they come.

    One file prints its object alone; with more, a list. The first object is held until the
    second shows which it is.
    """
    first: str | None = None
    count = 0
    for item in items:
        count += 1
        if count == 1:
            first = item
            continue
        if count == 2:
            yield "[\n  " + (first or "").replace("\n", "\n  ")
        yield ",\n  " + item.replace("\n", "\n  ")
    if count == 1:
        yield first or ""
    elif count > 1:
        yield "\n]"
    else:
        yield "[]"


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


def print_forms_table(parsed: list[ParsedFile], console) -> None:
    for pf in parsed:
        print_file_forms(pf, console)


def print_file_forms(pf: ParsedFile, console) -> None:
    """One file's part of `parse` as a table: each form's title, summary line and indicators."""
    from rich import box
    from rich.table import Table

    kinds = {"target": "绩效目标表", "self_eval": "绩效自评表"}
    for k, form in enumerate(pf.forms, start=1):
        title = f"{pf.source} · 第{k}张 · {kinds[form.kind]} · {form.project_name or '（未填项目名称）'}"
        if form.ocr:
            title += " · OCR 识别结果，文字可能有识别错误"
        console.print(f"[bold]{title}[/bold]")
        console.print(form_summary(form))
        self_eval = form.kind == "self_eval"
        table = Table(box=box.SIMPLE_HEAVY, show_lines=False, expand=False)
        for col in ("一级指标", "二级指标", "三级指标", "指标值", "符号", "数值", "单位"):
            table.add_column(col, overflow="fold")
        if self_eval:
            for col in ("实际完成值", "分值", "得分", "偏差原因"):
                table.add_column(col, overflow="fold")
        for ind in form.indicators:
            row = [ind.level1 or "", ind.level2 or "", ind.name, ind.target_raw or "",
                   ind.op or "", _num(ind.value), ind.unit or ind.qualitative or ""]
            if self_eval:
                dev = ind.deviation or ""
                row += [ind.actual_raw or "", _num(ind.weight), _num(ind.score),
                        dev[:40] + ("…" if len(dev) > 40 else "")]
            table.add_row(*row)
        console.print(table)


def form_summary(form: Form) -> str:
    """One line a person reads above a form's table: year, units, money, counts."""
    parts = []
    if form.year:
        parts.append(f"年度 {form.year}")
    if form.department:
        parts.append(f"主管部门 {form.department}")
    if form.agency:
        parts.append(f"实施单位 {form.agency}")
    if form.project_nature:
        parts.append(f"项目性质 {form.project_nature}")
    if form.planned_start or form.planned_end:
        parts.append(f"计划期间 {form.planned_start or '—'} 至 {form.planned_end or '—'}")
    if form.funds and form.funds.total is not None:
        parts.append(f"资金总额 {form.funds.total:,.2f}{form.funds.unit or ''}")
    if form.budget:
        b = form.budget
        parts.append(f"预算 {_num(b.adjusted)} 执行 {_num(b.executed)}{b.unit or ''} 执行率 {_num(b.rate_pct)}%")
    if form.total_score is not None:
        parts.append(f"总分 {_num(form.total_score)}")
    if form.grade:
        parts.append(f"等级 {form.grade}")
    parts.append(f"指标 {len(form.indicators)} 项")
    return " · ".join(parts)
