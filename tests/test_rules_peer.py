"""What a peer reviewer checks (issue 16): header completeness, funds with absent lines, placeholders,
missed targets, zero budgets, grades on a scaled total, the project period and the project nature.

Each check: a planted example that draws it and a clean form that does not.
"""

from __future__ import annotations

import datetime as dt

import pytest
from test_rules_support import good_self_eval, good_target, ind, replace, run

from drafter.config import ReviewConfig
from drafter.model import Budget, Form, Funds

D = dt.date


def codes(form: Form, select: str, config: ReviewConfig | None = None) -> list[str]:
    from drafter.rules import review_forms
    return [f.code for f in review_forms([("t.txt", [form])], config, select=[select])]


# T30 header completeness ----------------------------------------------------------------------

def test_t30_blank_header_fields_with_their_severities():
    form = good_target(project_name=" ", department=None, agency="", annual_goal="/")
    found = {f.message: f.severity for f in run(form, "T30")}
    assert found == {"表头未填写项目名称": "error", "表头未填写主管部门": "error",
                     "表头未填写实施单位": "warning", "表头未填写年度绩效目标": "error"}


def test_t30_silent_on_a_complete_header_and_on_self_evaluations():
    assert run(good_target(), "T30") == []
    assert run(good_self_eval(department=None), "T30") == []


def test_t30_silent_on_the_seed_forms_that_print_every_field(seed_forms):
    from drafter.rules import review_forms
    assert review_forms([("seed", seed_forms["target_2024"])], select=["T30"]) == []


# T14 funds balance ----------------------------------------------------------------------------

def test_t14_absent_lines_count_as_zero_and_the_finding_says_so():
    form = good_target(funds=Funds(total=100.0, fiscal=80.0, unit="万元"))
    [f] = run(form, "T14")
    assert f.severity == "warning"
    assert "资金总额应为 80万元" in f.message and "上年结转、其他资金未填，按 0 计" in f.message


def test_t14_parts_above_the_total_are_an_error_even_with_a_line_absent():
    form = good_target(funds=Funds(total=100.0, fiscal=90.0, other=20.0, unit="万元"))
    [f] = run(form, "T14")
    assert f.severity == "error" and "超过资金总额 100万元" in f.message and "上年结转未填" in f.message


def test_t14_silent_when_the_printed_parts_add_up_or_only_the_total_is_printed():
    assert run(good_target(funds=Funds(total=100.0, fiscal=100.0, unit="万元")), "T14") == []
    assert run(good_target(funds=Funds(total=100.0, unit="万元")), "T14") == []
    assert run(good_target(), "T14") == []


# T01 placeholders -----------------------------------------------------------------------------

@pytest.mark.parametrize("placeholder", ["*", "**", "/", "—", "——", "＊"])
def test_placeholder_target_is_a_missing_value_not_vague_wording(placeholder):
    form = replace(good_target(), 1, target_raw=placeholder)
    [f] = run(form, "T01")
    assert f.severity == "error" and "unmeasurable" in f.tags
    assert f"年度指标值（只有占位符「{placeholder}」）" in f.message
    assert codes(form, "T08") == [] and codes(form, "T07") == []


def test_t01_says_nothing_of_placeholders_when_the_value_is_simply_empty():
    [f] = run(replace(good_target(), 1, target_raw=None), "T01")
    assert "占位符" not in f.message


# S30 deviation reason whenever a target is missed ---------------------------------------------

def test_s30_missed_target_with_full_marks_and_no_reason():
    form = replace(good_self_eval(), 4, actual_raw="85(%)")  # ≥90% target, 30 of 30 written
    [f] = run(form, "S30")
    assert f.indicator_name == "参训人员持证上岗率"
    assert "实际 85% 低于目标 90%" in f.message and "未填写偏差原因" in f.message


def test_s30_smaller_is_better_and_qualitative_shortfalls():
    form = replace(good_self_eval(), 3, actual_raw="900(元/人)")  # ≤800 元/人, full marks kept
    [f] = run(form, "S30")
    assert "高于目标上限 800元/人" in f.message
    form = replace(good_self_eval(), 2, actual_raw="部分达成年度指标并具有一定效果", deviation="无")
    [f] = run(form, "S30")
    assert "部分达成" in f.message and "只写了「无」" in f.message


def test_s30_silent_when_explained_met_or_already_reported_by_s09():
    assert run(good_self_eval(), "S30") == []  # the one miss (93 of 95 %) is explained
    explained = replace(good_self_eval(), 4, actual_raw="85(%)", deviation="因疫情停训两个月，下一步增开夜班补训。")
    assert run(explained, "S30") == []
    lost = replace(good_self_eval(), 4, actual_raw="85(%)", score=28.33)
    assert codes(lost, "S09") == ["S09"] and run(lost, "S30") == []


# S31 budget of zero ---------------------------------------------------------------------------

