"""`drafter review` and `drafter rule`: the deterministic review, wired to the terminal.

Kept light at import time (Typer only): `drafter --help` loads this module, the rules load when
a command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer


class ReviewFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    sarif = "sarif"
    xlsx = "xlsx"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    never = "never"  # report only, e.g. in a first look at a folder of forms


class RuleFormat(str, Enum):
    table = "table"
    json = "json"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("drafter")
    except PackageNotFoundError:
        return "0.0.0"


def _note(text: str) -> None:
    from drafter.errors import one_line
    typer.echo(f"drafter: {one_line(text)}", err=True)


def review(
    paths: List[str] = typer.Argument(..., help="表单文件或目录 (files or directories)"),
    format: ReviewFormat = typer.Option(ReviewFormat.table, "--format", "-f",
                                        help="table | json | markdown | sarif | xlsx"),
    select: Optional[List[str]] = typer.Option(None, "--select", "-s",
                                               help="只运行这些规则：代码、前缀或标签，可重复或用逗号分隔 (T07, S, unmeasurable)"),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", "-i", help="不运行这些规则 (codes, prefixes or tags)"),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="达到该级别时退出码为 1 (error | warning | never)"),
    suggest: bool = typer.Option(False, "--suggest", help="为不可衡量的指标给出改写建议（依据内置语料库）"),
    offline: bool = typer.Option(False, "--offline", help="不调用大模型（审核本身总是离线的）"),
    config: Optional[Path] = typer.Option(None, "--config", "-c",
                                          help="配置文件 (TOML/YAML) 或预设名：national、shanghai-2025、guangxi、shanxi、"
                                               "chongqing-fengjie（drafter rule --presets 列出出处）"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件 (write to file)"),
    baseline: Optional[Path] = typer.Option(None, "--baseline", "-b",
                                            help="上一轮的审核结果 (review --format json) 或上一版表单：列出已修改、未修改和新增的问题"),
    history: Optional[List[str]] = typer.Option(None, "--history",
                                                help="往年同一项目的表（自评表带实际值），可重复：目标低于上年实际、超额完成后未调高"),
    history_store: bool = typer.Option(False, "--history-from-store",
                                       help="也从存储库取同一单位、同一项目的往年表（drafter ingest 导入的）"),
    accept: Optional[Path] = typer.Option(None, "--accept",
                                          help="接受清单 (TOML/YAML/JSON)：审核人同意保留的问题及理由，列为“已接受”而非待修改"),
) -> None:
    """审核绩效目标表和自评表 (run the review rules)."""
    from drafter.cli import emit_table, fail, note_input, read_sources, write_output
    from drafter.config import load_config
    from drafter.errors import InputError
    from drafter.rules import SelectionError, at_least, review_forms, select_rules, summarize

    if config is not None:
        note_input(config)
    try:
        cfg = load_config(config)
    except InputError as e:
        fail(str(e))
    try:
        rules = select_rules(select, ignore)
    except SelectionError as e:
        fail(str(e))
    accepts = _load_accepts(accept) if accept is not None else []
    old = _load_baseline(baseline, cfg, rules) if baseline is not None else None
    past = _load_history(history) if history else None
    good, bad = read_sources(paths)
    if history_store:
        past = (past or []) + _history_from_store(good)
    findings = review_forms(good, cfg, rules=rules, history=past)
    if suggest:
        from drafter.suggest import add_suggestions
        findings = add_suggestions(findings, good)
    fixed = None
    if old is not None:
        from drafter.rules.rounds import compare
        result = compare(findings, old)
        findings, fixed = result.findings, result.fixed
    if accepts:
        from drafter.rules.rounds import apply_accepts
        findings = apply_accepts(findings, accepts)
    summary = summarize(findings, good)
    if fixed is not None or accepts:
        summary["round"] = _round_summary(findings, fixed, baseline)

    from drafter.render import review as render
    if format == ReviewFormat.json:
        write_output(render.findings_json(findings, summary, fixed), output)
    elif format == ReviewFormat.markdown:
        write_output(render.findings_markdown(findings, good, summary, fixed), output)
    elif format == ReviewFormat.sarif:
        write_output(render.findings_sarif(findings, rules, _version()), output)
    elif format == ReviewFormat.xlsx:
        _write_review_xlsx(good, findings, output)
    else:
        emit_table(lambda console: render.print_findings_table(findings, good, console, fixed=fixed), output,
                   width=100)

    sev = summary["by_severity"]
    _note(f"审核 {summary['forms']} 张表、{summary['indicators']} 项指标：错误 {sev['error']}，"
          f"警告 {sev['warning']}，提示 {sev['info']}；不可衡量的指标 {summary['unmeasurable_indicators']} 项")
    if "round" in summary:
        r = summary["round"]
        _note(f"与上一轮相比：已修改 {r['fixed']}，未修改 {r['remaining']}，新增 {r['new']}，已接受 {r['accepted']}"
              if fixed is not None else f"已接受 {r['accepted']} 项（见接受清单）")
    if suggest:
        _note("修改建议为离线生成：依据内置语料库中的同类指标（或通用写法），未调用大模型，请结合项目实际核定数值")
    elif summary["unmeasurable_indicators"] and format == ReviewFormat.table:
        _note("加 --suggest 可依据内置语料库给出可衡量的改写建议")
    if bad:
        raise typer.Exit(2)
    # An accepted finding is settled: it no longer fails the run.
    if fail_on != FailOn.never and any(at_least(f.severity, fail_on.value) for f in findings
                                       if f.status != "accepted"):
        raise typer.Exit(1)


def _load_history(paths: List[str]):
    """Earlier years' forms; an unreadable one stops the run (a silent gap would hide T35)."""
    from drafter.cli import fail
    from drafter.errors import InputError
    from drafter.read import expand_paths, read_file
    files = expand_paths(paths)
    if not files:
        fail("没有找到往年的表 (no --history files)")
    out = []
    for f in files:
        try:
            out.append((str(f), read_file(f)))
        except InputError as e:
            fail(str(e))
    return out


