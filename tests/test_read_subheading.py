"""Two-row headings: 指标值 spanning 中期指标值 / 年度指标值. The annual column is the target; the
medium-term value is kept apart in ``longterm_raw`` (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from drafter.read import read_file
from drafter.read.rows import Row
from drafter.read.text import _read_structured, read_text

ROWS = [
    ["产出指标", "数量指标", "新建监测站点", "≥30个", "≥10个"],
    ["产出指标", "质量指标", "设备验收合格率", "100%", "≥98%"],
    ["效益指标", "社会效益指标", "群众满意度", "≥95%", "≥90%"],
]
WANT = [("新建监测站点", "≥", 10.0, "个", "≥30个"),
        ("设备验收合格率", "≥", 98.0, "%", "100%"),
        ("群众满意度", "≥", 90.0, "%", "≥95%")]


def _got(form):
    return [(i.name, i.op, i.value, i.unit, i.longterm_raw) for i in form.indicators]


def _workbook(path: Path, self_eval: bool) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["2024年度项目支出绩效" + ("自评表" if self_eval else "目标申报表")])
    ws.append(["项目名称", "大气监测能力建设", "实施单位", "某市生态环境局"])
    extra = ["实际完成值", "分值", "得分"] if self_eval else []
    ws.append(["一级指标", "二级指标", "三级指标", "指标值", None] + extra)
    ws.append([None, None, None, "中期指标值", "年度指标值"] + [None] * len(extra))
    for c in "ABC" + ("FGH" if self_eval else ""):
        ws.merge_cells(f"{c}3:{c}4")  # headings two rows tall
    ws.merge_cells("D3:E3")  # 指标值 over 中期 and 年度
    for r in ROWS:
        ws.append(r + (["完成", "10", "10"] if self_eval else []))
    wb.save(path)
    return path


@pytest.mark.parametrize("self_eval", [False, True])
def test_xlsx_two_row_heading_takes_the_annual_value(tmp_path, self_eval):
    (form,) = read_file(_workbook(tmp_path / "form.xlsx", self_eval))
    assert form.kind == ("self_eval" if self_eval else "target")
    assert _got(form) == WANT
    assert [i.level2 for i in form.indicators] == ["数量指标", "质量指标", "社会效益指标"]
    if self_eval:
        assert [(i.actual_raw, i.weight, i.score) for i in form.indicators] == [("完成", 10.0, 10.0)] * 3


def _text(sub: list[str], sep: str) -> str:
    lines = ["2024年度项目支出绩效目标申报表", sep.join(["项目名称", "大气监测能力建设", "实施单位", "某市生态环境局"]),
             sep.join(["一级指标", "二级指标", "三级指标", "指标值", ""]), sep.join(sub)]
    return "\n".join(lines + [sep.join(r) for r in ROWS]) + "\n"


# A leading "|" is read as the table's border, so pipes text keeps its empty leading sub-heading
# cells only when the heading repeats them (merged cells copied); tabs keep every column.
@pytest.mark.parametrize("sub,sep", [
    (["", "", "", "中期指标值", "年度指标值"], "\t"),
    (["", "", "", "长期目标", "年度"], "\t"),
    (["一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"], " | "),
    (["一级指标", "二级指标", "三级指标", "长期目标值", "年度指标值"], " | "),
])
def test_text_two_row_heading_takes_the_annual_value(sub, sep):
    text = _text(sub, sep)
    rows = [Row(cells=c, raw=c, line=n) for n, c in
            enumerate(([x.strip() for x in ln.split(sep.strip() or sep)] for ln in text.splitlines()), start=1)]
    (strict,) = _read_structured(rows, aligned=False)
    assert _got(strict) == WANT


@pytest.mark.parametrize("sub,sep", [
    (["", "", "", "中期指标值", "年度指标值"], "\t"),
    (["一级指标", "二级指标", "三级指标", "中期指标值", "年度指标值"], " | "),
])
def test_text_two_row_heading_end_to_end(sub, sep):
    # read_rows may prefer the loose reading (中期指标值 is a side column): both must agree.
    (form,) = read_text(_text(sub, sep))
    assert _got(form) == WANT


def test_sub_heading_is_not_taken_from_a_data_row():
    # The row under a one-row heading is data: it must not be merged into the heading.
    text = "\n".join(["项目名称 | 大气监测能力建设", "一级指标 | 二级指标 | 三级指标 | 年度指标值"]
                     + [" | ".join(r[:3] + r[4:]) for r in ROWS]) + "\n"
    (form,) = read_text(text)
    assert [(i.name, i.op, i.value, i.unit, i.longterm_raw) for i in form.indicators] == \
        [(n, o, v, u, None) for n, o, v, u, _ in WANT]
