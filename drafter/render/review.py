"""Review findings for people (Rich table, Markdown report) and for programs (JSON, SARIF)."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, Sequence

from drafter.model import Form, Indicator
from drafter.rules.finding import SEVERITY_ZH, Finding

Batch = Sequence[tuple[str, list[Form]]]

_KIND_ZH = {"target": "绩效目标表", "self_eval": "绩效自评表"}
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_SARIF_BASELINE = {"new": "new", "remaining": "unchanged"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _dumps(data) -> bytes:
    # pydantic-core's encoder: same text as json.dumps(ensure_ascii=False, indent=2), several
    # times faster, which matters when a batch yields a quarter of a million findings. Bytes, not
    # str: decoding and re-encoding a 100 MB report would hold two more copies of it.
    from pydantic_core import to_json
    return to_json(data, indent=2)


CHUNK = 5000


def findings_json(findings: list[Finding], summary: dict, fixed: list[Finding] | None = None) -> Iterator[bytes]:
    """``{"findings": [...], "summary": {...}}`` as chunks, the same text one ``_dumps`` gives.

    A batch of 10,000 forms makes a 100 MB report; encoded in one piece it is held twice over
    while being built, so findings are encoded a few thousand at a time and re-indented.
    """
    from pydantic_core import to_json
    if fixed is not None:
        # A review round: small by nature (one resubmitted form), so one piece is fine.
        yield _dumps({"findings": findings, "fixed": fixed, "summary": summary})
        return
    if not findings:
        yield _dumps({"findings": [], "summary": summary})
        return
    yield b'{\n  "findings": [\n'
    for start in range(0, len(findings), CHUNK):
        part = to_json(findings[start:start + CHUNK], indent=2)[2:-2]  # without "[\n" and "\n]"
        more = start + CHUNK < len(findings)
        yield b"  " + part.replace(b"\n", b"\n  ") + (b",\n" if more else b"\n")
    yield b'  ],\n  "summary": ' + _dumps(summary).replace(b"\n", b"\n  ") + b"\n}"


def findings_json_stream(parts: Iterable[Sequence[Finding]], summary: Callable[[], dict]) -> Iterator[bytes]:
    """:func:`findings_json` for findings that arrive a file at a time, byte for byte the same.

    ``summary()`` is called once every part has been consumed (it is accumulated from them).
    """
    from pydantic_core import to_json
    started = False
    for part in parts:
        if not part:
            continue
        for start in range(0, len(part), CHUNK):
            text = to_json(list(part[start:start + CHUNK]), indent=2)[2:-2]
            yield (b",\n  " if started else b'{\n  "findings": [\n  ') + text.replace(b"\n", b"\n  ")
            started = True
    if not started:
        yield _dumps({"findings": [], "summary": summary()})
        return
    yield b'\n  ],\n  "summary": ' + _dumps(summary()).replace(b"\n", b"\n  ") + b"\n}"


def _grouped(findings: list[Finding], batch: Batch):
    """(source, form index, form, its findings) for every form, in input order."""
    by_form: dict[tuple[str, int], list[Finding]] = {}
    for f in findings:
        by_form.setdefault((f.source, f.form_index), []).append(f)
    for source, forms in batch:
        for k, form in enumerate(forms):
            yield source, k, form, by_form.get((source, k), [])


def _indicator(form: Form, f: Finding) -> Indicator | None:
    if f.indicator_index is None or f.indicator_index >= len(form.indicators):
        return None
    return form.indicators[f.indicator_index]


def value_cell(form: Form, ind: Indicator | None) -> str:
    """What the table shows as the value: the target, and for self-evaluations the result too."""
    if ind is None:
        return ""
    target = ind.target_raw or ind.qualitative or "（空）"
    if form.kind != "self_eval":
        return target
    actual = ind.actual_raw or "（空）"
    score = ""
    if ind.weight is not None or ind.score is not None:
        w = "—" if ind.weight is None else f"{ind.weight:.2f}"
        s = "—" if ind.score is None else f"{ind.score:.2f}"
        score = f" 得分 {s}/{w}"
    return f"{target} → {actual}{score}"


def place(ind: Indicator | None) -> str:
    """Where the indicator was read ("第12行"), so that a finding can be checked on the form."""
    src = ind.source if ind is not None else None
    if not src:
        return ""
    kind, _, n = src.partition(" ")
    if kind in ("line", "row") and n.isdigit():
        return f"第{n}行"
    return src


def _line_of(f: Finding, forms: list[Form] | None) -> int | None:
    if not forms or f.form_index >= len(forms):
        return None
    ind = _indicator(forms[f.form_index], f)
    _, _, n = (ind.source or "").partition(" ") if ind is not None else ("", "", "")
    return int(n) if n.isdigit() else None


def _named(f: Finding, ind: Indicator | None) -> str:
    where = place(ind)
    return (f.indicator_name or "（整表）") + (f"（{where}）" if where else "")


def _counts(findings: list[Finding]) -> str:
    parts = []
    for sev in ("error", "warning", "info"):
        n = sum(1 for f in findings if f.severity == sev)
        if n:
            parts.append(f"{SEVERITY_ZH[sev]} {n}")
    return "，".join(parts) if parts else "无问题"


def form_title(source: str, k: int, form: Form) -> str:
    return f"{source} · 第{k + 1}张 · {_KIND_ZH.get(form.kind, form.kind)} · {form.project_name or '（未填项目名称）'}"


def print_findings_table(findings: list[Finding], batch: Batch, console, show_clean: bool = False,
                         fixed: list[Finding] | None = None) -> None:
    """One table per form with findings; columns sized to stay readable at 100 columns.

    In a review round each finding shows its status (新增 / 未修改 / 已接受) and the fixed ones
    of the previous round are listed first.
    """
    if fixed:
        _print_fixed(fixed, console)
    if not findings:
        console.print("未发现问题。")
        return
    for source, k, form, items in _grouped(findings, batch):
        for part in _form_table(source, k, form, items, show_clean):
            console.print(part)


def findings_table_parts(parts: Iterable[tuple[str, list[Form], Sequence[Finding]]]) -> Iterator[Any]:
    """:func:`print_findings_table` as renderables made a file at a time (for ``emit_table``).

    Printed in order they give the same text; "no findings" is known only once every file is seen.
    """
    shown = False
    for source, forms, found in parts:
        for _, k, form, items in _grouped(list(found), [(source, forms)]):
            for part in _form_table(source, k, form, items):
                shown = True
                yield part
    if not shown:
        yield "未发现问题。"


def _form_table(source: str, k: int, form: Form, items: list[Finding], show_clean: bool = False) -> list[Any]:
    """The title line of one form and the table of its findings (none when it has none)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    if not items and not show_clean:
        return []
    # One Text joined with a space: what console.print(title, counts) prints.
    title = Text(" ").join([Text(form_title(source, k, form), style="bold"), Text(f"  （{_counts(items)}）")])
    if not items:
        return [title]
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_lines=False, pad_edge=False)
    table.add_column("级别", no_wrap=True, width=4)
    table.add_column("代码", no_wrap=True, width=4)
    table.add_column("指标", overflow="fold", ratio=2, max_width=22)
    table.add_column("指标值", overflow="fold", ratio=2, max_width=24)
    table.add_column("问题与建议", overflow="fold", ratio=5)
    for f in items:
        ind = _indicator(form, f)
        text = Text(f.message)
        if f.status:
            text = Text(f"［{_STATUS_ZH.get(f.status, f.status)}］", style="bold") + text
        if f.accepted_reason:
            text.append("\n接受理由：" + f.accepted_reason, style="dim")
        if f.suggestion:
            text.append("\n建议：" + f.suggestion, style="dim")
        table.add_row(Text(SEVERITY_ZH[f.severity], style=_STYLE[f.severity]), code_cell(f),
                      _named(f, ind), value_cell(form, ind), text)
    return [title, table]


