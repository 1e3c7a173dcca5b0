"""`drafter review` and `drafter rule`: the deterministic review, wired to the terminal.

Kept light at import time (Typer only): `drafter --help` loads this module, the rules load when
a command runs.
"""

from __future__ import annotations

import contextlib
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
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j",
                                       help="同时处理的文件数（进程数；默认取 DRAFTER_JOBS，否则为 CPU 核数）；"
                                            "--llm/--llm-read 时为同时进行的大模型调用数（默认 4）"),
    llm: bool = typer.Option(False, "--llm", help="审核规则之后由大模型复核指标（L01… 意见，需配置大模型）"),
    llm_read: bool = typer.Option(False, "--llm-read", help="读取器找不到表单时由大模型读取（只保留原文中出现的名称和数值）"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
) -> None:
    """审核绩效目标表和自评表 (run the review rules)."""
    from drafter.cli import emit_table, fail, note_input, read_files, write_output
    from drafter.errors import InputError
    from drafter.rules import SelectionError, at_least
    from drafter.services import review as service

    if config is not None:
        note_input(config)
    if format == ReviewFormat.xlsx and output is None:
        fail("xlsx 格式需要用 -o 指定输出文件 (--format xlsx needs -o FILE)")
    try:
        cfg = service.load_config(config)
        rules = service.rules_for(select, ignore)
    except (InputError, SelectionError) as e:
        fail(str(e))
    round_ = baseline is not None or accept is not None or history or history_store
    client = _model_client(no_cache) if llm and not offline and not round_ else None
    if llm and offline:
        _note("使用了 --offline：不调用大模型，只运行审核规则")
    if client is None:  # nothing will produce the model's L codes: they are no rules of this run
        rules = [r for r in rules if not r.by_model]
    if (client is not None or llm_read) and not round_:
        findings, summary, bad = _review_with_model(paths, cfg, rules, suggest, format, output, client, llm_read,
                                                    offline, jobs, no_cache)
    elif baseline is not None or accept is not None or history or history_store:
        # A review round or a cross-year comparison: one resubmission and its past, read whole.
        findings, summary, bad = _review_round(paths, cfg, rules, suggest, format, output,
                                               baseline, accept, history, history_store)
    else:
        from drafter.batch import process_jobs
        from drafter.progress import BatchProgress
        from drafter.rules.batch import BatchReview
        try:
            workers = process_jobs(jobs)
        except InputError as e:
            fail(str(e))
        files = read_files(paths)
        progress = BatchProgress(len(files))
        try:
            batch = BatchReview(files, cfg, rules, workers, suggest=suggest, progress=progress)
        finally:
            progress.close()
        for line in batch.bad:
            _note(line)
        if not batch.good:
            batch.close()
            raise typer.Exit(2)
        bad = batch.bad

        from drafter.render import review as render
        findings = None  # every format is written a file at a time, from the spool
        with contextlib.closing(batch):
            if format == ReviewFormat.json:
                write_output(render.findings_json_stream((fs for _, _, fs in batch), batch.summary.as_dict), output)
            elif format == ReviewFormat.xlsx:
                _stream_review_xlsx(((forms, found) for _, forms, found in batch), output)
            elif format == ReviewFormat.markdown:
                write_output(render.findings_markdown_stream(batch, batch.summary.as_dict), output)
            elif format == ReviewFormat.sarif:
                write_output(render.findings_sarif_stream(batch, rules, _version()), output)
            else:
                emit_table(lambda console: render.findings_table_parts(batch), output, width=100)
        summary = batch.summary.as_dict()

    sev = summary["by_severity"]
    _note(f"审核 {summary['forms']} 张表、{summary['indicators']} 项指标：错误 {sev['error']}，"
          f"警告 {sev['warning']}，提示 {sev['info']}；不可衡量的指标 {summary['unmeasurable_indicators']} 项")
    if "round" in summary:
        r = summary["round"]
        _note(f"与上一轮相比：已修改 {r['fixed']}，未修改 {r['remaining']}，新增 {r['new']}，已接受 {r['accepted']}"
              if r["fixed"] is not None else f"已接受 {r['accepted']} 项（见接受清单）")
    if suggest:
        _note("修改建议为离线生成：依据内置语料库中的同类指标（或通用写法），未调用大模型，请结合项目实际核定数值")
    elif summary["unmeasurable_indicators"] and format == ReviewFormat.table:
        _note("加 --suggest 可依据内置语料库给出可衡量的改写建议")
    if bad:
        raise typer.Exit(2)
    # An accepted finding is settled: it no longer fails the run.
    if findings is not None and any(f.status == "accepted" for f in findings):
        sev = {k: sum(1 for f in findings if f.severity == k and f.status != "accepted") for k in sev}
    if fail_on != FailOn.never and any(n and at_least(sev_name, fail_on.value) for sev_name, n in sev.items()):
        raise typer.Exit(1)


