"""One test per layout that loses the table grid (web copies of real forms from other provinces).

The forms here are made up for the tests, in the layouts seen on real forms (INDEX.md of
../shared/realforms describes them); values are checked field by field.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from drafter.cli import app
from drafter.read.text import read_text

runner = CliRunner()


def _rows(text: str):
    forms = read_text(text)
    return [i for f in forms for i in f.indicators]


def _one(inds, name):
    hits = [i for i in inds if i.name == name]
    assert len(hits) == 1, [i.name for i in inds]
    return hits[0]


SPACE_SEPARATED_SELF_EVAL = """\
项目支出绩效自评表
(2022年度)
项目名称 河道保洁经费
主管部门 某县水利局 实施单位 某县水利局
年度绩效指标完成情况 一级
指标
二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
(50分)
数量指标 指标1:保洁河道长度 ≥120公里 118公里 10 9.5 雨季延误
指标2:
……
质量指标 指标1:验收合格 10 10
(30分)
经济效益
指标
指标1:带动就业 15人 15人 10 10
"""


def test_space_separated_self_evaluation_with_numbered_names_and_split_labels():
    inds = _rows(SPACE_SEPARATED_SELF_EVAL)
    assert [i.name for i in inds] == ["保洁河道长度", "验收合格", "带动就业"]  # 指标2 / …… left out
    river = inds[0]
    assert (river.level2, river.op, river.value, river.unit) == ("数量指标", "≥", 120.0, "公里")
    assert (river.actual_raw, river.weight, river.score, river.deviation) == ("118公里", 10, 9.5, "雨季延误")
    # Only 分值/得分 printed: the target stays empty, the scores are not shifted into it.
    passed = inds[1]
    assert (passed.target_raw, passed.weight, passed.score) == (None, 10, 10)
    # "经济效益" / "指标" on two lines is one label.
    assert inds[2].level2 == "经济效益指标" and inds[2].target_raw == "15人"
    assert inds[0].source == "line 9"


ONE_CELL_PER_LINE = """\
绩效指标
        | 一级指标
        | 二级指标
        | 三级指标
        | 指标值
        | 实施进度
        |
项目产出
        | 数量指标
        | 培训场次
        | 至少全年完成4次培训
        | 已完成100%
        | |
时效指标
        | 全年
        | 1-12月
        | 已完成100%
        | ||
成本指标
        | 成本
        | 8万元
        | 已完成100%
        | ||
满意度指标
        | 满意度指标
        | 学员满意度
        | 95%
        | 已完成100%
