"""Command line: wires readers, rules, store and tasks to terminals and files.

Heavy libraries (chromadb, openai, instructor, openpyxl) are imported inside commands so that
`drafter --help` starts fast. Every user-facing failure is an InputError: one line, exit 2.
"""

from __future__ import annotations

import contextlib
import io
import sys
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, List, NoReturn, Optional

import typer
import typer.core

from drafter.errors import InputError, quote_name


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors as one ``drafter:`` line pointing at --help, not Click's multi-line box.

    Click prints usage, a hint and the error over several lines (Typer in a Rich panel), which
    breaks the one-line-on-stderr promise that scripts and the other errors keep.
    """

    def main(self, args: Optional[List[str]] = None, prog_name: Optional[str] = None,  # type: ignore[override]
             complete_var: Optional[str] = None, standalone_mode: bool = True, **extra: Any) -> Any:
        # Typer ≥ 0.20 carries its own copy of Click: its exceptions, not the click package's.
        click = getattr(typer.core, "_click", None) or __import__("click")
        help_error = getattr(click.exceptions, "NoArgsIsHelpError", ())

        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
        except help_error as e:
            e.show()  # `drafter` alone: the help text is the answer, as before
            sys.exit(e.exit_code)
        except click.exceptions.ClickException as e:
            from drafter.errors import one_line
            ctx = getattr(e, "ctx", None)
            where = ctx.command_path if ctx is not None else "drafter"
            message = " ".join(e.format_message().split())
            typer.echo(f"drafter: {one_line(message)}（用法见 {where} --help）", err=True)
            sys.exit(e.exit_code)
        except typer.Abort:
            typer.echo("drafter: 已中断 (aborted)", err=True)
            sys.exit(1)
        # Without standalone mode Typer returns the exit code of typer.Exit, or the command's None;
        # Ctrl-C comes back as 130 with nothing said (Typer's Click turns KeyboardInterrupt into it).
        if rv == 130:
            typer.echo("drafter: 已中断 (interrupted)", err=True)
        sys.exit(rv if isinstance(rv, int) else 0)

from drafter.jobs import jobs_option

app = typer.Typer(
    cls=_OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    help="drafter: 绩效目标与绩效指标的起草、审核与扣分分析工具 (draft and review budget-performance indicators).",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    verbose: bool = typer.Option(False, "--verbose", "-v",
                                 help="在 stderr 输出调试日志，密钥已脱敏 (debug log on stderr, keys masked)"),
) -> None:
    """drafter: 绩效目标与绩效指标的起草、审核与扣分分析工具。"""
    from drafter.verbose import configure
    configure(verbose)


class Format(str, Enum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"drafter: {safe(message)}", err=True)
    raise typer.Exit(code)


def safe(message: str) -> str:
    """An error line with any key it quotes masked: a key pasted into the wrong variable, say."""
    from drafter.llm.scrub import register_env_secrets, scrub
    from drafter.errors import one_line
    register_env_secrets()
    # One line whatever the message quotes: a file name may contain a newline.
    return one_line(scrub(message) or "")


def stdout_console():
    from rich.console import Console
    return Console(width=None if sys.stdout.isatty() else 120)


# Files this run read; an -o naming one of them would replace a user's form with a report.
_inputs: set[Path] = set()


def note_input(path: "Path | str") -> None:
    """Remember a file this run reads (a form, --config, --from): -o must not replace it."""
    with contextlib.suppress(OSError, RuntimeError):  # a symlink loop: the reader says so
        _inputs.add(Path(path).resolve())


def _refuse_input_as_output(output: Path) -> None:
    try:
        target = output.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, before Python 3.13
        return
    if target in _inputs:
        fail(f"{quote_name(output)}: 输出文件就是输入文件，拒绝覆盖 (output would overwrite an input file)")


def write_output(text: "str | bytes | Iterable[bytes]", output: Optional[Path]) -> None:
    """Write to stdout, or to a file atomically (temp file + rename): never half a file.

    ``bytes`` or an iterable of ``bytes`` are UTF-8 text already (large JSON reports), written
    piece by piece without joining them; a final newline is added when missing.
    """
    chunks = _ending_in_newline([text.encode("utf-8")] if isinstance(text, str) else
                                [text] if isinstance(text, bytes) else text)
    if output is None:
        sys.stdout.flush()
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    _refuse_input_as_output(output)
    from drafter.atomic import write_bytes_atomic
    try:
        write_bytes_atomic(output, chunks)
    except OSError as e:
        fail(f"{quote_name(output)}: 无法写入输出文件 (cannot write: {e.strerror})")


def _ending_in_newline(chunks: "Iterable[bytes]") -> "Iterator[bytes]":
    last = b"\n"
    for chunk in chunks:
        if chunk:
            last = chunk[-1:]
            yield chunk
    if last != b"\n":
        yield b"\n"


def emit_table(render, output: Optional[Path], width: int = 120) -> None:
    """Print a Rich rendering to the terminal, or write it to ``output`` at a fixed width.

    ``render(console)`` draws onto the console it is given, so one function serves both. It may
    instead return the parts to draw (renderables, in order): each part is then printed and
    written out before the next is made, to the terminal or through the temp file behind
    ``output``, so a long listing is never held whole.
    """
    if output is None:
        console = stdout_console()
        for part in render(console) or ():
            console.print(part)
        return
    from rich.console import Console
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=False)

    def chunks() -> Iterator[bytes]:
        for part in render(console) or ():
            console.print(part)
            yield _drained(buf)
        yield _drained(buf)

    write_output(chunks(), output)


def _drained(buf: io.StringIO) -> bytes:
    text = buf.getvalue()
    buf.seek(0)
    buf.truncate()
    return text.encode("utf-8")


def write_binary(data: bytes | BinaryIO, output: Path | None) -> None:
    """Binary formats (xlsx) go to a file, whole or not at all; never to a terminal.

    ``data`` may be an open file (a workbook written to a temporary file), copied in pieces.
    """
    if output is None:
        fail("xlsx 格式需要用 -o 指定输出文件 (--format xlsx needs -o FILE)")
    _refuse_input_as_output(output)
    from drafter.atomic import write_bytes_atomic
    chunks = data if isinstance(data, bytes) else iter(lambda: data.read(1 << 20), b"")
    try:
        write_bytes_atomic(output, chunks)
    except OSError as e:
        fail(f"{quote_name(output)}: 无法写入输出文件 (cannot write: {e.strerror})")
    typer.echo(f"已写入 {quote_name(output)}", err=True)


def read_files(paths: List[str]) -> List[str]:
    """The files ``paths`` name (directories expanded), each remembered as an input; exit 2 if none."""
    return [str(f) for f in _input_files(paths)]


def _input_files(paths: List[str]) -> List[Path]:
    """Files and folders expanded, the files no reader takes named on stderr; exit 2 if none."""
    from drafter.read import expand_paths
    skipped: list[Path] = []
    files = expand_paths(paths, skipped)
    note_skipped(skipped)
    if not files:
        fail("没有找到输入文件 (no input files)")
    for f in files:
        note_input(f)
    return files


# The start of the reader's "no form" error, whatever reason follows it.
NO_FORM = "未找到绩效目标表或自评表"
# Files the model read (--llm-read), by source: what a front end shows about where rows came from.
read_by_model: dict = {}


def read_sources(paths: List[str], llm_read=None, jobs: int = 1):
    """(source, forms) for every readable file; bad files reported, exit 2 if none was good.

    With ``llm_read`` (an LLM client), files in which the reader found no form are read by the
    model (drafter.extraction); rows it cannot show in the text are dropped and reported.
    """
    from drafter.services.sources import read_named
    files = _input_files(paths)
    results: list = []
    unread: list[tuple[int, str]] = []
    for f in files:
        got = read_named([(f, str(f))])
        results.extend(got.good or got.bad)
        if not got.good and llm_read is not None and NO_FORM in got.bad[0]:
            unread.append((len(results) - 1, str(f)))
    if unread:
        _read_with_model(results, unread, llm_read, jobs)
    good = [r for r in results if isinstance(r, tuple)]
    bad = [r for r in results if isinstance(r, str)]
    for line in bad:
        typer.echo(f"drafter: {safe(line)}", err=True)
    if not good:
        raise typer.Exit(2)
    return good, bad


def _read_with_model(results: list, unread: "List[tuple[int, str]]", client, jobs: int) -> None:
    from drafter.extraction import read_with_model
    reads = read_with_model([source for _, source in unread], client, jobs=jobs)
    for (i, _), r in zip(unread, reads):
        say = lambda m: typer.echo(f"drafter: {safe(m)}", err=True)  # noqa: E731
        if r.error is not None or not r.forms:
            say(f"{r.source}: 大模型也没有读出表单（{r.error or '原文中找不到它给出的指标'}）")
            continue
        read_by_model[r.source] = r
        results[i] = (r.source, r.forms)
        say(f"{r.source}: 读取器未找到表单，由大模型 {client.settings.model} 读取：{len(r.forms)} 张表、{r.rows} 行指标来自大模型，"
            f"名称和数值均已核对出现在原文中" + ("（文件过长，只读了开头部分）" if r.cut else ""))
        if r.dropped:
            shown = "；".join(r.dropped[:8]) + (f" 等 {len(r.dropped)} 项" if len(r.dropped) > 8 else "")
            say(f"{r.source}: 丢弃大模型给出、原文中找不到的内容：{shown}")


def llm_read_client(enabled: bool, offline: bool, no_cache: bool):
    """The client for --llm-read, or None (with one line saying why when it was asked for)."""
    if not enabled:
        return None
    if offline:
        typer.echo("drafter: 使用了 --offline：--llm-read 不调用大模型", err=True)
        return None
    from drafter.llm.profiles import ConfigError, resolve
    try:
        settings, reason = resolve()
    except ConfigError as e:
        fail(str(e))
        return None
    if settings is None:
        typer.echo(f"drafter: 没有配置大模型（{reason}），--llm-read 不可用，只用读取器", err=True)
        return None
    from drafter.llm.client import LLMClient
    return LLMClient(settings, use_cache=not no_cache)


def note_skipped(skipped: List[Path]) -> None:
    """Say on stderr which files in the folders given were not read, and why."""
    from drafter.read import skipped_note
    line = skipped_note(skipped)
    if line:
        typer.echo(f"drafter: {safe(line)}", err=True)


@app.command()
def parse(
    paths: List[str] = typer.Argument(..., help="表单文件或目录 (files or directories)"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table | json"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="写入文件 (write to file)"),
    explain: bool = typer.Option(False, "--explain",
                                 help="逐行说明读成了什么及原因 (each line: what the reader took it for, and why)"),
    llm_read: bool = typer.Option(False, "--llm-read", help="读取器找不到表单时由大模型读取（只保留原文中出现的名称和数值）"),
    offline: bool = typer.Option(False, "--offline", help="不调用大模型"),
    jobs: Optional[int] = jobs_option(),
    no_cache: bool = typer.Option(False, "--no-cache", help="不使用 LLM 响应缓存"),
) -> None:
    """读取表单并显示 (read forms and print them)."""
    if explain:
        _explain(paths, output)
        return
    if format == Format.xlsx and output is None:  # said before the batch is read, not after
        fail("xlsx 格式需要用 -o 指定输出文件 (--format xlsx needs -o FILE)")
    from drafter.jobs import resolve_jobs
    from drafter.model import ParsedFile
    from drafter.render.forms import forms_json, print_forms_table
    try:
        workers = resolve_jobs(jobs)
    except InputError as e:
        fail(str(e))
    reader = llm_read_client(llm_read, offline, no_cache)
    if reader is None:
        _parse_streamed(paths, format, output, jobs)
        return
    # The model reads the files the reader finds no form in: that batch is read whole.
    good, bad = read_sources(paths, reader, workers)
    parsed = [ParsedFile(source=src, forms=forms, read_by=_model_reader(src),
                         dropped=_dropped(src)) for src, forms in good]
    if format == Format.json:
        write_output(forms_json(parsed), output)
    elif format == Format.xlsx:
        from drafter.render.xlsx import forms_to_xlsx
        write_binary(forms_to_xlsx([f for p in parsed for f in p.forms]), output)
    else:
        emit_table(lambda console: print_forms_table(parsed, console), output, width=160)
    if bad:
        raise typer.Exit(2)


def _parse_streamed(paths: list[str], format: Format, output: Path | None, jobs: int | None) -> None:
    """`parse` file by file in ``--jobs`` processes: each file's part is written as it is read."""
    from drafter.batch import process_jobs
    from drafter.model import ParsedFile
    from drafter.progress import BatchProgress
    from drafter.render.forms import forms_json_chunks, print_file_forms
    from drafter.services.parse import ParsedBatch, forms_of

    try:
        workers = process_jobs(jobs)
    except InputError as e:
        fail(str(e))
    files = read_files(paths)

    def say(message: str) -> None:
        typer.echo(f"drafter: {safe(message)}", err=True)

    # A bar on stderr while tables go to the same terminal would tear both: only with -o.
    progress = BatchProgress(len(files), enabled=None if output is not None else False)
    batch = ParsedBatch(files, workers, note=say, progress=progress)

    def none_read() -> None:
        # Raised from inside the writer: a report file is not created, stdout got nothing yet.
        progress.close()
        if not batch.good:
            raise typer.Exit(2)

    def json_items() -> Iterator[str]:
        for p in batch:
            yield p.json_item
        none_read()  # before forms_json_chunks closes the document

    try:
        if format == Format.json:
            write_output((c.encode("utf-8") for c in forms_json_chunks(json_items())), output)
        elif format == Format.xlsx:
            # Written form by form in write-only mode to a temporary file; copied to -o only once
            # every file is done, so an interrupted or empty run leaves no workbook behind.
            import tempfile
            from drafter.render.xlsx import write_forms_xlsx
            with tempfile.TemporaryFile(prefix="drafter-xlsx-") as fh:
                write_forms_xlsx(((forms_of(p), ()) for p in batch), fh)
                none_read()
                fh.seek(0)
                write_binary(fh, output)
        elif output is None:
            console = stdout_console()
            for p in batch:
                print_file_forms(ParsedFile(source=p.source, forms=forms_of(p)), console)
            none_read()
        else:
            import io
            from rich.console import Console

            def rendered() -> Iterator[str]:
                for p in batch:
                    buf = io.StringIO()
                    print_file_forms(ParsedFile(source=p.source, forms=forms_of(p)),
                                     Console(file=buf, width=160, force_terminal=False))
                    yield buf.getvalue()
                none_read()
            write_output((c.encode("utf-8") for c in rendered()), output)
    finally:
        progress.close()
    if batch.bad:
        raise typer.Exit(2)


