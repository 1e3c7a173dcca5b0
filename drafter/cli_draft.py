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
    app.command("library")(library)


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
    project_type: Optional[str] = typer.Option(None, "--type", help="项目类型，如 基础设施建设、培训（默认按名称和目标推断）"),
    sector: Optional[str] = typer.Option(None, "--sector", help="行业，如 农业农村、卫生健康（默认按名称和目标推断）"),
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
        _check_placement(project_type, sector)
        if from_file is not None:
            from drafter.cli import note_input
            note_input(from_file)
            request = load_request(from_file, {"name": name, "goal": goal, "funds": funds, "agency": agency,
                                               "department": department, "year": year,
                                               "project_nature": nature, "project_type": project_type,
                                               "sector": sector})
        else:
            request = build_request(name, goal, funds, agency, year, department, nature,
                                    project_type=project_type, sector=sector)
    except InputError as e:
        fail(str(e))
        return

    try:
        result = _run_draft(request, offline, no_cache)
    except (ConfigError, InputError) as e:
        fail(str(e))
        return
    _write_draft(result, format, output)


def _evaluate_review(engine: "EvalEngine", given: List[Optional[Path]], limit: Optional[int], format: "LogFormat",
                     output: Optional[Path], jobs: Optional[int], no_cache: bool) -> None:
    """``given``: folders of *.gold.json; None stands for the built-in labelled set."""
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
    folders = [builtin_dir() if f is None else f for f in given]
    for folder in folders:
        if not folder.is_dir():
            fail(f"{folder}: 不是目录（--task review 读取含 *.gold.json 的文件夹）")
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


def _check_placement(project_type: Optional[str], sector: Optional[str]) -> None:
    """--type and --sector must name a type and a sector the library knows."""
    from drafter.draft import library as lib
    from drafter.errors import InputError

    if project_type is None and sector is None:
        return
    known = lib.load()
    if project_type is not None and project_type not in known.types:
        raise InputError(f"未知的项目类型：{project_type}（可用：{'、'.join(known.types)}）")
    if sector is not None and sector not in known.sectors:
        raise InputError(f"未知的行业：{sector}（可用：{'、'.join(known.sectors)}）")


