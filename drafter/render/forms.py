"""Forms for people (Rich tables, Chinese headers) and for programs (JSON)."""

from __future__ import annotations

import json

from drafter.model import Form, ParsedFile


def forms_json(parsed: list[ParsedFile]) -> str:
    """`parse --format json`: one object per file, a list when there are several."""
    items = [p.model_dump(mode="json", exclude={"read_by", "dropped"} if p.read_by is None else None)
             for p in parsed]
    data = items[0] if len(items) == 1 else items
    return json.dumps(data, ensure_ascii=False, indent=2)


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


def print_forms_table(parsed: list[ParsedFile], console) -> None:
    from rich.table import Table
    from rich import box

    kinds = {"target": "绩效目标表", "self_eval": "绩效自评表"}
    for pf in parsed:
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
