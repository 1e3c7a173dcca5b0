"""Excel in and out: round trips of the seed forms, hand-made workbooks, malformed ones."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from conftest import SEEDS
from drafter.cli import app
from drafter.read import read_file
from drafter.render.xlsx import forms_to_xlsx

runner = CliRunner()


def _key(forms):
    return [(f.kind, f.project_name, [(i.level1, i.level2, i.name, i.op, i.value, i.unit, i.weight,
                                       i.score, i.actual_raw) for i in f.indicators]) for f in forms]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_seed_round_trips_through_xlsx(tmp_path, seed):
    forms = read_file(SEEDS[seed])
    path = tmp_path / "forms.xlsx"
    path.write_bytes(forms_to_xlsx(forms))
    back = read_file(path)
    assert _key(back) == _key(forms)
    assert [(f.agency, f.year) for f in back] == [(f.agency, f.year) for f in forms]


def test_written_workbook_has_merged_levels_and_standard_columns(tmp_path):
    forms = read_file(SEEDS["target_2024"])
    path = tmp_path / "forms.xlsx"
    path.write_bytes(forms_to_xlsx(forms))
    ws = load_workbook(path).worksheets[0]
    assert ws.title == "公房资产监管"
    merged = {str(r) for r in ws.merged_cells.ranges}
    values = [[c.value for c in row] for row in ws.iter_rows()]
    top = next(i for i, r in enumerate(values, start=1) if r[:4] == ["一级指标", "二级指标", "三级指标", "年度指标值"])
    assert f"A{top + 1}:A{top + 12}" in merged  # 产出指标 over its 12 rows
    assert f"B{top + 1}:B{top + 4}" in merged  # 数量指标 over its 4 rows
    assert ws.cell(top + 1, 4).value == "=3.00(项)" and ws.cell(top + 1, 4).data_type == "s"


def _hand_made(tmp_path, numbers_as_text: bool):
    wb = Workbook()
    ws = wb.active
    ws.append(["2025年度项目支出绩效目标申报表"])
    ws.append(["项目名称", "老旧小区加装电梯补贴", None, "主管部门", "某市住房和城乡建设局"])
    ws.append(["实施单位", "某区房屋管理中心", None, "年度资金总额（万元）", 1200])
    ws.append(["年度总体目标", "完成120台加装电梯补贴发放"])
    ws.append([])
    ws.append(["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"])
    rows = [
        ["产出指标", "数量指标", "补贴电梯台数", "≥", 120, "台", 20],
        [None, None, "现场核查户数", "≥", 300, "户", 10],
        [None, "质量指标", "验收合格率", "=", 100, "%", 20],
        [None, "时效指标", "补贴发放时限", "≤", 30, "个工作日", 10],
        ["效益指标", "社会效益指标", "老年人出行便利程度", "定性", "明显改善", None, 20],
        ["满意度指标", "服务对象满意度指标", "居民满意度", "≥", 90, "%", 20],
    ]
    for r in rows:
        ws.append([str(v) if numbers_as_text and isinstance(v, int) else v for v in r])
    top = 7
    ws.merge_cells(f"A{top}:A{top + 3}")
    ws.merge_cells(f"B{top}:B{top + 1}")
    path = tmp_path / f"hand-{numbers_as_text}.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("numbers_as_text", [False, True])
def test_hand_made_workbook_with_merged_cells_and_separate_columns(tmp_path, numbers_as_text):
    (form,) = read_file(_hand_made(tmp_path, numbers_as_text))
    assert (form.project_name, form.department, form.agency, form.year) == \
        ("老旧小区加装电梯补贴", "某市住房和城乡建设局", "某区房屋管理中心", 2025)
    got = [(i.level1, i.level2, i.name, i.op, i.value, i.unit, i.weight) for i in form.indicators]
    assert got[:4] == [
        ("产出指标", "数量指标", "补贴电梯台数", "≥", 120.0, "台", 20.0),
        ("产出指标", "数量指标", "现场核查户数", "≥", 300.0, "户", 10.0),
        ("产出指标", "质量指标", "验收合格率", "=", 100.0, "%", 20.0),
        ("产出指标", "时效指标", "补贴发放时限", "≤", 30.0, "个工作日", 10.0),
    ]
    assert form.indicators[4].qualitative == "明显改善"
    assert got[5] == ("满意度指标", "服务对象满意度指标", "居民满意度", "≥", 90.0, "%", 20.0)


def test_cli_parse_to_xlsx_and_back(tmp_path):
    out = tmp_path / "form.xlsx"
    result = runner.invoke(app, ["parse", str(SEEDS["target_2023"]), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["parse", str(out), "--format", "json"])
    assert result.exit_code == 0 and "机房电费" in result.stdout


def test_xlsx_needs_an_output_file():
    result = runner.invoke(app, ["parse", str(SEEDS["target_2023"]), "--format", "xlsx"])
    assert result.exit_code == 2 and "-o" in result.stderr


@pytest.mark.parametrize("make", ["not_zip", "zip_not_xlsx", "no_table"])
def test_malformed_workbooks_exit_2_with_one_line(tmp_path, make):
    path = tmp_path / "bad.xlsx"
    if make == "not_zip":
        path.write_bytes(b"this is not a workbook at all")
    elif make == "zip_not_xlsx":
        import zipfile
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("hello.txt", "hi")
    else:
        wb = Workbook()
        wb.active.append(["会议纪要", "无指标"])
        wb.save(path)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output


def test_review_to_xlsx_puts_findings_on_their_rows(tmp_path):
    out = tmp_path / "review.xlsx"
    result = runner.invoke(app, ["review", str(SEEDS["target_2024"]), str(SEEDS["target_2023"]),
                                 "--format", "xlsx", "-o", str(out), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "审核意见" and len(wb.sheetnames) == 5 + 6 + 1
    findings = wb["审核意见"]
    rows = [[c.value for c in r] for r in findings.iter_rows(min_row=2)]
    assert any(r[0] == "机房电费" and r[2] == "T09" for r in rows)  # satisfaction "90" has no %
    power = wb["机房电费"]
    commented = {c.value: c.comment.text for r in power.iter_rows() for c in r if c.comment}
    assert "T09" in commented["管理人员满意度"]


def test_offline_draft_to_xlsx_keeps_basis_evidence_and_refs(tmp_path):
    out = tmp_path / "draft.xlsx"
    result = runner.invoke(app, ["draft", "--name", "老旧小区物业服务测评", "--goal",
                                 "完成测评报告1份，开展物业企业培训4次", "--funds", "120", "--year", "2025",
                                 "--offline", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (form,) = read_file(out)
    assert form.project_name == "老旧小区物业服务测评" and form.year == 2025
    assert form.indicators and all(i.refs and i.basis and i.evidence for i in form.indicators)
    assert {i.level1 for i in form.indicators} >= {"产出指标", "效益指标", "满意度指标", "成本指标"}
