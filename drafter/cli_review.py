"""`drafter review` and `drafter rule`: the deterministic review, wired to the terminal.

Kept light at import time (Typer only): `drafter --help` loads this module, the rules load when
a command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from drafter.jobs import jobs_option, resolve_jobs


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
    llm: bool = typer.Option(False, "--llm", help="审核规则之后由大模型复核指标（L01… 意见，需配置大模型）"),
    llm_read: bool = typer.Option(False, "--llm-read", help="读取器找不到表单时由大模型读取（只保留原文中出现的名称和数值）"),
    offline: bool = typer.Option(False, "--offline", help="不调用大模型（审核规则本身总是离线的）"),
    jobs: Optional[int] = jobs_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="配置文件 (TOML/YAML)：权重、等级、阈值"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件 (write to file)"),
) -> None:
    """审核绩效目标表和自评表 (run the review rules)."""
    from drafter.cli import emit_table, fail, llm_read_client, note_input, read_sources, write_output
    from drafter.errors import InputError
    from drafter.rules import SelectionError, at_least
    from drafter.services import review as service

    if config is not None:
        note_input(config)
    try:
        cfg = service.load_config(config)
        rules = service.rules_for(select, ignore)
        workers = resolve_jobs(jobs)
    except (InputError, SelectionError) as e:
        fail(str(e))
    client = _model_client(no_cache) if llm and not offline else None
    if llm and offline:
        _note("使用了 --offline：不调用大模型，只运行审核规则")
    reader = (client or llm_read_client(True, offline, no_cache)) if llm_read else None
    good, bad = read_sources(paths, reader, workers)
    result = service.review(good, config=cfg, rules=rules, suggest=suggest, model=client, jobs=workers)
    findings, summary, rules = result.findings, result.summary, result.rules
    for line in result.notes:
        _note(line)

    from drafter.render import review as render
    if format == ReviewFormat.json:
        write_output(render.findings_json(findings, summary), output)
    elif format == ReviewFormat.markdown:
        write_output(render.findings_markdown(findings, good, summary), output)
    elif format == ReviewFormat.sarif:
        write_output(render.findings_sarif(findings, rules, _version(), good), output)
    elif format == ReviewFormat.xlsx:
        _write_review_xlsx(good, findings, output)
    else:
        emit_table(lambda console: render.print_findings_table(findings, good, console), output,
                   width=100)

    sev = summary["by_severity"]
    _note(f"审核 {summary['forms']} 张表、{summary['indicators']} 项指标：错误 {sev['error']}，"
          f"警告 {sev['warning']}，提示 {sev['info']}；不可衡量的指标 {summary['unmeasurable_indicators']} 项")
    if suggest:
        _note("修改建议为离线生成：依据内置语料库中的同类指标（或通用写法），未调用大模型，请结合项目实际核定数值")
    elif summary["unmeasurable_indicators"] and format == ReviewFormat.table:
        _note("加 --suggest 可依据内置语料库给出可衡量的改写建议")
    if bad:
        raise typer.Exit(2)
    if fail_on != FailOn.never and any(at_least(f.severity, fail_on.value) for f in findings):
        raise typer.Exit(1)


def _model_client(no_cache: bool):
    """The LLM client for --llm, or None with one line saying the rules run alone."""
    from drafter.cli import fail, safe
    from drafter.llm.profiles import ConfigError, resolve

    try:
        settings, reason = resolve()
    except ConfigError as e:
        fail(str(e))
        return None
    if settings is None:
        _note(safe(f"没有配置大模型（{reason}），只运行审核规则"))
        return None
    from drafter.llm.client import LLMClient
    _note(f"使用大模型 {settings.model}（{settings.profile}）复核指标")
    return LLMClient(settings, use_cache=not no_cache)


def _write_review_xlsx(good, findings, output) -> None:
    """The reviewed forms, findings as cell comments on their rows, and a 审核意见 sheet."""
    from drafter.cli import write_binary
    from drafter.services.review import review_xlsx
    write_binary(review_xlsx(good, findings), output)


def rule(
    code: Optional[str] = typer.Argument(None, help="规则代码，如 T07；省略则列出全部规则"),
    format: RuleFormat = typer.Option(RuleFormat.table, "--format", "-f", help="table | json"),
) -> None:
    """列出审核规则，或说明一条规则 (list rules, or explain one)."""
    import json
    from drafter.cli import fail, stdout_console, write_output
    from drafter.render.review import rule_doc, rules_table
    from drafter.services.rules import catalogue, find_rule, rule_dict

    if code is None:
        rules = catalogue()
        if format == RuleFormat.json:
            write_output(json.dumps([rule_dict(r) for r in rules], ensure_ascii=False, indent=2), None)
        else:
            rules_table(rules, stdout_console())
        return
    r = find_rule(code)
    if r is None:
        fail(f"未知规则代码 (unknown rule code): {code}")
    if format == RuleFormat.json:
        write_output(json.dumps(rule_dict(r), ensure_ascii=False, indent=2), None)
    else:
        write_output(rule_doc(r), None)


def register(app: typer.Typer) -> None:
    app.command("review")(review)
    app.command("rule")(rule)