_STATUS_ZH = {"new": "新增", "remaining": "未修改", "accepted": "已接受"}


def _print_fixed(fixed: list[Finding], console) -> None:
    from rich.text import Text
    console.print(Text(f"上一轮的问题中已修改 {len(fixed)} 项：", style="bold green"))
    for f in fixed:
        # Text, not markup: a message quotes form text, which may hold "[bold]" or worse.
        console.print(Text(f"  {f.code} {f.indicator_name or '（整表）'}：{f.message}"))
    console.print()


def _md(text: str | None) -> str:
    from drafter.render.markdown import md_text
    return md_text(text, newline="<br>")


_ORIGIN_ZH = {"llm": "模型", "rules+llm": "规则+模型"}


def code_cell(f: Finding) -> str:
    """The code, marked when the model found it or agreed with the rule (review --llm)."""
    origin = _ORIGIN_ZH.get(f.origin)
    return f"{f.code}（{origin}）" if origin else f.code


def findings_markdown(findings: list[Finding], batch: Batch, summary: dict,
                      fixed: list[Finding] | None = None) -> str:
    """A report per form: title, the form's key figures, its findings as a table."""
    lines = _markdown_head(summary, fixed)
    for source, k, form, items in _grouped(findings, batch):
        lines += _markdown_form(source, k, form, items)
    return "\n".join(lines)


