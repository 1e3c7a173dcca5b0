"""One test per layout quirk, with values read off the real seed forms."""

from __future__ import annotations

from conftest import find, indicator


def test_2024_target_forms_all_five_projects_with_funds(seed_forms):
    forms = seed_forms["target_2024"]
    assert [f.project_name for f in forms] == [
        "公房资产监管", "维修资金管理", "白蚁防治综合事务管理", "物业事务管理", "热线服务保障经费"]
    first = forms[0]
    assert first.kind == "target" and first.year == 2024
    assert first.department == "上海市住房和城乡建设管理委员会"
    assert first.agency == "上海市物业管理事务中心"
    assert (first.funds.total, first.funds.fiscal, first.funds.other) == (836000.0, 443000.0, 393000.0)


def test_cells_shifted_at_page_break_keep_their_levels(seed_forms):
    hotline = find(seed_forms["target_2024"], "热线服务保障经费")
    assert len(hotline.indicators) == 22
    service = indicator(hotline, "962121平台运行服务")
    assert service.level2 == "数量指标" and service.qualitative == "365天*24小时"
    answer = indicator(hotline, "962121电话接通率")
    assert (answer.level1, answer.level2, answer.op, answer.value, answer.unit) == \
        ("产出指标", "质量指标", "≥", 95.0, "%")
    # Merged 二级 cells print their label mid-group: the row above the label belongs to it.
    safety = indicator(hotline, "小区运行安全水平提升")
    assert (safety.level1, safety.level2) == ("效益指标", "社会效益指标")
    residents = indicator(hotline, "居民满意度")
    assert (residents.level1, residents.level2) == ("满意度指标", "服务对象满意度指标")


def test_label_with_space_is_normalised(seed_forms):
    termites = find(seed_forms["target_2024"], "白蚁防治")
    sat = indicator(termites, "居民满意度")
    assert sat.level2 == "服务对象满意度指标" and sat.qualitative == "提升"
    flat = indicator(termites, "白蚁防治灭蚁量保持平稳")
    assert flat.level2 == "生态效益指标" and flat.qualitative == "与往年持平"


def test_latex_values_and_a_lost_value(seed_forms):
    platform = find(seed_forms["target_2023"], "基础数据平台建设")
    sample = indicator(platform, "采集样本数据的准确率")
    assert (sample.target_raw, sample.op, sample.value, sample.unit) == ("≥95%", "≥", 95.0, "%")
    lost = indicator(platform, "平台故障率")
    assert lost.target_raw is None and lost.value is None and lost.level2 == "社会效益指标"
    coverage = indicator(platform, "基础数据的覆盖性")
    assert (coverage.level2, coverage.op, coverage.value) == ("社会效益指标", "≥", 90.0)


def test_2023_deadline_and_ocr_noise_label(seed_forms):
    forms = seed_forms["target_2023"]
    deadline = indicator(find(forms, "房地产市场调控平台"), "数据调查核实工作完成及时性")
    assert deadline.level2 == "时效指标" and deadline.qualitative == "2023年年底前"
    power = find(forms, "机房电费")
    # "双星指标" is OCR noise where 效益指标 was printed.
    assert indicator(power, "长效管理制度健全性").level1 == "效益指标"
    assert indicator(power, "管理人员满意度").value == 90.0
    query = find(forms, "房屋查询业务日常管理")
    twice = [i for i in query.indicators if i.name == "防伪专用纸验收合格率"]
    assert len(twice) == 1 and twice[0].target_raw == "≥90.00 (%)"
    assert indicator(query, "查询申请处理及时率").unit == "个工作日"


