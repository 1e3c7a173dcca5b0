"""Review and parse workbooks written file by file (write-only): what a batch's workbook holds.

A batch is made of copies of the seed forms; the workbook is read back with openpyxl and held
against the JSON output of the same run and against the forms as read.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SEEDS
from openpyxl import load_workbook
from typer.testing import CliRunner

from drafter.cli import app
from drafter.read import read_file
from drafter.render.xlsx import FormsWorkbook, write_forms_xlsx

runner = CliRunner()


def _batch(tmp_path, copies: int):
    folder = tmp_path / "batch"
    folder.mkdir()
    for k in range(copies):
        for path in SEEDS.values():
            shutil.copyfile(path, folder / f"{k:03d}_{path.name}")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_review_workbook_of_a_batch_matches_its_json(tmp_path, jobs):
    folder = _batch(tmp_path, 3)
    out, js = tmp_path / "review.xlsx", tmp_path / "review.json"
    for fmt, target in (("xlsx", out), ("json", js)):
        result = runner.invoke(app, ["review", str(folder), "-f", fmt, "-o", str(target), "--fail-on", "never",
                                     "--jobs", jobs])
        assert result.exit_code == 0, result.output
    report = json.loads(js.read_text(encoding="utf-8"))
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "审核意见"
    one_copy = sum(len(read_file(p)) for p in SEEDS.values())
    assert len(wb.sheetnames) - 1 == report["summary"]["forms"] == 3 * one_copy

    rows = [[c.value for c in r] for r in wb["审核意见"].iter_rows(min_row=2)]
    assert len(rows) == len(report["findings"])
    by_level = {"错误": "error", "警告": "warning", "提示": "info"}
    counted = {sev: sum(1 for r in rows if by_level[r[3]] == sev) for sev in by_level.values()}
    assert counted == report["summary"]["by_severity"]
    assert [r[2] for r in rows] == [f["code"] for f in report["findings"]]

    # One comment per flagged indicator row, on the sheet of the form it belongs to.
    flagged = {(f["source"], f["form_index"], f["indicator_index"]) for f in report["findings"]
               if f["indicator_index"] is not None}
    comments = sum(1 for ws in wb.worksheets[:-1] for r in ws.iter_rows() for c in r if c.comment)
    assert comments == len(flagged)

    # The third copy of 机房电费 (target_2023): its own sheet, its own values and comments.
    power = wb["机房电费(3)"]
    values = {r[2].value: r[3].value for r in power.iter_rows() if len(r) > 3}
    assert values["管理人员满意度"] == "90"
    note = next(c.comment.text for r in power.iter_rows() for c in r if c.comment and c.value == "管理人员满意度")
    assert "T09" in note


def test_parse_workbook_of_a_batch_has_every_form_in_order(tmp_path):
    folder = _batch(tmp_path, 2)
    out = tmp_path / "forms.xlsx"
    result = runner.invoke(app, ["parse", str(folder), "-f", "xlsx", "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    forms = [f for path in sorted(folder.iterdir()) for f in read_file(path)]
    wb = load_workbook(out)
    assert len(wb.sheetnames) == len(forms) == 2 * sum(len(read_file(p)) for p in SEEDS.values())
    first = wb.worksheets[0]
    assert first.title == "公房资产监管" and first.freeze_panes == "A16"
    assert first.column_dimensions["C"].width == 36
    top = next(r[0].row for r in first.iter_rows() if r[0].value == "一级指标")
    assert first.cell(top + 1, 4).value == "=3.00(项)" and first.cell(top + 1, 4).data_type == "s"
    assert f"A{top + 1}:A{top + 12}" in {str(r) for r in first.merged_cells.ranges}
    # A workbook drafter wrote reads back as the forms it was written from.
    back = read_file(out)
    assert [(f.project_name, len(f.indicators)) for f in back] == [(f.project_name, len(f.indicators)) for f in forms]


def test_review_xlsx_without_output_fails_before_reading(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("会议纪要，没有指标表。", encoding="utf-8")
    result = runner.invoke(app, ["review", str(SEEDS["target_2023"]), str(notes), "-f", "xlsx"])
    # One line about -o: the batch was not read (nothing about notes.txt, no summary).
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "-o" in lines[0], result.stderr


def test_comments_stay_on_their_sheets_across_many_parts(tmp_path):
    from dataclasses import dataclass

    @dataclass
    class F:
        form_index: int
        indicator_index: int
        code: str
        severity: str = "warning"
        message: str = "说明"
        suggestion: str | None = None
        indicator_name: str | None = None

    form = read_file(SEEDS["target_2023"])[0]
    path = tmp_path / "many.xlsx"
    with open(path, "wb") as fh:
        # Part k flags indicator k % n: each sheet's one comment names its own part.
        n = len(form.indicators)
        write_forms_xlsx(((([form]), [F(0, k % n, f"X{k:03d}")]) for k in range(60)), fh)
    wb = load_workbook(path)
    assert len(wb.sheetnames) == 61 and wb.sheetnames[-1] == "审核意见"
    for k, ws in enumerate(wb.worksheets[:-1]):
        notes = [(c.value, c.comment.text) for r in ws.iter_rows() for c in r if c.comment]
        assert notes == [(form.indicators[k % n].name, f"[X{k:03d} warning] 说明")]


def test_an_interrupted_workbook_leaves_no_temporary_files(tmp_path):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    forms = read_file(SEEDS["target_2024"])
    before = set(ALL_TEMP_FILES)

    def parts():
        yield forms, []
        yield forms, []
        raise KeyboardInterrupt

    with open(tmp_path / "never.xlsx", "wb") as fh, pytest.raises(KeyboardInterrupt):
        write_forms_xlsx(parts(), fh)
    assert set(ALL_TEMP_FILES) <= before


def test_closed_sheets_let_go_of_their_settings():
    form = read_file(SEEDS["target_2023"])[0]
    book = FormsWorkbook()
    book.add([form, form])
    first, second = book._book.wb.worksheets
    assert first.page_setup is second.page_setup and first.views is second.views
    book.discard()
