"""`drafter ingest` and `drafter search`: the store's command line.

cli.py calls :func:`register`. Everything heavy (chromadb, numpy, the readers) is imported inside
the commands, so `drafter --help` does not pay for it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, List, Optional

import typer

from drafter.jobs import jobs_option


class OutFormat(str, Enum):
    table = "table"
    json = "json"


class DocKind(str, Enum):
    indicator = "indicator"
    project = "project"
    library = "library"


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("search")(search)


def ingest(
    paths: Optional[List[str]] = typer.Argument(
        None, help="表单文件或目录；省略时导入内置语料 corpus/ (files or directories; default: built-in corpus)"),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="摘要格式 table | json"),
    jobs: Optional[int] = jobs_option(),
) -> None:
    """解析表单并写入向量存储库 (parse forms and embed them into the store).

    省略路径时导入内置语料和指标库（含 DRAFTER_HOME/library/*.jsonl）；.jsonl 文件按指标库导入。
    重复导入同一文件不会新增文档；文件内容变化时替换其旧文档。
    """
    from drafter.cli import fail, note_skipped, write_output
    from drafter.errors import InputError, quote_name
    from drafter.read import expand_paths
    from drafter.resources import corpus_dir, home_dir
    from drafter.store import StoreError
    from drafter.store.lock import store_lock

    from drafter.draft.library import user_library_files
    from drafter.store.ingest import library_sources

    corpus = corpus_dir()
    # Library files (.jsonl) are read here: a malformed row stops the ingest before any write.
    library_files = [Path(p) for p in paths or [] if p.endswith(".jsonl")]
    form_paths = [p for p in paths or [] if not p.endswith(".jsonl")]
    skipped: List[Path] = []
    files = expand_paths(form_paths or ([] if library_files else [str(corpus)]), skipped)
    note_skipped(skipped)
    if not files and not library_files:
        fail("没有找到输入文件 (no input files)")
    try:
        home = home_dir()
        libraries = library_sources(library_files or user_library_files(home), shipped=not paths)
    except InputError as e:
        fail(str(e))
        return
    except OSError as e:
        fail(f"无法使用 DRAFTER_HOME (cannot use DRAFTER_HOME: {e.strerror}: {e.filename})")
        return
    from drafter.batch import process_jobs
    try:
        workers = process_jobs(jobs)
    except InputError as e:
        fail(str(e))
    try:
        with store_lock(home):
            summary = _ingest_locked(files, corpus, home, libraries, workers)
    except (StoreError, InputError) as e:
        fail(str(e))
        return
    except OSError as e:
        fail(f"无法使用 DRAFTER_HOME (cannot use DRAFTER_HOME: {e.strerror}: {e.filename})")
        return
    if summary is None:
        raise typer.Exit(2)
    if format == OutFormat.json:
        import json
        write_output(json.dumps(summary.to_json(), ensure_ascii=False, indent=2), None)
    else:
        _print_summary(summary)
    if summary.skipped:
        # The readable files are in the store; the exit code still says that some were not,
        # like parse, review and deductions do.
        for s in summary.skipped:
            typer.echo(f"drafter: {quote_name(s.source)}: {s.reason}", err=True)
        raise typer.Exit(2)


def _ingest_locked(files: List[Path], corpus: Path, home: Path, libraries: List[Any], jobs: int = 1) -> Any:
    import time

    from drafter.batch import Spool

    started = time.perf_counter()
    # Forms wait on disk between reading (in `jobs` processes) and writing, one file loaded at a time.
    with Spool() as spool:
        summary = _ingest_spooled(files, corpus, home, libraries, jobs, spool)
    if summary is not None:
        summary.seconds = time.perf_counter() - started
    return summary


def _ingest_spooled(files: List[Path], corpus: Path, home: Path, libraries: List[Any], jobs: int,
                    spool: Any) -> Any:
    from drafter.cli import fail
    from drafter.errors import quote_name
    from drafter.store import StoreError, client, embedders
    from drafter.store import ingest as sync

    ef = embedders.embedder_from_env()
    with _progress() as progress:
        reading = progress.add_task("读取表单", total=len(files))
        sources, skipped = sync.parse_files_streamed(files, corpus, spool, jobs,
                                                     on_file=lambda _: progress.advance(reading))
        sources += libraries
        if not sources:
            for s in skipped:
                typer.echo(f"drafter: {quote_name(s.source)}: {s.reason}", err=True)
            return None
        summary = sync.Summary(store=client.location(home), collection=client.collection_name(ef),
                               embedder=getattr(ef, "label", ef.name()), skipped=skipped)
        writing = progress.add_task("写入存储库", total=len(sources))
        try:
            sync.ingest(home, ef, sources, summary, on_source=lambda _: progress.advance(writing))
        except StoreError as e:  # the embedding endpoint, mostly
            fail(str(e) if client.chroma_url() else f"{e}；存储库保持导入前的状态 (store unchanged)")
        except _store_failures() as e:
            remote = client.chroma_url() is not None
            fail(("写入存储库失败，已写入的来源保持一致，重新运行 ingest 即可补齐 " if remote else
                  "写入存储库失败，存储库保持导入前的状态 ")
                 + f"(store write failed: {type(e).__name__}: {' '.join(str(e).split())[:200]})")
    for note in summary.notes:
        typer.echo(f"drafter: {note}", err=True)
    return summary


def search(
    query: str = typer.Argument(..., help="用自然语言描述要找的指标或项目 (what you are looking for)"),
    k: int = typer.Option(10, "-k", "--top", min=1, max=500, help="返回条数 (number of results)"),
    level1: List[str] = typer.Option([], "--level1", help="一级指标，可重复 (repeatable)"),
    level2: List[str] = typer.Option([], "--level2", help="二级指标，可重复 (repeatable)"),
    agency: List[str] = typer.Option([], "--agency", help="实施单位全称，可重复 (repeatable)"),
    year: List[int] = typer.Option([], "--year", help="年度，可重复 (repeatable)"),
    kind: Optional[DocKind] = typer.Option(None, "--kind", help="indicator | project | library"),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f", help="table | json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件 (write to file)"),
) -> None:
    """在存储库中查找相似的历史指标和项目 (similar past indicators and projects)."""
    from drafter.cli import emit_table, fail, write_output
    from drafter.errors import InputError
    from drafter.render.search import print_search_table, search_json
    from drafter.services.search import search as run_search
    from drafter.store import StoreError

    try:
        hits = run_search(query, k, kind=kind.value if kind else None, level1=level1,
                          level2=level2, agency=agency, year=year)
    except (InputError, StoreError) as e:
        fail(str(e))
        return
    if not hits:
        typer.echo("drafter: 没有匹配的结果，可放宽筛选条件 (no matching results)", err=True)
    if format == OutFormat.json:
        write_output(search_json(hits), output)
    elif output is not None or hits:
        emit_table(lambda console: print_search_table(hits, query, console), output, width=160)


def _store_failures() -> tuple[type[BaseException], ...]:
    from drafter.services.search import store_failures
    return store_failures()


def _progress() -> Any:
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn,
                               TextColumn, TimeElapsedColumn)

    console = Console(stderr=True)
    # Off when stderr is a pipe or a log: a bar redrawn into a file is noise.
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True,
                    disable=not console.is_terminal)


def _print_summary(summary: Any) -> None:
    from rich.markup import escape

    from drafter.cli import stdout_console

    c = summary.counts
    console = stdout_console()
    console.print(f"[bold]已写入存储库[/bold] {escape(summary.store)} · 集合 {escape(summary.collection)}"
                  f" · 嵌入 {escape(summary.embedder)}", highlight=False)
    console.print(f"文件 {summary.files} · 表单 {summary.forms} · 指标 {summary.indicators}"
                  f" · 文档 {summary.documents}", highlight=False)
    console.print(f"新增 {c.added} · 更新 {c.updated} · 未变 {c.unchanged} · 删除 {c.removed}"
                  f" · 用时 {summary.seconds:.1f} 秒", highlight=False)
    if summary.skipped:
        console.print(f"[yellow]跳过 {len(summary.skipped)} 个无法读取的文件（原因见 stderr）[/yellow]",
                      highlight=False)
