"""Input shapes users bring: encodings, pipes, one cell per line, drafter's own JSON, bad files."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from drafter.cli import app
from drafter.errors import InputError
from drafter.read import read_file

runner = CliRunner()

PIPE_TABLE = """# 财政项目支出绩效目标申报表（2025年度）

| 项目名称 | 社区养老服务补贴 | 主管部门 | 某市民政局 |
|---|---|---|---|
| 实施单位 | 某区养老服务中心 | 项目类别 | 特定目标类 |

| 一级指标 | 二级指标 | 三级指标 | 指标值 |
|---|---|---|---|
| 产出指标 | 数量指标 | 补贴发放人数 | ≥1200人 |
| | | 上门服务次数 | ≥5000次 |
| | 质量指标 | 服务合格率 | ≥95% |
| | 时效指标 | 补贴按月发放及时率 | =100% |
| 效益指标 | 社会效益指标 | 老年人生活质量 | 提升 |
| 满意度指标 | 服务对象满意度指标 | 老人满意度 | ≥90% |
"""


def _summary(forms):
    return [(f.project_name, [(i.level1, i.level2, i.name, i.op, i.value, i.unit, i.qualitative)
                              for i in f.indicators]) for f in forms]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_encodings_read_the_same(tmp_path, encoding):
    text = SEEDS["target_2024"].read_text(encoding="utf-8")
    path = tmp_path / f"form-{encoding}.txt"
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    path.write_bytes(data)
    assert _summary(read_file(path)) == _summary(read_file(SEEDS["target_2024"]))


def test_markdown_pipe_table(tmp_path):
    path = tmp_path / "form.md"
    path.write_text(PIPE_TABLE, encoding="utf-8")
    (form,) = read_file(path)
    assert (form.project_name, form.department, form.agency, form.year) == \
        ("社区养老服务补贴", "某市民政局", "某区养老服务中心", 2025)
    assert [(i.level1, i.level2, i.name, i.op, i.value, i.unit) for i in form.indicators][:3] == [
        ("产出指标", "数量指标", "补贴发放人数", "≥", 1200.0, "人"),
        ("产出指标", "数量指标", "上门服务次数", "≥", 5000.0, "次"),
        ("产出指标", "质量指标", "服务合格率", "≥", 95.0, "%"),
    ]
    assert form.indicators[4].qualitative == "提升"


def test_one_cell_per_line_as_copied_from_a_web_page(tmp_path):
    cells = ["项目名称：社区养老服务补贴", "", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量指标", "补贴发放人数", "≥1200人", "上门服务次数", "≥5000次",
             "质量指标", "服务合格率", "≥95%", "满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"]
    path = tmp_path / "web.txt"
    path.write_text("\n".join(cells), encoding="utf-8")
    (form,) = read_file(path)
    assert [(i.level2, i.name, i.value) for i in form.indicators] == [
        ("数量指标", "补贴发放人数", 1200.0), ("数量指标", "上门服务次数", 5000.0),
        ("质量指标", "服务合格率", 95.0), ("服务对象满意度指标", "老人满意度", 90.0)]


def test_blank_lines_between_cells(tmp_path):
    cells = ["项目名称：社区养老服务补贴", "一级指标", "二级指标", "三级指标", "指标值",
             "产出指标", "数量指标", "补贴发放人数", "≥1200人", "时效指标", "补贴发放及时率", "=100%"]
    path = tmp_path / "blank.txt"
    path.write_text("\n\n".join(cells), encoding="utf-8")
    (form,) = read_file(path)
    assert [(i.level2, i.name) for i in form.indicators] == [
        ("数量指标", "补贴发放人数"), ("时效指标", "补贴发放及时率")]


def test_parse_json_is_accepted_back(tmp_path):
    result = runner.invoke(app, ["parse", str(SEEDS["self_eval_2024"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"].endswith("002_abc6290ce127bb5c.txt") and len(data["forms"]) == 15
    first = data["forms"][1]["indicators"][0]
    assert set(first) >= {"level1", "level2", "name", "target_raw", "op", "value", "unit",
                          "qualitative", "actual_raw", "weight", "score", "deviation"}
    assert "refs" not in first  # drafted-only fields stay out of parsed forms
    path = tmp_path / "parsed.json"
    path.write_text(result.stdout, encoding="utf-8")
    assert read_file(path) == read_file(SEEDS["self_eval_2024"])


def test_several_files_give_a_json_list():
    result = runner.invoke(app, ["parse", str(SEEDS["target_2020"]), str(SEEDS["target_2023"]),
                                 "--format", "json"])
    data = json.loads(result.stdout)
    assert isinstance(data, list) and [len(d["forms"]) for d in data] == [4, 6]


def test_table_output_has_chinese_headers():
    result = runner.invoke(app, ["parse", str(SEEDS["target_2023"])])
    assert result.exit_code == 0
    assert "三级指标" in result.stdout and "机房电费" in result.stdout


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02\xff" * 200, "binary"),
    ("这是一段普通文字，没有任何表格。".encode(), "no form"),
    (b"\x81\x30" * 3 + b"\xff\xfe\xfd" * 50, "encoding"),
    (b"{not json", "invalid JSON"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError):
        read_file(path)
    result = runner.invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("drafter: ") and "Traceback" not in result.output


def test_missing_file_and_mixed_directory(tmp_path):
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2 and "文件不存在" in result.stderr
    (tmp_path / "good.md").write_text(PIPE_TABLE, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    result = runner.invoke(app, ["parse", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2  # a bad file is reported, the good one still printed
    assert json.loads(result.stdout)["forms"][0]["project_name"] == "社区养老服务补贴"
    assert "bad.txt" in result.stderr