def _model_reader(source: str) -> Optional[str]:
    r = read_by_model.get(source)
    return None if r is None else "llm"


def _dropped(source: str) -> Optional[List[str]]:
    r = read_by_model.get(source)
    return None if r is None else list(r.dropped)


def _explain(paths: List[str], output: Optional[Path]) -> None:
    """Every line of every input with the role the reader gave it; exit 2 if a file gave no form."""
    from drafter.read import expand_paths, read_file, read_bytes
    from drafter.read.decode import decode_bytes
    from drafter.read.explain import explain_rows, explain_text
    from drafter.read.kinds import office_rows
    files = expand_paths(paths)
    if not files:
        fail("没有找到输入文件 (no input files)")
    out: list[str] = []
    failed = False
    for f in files:
        out.append(f"== {f}")
        try:
            forms = read_file(f)
            n = sum(len(x.indicators) for x in forms)
            summary = f"读到 {len(forms)} 张表、{n} 项指标 (read {len(forms)} forms, {n} indicators)"
        except InputError as e:
            forms, failed = [], True
            summary = str(e)
            typer.echo(f"drafter: {safe(summary)}", err=True)
        try:
            data = read_bytes(Path(f), str(f))
            # Workbooks, PDFs, Word files and scans: the rows each part gave the table reader.
            parts = office_rows(data, Path(f).suffix.lower(), str(f))
            if parts is not None:
                from drafter.read.text import read_rows
                for name, rows, aligned in parts:
                    out.append(f"-- {name}")
                    out.extend(_explained_lines(explain_rows(rows, read_rows(rows, aligned=aligned))))
                out.append(f"   {summary}")
                continue
            text = decode_bytes(data, str(f))
        except InputError as e:
            out.append(f"   {e}")
            out.append(f"   {summary}")
            continue
        out.extend(_explained_lines(explain_text(text, forms)))
        out.append(f"   {summary}")
    write_output("\n".join(out), output)
    if failed:
        raise typer.Exit(2)


def _explained_lines(explained: Iterable) -> list[str]:
    from drafter.read.explain import ROLE_ZH
    out = []
    for e in explained:
        line = " ".join(e.text.split())
        line = line if len(line) <= 60 else line[:59] + "…"
        out.append(f"{e.line:>5}  {ROLE_ZH[e.role]}({e.role})  {e.why}  | {safe(line)}")
    return out


def _register_extensions() -> None:
    """Commands that live in their own modules (review, store, …) add themselves here."""
    import importlib
    for name in ("drafter.cli_review", "drafter.cli_store", "drafter.cli_draft",
                 "drafter.cli_deductions", "drafter.cli_serve"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.register(app)


_register_extensions()


def main() -> None:
    try:
        app()
    except InputError as e:
        typer.echo(f"drafter: {safe(str(e))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("drafter: 已中断 (interrupted)", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