"""


def test_one_cell_per_line_with_pipe_prefixes():
    inds = _rows(ONE_CELL_PER_LINE)
    assert [i.name for i in inds] == ["培训场次", "全年", "成本", "学员满意度"]
    assert inds[0].level1 == "项目产出" and inds[0].actual_raw == "已完成100%"
    assert inds[0].target_raw == "至少全年完成4次培训" and inds[0].value is None  # a sentence, not 4
    # 成本指标 after a 二级 label is a 二级 here; the short word under it is the 三级 name.
    cost = inds[2]
    assert (cost.level1, cost.level2, cost.value, cost.unit) == ("项目产出", "成本指标", 8.0, "万元")
    sat = inds[3]
    assert (sat.level1, sat.level2, sat.value) == ("满意度指标", "满意度指标", 95.0)


RUN_TOGETHER_ROWS = """\
绩效目标表
(2021年度)
项目名称城区公厕改造
绩效指标一级指标二级指标指标内容指标值
产出指标数量指标改造公厕座数12座
质量指标改造工程验收合格率100%
时效指标项目按期完工率≥95%
成本指标单座改造成本≤15万元
效益指标社会效益指标群众如厕环境稳步提高
满意度指标服务对象满意度指标周边居民满意度≥90%
"""


def test_rows_run_together_one_per_line():
    inds = _rows(RUN_TOGETHER_ROWS)
    assert [(i.name, i.target_raw) for i in inds] == [
        ("改造公厕座数", "12座"), ("改造工程验收合格率", "100%"), ("项目按期完工率", "≥95%"),
        ("单座改造成本", "≤15万元"), ("群众如厕环境", "稳步提高"), ("周边居民满意度", "≥90%")]
    assert [i.level2 for i in inds][:4] == ["数量指标", "质量指标", "时效指标", "成本指标"]
    assert inds[3].level1 == "产出指标"  # 成本指标 after 时效指标 is its sibling
    assert inds[5].level1 == "满意度指标" and inds[5].level2 == "服务对象满意度指标"


TRADITIONAL_RUN_TOGETHER = (
    "2021年度區(qū)級道路養(yǎng)護項(xiàng)目績效自評表項(xiàng)目名稱道路養護主管部門區交通局"
    "一級指標二級指標三級指標年初目標值實際完成值未完成原因及改進措施"
    "產出指標產出數量養護道路里程不低于30公里32公里達成預期指標"
    "產出質量路面完好率90%91%達成預期指標"
    "效益指標生態效益揚塵超標率小于0.5‰0.3‰達成預期指標"
    "社會效益交通事故0起0起達成預期指標\n")


def test_whole_table_run_together_in_traditional_characters_with_pinyin_glosses():
    forms = read_text(TRADITIONAL_RUN_TOGETHER)
    assert forms[0].kind == "self_eval"
    inds = forms[0].indicators
    # Names keep the characters as printed; glosses are gone.
    assert [i.name for i in inds] == ["養護道路里程", "路面完好率", "揚塵超標率", "交通事故"]
    road = inds[0]
    assert (road.level1, road.level2) == ("產出指標", "產出數量")
    assert (road.op, road.value, road.unit, road.actual_raw) == ("≥", 30.0, "公里", "32公里")
    dust = inds[2]
    assert (dust.op, dust.value, dust.unit, dust.actual_raw) == ("<", 0.5, "‰", "0.3‰")
    assert (inds[3].value, inds[3].unit) == (0.0, "起")


PROSE_NOTICE = """\
关于某镇设施农业项目绩效目标设定的公示
项目总体绩效目标是:增加特色产业产值60万元。现将绩效目标设定如下:
一、 产出指标
数量指标:★大棚种植面积(≥**亩)>=120亩;作物成活率(≥**%)>=90;时效指标:完成及时率(≥**%)>=100%。
二、 效益指标
经济效益指标:特色产业产值(≥**万元)≥60万元,带动农户增收(≥**万元)≥30万元;
三、 满意度指标
服务对象满意度指标,受益农户满意度(≥**%)≥95%。
附件:绩效目标设定表.xlsx
"""


def test_targets_written_as_prose_in_a_notice():
    inds = _rows(PROSE_NOTICE)
    got = [(i.level2, i.name, i.op, i.value, i.unit) for i in inds]
    assert got == [
        ("数量指标", "★大棚种植面积(≥**亩)", "≥", 120.0, "亩"),
        ("数量指标", "作物成活率(≥**%)", "≥", 90.0, None),  # no unit printed: none invented
        ("时效指标", "完成及时率(≥**%)", "≥", 100.0, "%"),
        ("经济效益指标", "特色产业产值(≥**万元)", "≥", 60.0, "万元"),
        ("经济效益指标", "带动农户增收(≥**万元)", "≥", 30.0, "万元"),
        ("服务对象满意度指标", "受益农户满意度(≥**%)", "≥", 95.0, "%"),
    ]
    assert inds[0].level1 == "产出指标" and inds[3].level1 == "效益指标"


OP_AND_UNIT_COLUMNS = """\
某中心2023年度整体绩效目标表 | |||
一级指标 | 二级指标 | 三级指标 | 指标值类型 | 指标值 | 计量单位 | 指标解释 | 评(扣)分标准 | 备注 |
产出指标 | 数量指标 | 鉴定案件数量 | 定量 | 120 | 件 | 考察鉴定工作量 | 未达指标值酌情扣分 | |
质量指标 | 鉴定结论采纳率 | 定量 | 95 | % | 考察鉴定质量 | 未达指标值酌情扣分 | ||
时效指标 | 工作安排时间 | 定性 | 按月安排 | 考察工作安排 | 未达指标值酌情扣分 | |||
成本指标 | 业务经费 | 定量 | 28.8万元 | % | 考察成本 | 未达指标值酌情扣分 | ||
"""


def test_value_type_and_unit_columns_are_kept_apart_from_the_value():
    inds = _rows(OP_AND_UNIT_COLUMNS)
    assert [(i.name, i.target_raw) for i in inds] == [
        ("鉴定案件数量", "120件"), ("鉴定结论采纳率", "95%"), ("工作安排时间", "按月安排"),
        ("业务经费", "28.8万元")]  # the value's own unit wins over a contradicting unit cell
    assert inds[1].level2 == "质量指标" and inds[1].level1 == "产出指标"
    assert inds[2].qualitative == "按月安排"


SCRAMBLED_HEADING_ONE_LINE = (
    "某镇卫生院项目支出绩效自评表 (2021年度) 项目名称 公共卫生服务 一级 指标 年度 实际 指标值 完成值 "
    "二级指标 三级指标 分值 得分 指标1:建立居民健康档案 3800人 3750人 3 2.9 "
    "指标2:儿童疫苗接种率 100.00% 97.30% 2 1.9 指标3:孕产妇访视数 214人 203人 2 1.8\n")


def test_scrambled_heading_and_rows_on_one_line_cut_at_numbered_names():
    inds = _rows(SCRAMBLED_HEADING_ONE_LINE)
    assert [(i.name, i.target_raw, i.actual_raw, i.weight, i.score) for i in inds] == [
        ("建立居民健康档案", "3800人", "3750人", 3, 2.9),
        ("儿童疫苗接种率", "100.00%", "97.30%", 2, 1.9),
        ("孕产妇访视数", "214人", "203人", 2, 1.8)]


PIPES_THEN_ANOTHER_TABLE = """\
一级指标 | 二级指标 | 指标名称 | 目标值 | 完成值 |
产出指标 | 产出数量 | 完成护工培训任务 | 1200名 | 1180名 |
| 产出质量 | 结业考核通过率 | 100% | 98.5% |
效益指标 | 社会效益 | 参训学员就业率 | 60%及以上 | 58% |
序号 | 学校性质 | 培训机构 | 培训补助标准(元/人) | 合格人数 |
1 | 民办 | 某职业培训学校 | 2600 | 842 |
2 | 民办 | 另一职业培训学校 | 2600 | 900 |
"""


def test_a_following_table_is_not_read_as_indicators():
    inds = _rows(PIPES_THEN_ANOTHER_TABLE)
    assert [i.name for i in inds] == ["完成护工培训任务", "结业考核通过率", "参训学员就业率"]
    assert (inds[2].op, inds[2].value, inds[2].actual_raw) == ("≥", 60.0, "58%")
    assert inds[1].level1 == "产出指标" and inds[1].level2 == "产出质量"


def test_parse_json_names_the_source_line_of_each_indicator(tmp_path):
    p = tmp_path / "form.txt"
    p.write_text(RUN_TOGETHER_ROWS, encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--format", "json"])
    assert r.exit_code == 0, r.output
    inds = json.loads(r.stdout)["forms"][0]["indicators"]
    assert [i["source"] for i in inds] == [f"line {n}" for n in range(5, 11)]


def test_parse_explain_says_what_each_line_was_taken_for(tmp_path):
    p = tmp_path / "form.txt"
    p.write_text(RUN_TOGETHER_ROWS, encoding="utf-8")
    r = runner.invoke(app, ["parse", "--explain", str(p)])
    assert r.exit_code == 0, r.output
    roles = {int(line.split()[0]): line.split()[1] for line in r.stdout.splitlines()
             if line.strip()[:1].isdigit()}
    assert roles[4] == "表头(header)"
    assert [roles[n] for n in range(5, 11)] == ["指标(indicator)"] * 6
    assert "改造公厕座数" in r.stdout and "读到 1 张表、6 项指标" in r.stdout


def test_explain_of_an_unreadable_file_still_lists_its_lines_and_exits_2(tmp_path):
    p = tmp_path / "form.txt"
    p.write_text("一级指标 二级指标 三级指标 备注\n产出指标 数量指标 培训人数 另行说明\n", encoding="utf-8")
    r = runner.invoke(app, ["parse", "--explain", str(p)])
    assert r.exit_code == 2
    assert "表头(header)" in r.stdout and "没有指标值列" in r.stderr


def test_the_reason_line_says_why_nothing_was_read(tmp_path):
    cases = {
        "noise.txt": ("今天天气很好，我们去公园散步。\n", "没有指标表表头"),
        "no_value_column.txt": ("一级指标 二级指标 三级指标 备注\n产出指标 数量指标 培训人数 说明\n", "没有指标值列"),
        "no_values.txt": ("一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人数\n", "没有指标值或分值"),
    }
    for name, (text, reason) in cases.items():
        p = tmp_path / name
        p.write_text(text, encoding="utf-8")
        r = runner.invoke(app, ["parse", str(p)])
        assert r.exit_code == 2
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "未找到绩效目标表或自评表" in lines[0] and reason in lines[0], r.stderr


def test_a_form_starting_with_a_bracket_is_read_as_text_unless_it_is_json(tmp_path):
    p = tmp_path / "form.txt"
    p.write_text("[2023年度] 绩效目标表\n一级指标 二级指标 三级指标 指标值\n产出指标 数量指标 培训人数 ≥100人\n",
                 encoding="utf-8")
    r = runner.invoke(app, ["parse", str(p), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    ind = json.loads(r.stdout)["forms"][0]["indicators"][0]
    assert (ind["name"], ind["op"], ind["value"], ind["unit"]) == ("培训人数", "≥", 100.0, "人")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"forms": [', encoding="utf-8")
    r = runner.invoke(app, ["parse", str(broken)])
    assert r.exit_code == 2 and "JSON" in r.stderr


MIDTERM_AND_ANNUAL = """\
一级指标 | 二级指标 | 三级指标 | 中期指标值 | 年度指标值 |
产出指标 | 数量指标 | 新建绿道长度 | ≥30公里 | ≥12公里 |
| 质量指标 | 工程验收合格率 | 100% | 100% |
效益指标 | 社会效益指标 | 沿线居民受益人数 | ≥5万人 | ≥2万人 |
"""


def test_midterm_and_annual_blocks_keep_the_annual_value_as_target():
    inds = _rows(MIDTERM_AND_ANNUAL)
    assert [(i.name, i.target_raw, i.longterm_raw) for i in inds] == [
        ("新建绿道长度", "≥12公里", "≥30公里"), ("工程验收合格率", "100%", "100%"),
        ("沿线居民受益人数", "≥2万人", "≥5万人")]
    assert (inds[0].op, inds[0].value, inds[0].unit) == ("≥", 12.0, "公里")


WEIGHT_BEFORE_TARGET_RUN_TOGETHER = (
    "绩效指标一级指标二级指标三级指标分值年度指标值全年实际值得分未完成原因"
    "产出指标(70分)数量指标安装水位标尺10≥120米≥120米10质量指标工程验收合格率20100%100%20"
    "时效指标按期完工率10≥90%≥90%10\n")


def test_score_printed_before_the_target_and_fused_numbers_left_raw():
    inds = _rows(WEIGHT_BEFORE_TARGET_RUN_TOGETHER)
    first = inds[0]
    assert (first.name, first.weight, first.target_raw, first.actual_raw, first.score) == (
        "安装水位标尺", 10, "≥120米", "≥120米", 10)
    # "20100%" is 分值 20 and 100% run together: nothing says where to cut, so it stays as printed.
    fused = inds[1]
    assert fused.name == "工程验收合格率" and fused.target_raw == "20100%" and fused.weight is None
    assert (inds[2].weight, inds[2].op, inds[2].value, inds[2].score) == (10, "≥", 90.0, 10)


BRACKET_LIST = """\
项目绩效目标
【产出指标-数量指标】 指标1:设备数量(≥20台)
【产出指标-质量指标】 指标1:设备验收合格率(≥98%)
【满意度指标-服务对象满意度指标】 指标1:群众满意度(≥90%) 指标2:
"""


def test_bracket_list_of_levels_with_the_target_in_brackets_after_the_name():
    inds = _rows(BRACKET_LIST)
    assert [(i.level1, i.level2, i.name, i.op, i.value, i.unit) for i in inds] == [
        ("产出指标", "数量指标", "设备数量", "≥", 20.0, "台"),
        ("产出指标", "质量指标", "设备验收合格率", "≥", 98.0, "%"),
        ("满意度指标", "服务对象满意度指标", "群众满意度", "≥", 90.0, "%")]


WORD_OPERATORS_AND_PLACEHOLDERS = """\
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分
产出指标 数量指标 指标1:巡护面积 不少于5000亩 5200亩 10 10
质量指标 指标1:火灾受害率 小于0.9‰ 0.3‰ 10 10
时效指标 指标1:火情处置时间 2小时以内 1.5小时 10 9
指标2:
……
效益指标 社会效益指标 指标1:群众参与度 有效提升 有效提升 10 8 宣传覆盖不足，明年增加场次
"""


def test_word_operators_placeholders_and_a_note_after_the_scores():
    inds = _rows(WORD_OPERATORS_AND_PLACEHOLDERS)
    assert [i.name for i in inds] == ["巡护面积", "火灾受害率", "火情处置时间", "群众参与度"]
    assert [(i.op, i.value, i.unit) for i in inds[:3]] == [
        ("≥", 5000.0, "亩"), ("<", 0.9, "‰"), ("≤", 2.0, "小时")]
    last = inds[3]
    assert (last.qualitative, last.weight, last.score) == ("有效提升", 10, 8)
    assert last.deviation == "宣传覆盖不足，明年增加场次"


def test_explain_a_workbook_sheet_by_sheet(tmp_path):
    src = tmp_path / "form.txt"
    src.write_text(RUN_TOGETHER_ROWS, encoding="utf-8")
    book = tmp_path / "form.xlsx"
    assert runner.invoke(app, ["parse", str(src), "--format", "xlsx", "-o", str(book)]).exit_code == 0
    r = runner.invoke(app, ["parse", "--explain", str(book)])
    assert r.exit_code == 0, r.output
    assert r.stdout.count("指标(indicator)") == 6 and "表头(header)" in r.stdout
    assert "周边居民满意度" in r.stdout


def test_review_points_at_the_line_each_finding_came_from(tmp_path):
    p = tmp_path / "form.txt"
    p.write_text(RUN_TOGETHER_ROWS, encoding="utf-8")
    r = runner.invoke(app, ["review", str(p), "--format", "markdown", "--offline", "--fail-on", "never"])
    assert r.exit_code == 0, r.output
    # 群众如厕环境 / 稳步提高 (line 9) has no number: its finding names the line.
    assert any("群众如厕环境（第9行）" in line for line in r.stdout.splitlines())
    r = runner.invoke(app, ["review", str(p), "--format", "sarif", "--offline", "--fail-on", "never"])
    results = json.loads(r.stdout)["runs"][0]["results"]
    lines = {res["properties"]["indicatorIndex"]: res["locations"][0]["physicalLocation"].get("region")
             for res in results}
    assert lines[4] == {"startLine": 9}
    assert lines.get(None) is None  # a finding about the whole form points at no line


BLANK_LINE_CELLS = """\
三级指标