def _review_with_model(paths, cfg, rules, suggest, format, output, client, llm_read, offline, jobs, no_cache):
    """review --llm / --llm-read: rules, then the model's critique merged in; the report is written here."""
    from drafter.cli import emit_table, fail, llm_read_client, read_sources, write_output
    from drafter.errors import InputError
    from drafter.jobs import resolve_jobs
    from drafter.render import review as render
    from drafter.services import review as service
    try:
        workers = resolve_jobs(jobs)
    except InputError as e:
        fail(str(e))
    reader = (client or llm_read_client(True, offline, no_cache)) if llm_read else None
    good, bad = read_sources(paths, reader, workers)
    result = service.review(good, config=cfg, rules=rules, suggest=suggest, model=client, jobs=workers)
    findings, summary, rules = result.findings, result.summary, result.rules
    for line in result.notes:
        _note(line)
    if format == ReviewFormat.json:
        write_output(render.findings_json(findings, summary), output)
    elif format == ReviewFormat.markdown:
        write_output(render.findings_markdown(findings, good, summary), output)
    elif format == ReviewFormat.sarif:
        write_output(render.findings_sarif(findings, rules, _version(), good), output)
    elif format == ReviewFormat.xlsx:
        _write_review_xlsx(good, findings, output)
    else:
        emit_table(lambda console: render.print_findings_table(findings, good, console), output, width=100)
    return findings, summary, bad


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


def _review_round(paths, cfg, rules, suggest, format, output, baseline, accept, history, history_store):
    """Review in one piece with the previous round, accepted findings and earlier years' forms.

    Returns (findings, summary, unreadable lines); the report is written here, in ``format``.
    """
    from drafter.cli import emit_table, fail, read_sources, write_output
    from drafter.errors import InputError
    from drafter.render import review as render
    from drafter.services import review as service
    try:
        past = service.history_forms(history) if history else None
        accepts = service.load_accepts(accept) if accept is not None else None
        old = service.baseline_findings(baseline, cfg, rules) if baseline is not None else None
    except InputError as e:
        fail(str(e))
    good, bad = read_sources(paths)
    if history_store:
        past = (past or []) + _history_from_store(good)
    result = service.review(good, config=cfg, rules=rules, suggest=suggest, history=past, baseline=old,
                            baseline_name=str(baseline) if baseline is not None else None, accepts=accepts)
    findings, summary, fixed = result.findings, result.summary, result.fixed
    if format == ReviewFormat.json:
        write_output(render.findings_json(findings, summary, fixed), output)
    elif format == ReviewFormat.markdown:
        write_output(render.findings_markdown(findings, good, summary, fixed), output)
    elif format == ReviewFormat.sarif:
        write_output(render.findings_sarif(findings, rules, _version(), good), output)
    elif format == ReviewFormat.xlsx:
        _write_review_xlsx(good, findings, output)
    else:
        emit_table(lambda console: render.print_findings_table(findings, good, console, fixed=fixed), output,
                   width=100)
    return findings, summary, bad


def _history_from_store(good) -> list:
    """Stored forms of the projects under review; an empty store is a note, not a failure."""
    from drafter.services.review import history_from_store
    from drafter.store import StoreError
    try:
        found = history_from_store(good)
    except StoreError as e:
        _note(f"未比较往年：{e}")
        return []
    _note(f"从存储库取到往年表 {sum(len(fs) for _, fs in found)} 张（同名项目）")
    return found


def _write_review_xlsx(good, findings, output) -> None:
    """The reviewed forms, findings as cell comments on their rows, and a 审核意见 sheet."""
    from drafter.cli import write_binary
    from drafter.services.review import review_xlsx
    write_binary(review_xlsx(good, findings), output)


def _stream_review_xlsx(parts, output) -> None:
    """The workbook built file by file in a temporary file, then written whole to ``output``."""
    import tempfile

    from drafter.cli import write_binary
    from drafter.services.review import write_review_xlsx
    with tempfile.TemporaryFile(prefix="drafter-xlsx-") as fh:
        write_review_xlsx(parts, fh)
        fh.seek(0)
        write_binary(fh, output)


def rule(
    code: Optional[str] = typer.Argument(None, help="规则代码，如 T07；省略则列出全部规则"),
    format: RuleFormat = typer.Option(RuleFormat.table, "--format", "-f", help="table | json"),
    presets: bool = typer.Option(False, "--presets", help="列出 --config 可用的预设及其出处"),
) -> None:
    """列出审核规则，或说明一条规则 (list rules, or explain one)."""
    import json
    from drafter.cli import fail, stdout_console, write_output
    from drafter.render.review import rule_doc, rules_table
    from drafter.services.rules import catalogue, find_rule, presets as preset_list, rule_dict

    if presets:
        listed = preset_list()
        if format == RuleFormat.json:
            write_output(json.dumps(listed, ensure_ascii=False, indent=2), None)
        else:
            write_output("\n\n".join(
                f"{p['name']}：{p['title']}\n  设置：{', '.join(f'{k} = {v}' for k, v in p['values'].items()) or '全部默认值'}"
                f"\n  出处：{p['source']}" for p in listed) + "\n", None)
        return

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