def test_2020_target_table_layout(seed_forms):
    forms = seed_forms["target_2020"]
    assert len(forms) == 4 and all(f.year == 2020 for f in forms)
    first = forms[0]
    assert first.project_name == "对区县住宅配套工程款补助"
    assert first.agency == "上海市房屋管理局" and first.project_type == "其他一次性项目"
    assert first.funds.total == 260000000.0
    assert {i.level1 for i in first.indicators} == {"投入与管理", "产出目标", "效果目标", "影响力目标"}
    budget = indicator(first, "预算依据充分性")
    assert (budget.level1, budget.level2, budget.qualitative) == ("投入与管理", "投入管理", "充分合理")
    sat = indicator(first, "居民满意度")
    assert (sat.level1, sat.level2, sat.op, sat.value) == ("效果目标", "满意度", "≥", 90.0)
    complaints = indicator(first, "有责投诉率")
    assert (complaints.level1, complaints.level2, complaints.op) == ("影响力目标", "长效管理", "≤")


def test_html_paragraphs_in_title_and_cells(seed_forms):
    second = seed_forms["target_2020"][1]
    assert second.project_name == "房屋物业管理监督管理"
    assert second.agency == "上海市房屋管理局"
    assert "<p" not in (second.annual_goal or "")
    assert indicator(second, "962121平台咨询回复及时率").target_raw == "=100"


def test_self_evaluation_budget_scores_and_grade(seed_forms):
    forms = seed_forms["self_eval_2024"]
    assert len(forms) == 15 and all(f.kind == "self_eval" and f.year == 2024 for f in forms)
    social = find(forms, "大型居住社区配套补助")
    # OCR printed "L _海市房屋管理局" and put a stray character into the department name.
    assert social.agency == "上海市房屋管理局"
    assert social.department == "上海市住房和城乡建设管理委员会"
    b = social.budget
    # "2,594.84" was cut into "2,594.8" + "4" by OCR.
    assert (b.unit, b.adjusted, b.executed, b.rate_pct, b.weight, b.score) == \
        ("万元", 2594.84, 2594.84, 100.0, 10.0, 10.0)
    assert (social.total_score, social.grade) == (99.0, "优")
    mechanism = indicator(social, "长效机制健全性")
    assert (mechanism.weight, mechanism.score, mechanism.actual_raw) == (8.0, 7.0, "达成指标")
    assert mechanism.deviation.startswith("偏差原因分析:考核机制不够健全")


def test_labels_broken_over_lines_and_notes_over_rows(seed_forms):
    forms = seed_forms["self_eval_2024"]
    first = forms[0]
    timely = indicator(first, "行政程序全覆盖及时率")
    assert (timely.op, timely.value, timely.actual_raw, timely.score) == ("≥", 95.0, "90.00(%)", 8.0)
    assert "进一步明确工作要求" in timely.deviation  # continued two rows below, past a page break
    history = find(forms, "城市更新房屋安全监督")
    mech = indicator(history, "长效管理机制健全")
    assert (mech.level1, mech.level2) == ("效益指标", "可持续影响指标")  # "可持 续影 响指"
    assert mech.actual_raw == "部分达成指标并具有一定效果"
    count = next(i for i in history.indicators if i.name.startswith("城房排查"))
    assert count.target_raw == "=10000.00(幢)" and count.unit == "幢"  # unit on the next line


def test_ocr_stacked_self_evaluation(seed_forms):
    (form,) = seed_forms["self_eval_ocr"]
    assert form.project_name == "(房管所)居民小区综合治理建设"
    assert form.agency == "上海市闵行区新虹街道房屋管理所"
    assert (form.budget.adjusted, form.budget.executed, form.budget.rate_pct, form.budget.score) == \
        (31905962.95, 29907108.39, 93.74, 9.37)
    names = [i.name for i in form.indicators]
    assert names[:5] == ["代理记账服务小区数", "物联网设备维护数", "应急保障人员配备数",
                         "完成物业管理实训基地日常运营", "完成住宅小区物业规范化建设"]
    assert "物业综合管理测评合格率" in names and "代理记账报告出具及时性" in names
    first = form.indicators[1]
    assert (first.target_raw, first.op, first.value, first.unit, first.weight) == \
        ("≥50个", None, None, None, 4.0) or (first.op, first.value, first.weight) == ("≥", 50.0, 4.0)