def findings_markdown_stream(parts: Iterable[tuple[str, list[Form], Sequence[Finding]]],
                             summary: Callable[[], dict]) -> Iterator[bytes]:
    """:func:`findings_markdown` for files that arrive one at a time, byte for byte the same.

    The summary heads the report but is complete only once every part is consumed, so the forms'
    sections go to a temporary file first (disk, not memory) and follow the head from there.
    """
    import tempfile
    with tempfile.TemporaryFile(prefix="drafter-md-") as body:
        for source, forms, found in parts:
            for _, k, form, items in _grouped(list(found), [(source, forms)]):
                body.write(("\n" + "\n".join(_markdown_form(source, k, form, items))).encode("utf-8"))
        yield "\n".join(_markdown_head(summary())).encode("utf-8")
        body.seek(0)
        yield from iter(lambda: body.read(1 << 20), b"")


def _markdown_head(summary: dict, fixed: list[Finding] | None = None) -> list[str]:
    sev = summary["by_severity"]
    lines = ["# drafter 审核报告", "",
             f"共 {summary['forms']} 张表、{summary['indicators']} 项指标；"
             f"错误 {sev['error']}，警告 {sev['warning']}，提示 {sev['info']}；"
             f"不可衡量的指标 {summary['unmeasurable_indicators']} 项。", ""]
    if fixed is not None:
        r = summary.get("round", {})
        lines += [f"与上一轮相比：已修改 {len(fixed)}，未修改 {r.get('remaining', 0)}，新增 {r.get('new', 0)}，"
                  f"已接受 {r.get('accepted', 0)}。", ""]
        lines += [f"- 已修改：{f.code} {_md(f.indicator_name or '（整表）')}：{_md(f.message)}" for f in fixed]
        lines.append("")
    return lines


def _markdown_form(source: str, k: int, form: Form, items: list[Finding]) -> list[str]:
    lines = [f"## {_md(form.project_name or '（未填项目名称）')}", ""]
    facts = [f"来源：{_md(source)} 第 {k + 1} 张", f"类型：{_KIND_ZH.get(form.kind, form.kind)}"]
    if form.agency:
        facts.append(f"实施单位：{_md(form.agency)}")
    if form.year:
        facts.append(f"年度：{form.year}")
    if form.total_score is not None:
        facts.append(f"总分：{form.total_score:.2f}")
    if form.grade:
        facts.append(f"等级：{_md(form.grade)}")
    facts.append(f"指标：{len(form.indicators)} 项")
    facts.append(f"问题：{_counts(items)}")
    lines += ["；".join(facts), ""]
    if not items:
        return lines
    lines.append("| 级别 | 代码 | 指标 | 指标值 | 问题 | 建议 |")
    lines.append("|---|---|---|---|---|---|")
    for f in items:
        ind = _indicator(form, f)
        message = (f"［{_STATUS_ZH.get(f.status, f.status)}］" if f.status else "") + f.message + (
            f"（接受理由：{f.accepted_reason}）" if f.accepted_reason else "")
        lines.append(f"| {SEVERITY_ZH[f.severity]} | {code_cell(f)} | {_md(_named(f, ind))} | "
                     f"{_md(value_cell(form, ind))} | {_md(message)} | {_md(f.suggestion)} |")
    lines.append("")
    return lines


def findings_sarif(findings: list[Finding], rules, version: str, batch: Batch | None = None) -> bytes:
    """SARIF 2.1.0: one run, the rule catalogue in the driver, one result per finding."""
    index = {r.code: i for i, r in enumerate(rules)}
    forms_of = dict(batch or [])
    results = [_sarif_result(f, index, forms_of.get(f.source)) for f in findings]
    return _dumps(_sarif_doc(rules, version, results))


# Stands for the results in the document around them (findings_sarif_stream); JSON-safe as is.
_RESULTS_HOLE = "@@drafter-sarif-results@@"
_RESULT_INDENT = b"      "  # results sit at depth 4 (runs[0].results[i]): 8 spaces, 2 of them from to_json