def _history_from_store(good) -> list:
    """Stored forms of the projects under review; an empty store is a note, not a failure."""
    from drafter.store import StoreError
    from drafter.store.history import past_forms_from_store
    projects = [f.project_name for _, forms in good for f in forms if f.kind == "target" and f.project_name]
    try:
        found = past_forms_from_store(projects)
    except StoreError as e:
        _note(f"未比较往年：{e}")
        return []
    _note(f"从存储库取到往年表 {sum(len(fs) for _, fs in found)} 张（同名项目）")
    return found


def _load_accepts(path: Path):
    from drafter.cli import fail
    from drafter.errors import InputError
    from drafter.rules.rounds import accepts_from
    from drafter.structured import read_structured
    try:
        return accepts_from(read_structured(path), str(path))
    except InputError as e:
        fail(str(e))


def _load_baseline(path: Path, cfg, rules):
    """Findings of the previous round: a review JSON as written, or the old form reviewed now."""
    from drafter.cli import fail
    from drafter.errors import InputError
    from drafter.read import read_file
    from drafter.rules import review_forms
    from drafter.rules.rounds import finding_from_dict
    from drafter.structured import read_structured
    source = str(path)
    try:
        if path.suffix.lower() == ".json":
            data = read_structured(path)
            if isinstance(data, dict) and isinstance(data.get("findings"), list):
                return [finding_from_dict(d, source) for d in data["findings"]]
        return review_forms([(source, read_file(path))], cfg, rules=rules)
    except InputError as e:
        fail(str(e))


def _round_summary(findings, fixed, baseline) -> dict:
    counts = {"new": 0, "remaining": 0, "accepted": 0}
    for f in findings:
        if f.status in counts:
            counts[f.status] += 1
    return {"baseline": str(baseline) if baseline is not None else None,
            "fixed": len(fixed) if fixed is not None else None, **counts}


def _write_review_xlsx(good, findings, output) -> None:
    """The reviewed forms, findings as cell comments on their rows, and a 审核意见 sheet."""
    from dataclasses import replace
    from drafter.cli import write_binary
    from drafter.render.xlsx import forms_to_xlsx

    forms, offset = [], {}
    for source, source_forms in good:
        offset[source] = len(forms)
        forms.extend(source_forms)
    placed = []
    for f in findings:
        placed.append(replace(f, form_index=offset.get(f.source, 0) + f.form_index))
    write_binary(forms_to_xlsx(forms, placed), output)


def rule(
    code: Optional[str] = typer.Argument(None, help="规则代码，如 T07；省略则列出全部规则"),
    format: RuleFormat = typer.Option(RuleFormat.table, "--format", "-f", help="table | json"),
    presets: bool = typer.Option(False, "--presets", help="列出 --config 可用的预设及其出处"),
) -> None:
    """列出审核规则，或说明一条规则 (list rules, or explain one)."""
    import json
    from drafter.cli import fail, stdout_console, write_output
    from drafter.render.review import rule_doc, rules_table
    from drafter.rules import all_rules, get_rule

    if presets:
        from drafter.config import PRESETS
        if format == RuleFormat.json:
            write_output(json.dumps([{"name": p.name, "title": p.title, "source": p.source, "values": p.values}
                                     for p in PRESETS.values()], ensure_ascii=False, indent=2), None)
        else:
            write_output("\n\n".join(
                f"{p.name}：{p.title}\n  设置：{', '.join(f'{k} = {v}' for k, v in p.values.items()) or '全部默认值'}"
                f"\n  出处：{p.source}" for p in PRESETS.values()) + "\n", None)
        return

    def as_dict(r):
        return {"code": r.code, "name": r.name, "severity": r.severity, "tags": list(r.tags),
                "kinds": list(r.kinds), "doc": r.doc, "basis": r.basis}

    if code is None:
        rules = all_rules()
        if format == RuleFormat.json:
            write_output(json.dumps([as_dict(r) for r in rules], ensure_ascii=False, indent=2), None)
        else:
            rules_table(rules, stdout_console())
        return
    r = get_rule(code)
    if r is None:
        fail(f"未知规则代码 (unknown rule code): {code}")
    if format == RuleFormat.json:
        write_output(json.dumps(as_dict(r), ensure_ascii=False, indent=2), None)
    else:
        write_output(rule_doc(r), None)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("rule")(rule)