年度指标值

实际完成值

分值

得分

产出指标

数量指标

培训人次

≥300人次

320人次

20

20

质量指标

培训合格率

≥95%

93%

20

18
"""


def test_cells_separated_by_blank_lines():
    inds = _rows(BLANK_LINE_CELLS)
    assert [(i.level2, i.name, i.target_raw, i.actual_raw, i.weight, i.score) for i in inds] == [
        ("数量指标", "培训人次", "≥300人次", "320人次", 20, 20),
        ("质量指标", "培训合格率", "≥95%", "93%", 20, 18)]


TWO_FORMS_SPACE_SEPARATED = """\
项目支出绩效自评表
项目名称 科技特派员经费
绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
产出指标(50分) 数量指标 开展结对交流活动 ≥3次 3次 10 10
效益指标(30分) 社会效益指标 带动农户增收 ≥50户 45户 10 8 受灾减产
总分 100 98
项目名称 地震监测经费
绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施
产出指标(50分) 数量指标 监测站点维护数 ≥12个 12个 20 20
"""


def test_several_forms_in_one_file_each_with_its_own_rows():
    forms = read_text(TWO_FORMS_SPACE_SEPARATED)
    assert [f.project_name for f in forms] == ["科技特派员经费", "地震监测经费"]
    assert [[i.name for i in f.indicators] for f in forms] == [
        ["开展结对交流活动", "带动农户增收"], ["监测站点维护数"]]
    second = forms[0].indicators[1]
    assert (second.level1, second.weight, second.score, second.deviation) == ("效益指标", 10, 8, "受灾减产")
    assert all(f.kind == "self_eval" for f in forms)


_PIECES = ["产出指标", "数量指标", "质量指标", "效益指标", "满意度指标", "指标1:", "指标2:", "一级指标",
           "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "培训人次", "验收合格率",
           "≥95%", "100%", "12个", "不低于90%", "达成预期指标", "有效提升", "10", "9.5", "2023年12月",
           "|", " ", "  ", "\n", "\n\n", "。", ",", "……", "(50分)", "產出指標", "項(xiàng)目", "2020"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_any_arrangement_of_form_pieces_reads_without_inventing_numbers(parts):
    text = "".join(parts)
    printed = "".join(text.split())
    for form in read_text(text):
        for ind in form.indicators:
            # Every number read is printed in the text as it is (digits may be cut where text
            # runs together, never made up or repaired).
            for raw in (ind.target_raw, ind.actual_raw):
                for number in re.findall(r"\d+(?:\.\d+)?", raw or ""):
                    assert number in printed
            for x in (ind.weight, ind.score):
                assert x is None or any(x == float(n) for n in re.findall(r"\d+(?:\.\d+)?", printed)) \
                    or f"{x:g}" in printed


def test_rows_from_other_input_kinds_give_their_own_place_as_source():
    from drafter.read.rows import Row
    from drafter.read.text import read_rows

    def row(n, *cells):
        return Row(cells=list(cells), raw=list(cells), line=n, place=f"第2页第{n}行")

    table = [row(1, "一级指标", "二级指标", "三级指标", "指标值"),
             row(2, "产出指标", "数量指标", "新建站点数", "≥12个"),
             row(3, "", "质量指标", "验收合格率", "100%")]
    inds = [i for f in read_rows(table, aligned=True) for i in f.indicators]
    assert [(i.name, i.source) for i in inds] == [("新建站点数", "第2页第2行"), ("验收合格率", "第2页第3行")]
    # The same rows with their cells shifted (not aligned) go through the loose reading too.
    shifted = [row(1, "一级指标 二级指标 三级指标 指标值"), row(2, "产出指标 数量指标 新建站点数 ≥12个")]
    inds = [i for f in read_rows(shifted) for i in f.indicators]
    assert [(i.name, i.source) for i in inds] == [("新建站点数", "第2页第2行")]


TWO_LEVELS_ONLY = """\
项目名称: | 河道清淤经费 |
指标类型 | 指标名称 | 指标值 | 指标描述 |
产出指标 | 数量指标 | 12公里 | 完成全市12公里河道清淤 |
质量指标 | 100% | 清淤验收全部合格 |
效益指标 | 生态效益指标 | 是 | 改善河道水质 |
可持续性发展影响指标 | 是 | 保障河道长期畅通 |
"""


def test_a_table_of_two_levels_names_its_rows_with_the_second_level():
    inds = _rows(TWO_LEVELS_ONLY)
    assert [(i.level1, i.name, i.target_raw) for i in inds] == [
        ("产出指标", "数量指标", "12公里"), ("产出指标", "质量指标", "100%"),
        ("效益指标", "生态效益指标", "是"), ("效益指标", "可持续性发展影响指标", "是")]


def test_traditional_operators_are_read_and_units_kept_as_printed():
    text = ("一級指標 | 二級指標 | 三級指標 | 指標值 |\n"
            "產出指標 | 質量指標 | 案件查處率 | 不低於90% |\n"
            "| 成本指標 | 業務經費 | 不超過28.8萬元 |\n")
    inds = _rows(text)
    assert [(i.name, i.op, i.value, i.unit) for i in inds] == [
        ("案件查處率", "≥", 90.0, "%"), ("業務經費", "≤", 28.8, "萬元")]


def test_markdown_table_and_fixed_width_columns():
    markdown = ("| 一级指标 | 二级指标 | 三级指标 | 年度指标值 |\n|---|---|---|---|\n"
                "| 产出指标 | 数量指标 | 指标1:巡查次数 | ≥24次 |\n| | 时效指标 | 指标1:整改完成时间 | 2024年6月底前 |\n")
    fixed = ("一级指标      二级指标      三级指标          年度指标值\n"
             "产出指标      数量指标      巡查次数          ≥24次\n"
             "              时效指标      整改完成时间      2024年6月底前\n")
    for text in (markdown, fixed):
        inds = _rows(text)
        assert [(i.level2, i.name, i.target_raw) for i in inds] == [
            ("数量指标", "巡查次数", "≥24次"), ("时效指标", "整改完成时间", "2024年6月底前")], text
        assert inds[1].value is None and inds[1].qualitative == "2024年6月底前"


def test_fused_score_pairs_are_cut_only_where_one_cut_fits():
    from drafter.read.loose import split_fused_scores
    assert split_fused_scores("2018") == ("20", "18")  # 2|018 has a leading zero, 201|8 is over 100
    assert split_fused_scores("10010") == ("100", "10")
    assert split_fused_scores("2100") is None  # 2|100 scores above the weight; 21|00, 210|0 impossible
    assert split_fused_scores("12.5") is None
    text = ("绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因"
            "产出指标数量指标更新演出设备50件48件2018总分10098\n")
    inds = _rows(text)
    assert [(i.name, i.weight, i.score) for i in inds] == [("更新演出设备", 20, 18)]  # 总分 is no row


def test_labels_spelled_with_spaces_between_characters():
    text = ("一 级 指 标 二 级 指 标 三 级 指 标 指 标 值\n"
            "产 出 指 标 数 量 指 标 培训人数 ≥300人\n"
            "效 益 指 标 社 会 效 益 指 标 就业率 ≥60%\n")
    inds = _rows(text)
    assert [(i.level1, i.level2, i.name, i.target_raw) for i in inds] == [
        ("产出指标", "数量指标", "培训人数", "≥300人"), ("效益指标", "社会效益指标", "就业率", "≥60%")]


def test_the_workbench_review_shows_the_line_of_each_indicator(tmp_path):
    from fastapi.testclient import TestClient

    from drafter.web.app import create_app
    from drafter.web.settings import WebSettings

    root = tmp_path / "jobs"
    root.mkdir()
    c = TestClient(create_app(WebSettings(work_root=root, wait_seconds=30.0)), client=("127.0.0.1", 5000))
    c.get("/")
    r = c.post("/review", data={"text": RUN_TOGETHER_ROWS, "csrf_token": c.cookies.get("drafter_csrf")})
    assert r.status_code == 200
    assert "群众如厕环境 <small class=\"place\">（第9行）</small>" in r.text
