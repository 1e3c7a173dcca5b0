"""项目性质 and the project period (计划开始日期 / 计划完成日期): read from text and xlsx, kept in JSON
and xlsx output, and accepted back as JSON written by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import SEEDS, find
from openpyxl import Workbook
from typer.testing import CliRunner

from drafter.cli import app
from drafter.dates import deadlines, parse_date
from drafter.read import read_file
from drafter.render.xlsx import forms_to_xlsx

D = dt.date
runner = CliRunner()


def test_seed_2024_prints_nature_and_period_beside_the_category(seed_forms):
    forms = seed_forms["target_2024"]
    assert all((f.planned_start, f.planned_end) == (D(2024, 1, 1), D(2024, 12, 31)) for f in forms)
    assert find(forms, "公房资产监管").project_nature == "其他一次性项目"
    hotline = find(forms, "热线服务保障经费")
    assert (hotline.project_nature, hotline.project_type) == ("其他经常性项目", "特定目标类")


def test_seed_2020_prints_the_nature_under_project_category(seed_forms):
    forms = seed_forms["target_2020"]
    subsidy = find(forms, "对区县住宅配套工程款补助")
    assert subsidy.project_nature == "其他一次性项目"
    assert (subsidy.planned_start, subsidy.planned_end) == (D(2020, 1, 1), D(2020, 12, 31))
    assert find(forms, "网络基础设施").project_nature == "经常性专项业务费"


def test_seed_2023_and_self_evaluations(seed_forms):
    assert find(seed_forms["target_2023"], "机房电费").project_nature == "经常性专项业务费"
    # The self-evaluation seeds print neither field: nothing is invented.
    assert all(f.project_nature is None and f.planned_start is None and f.planned_end is None
               for f in seed_forms["self_eval_2024"])


def test_pasted_text_with_chinese_dates_and_a_month_only_end(tmp_path):
    text = ("项目名称：社区白蚁防治\t项目性质：一次性项目\n"
            "计划开始日期：2024年3月1日\t计划完成日期：2024年12月\n"
            "一级指标\t二级指标\t三级指标\t年度指标值\n"
            "产出指标\t数量指标\t白蚁防治户数\t≥500户\n")
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    [form] = read_file(path)
    assert form.project_nature == "一次性项目"
    assert (form.planned_start, form.planned_end) == (D(2024, 3, 1), D(2024, 12, 31))


def test_nature_and_period_round_trip_through_xlsx(tmp_path, seed_forms):
    forms = seed_forms["target_2024"]
    path = tmp_path / "forms.xlsx"
    path.write_bytes(forms_to_xlsx(forms))
    back = read_file(path)
    assert [(f.project_nature, f.planned_start, f.planned_end) for f in back] == \
        [(f.project_nature, f.planned_start, f.planned_end) for f in forms]


def test_a_workbook_with_real_date_cells(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["项目名称", "老旧小区电梯更新", "项目性质", "其他一次性项目"])
    ws.append(["计划开始日期", dt.datetime(2025, 2, 1), "计划完成日期", dt.datetime(2025, 11, 30)])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值"])
    ws.append(["产出指标", "数量指标", "电梯更新台数", "≥30台"])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    [form] = read_file(path)
    assert (form.project_nature, form.planned_start, form.planned_end) == \
        ("其他一次性项目", D(2025, 2, 1), D(2025, 11, 30))


def test_json_output_carries_the_fields_and_reads_them_back(tmp_path):
    r = runner.invoke(app, ["parse", str(SEEDS["target_2024"]), "--format", "json"])
    assert r.exit_code == 0
    form = json.loads(r.stdout)["forms"][0]
    assert (form["project_nature"], form["planned_start"], form["planned_end"]) == \
        ("其他一次性项目", "2024-01-01", "2024-12-31")
    form["planned_start"], form["planned_end"] = "2024年3月1日", "2024年6月"
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    [back] = read_file(path)
    assert (back.planned_start, back.planned_end) == (D(2024, 3, 1), D(2024, 6, 30))


def test_a_date_that_is_no_date_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"project_name": "x", "planned_end": "明年年底", "indicators": []},
                               ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["review", str(path)])
    assert r.exit_code == 2
    assert "planned_end" in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text, end, expected", [
    ("2024-01-01", False, D(2024, 1, 1)), ("2024/1/5", False, D(2024, 1, 5)), ("2024.03.01", False, D(2024, 3, 1)),
    ("2024年12月", True, D(2024, 12, 31)), ("2024年2月", True, D(2024, 2, 29)), ("20240101", False, D(2024, 1, 1)),
    ("2024-12-31 00:00:00", True, D(2024, 12, 31)),
    ("2024-02-30", False, None), ("2024年12项", False, None), ("全年", False, None),
])
def test_parse_date(text, end, expected):
    assert parse_date(text, end=end) == expected


def test_deadlines_in_values_use_the_form_year_when_unprinted():
    assert deadlines("12月31日前完成", 2024) == [D(2024, 12, 31)]
    assert deadlines("6月底前", 2023) == [D(2023, 6, 30)]
    assert deadlines("年底前完成验收", 2024) == [D(2024, 12, 31)]
    assert deadlines("2025年3月前", 2024) == [D(2025, 3, 31)]
    assert deadlines("≤10个工作日", 2024) == [] and deadlines("12月31日前", None) == []
