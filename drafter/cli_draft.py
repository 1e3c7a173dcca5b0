"""`drafter draft`, `drafter logs` and `drafter eval`: drafting on the command line.

cli.py calls :func:`register`. Everything heavy (pydantic models of the draft, chromadb, openai,
instructor) is imported inside the commands, so `drafter --help` does not pay for it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import typer

from drafter.jobs import jobs_option


class DraftFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    xlsx = "xlsx"


class LogFormat(str, Enum):
    table = "table"
    json = "json"


class EvalTask(str, Enum):
    draft = "draft"
    review = "review"


class EvalEngine(str, Enum):
    offline = "offline"
    llm = "llm"
    all = "all"


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)
    app.command("logs")(logs)
    app.command("eval")(evaluate)


def _say(message: str) -> None:
    from drafter.cli import safe
    typer.echo(f"drafter: {safe(message)}", err=True)


def draft(
    name: Optional[str] = typer.Option(None, "--name", "-n", help="项目名称 (project name)"),
    goal: Optional[str] = typer.Option(None, "--goal", "-g", help="项目目标/年度目标 (what the project will do)"),
    funds: Optional[str] = typer.Option(None, "--funds", help="项目资金，默认单位万元，如 120 或 836000元"),
    agency: Optional[str] = typer.Option(None, "--agency", help="实施单位 (implementing agency)"),
    department: Optional[str] = typer.Option(None, "--department", help="主管部门"),
    year: Optional[int] = typer.Option(None, "--year", help="年度 (budget year)"),
    nature: Optional[str] = typer.Option(None, "--nature", help="项目性质：经常性 或 一次性（经常性项目以本项目往年数据为基线）"),
    from_file: Optional[Path] = typer.Option(None, "--from", help="从 YAML/JSON 文件读取以上字段"),
    format: DraftFormat = typer.Option(DraftFormat.table, "--format", "-f", help="table | json | markdown | xlsx"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件（原子写入）"),
    offline: bool = typer.Option(False, "--offline", help="不调用大模型，用离线引擎起草"),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
) -> None:
    """为新项目起草 SMART 绩效目标和指标 (draft a SMART indicator set).

    配置了 OPENAI_API_KEY / OPENAI_BASE_URL / DRAFTER_PROFILE 时调用大模型，否则（或 --offline）
    用离线引擎从相似历史表单生成；大模型调用失败时自动改用离线引擎。
    """
    from drafter.cli import fail
    from drafter.draft.request import build_request, load_request
    from drafter.errors import InputError
    from drafter.llm.profiles import ConfigError

    try:
        if from_file is not None:
            from drafter.cli import note_input
            note_input(from_file)
            request = load_request(from_file, {"name": name, "goal": goal, "funds": funds, "agency": agency,
                                               "department": department, "year": year,
                                               "project_nature": nature})
        else:
            request = build_request(name, goal, funds, agency, year, department, nature)
    except InputError as e:
        fail(str(e))
        return

    try:
        result = _run_draft(request, offline, no_cache)
    except (ConfigError, InputError) as e:
        fail(str(e))
        return
    _write_draft(result, format, output)


def _evaluate_review(engine: "EvalEngine", gold: Optional[List[Path]], limit: Optional[int], format: "LogFormat",
                     output: Optional[Path], jobs: Optional[int], no_cache: bool) -> None:
    import json

    from drafter.cli import emit_table, fail, write_output
    from drafter.critique.evaluate import builtin_dir, load_cases, score
    from drafter.errors import InputError
    from drafter.jobs import resolve_jobs
    from drafter.llm.profiles import ConfigError, resolve

    try:
        workers = resolve_jobs(jobs)
    except InputError as e:
        fail(str(e))
        return
    folders = list(gold or [builtin_dir()])
    for folder in folders:
        if not folder.is_dir():
            fail(f"{folder}: 不是目录 (--gold takes a folder of *.gold.json)")
    cases, notes = load_cases(folders)
    for n in notes:
        _say(n)
    cases = cases[:limit] if limit else cases
    if not cases:
        fail("没有找到 *.gold.json 标注表单 (no labelled forms)")
    client = None
    if engine != EvalEngine.offline:
        try:
            settings, reason = resolve()
        except ConfigError as e:
            fail(str(e))
            return
        if settings is None:
            if engine == EvalEngine.llm:
                fail(f"没有可用的大模型配置：{reason}")
            _say(f"没有配置大模型（{reason}），只评估离线规则")
        else:
            from drafter.llm.client import LLMClient
            client = LLMClient(settings, use_cache=not no_cache)
    scores = []
    if engine != EvalEngine.llm:
        scores.append(score("offline", cases))
    if client is not None:
        s = score(client.engine, cases, client=client, jobs=workers)
        for n in s.notes:
            _say(n)
        scores.append(s)
    if format == LogFormat.json:
        write_output(json.dumps({"task": "review", "cases": len(cases), "scores": [s.to_json() for s in scores]},
                                ensure_ascii=False, indent=2), output)
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAVY, title=f"审核评估：{len(cases)} 张标注表单（{', '.join(str(f) for f in folders)}）",
                  title_justify="left")
    for col in ("引擎", "表单", "指标", "标注不可衡量", "判为不可衡量", "查全率", "查准率", "改写", "改写通过规则", "复核失败"):
        table.add_column(col, justify="left" if col == "引擎" else "right")
    for s in scores:
        r, p = s.recall, s.precision
        table.add_row(s.engine, str(s.forms), str(s.indicators), str(s.labelled_vague), str(s.flagged),
                      "—" if r is None else f"{r:.0%}", "—" if p is None else f"{p:.0%}", str(s.rewrites),
                      f"{s.rewrites_pass}/{s.rewrites}", str(s.failed_forms))
    emit_table(lambda console: console.print(table), output, width=160)


def _run_draft(request: Any, offline: bool, no_cache: bool) -> Any:
    from drafter.cli import fail
    from drafter.draft.offline import OfflineError
    from drafter.services.draft import run_draft
    from drafter.store import StoreError

    try:
        return run_draft(request, offline=offline, no_cache=no_cache, announce=_say)
    except (OfflineError, StoreError) as e:
        fail(str(e))
        raise  # unreachable: fail() exits


def _write_draft(result: Any, format: DraftFormat, output: Optional[Path]) -> None:
    from drafter.cli import emit_table, write_output
    from drafter.render.draft import draft_json, draft_markdown, print_draft_table

    if format == DraftFormat.json:
        write_output(draft_json(result), output)
    elif format == DraftFormat.xlsx:
        # The standard layout with 基线/取值依据/数据来源/参考来源 columns; reads back as a Form.
        from drafter.cli import write_binary
        from drafter.render.xlsx import forms_to_xlsx
        write_binary(forms_to_xlsx([result.form]), output)
    elif format == DraftFormat.markdown:
        write_output(draft_markdown(result), output)
    else:
        emit_table(lambda console: print_draft_table(result, console), output, width=200)


def logs(
    n: int = typer.Option(20, "-n", "--count", min=0, help="显示最近 N 次尝试（0 = 全部）"),
    format: LogFormat = typer.Option(LogFormat.table, "--format", "-f", help="table | json"),
    as_json: bool = typer.Option(False, "--json", help="等同于 --format json"),
    usage: bool = typer.Option(False, "--usage", "-u", help="只显示用量合计"),
    run: Optional[str] = typer.Option(None, "--run", help="只看某次起草（run id）"),
    path: bool = typer.Option(False, "--path", help="只打印日志数据库路径"),
) -> None:
    """LLM 调用日志：模型、词元、耗时、重试、缓存命中 (the LLM call log)."""
    from drafter.cli import fail, stdout_console, write_output
    from drafter.errors import InputError
    from drafter.llm.log import CallLog, LogError, db_path
    from drafter.render.draft import logs_json, print_logs_table
    from drafter.resources import home_dir

    try:
        db = db_path(home_dir())
    except InputError as e:
        fail(str(e))
        return
    if path:
        write_output(str(db), None)
        return
    log = CallLog(db, strict=True)
    try:
        rows = log.rows(None if n == 0 else n, run_id=run)
        totals = log.usage(run_id=run)
    except LogError as e:
        fail(str(e))
        return
    for note in log.notes:
        _say(note)
    if as_json or format == LogFormat.json:
        write_output(logs_json([] if usage else rows, totals), None)
        return
    if not rows and not usage:
        _say("还没有 LLM 调用记录 (no LLM calls logged yet)")
    print_logs_table(rows, totals, stdout_console(), usage_only=usage)


def evaluate(
    task: EvalTask = typer.Option(EvalTask.draft, "--task", "-t", help="draft（起草）| review（审核复核）"),
    engine: Optional[EvalEngine] = typer.Option(None, "--engine", "-e",
                                                help="offline | llm | all（draft 默认 offline；review 默认 all）"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="只评估前 N 个项目"),
    gold: Optional[List[Path]] = typer.Option(None, "--gold", help="review：含 *.gold.json 标注的目录，可重复（默认内置标注）"),
    format: LogFormat = typer.Option(LogFormat.table, "--format", "-f", help="table | json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件"),
    jobs: Optional[int] = jobs_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
) -> None:
    """评估：留一法起草质量，或审核对不可衡量指标的查全率/查准率 (evaluate drafting or review).

    --task draft：依次把内置语料中的每个目标表项目留出，用其余表单为它起草，再用审核规则检查草稿。
    --task review：在标注表单（内置，或 --gold 目录中的 *.gold.json）上比较离线规则和大模型复核。
    """
    if task == EvalTask.review:
        _evaluate_review(engine or EvalEngine.all, gold, limit, format, output, jobs, no_cache)
        return
    engine = engine or EvalEngine.offline
    import json

    from drafter.cli import emit_table, fail, write_output
    from drafter.draft.evaluate import corpus_cases, evaluate as run
    from drafter.llm.profiles import ConfigError, resolve

    engines = ["offline", "llm"] if engine == EvalEngine.all else [engine.value]
    if "llm" in engines:
        try:
            settings, reason = resolve()
        except ConfigError as e:
            fail(str(e))
            return
        if settings is None:
            fail(f"没有可用的大模型配置：{reason}")
    cases = corpus_cases(limit)
    if not cases:
        fail("内置语料中没有可评估的目标表 (no target forms in the corpus)")
    summaries = run(cases, engines, progress=lambda s: _say(f"评估 {s}"))
    if format == LogFormat.json:
        write_output(json.dumps({"summaries": [s.to_json() for s in summaries]}, ensure_ascii=False, indent=2),
                     output)
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAVY, title=f"留一法评估（{len(cases)} 个历史项目）", title_justify="left")
    for col in ("引擎", "草稿", "失败", "改用离线", "六类齐全", "类别覆盖", "不可衡量", "每稿不可衡量",
                "引用覆盖", "每稿请求", "每稿词元"):
        table.add_column(col, justify="right" if col != "引擎" else "left")
    for s in summaries:
        j = s.to_json()
        table.add_row(s.engine, str(s.drafts), str(s.failed), str(s.fallbacks), f"{s.full_coverage}/{s.drafts}",
                      f"{s.category_coverage:.0%}", str(s.unmeasurable), f"{j['unmeasurable_per_draft']:.2f}",
                      f"{s.refs_coverage:.0%}", f"{j['calls_per_draft']:.1f}",
                      "—" if j["tokens_per_draft"] is None else f"{j['tokens_per_draft']:.0f}")
    emit_table(lambda console: console.print(table), output, width=160)
