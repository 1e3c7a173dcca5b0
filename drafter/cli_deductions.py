"""`drafter deductions`: why self-evaluations lost points, and what to do about it.

cli.py calls :func:`register`. The analysis, the renderers, openpyxl and the LLM
client are imported inside the command, so `drafter --help` does not pay for them.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from drafter.jobs import jobs_option


class DeductionFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    html = "html"
    xlsx = "xlsx"


def register(app: typer.Typer) -> None:
    app.command("deductions")(deductions)


def _say(message: str) -> None:
    from drafter.cli import safe
    typer.echo(f"drafter: {safe(message)}", err=True)


def deductions(
    paths: list[str] = typer.Argument(..., help="自评表文件或目录 (self-evaluation files or directories)"),
    format: DeductionFormat = typer.Option(DeductionFormat.table, "--format", "-f",
                                           help="table | json | markdown | html | xlsx"),
    output: Path | None = typer.Option(None, "--output", "-o", help="写入文件（原子写入；xlsx 必须指定）"),
    offline: bool = typer.Option(False, "--offline", help="不调用大模型，用离线规则分类并生成措施"),
    jobs: int | None = jobs_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
    llm_read: bool = typer.Option(False, "--llm-read", help="读取器找不到表单时由大模型读取（只保留原文中出现的名称和数值）"),
) -> None:
    """分析自评表的扣分：原因分类、跨单位汇总和改进措施 (extract, classify and summarise deductions).

    列出每个得分低于分值的指标和预算执行率扣分，拆分偏差说明中的原因和措施，按原因类别、
    实施单位、指标层级汇总。配置了 OPENAI_API_KEY / OPENAI_BASE_URL / DRAFTER_PROFILE 时由大模型
    分类并生成 SMART 改进措施，否则（或 --offline）用离线关键词规则和措施模板。
    输入中的绩效目标表会被跳过。
    """
    from drafter.cli import fail, read_sources

    if format == DeductionFormat.xlsx and output is None:
        fail("xlsx 格式需要用 -o 指定输出文件 (--format xlsx needs -o FILE)")
    from drafter.errors import InputError
    from drafter.jobs import resolve_jobs
    from drafter.llm.profiles import ConfigError
    from drafter.services.deductions import analyse_deductions, llm_client
    from drafter.services.sources import unique_paths

    try:
        workers = resolve_jobs(jobs)
    except InputError as e:
        fail(str(e))
    try:
        # Before reading: --llm-read needs the client for files the reader finds no form in.
        client = None if offline else llm_client(_say, use_cache=not no_cache)
    except ConfigError as e:
        fail(str(e))
        return
    if offline and llm_read:
        _say("使用了 --offline：--llm-read 不调用大模型")
    files = unique_paths(paths)
    if files != list(paths):  # folders were expanded here: say what they held that is not read
        from drafter.cli import note_skipped
        from drafter.read import expand_paths
        skipped: list[Path] = []
        expand_paths(list(paths), skipped)
        note_skipped(skipped)
    if llm_read and client is not None:
        # The model reads the files the reader finds no form in, in its own batch: the whole
        # batch is held, as before (drafter.cli.read_sources).
        good, bad = read_sources(files, client, workers)
        report = analyse_deductions(good, offline=offline, note=_say, client=client, jobs=workers)
        if report.summary["forms"] == 0:
            fail("输入中没有绩效自评表，无法分析扣分 (no self-evaluation forms in the input)")
        _render(report, format, output)
    else:
        bad = _streamed(files, format, output, offline, client, jobs, workers)
    if bad:
        raise typer.Exit(2)


def _streamed(files: list[str], format: DeductionFormat, output: Path | None, offline: bool,
              client: object, jobs: int | None, llm_jobs: int) -> list[str]:
    """Read and analyse in ``--jobs`` processes, file by file; the report is written from a spool."""
    import contextlib

    from drafter.batch import process_jobs
    from drafter.cli import fail, read_files
    from drafter.deductions.stream import StreamedDeductions
    from drafter.errors import InputError
    from drafter.progress import BatchProgress

    try:
        workers = process_jobs(jobs)
    except InputError as e:
        fail(str(e))
    names = read_files(files)
    progress = BatchProgress(len(names))
    try:
        batch = StreamedDeductions(names, workers, note=_say, progress=progress)
    finally:
        progress.close()
    if not batch.good:
        batch.spool.close()
        raise typer.Exit(2)
    if offline:  # said once something was read, as the in-memory path says it
        _say("使用离线规则引擎（使用了 --offline）")
    if batch.forms == 0:
        batch.spool.close()
        fail("输入中没有绩效自评表，无法分析扣分 (no self-evaluation forms in the input)")
    report = batch.report(None if offline else client, jobs=llm_jobs, note=_say)
    with contextlib.closing(report):
        if client is not None and not offline:
            report.notes.extend(client.log.notes)  # type: ignore[attr-defined]
        for line in report.notes:
            _say(line)
        _render(report, format, output)
    return batch.bad


def _render(report, format: DeductionFormat, output: Path | None) -> None:
    from drafter.cli import emit_table, write_binary, write_output

    if format == DeductionFormat.json:
        from drafter.render.deductions import report_json_chunks
        write_output(report_json_chunks(report), output)
    elif format == DeductionFormat.markdown:
        from drafter.render.deductions import report_markdown_chunks
        write_output((c.encode("utf-8") for c in report_markdown_chunks(report)), output)
    elif format == DeductionFormat.html:
        from drafter.render.report_html import report_html_chunks
        write_output((c.encode("utf-8") for c in report_html_chunks(report)), output)
        if output is not None:
            _say(f"已写入 {output}")
    elif format == DeductionFormat.xlsx:
        import tempfile

        from drafter.render.deductions import write_xlsx
        with tempfile.TemporaryFile(prefix="drafter-xlsx-") as fh:
            write_xlsx(report, fh)
            fh.seek(0)
            write_binary(fh, output)
    else:
        from drafter.render.deductions import table_parts
        emit_table(lambda console: table_parts(report, console), output, width=160)