def findings_sarif_stream(parts: Iterable[tuple[str, list[Form], Sequence[Finding]]], rules,
                          version: str) -> Iterator[bytes]:
    """:func:`findings_sarif` for files that arrive one at a time, byte for byte the same.

    The document around the results (the rule catalogue first) is encoded once with a marker where
    the results go; each file's results are encoded and written as the file comes.
    """
    from pydantic_core import to_json
    head, tail = _dumps(_sarif_doc(rules, version, _RESULTS_HOLE)).split(b'"' + _RESULTS_HOLE.encode() + b'"')
    index = {r.code: i for i, r in enumerate(rules)}
    started = False
    for source, forms, found in parts:
        if not found:
            continue
        for start in range(0, len(found), CHUNK):
            results = [_sarif_result(f, index, forms if f.source == source else None)
                       for f in found[start:start + CHUNK]]
            text = to_json(results, indent=2)[2:-2]
            yield (b",\n" if started else head + b"[\n") + _RESULT_INDENT + text.replace(b"\n", b"\n" + _RESULT_INDENT)
            started = True
    yield (b"\n" + _RESULT_INDENT + b"]" if started else head + b"[]") + tail


def _sarif_doc(rules, version: str, results: Any) -> dict:
    from drafter.rules.registry import section
    driver_rules = [{
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.name},
        "fullDescription": {"text": section(r.doc, "检查内容") or r.name},
        "help": {"text": r.doc},
        "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        "properties": {"tags": list(r.tags), "basis": r.basis},
    } for r in rules]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "drafter", "version": version,
                                "informationUri": "https://github.com/", "rules": driver_rules}},
            "results": results,
        }],
    }


def _sarif_result(f: Finding, index: dict[str, int], forms: list[Form] | None) -> dict[str, Any]:
    where = f"form[{f.form_index}]" + ("" if f.indicator_index is None else f"/indicator[{f.indicator_index}]")
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(f.source)}}
    line = _line_of(f, forms)
    if line is not None:  # the line (or sheet row) the indicator was read from
        physical["region"] = {"startLine": line}
    result: dict[str, Any] = {
        "ruleId": f.code,
        "level": _SARIF_LEVEL[f.severity],
        "message": {"text": f.message + (f"\n建议：{f.suggestion}" if f.suggestion else "")},
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{"name": f.indicator_name or where, "fullyQualifiedName": where,
                                  "kind": "member" if f.indicator_index is not None else "module"}],
        }],
        "properties": {"tags": f.tags, "formIndex": f.form_index, "indicatorIndex": f.indicator_index,
                       "basis": f.basis},
    }
    if f.code in index:
        result["ruleIndex"] = index[f.code]
    # Review rounds in SARIF's own terms, so code-review tools show them as such.
    if f.status in _SARIF_BASELINE:
        result["baselineState"] = _SARIF_BASELINE[f.status]
    if f.status == "accepted":
        result["suppressions"] = [{"kind": "external", "justification": f.accepted_reason or ""}]
    return result


def artifact_uri(source: str) -> str:
    """A file name as a SARIF ``artifactLocation.uri`` (RFC 3986): relative stays relative.

    Spaces, ``#``, ``%``, ``?``, Chinese characters and the like are percent-encoded (as UTF-8);
    an absolute path becomes a ``file://`` URI. A colon in a relative path is encoded too, so
    ``a:b.txt`` cannot read as a scheme.
    """
    import re
    from urllib.parse import quote

    path = source.replace("\\", "/")
    drive = re.match(r"^[A-Za-z]:/", path)
    if path.startswith("/") or drive:
        return "file://" + ("/" if drive else "") + quote(path, safe="/:" if drive else "/")
    return quote(path, safe="/")


def rules_table(rules, console) -> None:
    from rich import box
    from rich.table import Table
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("代码", no_wrap=True)
    table.add_column("级别", no_wrap=True)
    table.add_column("名称")
    table.add_column("标签", overflow="fold")
    for r in rules:
        table.add_row(r.code, SEVERITY_ZH[r.severity], r.name, ", ".join(r.tags))
    console.print(table)


def rule_doc(r) -> str:
    return (f"{r.code} {r.name}（{SEVERITY_ZH[r.severity]}；标签：{', '.join(r.tags) or '无'}）\n\n{r.doc}\n\n"
            f"依据：\n{r.basis}\n")