def library(
    query: Optional[str] = typer.Argument(None, help="关键词，如 高标准农田、培训、满意度"),
    sector: Optional[str] = typer.Option(None, "--sector", "-s", help="行业（可写一部分，如 农业）"),
    project_type: Optional[str] = typer.Option(None, "--type", "-t", help="项目类型，如 培训、基础设施建设"),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", min=1, help="最多显示 N 条"),
    format: LogFormat = typer.Option(LogFormat.table, "--format", "-f", help="table | json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件"),
) -> None:
    """浏览指标库：按行业、项目类型和关键词查找指标 (browse the indicator library).

    不带参数时列出各行业、各项目类型的条数；自己的指标库文件放在 DRAFTER_HOME/library/*.jsonl。
    """
    from drafter.cli import emit_table, fail, write_output
    from drafter.draft import library as lib
    from drafter.errors import InputError
    from drafter.render.library import library_json, print_overview, print_rows

    try:
        known = lib.load()
    except InputError as e:
        fail(str(e))
        return
    if sector and not any(sector in s for s in known.sectors):
        fail(f"没有这个行业：{sector}（可用：{'、'.join(known.sectors)}）")
    if project_type and not any(project_type in t for t in known.types):
        fail(f"没有这个项目类型：{project_type}（可用：{'、'.join(known.types)}）")
    if not (query or sector or project_type):
        if format == LogFormat.json:
            write_output(library_json(known.rows[:limit] if limit else known.rows), output)
        else:
            emit_table(lambda console: print_overview(known, console), output, width=200)
        return
    rows = lib.search(known, query, sector, project_type, limit)
    if not rows:
        _say("指标库中没有匹配的条目，可换个关键词或放宽筛选 (no matching rows)")
        if format != LogFormat.json and output is None:
            return
    if format == LogFormat.json:
        write_output(library_json(rows), output)
        return
    title = "指标库 " + " · ".join(x for x in (query and f"“{query}”", sector, project_type) if x) + f"（{len(rows)} 条）"
    emit_table(lambda console: print_rows(rows, title, console), output, width=200)


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
    paths: Optional[list[str]] = typer.Argument(None, help="另加评估的表单文件或文件夹（如 ../shared/realforms）；"
                                                             "--task review 时为含 *.gold.json 标注的文件夹"),
    task: EvalTask = typer.Option(EvalTask.draft, "--task", "-t", help="draft（起草）| review（审核复核）"),
    no_corpus: bool = typer.Option(False, "--no-corpus", help="不评估内置语料（review：内置标注），只评估给出的文件"),
    engine: Optional[EvalEngine] = typer.Option(None, "--engine", "-e",
                                                help="offline | llm | all（draft 默认 offline；review 默认 all）"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="只评估前 N 个项目"),
    format: LogFormat = typer.Option(LogFormat.table, "--format", "-f", help="table | json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件"),
    jobs: Optional[int] = jobs_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
) -> None:
    """评估：留一法起草质量（--task draft），或审核对不可衡量指标的查全率/查准率（--task review）。

    draft：依次把每个真实项目（内置语料的目标表，以及给出的文件夹中的目标表和自评表）留出，
    只凭项目名称、年度目标和资金为它起草，再与真实表单对照：真实指标覆盖率、相关行占比、
    引自他行业的行数、年度目标中的数量是否成为指标值、明显不合理的行、占位行。
    review：在标注表单（内置，以及给出的文件夹中的 *.gold.json）上比较离线规则和大模型复核。
    """
    if task == EvalTask.review:
        folders = ([] if no_corpus else [None]) + [Path(p) for p in paths or []]
        _evaluate_review(engine or EvalEngine.all, folders, limit, format, output, jobs, no_cache)
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
    from drafter.draft.evaluate import folder_cases

    cases = [] if no_corpus else corpus_cases()
    if paths:
        for p in paths:
            if not Path(p).exists():
                fail(f"{p}: 文件或文件夹不存在")
        more, skipped = folder_cases(paths)
        for skip in skipped:
            _say(f"跳过（读不出带项目名称和指标的表单）：{skip}")
        cases += more
    cases = cases[:limit] if limit else cases
    if not cases:
        fail("没有可评估的表单 (no forms with a project name and indicators)")
    summaries = run(cases, engines, progress=lambda s: _say(f"评估 {s}"))
    if format == LogFormat.json:
        write_output(json.dumps({"summaries": [s.to_json() for s in summaries]}, ensure_ascii=False, indent=2),
                     output)
        return
    from rich import box
    from rich.table import Table

    # One column per engine, one row per measure: fits a terminal however many measures there are.
    table = Table(box=box.SIMPLE_HEAVY, title=f"留一法评估（{len(cases)} 个真实项目）", title_justify="left")
    table.add_column("指标")
    for s in summaries:
        table.add_column(s.engine, justify="right")
    for label, cell in _EVAL_ROWS:
        table.add_row(label, *(cell(s, s.to_json()) for s in summaries))
    emit_table(lambda console: console.print(table), output, width=120)


def _pct(x: Any) -> str:
    return "—" if x is None else f"{x:.0%}"


_EVAL_ROWS: list[tuple[str, Any]] = [
    ("草稿数（失败 / 改用离线）", lambda s, j: f"{s.drafts}（{s.failed} / {s.fallbacks}）"),
    ("真实表单指标被草稿覆盖", lambda s, j: _pct(s.fit.get("coverage"))),
    ("草稿行与项目相关", lambda s, j: _pct(s.fit.get("relevant"))),
    ("引自他行业表单的行", lambda s, j: str(s.fit.get("carried_rows", 0))),
    ("年度目标中的数量成为指标值", lambda s, j: f"{_pct(s.fit.get('goal_quantities_captured'))}"
                                      f"（共 {s.fit.get('goal_quantities', 0)} 个）"),
    ("每稿不合理行", lambda s, j: f"{s.fit.get('absurd_per_draft', 0):.1f}"),
    ("待补充占位行", lambda s, j: str(s.fit.get("placeholders", 0))),
    ("六类齐全", lambda s, j: f"{s.full_coverage}/{s.drafts}"),
    ("不可衡量（每稿）", lambda s, j: f"{s.unmeasurable}（{j['unmeasurable_per_draft']:.2f}）"),
    ("注明来源的指标", lambda s, j: _pct(s.refs_coverage)),
    ("每稿请求 / 词元", lambda s, j: f"{j['calls_per_draft']:.1f} / "
                                 + ("—" if j["tokens_per_draft"] is None else f"{j['tokens_per_draft']:.0f}")),
]
