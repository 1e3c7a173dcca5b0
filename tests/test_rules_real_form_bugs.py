"""Issue 15 §3: mistakes the rules made on real forms, each pinned by the row that showed it."""

from __future__ import annotations

from test_rules_support import add, good_self_eval, good_target, ind, replace, run

from drafter.config import ReviewConfig
from drafter.suggest import suggest_for


def test_t17_ignores_a_period_qualifier_in_the_name():
    form = add(good_target(), ind("效益指标", "生态效益指标", "服务周期内空气质量", "优良"))
    assert run(form, "T17") == []
    # A real time indicator still draws it.
    form = add(good_target(), ind("产出指标", "时效指标", "养护周期", "及时"))
    assert [f.code for f in run(form, "T17")] == ["T17"]


def test_t20_names_the_word_not_true():
    form = add(good_target(), ind("产出指标", "质量指标", "设备故障率", "≥3(%)"))
    [f] = run(form, "T20")
    assert "True" not in f.message and "「故障率」越小越好" in f.message


def test_t12_sub_item_with_its_own_target_is_no_duplicate():
    form = add(good_target(), ind("产出指标", "数量指标", "完成营造林面积任务", "≥1000(亩)"),
               ind("产出指标", "数量指标", "完成新造林面积任务", "≥300(亩)"))
    assert run(form, "T12") == []
    typo = add(good_target(), ind("产出指标", "数量指标", "完成营造林面积任务", "≥1000(亩)"),
               ind("产出指标", "数量指标", "完成营造林面积任另", "≥1000(亩)"))
    assert [f.code for f in run(typo, "T12")] == ["T12"]


def test_t04_reads_the_unit_printed_in_the_name():
    form = add(good_target(), ind("产出指标", "数量指标", "人工造林面积(亩)", "80000"))
    [f] = run(form, "T04")
    assert "unmeasurable" not in f.tags and "亩" in f.message
    assert "≥80000亩" in f.suggestion and "个" not in f.suggestion


def test_rewrites_keep_the_sense_of_the_target():
    # A time limit under a rate's name: rename, never turn ≤ into ≥.
    form = add(good_target(), ind("产出指标", "时效指标", "检测及时率", "≤7(个工作日)"))
    [f] = run(form, "T20")
    assert "≥7" not in f.suggestion and "检测时限" in f.suggestion
    assert "≥7" not in suggest_for(form.indicators[-1], examples=())
    # A deadline is not "nine of something".
    form = add(good_target(), ind("产出指标", "时效指标", "设备安装完成时间", "9月前"))
    assert run(form, "T01") == [] and run(form, "T04") == []
    assert "≥9月前" not in suggest_for(form.indicators[-1], examples=())
    # "80000" with 亩 in the name, and "100%" which nothing can exceed.
    assert "≥80000亩" in suggest_for(ind("产出指标", "数量指标", "面积(亩)", "80000"), examples=())
    form = add(good_target(), ind("产出指标", "数量指标", "资金到位率", "≥95(%)"),
               ind("产出指标", "数量指标", "设备验收合格率", "100%"))
    [f] = [x for x in run(form, "T01") if x.indicator_name == "设备验收合格率"]
    assert "=100%" in f.suggestion and "≥100%" not in f.suggestion
    assert "=100%" in suggest_for(form.indicators[-1], examples=())


def test_t16_ignores_the_annual_goal_label():
    form = good_target(annual_goal="年度绩效总目标：全年完成技能培训 1200 人次，考核合格率不低于 95%。")
    assert run(form, "T16") == []
    form = good_target(annual_goal="预期总目标：三年内完成改造。阶段性目标：当年完成一期。")
    assert [f.code for f in run(form, "T16")] == ["T16"]


def test_s15_never_asserts_a_total_from_a_partial_reading():
    base = good_self_eval()
    # A row whose score was not read: the total 99.18 is not called wrong; the row is named.
    form = replace(base, 2, score=None)
    found = run(form, "S15")
    assert not any("总分应为" in f.message for f in found)
    [f] = found
    assert f.severity == "info" and "培训完成时间" in f.message
    # A row lost entirely (weights add to 80 of 100): no "总分应为 …" from the rows that are left.
    lost = base.model_copy(update={"indicators": [i for k, i in enumerate(base.indicators) if k != 0]})
    found = run(lost, "S15")
    assert not any(f.severity == "error" for f in found) and any("未读到" in f.message for f in found)


def test_t01_no_operator_column_is_not_an_error():
    rows = [ind("产出指标", "数量指标", "培训人次", "1200(人次)"),
            ind("产出指标", "质量指标", "培训考核合格率", "95%"),
            ind("产出指标", "时效指标", "培训完成时间", "2024年11月30日前"),
            ind("效益指标", "社会效益指标", "参训人员持证上岗率", "90%")]
    assert run(good_target(indicators=rows), "T01") == []
    # One printed operator shows the column exists: the others are then missing theirs.
    rows[0] = ind("产出指标", "数量指标", "培训人次", "≥1200(人次)")
    assert {f.indicator_name for f in run(good_target(indicators=rows), "T01")} == {"培训考核合格率", "参训人员持证上岗率"}


def test_s06_skips_layouts_without_score_columns():
    rows = [i.model_copy(update={"weight": None, "score": None}) for i in good_self_eval().indicators]
    assert run(good_self_eval(indicators=rows), "S06") == []
    rows[0] = rows[0].model_copy(update={"weight": 20.0})
    # One weight printed shows the columns exist: every row missing a figure is reported.
    found = run(good_self_eval(indicators=rows), "S06")
    assert len(found) == len(rows) and "缺少得分" in found[0].message


def test_t03_separate_budget_execution_weight_by_config():
    rows = [ind("产出指标", "数量指标", "培训人次", "≥1200(人次)", weight=40),
            ind("产出指标", "质量指标", "培训考核合格率", "≥95(%)", weight=20),
            ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)", weight=20),
            ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90(%)", weight=10)]
    form = good_target(indicators=rows)
    [f] = run(form, "T03")
    assert "100" in f.message and "90" in f.message
    assert run(form, "T03", ReviewConfig(target_execution_weight=10.0)) == []


def test_t20_accepts_a_rate_in_per_mille():
    # The published forest-fire indicator is a per-mille rate; T20 once asked for % and so kept
    # it out of every forestry draft.
    form = add(good_target(), ind("效益指标", "生态效益指标", "森林火灾受害率", "≤0.9(‰)"))
    assert run(form, "T20") == []
    # A rate printed in a time unit is still drawn.
    form = add(good_target(), ind("产出指标", "时效指标", "查询申请处理及时率", "≤10(个工作日)"))
    assert [f.code for f in run(form, "T20")] == ["T20"]