def test_s31_zero_budget_with_spending_and_a_score():
    form = good_self_eval(budget=Budget(unit="万元", initial=0.0, adjusted=0.0, executed=12.5, rate_pct=100.0,
                                        weight=10.0, score=10.0))
    [f] = run(form, "S31")
    assert f.severity == "error"
    assert f.message == "全年预算数为 0，表中却有全年执行数 12.5万元、执行率 100%、预算执行得分 10.00"


def test_s31_initial_budget_when_no_adjusted_budget_and_silence_otherwise():
    form = good_self_eval(budget=Budget(unit="万元", initial=0.0, executed=3.0))
    [f] = run(form, "S31")
    assert f.message.startswith("年初预算数为 0")
    assert run(good_self_eval(), "S31") == []
    assert run(good_self_eval(budget=Budget(unit="万元", adjusted=0.0, executed=0.0, score=0.0)), "S31") == []


# S15 grades on a scaled total -----------------------------------------------------------------

def _scored_150(grade: str) -> Form:
    indicators = [ind("产出指标", "数量指标", "培训人次", "≥1200(人次)", actual_raw="1250(人次)", weight=140, score=120)]
    return good_self_eval(indicators=indicators, budget=Budget(unit="万元", adjusted=100.0, executed=100.0,
                                                                rate_pct=100.0, weight=10.0, score=10.0),
                          total_score=130.0, grade=grade)


def test_s15_grades_a_150_point_form_on_its_percentage():
    cfg = ReviewConfig(total_points=150.0)
    [f] = run(_scored_150("优"), "S15", cfg)
    assert "评分等级应为「良」" in f.message and "总分 130.00/150.00，折合 86.67 分" in f.message
    assert run(_scored_150("良"), "S15", cfg) == []


def test_s15_on_100_points_is_unchanged():
    [f] = run(good_self_eval(grade="良"), "S15")
    assert "评分等级应为「优」（总分 99.18，" in f.message


# T31 project period ---------------------------------------------------------------------------

def test_t31_reversed_and_half_filled_periods():
    [f] = run(good_target(planned_start=D(2024, 12, 31), planned_end=D(2024, 1, 1)), "T31")
    assert f.severity == "error" and "计划开始日期 2024-12-31 晚于计划完成日期 2024-01-01" in f.message
    [f] = run(good_target(planned_start=D(2024, 1, 1)), "T31")
    assert "未填写计划完成日期" in f.message


def test_t31_silent_on_a_whole_period_and_on_forms_without_one():
    assert run(good_target(planned_start=D(2024, 1, 1), planned_end=D(2024, 12, 31)), "T31") == []
    assert run(good_target(), "T31") == []


# T32 deadline inside the period ---------------------------------------------------------------

def test_t32_deadline_after_the_project_ends():
    form = replace(good_target(planned_start=D(2024, 1, 1), planned_end=D(2024, 6, 30)), 2,
                   target_raw="2024年11月30日前")
    [f] = run(form, "T32")
    assert f.indicator_name == "培训完成时间"
    assert "期限 2024-11-30 晚于计划完成日期（项目期间 2024-01-01 至 2024-06-30）" in f.message


def test_t32_deadline_without_a_year_takes_the_form_year():
    form = replace(good_target(year=2024, planned_start=D(2024, 3, 1), planned_end=D(2024, 12, 31)), 2,
                   target_raw="2月底前")
    [f] = run(form, "T32")
    assert "2024-02-29 早于计划开始日期" in f.message


def test_t32_silent_inside_the_period_or_without_one():
    assert run(good_target(planned_start=D(2024, 1, 1), planned_end=D(2024, 12, 31)), "T32") == []
    assert run(good_target(), "T32") == []


# T33 annual form past its year ----------------------------------------------------------------

def test_t33_annual_form_whose_period_runs_into_next_year():
    form = good_target(year=2024, planned_start=D(2024, 1, 1), planned_end=D(2025, 6, 30))
    [f] = run(form, "T33")
    assert f.message == "2024年度目标表的计划完成日期为 2025-06-30，超出 2024 年"
    assert run(good_target(year=2024, planned_start=D(2024, 1, 1), planned_end=D(2024, 12, 31)), "T33") == []


# T34 project nature ---------------------------------------------------------------------------

@pytest.mark.parametrize("nature", ["经常性项目", "其他一次性项目", "其他经常性项目", "经常性专项业务费", "持续性项目"])
def test_t34_known_natures_pass(nature):
    assert run(good_target(project_nature=nature), "T34") == []


def test_t34_unknown_nature_is_flagged_and_blank_is_left_alone():
    [f] = run(good_target(project_nature="特定目标类"), "T34")
    assert "项目性质「特定目标类」不是已知类型" in f.message
    assert run(good_target(), "T34") == []


def test_every_new_check_is_silent_on_the_clean_forms():
    from drafter.rules import review_forms
    new = ["T30", "T31", "T32", "T33", "T34", "S30", "S31"]
    clean = good_target(planned_start=D(2024, 1, 1), planned_end=D(2024, 12, 31), project_nature="经常性项目")
    assert review_forms([("t.txt", [clean, good_self_eval()])], select=new) == []
