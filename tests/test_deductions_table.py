"""`drafter deductions -f table`: the rows printed a page at a time, the columns lined up throughout.

The table is read back the way a person reads it (column positions from the header, folded
lines joined into their row) and compared with the JSON report of the same input: every row
once, in order, on pages that all carry the first page's header. Writing to ``-o`` goes through
a temp file: a run that fails after a page has been written leaves no output file behind.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import CORPUS
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

import drafter.render.deductions as render
from drafter.cli import app
from drafter.deductions.records import Deduction

COLUMNS = ["项目", "指标", "分值", "得分", "失分", "类别", "偏差原因", "问题"]
TITLES = (render.DETAIL_TITLE, render.DETAIL_CONTINUED)
PTS = r"(?:\d+\.\d\d|—)"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def _copies(tmp_path: Path, copies: int) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for c in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copyfile(f, folder / f"{c:02d}_{f.name}")
    return folder


def _json_rows(*inputs: str) -> tuple[list[tuple[str, str, str, str, str]], dict]:
    r = invoke("deductions", *inputs, "--offline", "-f", "json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    rows = []
    for item in report["deductions"]:
        d = Deduction.model_validate(item)
        rows.append((_bare(render.project_label(d)), _bare(d.indicator_label),
                     render.pts(d.weight), render.pts(d.score), render.pts(d.lost)))
    return rows, report["summary"]


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cells(line: str) -> list[str]:
    """The line as terminal cells: a wide (CJK) character fills its cell and leaves the next empty."""
    out: list[str] = []
    for ch in line:
        out += [ch] + [""] * (cell_len(ch) - 1)
    return out


def read_pages(text: str) -> list[dict]:
    """Each page of the detail table: its title, header line and rows (project, indicator, points)."""
    lines = text.splitlines()
    pages = []
    k = 0
    while k < len(lines):
        title = lines[k].strip()
        if title not in TITLES:
            k += 1
            continue
        assert lines[k + 1].strip() == "", "a blank edge under the title"
        header = lines[k + 2]
        assert header.split() == COLUMNS
        assert set(lines[k + 3].strip()) == {"━"}
        # Left-aligned headers start (in cells) where their column's text starts.
        starts = {name: cell_len(header[:header.index(name)]) for name in ("项目", "指标", "类别")}
        rows: list[list[str]] = []
        k += 4
        while k < len(lines) and lines[k].strip():
            c = _cells(lines[k])
            project = "".join(c[starts["项目"]:starts["指标"]]).strip()
            middle = "".join(c[starts["指标"]:starts["类别"]]).strip()
            first = re.fullmatch(rf"(.*?)\s*({PTS})\s+({PTS})\s+({PTS})", middle)
            if first:  # a row starts: its points are on its first line
                rows.append([project, first.group(1), first.group(2), first.group(3), first.group(4)])
            else:
                assert rows, f"a continuation line before any row: {lines[k]!r}"
                rows[-1][0] += project
                rows[-1][1] += middle
            k += 1
        pages.append({"title": title, "header": header,
                      "rows": [(_bare(p), _bare(i), w, s, lost) for p, i, w, s, lost in rows]})
    return pages


def _headline(summary: dict) -> str:
    return (f"分析自评表 {summary['forms']} 张，其中 {summary['forms_with_deductions']} 张有扣分；"
            f"扣分 {summary['count']} 处，共失分 {render.pts(summary['total_lost'])} 分。")


@pytest.mark.parametrize("to_file", [True, False], ids=["-o", "stdout"])
def test_a_small_report_is_one_table(tmp_path, to_file):
    expected, summary = _json_rows(str(CORPUS))
    out = tmp_path / "out.txt"
    r = invoke("deductions", str(CORPUS), "--offline", *(["-o", str(out)] if to_file else []))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8") if to_file else r.stdout
    lines = text.splitlines()
    assert lines[0] == _headline(summary)
    assert lines[1] == "分类与措施：离线规则引擎。"
    pages = read_pages(text)
    assert [p["title"] for p in pages] == [render.DETAIL_TITLE]
    assert pages[0]["rows"] == expected and len(expected) == summary["count"] > 0
    # A row of the corpus's 2024 self-evaluation, as printed on the form.
    assert ("市场监督管理", "房地产估价师注册工作完成数", "5.00", "4.00", "1.00") in expected
    assert "按原因类别" in text and "按实施单位" in text
    assert lines[-1] == f"合计失分 {render.pts(summary['total_lost'])} 分。改进措施见 --format markdown / html / xlsx。"
    width = 160 if to_file else 120
    assert max(cell_len(line) for line in lines) <= width


def test_a_long_report_is_printed_page_by_page_with_every_row_once(tmp_path, monkeypatch):
    folder = _copies(tmp_path, 2)
    expected, summary = _json_rows(str(folder))
    page = len(expected) // 3 - 1  # three full pages and a short one
    monkeypatch.setattr(render, "TABLE_PAGE_ROWS", page)
    out = tmp_path / "out.txt"
    r = invoke("deductions", str(folder), "--offline", "-o", str(out))
    assert r.exit_code == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    pages = read_pages(text)
    assert [p["title"] for p in pages] == [render.DETAIL_TITLE] + [render.DETAIL_CONTINUED] * 3
    assert [len(p["rows"]) for p in pages] == [page, page, page, len(expected) - 3 * page]
    # The header is the same line on every page: the columns stand where the first page put them.
    assert {p["header"] for p in pages} == {pages[0]["header"]}
    assert [row for p in pages for row in p["rows"]] == expected
    assert text.splitlines()[0] == _headline(summary)
    assert text.count("合计失分") == 1 and text.rstrip().endswith("改进措施见 --format markdown / html / xlsx。")


def test_pages_keep_their_columns_on_a_narrow_terminal(tmp_path):
    # 100 cells cannot hold the columns at their natural width (about 150): Rich narrows them on
    # the first page, and the later pages must keep exactly those widths.
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file

    report = analyse([(str(f), read_file(f)) for f in sorted(CORPUS.glob("*.txt"))])
    buf = io.StringIO()
    console = Console(file=buf, width=100, force_terminal=False)
    for part in render.table_parts(report, console, page_rows=7):
        console.print(part)
    pages = read_pages(buf.getvalue())
    assert len(pages) == -(-len(report.deductions) // 7) > 2
    assert {p["header"] for p in pages} == {pages[0]["header"]}
    assert all(cell_len(line) <= 100 for line in buf.getvalue().splitlines())
    assert [row for p in pages for row in p["rows"]] == [
        (_bare(render.project_label(d)), _bare(d.indicator_label), render.pts(d.weight), render.pts(d.score),
         render.pts(d.lost)) for d in report.deductions]


def _printed(report, page_rows: int, width: int = 160) -> str:
    console = Console(file=io.StringIO(), width=width, force_terminal=False)
    for part in render.table_parts(report, console, page_rows=page_rows):
        console.print(part)
    return console.file.getvalue()


def test_a_page_break_comes_only_with_a_row_beyond_the_page():
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file

    report = analyse([(str(f), read_file(f)) for f in sorted(CORPUS.glob("*.txt"))])
    n = len(report.deductions)
    whole = _printed(report, 10**6)
    assert _printed(report, n) == whole  # exactly a page: the one table as it always was
    pages = read_pages(_printed(report, n - 1))
    assert [len(p["rows"]) for p in pages] == [n - 1, 1]
    assert [row for p in pages for row in p["rows"]] == read_pages(whole)[0]["rows"]


def test_a_page_is_printed_before_the_next_rows_are_read():
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file

    report = analyse([(str(f), read_file(f)) for f in sorted(CORPUS.glob("*.txt"))])
    pulled = []

    def rows():
        for d in report.deductions:
            pulled.append(d)
            yield d

    lazy = SimpleNamespace(summary=report.summary, engine=report.engine, deductions=rows())
    console = Console(file=io.StringIO(), width=120)
    tables_seen = 0
    for part in render.table_parts(lazy, console, page_rows=5):
        if not isinstance(part, str) and part.title in TITLES:
            tables_seen += 1
            # The first page goes out once its rows and one more (which says the table goes on) are read.
            assert len(pulled) == min(5 * tables_seen + 1, len(report.deductions))
    assert tables_seen == -(-len(report.deductions) // 5)


def test_emit_table_writes_each_part_before_making_the_next(tmp_path, monkeypatch):
    from drafter import cli

    made = []

    def render_parts(console):
        for word in ("甲", "乙", "丙"):
            made.append(word)
            yield word

    written = []

    def recording_write_output(chunks, output):
        for chunk in chunks:
            written.append((chunk.decode("utf-8"), len(made)))

    monkeypatch.setattr(cli, "write_output", recording_write_output)
    cli.emit_table(render_parts, tmp_path / "out.txt")
    assert [(text, n) for text, n in written if text] == [("甲\n", 1), ("乙\n", 2), ("丙\n", 3)]


@pytest.mark.parametrize("existing", [True, False], ids=["replaces-a-file", "new-file"])
def test_a_run_failing_after_a_page_leaves_no_output(tmp_path, monkeypatch, existing):
    folder = _copies(tmp_path, 1)
    monkeypatch.setattr(render, "TABLE_PAGE_ROWS", 5)
    calls = []
    real = render.flag_names

    def failing_after_a_page(d):
        calls.append(d)
        if len(calls) > 12:  # two pages laid out and written to the temp file
            raise RuntimeError("磁盘已满")
        return real(d)

    monkeypatch.setattr(render, "flag_names", failing_after_a_page)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.txt"
    if existing:
        out.write_text("上次的报告\n", encoding="utf-8")
    r = invoke("deductions", str(folder), "--offline", "-o", str(out))
    assert isinstance(r.exception, RuntimeError) and len(calls) == 13
    assert sorted(p.name for p in out_dir.iterdir()) == (["report.txt"] if existing else [])
    if existing:
        assert out.read_text(encoding="utf-8") == "上次的报告\n"
