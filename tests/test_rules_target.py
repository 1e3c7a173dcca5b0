"""Target-form rules T01–T20: for each, a form that must be flagged and one that must not."""

from __future__ import annotations

import pytest

from drafter.config import ReviewConfig
from drafter.model import Funds
from test_rules_support import add, good_target, ind, replace, run


def test_good_form_passes_every_target_rule():
    from drafter.rules import review_forms
    assert review_forms([("t.txt", [good_target()])], select=["T"]) == []


# T01 ------------------------------------------------------------------------------------------

def test_t01_missing_value_is_unmeasurable_error():
    form = replace(good_target(), 4, target_raw=None)
    [f] = run(form, "T01")
    assert f.severity == "error" and "年度指标值" in f.message
    assert "unmeasurable" in f.tags and f.indicator_name == "参训人员持证上岗率"


def test_t01_missing_operator_and_level2():
    form = replace(good_target(), 1, target_raw="95%", level2=None)
    [f] = run(form, "T01")
    assert "二级指标" in f.message and "指标性质" in f.message
    assert "unmeasurable" not in f.tags


def test_t01_self_eval_needs_actual_value():
    from test_rules_support import good_self_eval
    form = replace(good_self_eval(), 0, actual_raw=None)
    [f] = run(form, "T01")
    assert "实际完成值" in f.message


def test_t01_negative():
    assert run(good_target(), "T01") == []


# T02 ------------------------------------------------------------------------------------------

def test_t02_level2_under_wrong_level1():
    form = replace(good_target(), 0, level1="效益指标")
    [f] = run(form, "T02")
    assert "数量指标" in f.message and "产出" in f.message


def test_t02_invented_label():
    form = replace(good_target(), 0, level2="工作任务指标")
    [f] = run(form, "T02")
    assert "工作任务指标" in f.message


def test_t02_negative_old_shanghai_layout():
    form = good_target(indicators=[
        ind("投入与管理", "财务管理", "资金使用合规率", "=100(%)"),
        ind("产出目标", "数量", "测评报告", "=1(份)"),
        ind("效果目标", "社会效益", "有责投诉率", "≤5(%)"),
        ind("影响力目标", "长效管理", "制度修订数", "≥1(项)"),
    ])
    assert run(form, "T02") == []


# T03 ------------------------------------------------------------------------------------------

def test_t03_weights_do_not_add_up():
    from test_rules_support import good_self_eval
    form = replace(good_self_eval(), 0, weight=14, score=14)
    [f] = run(form, "T03")
    assert f.indicator_index is None and "100.00" in f.message and "94.00" in f.message


def test_t03_zero_weight():
    from test_rules_support import good_self_eval
    form = add(good_self_eval(), ind("效益指标", "可持续影响指标", "制度修订数", "≥1(项)", actual_raw="1(项)",
                                     weight=0, score=0))
    found = run(form, "T03")
    assert any("应大于 0" in f.message for f in found)


def test_t03_negative_and_skipped_without_weights():
    from test_rules_support import good_self_eval
    assert run(good_self_eval(), "T03") == []
    assert run(good_target(), "T03") == []  # target forms carry no weights: nothing to check


# T04 ------------------------------------------------------------------------------------------

def test_t04_bare_number_is_unmeasurable():
    form = replace(good_target(), 4, target_raw="90")
    [f] = run(form, "T04")
    assert "unmeasurable" in f.tags and "90" in f.message
    assert "≥90%" in f.suggestion


def test_t04_operator_without_unit():
    form = replace(good_target(), 0, name="测评报告", target_raw="=1")
    [f] = run(form, "T04")
    assert "计量单位" in f.message and "unmeasurable" not in f.tags
    assert "=1份" in f.suggestion


def test_t04_negative():
    assert run(good_target(), "T04") == []


# T05 ------------------------------------------------------------------------------------------

def test_t05_operator_word_without_number():
    form = replace(good_target(), 3, name="项目支出不超过项目预算", target_raw="不超过")
    [f] = run(form, "T05")
    assert "不超过" in f.message and "unmeasurable" in f.tags


def test_t05_negative():
    assert run(replace(good_target(), 3, target_raw="不超过800(元/人)"), "T05") == []


# T06 ------------------------------------------------------------------------------------------

def test_t06_missing_categories():
    form = good_target(indicators=[
        ind("产出指标", "数量指标", "培训人次", "≥1200(人次)"),
        ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)"),
    ])
    found = run(form, "T06")
    messages = " ".join(f.message for f in found)
    assert "质量" in messages and "时效" in messages and "满意度" in messages and "成本" in messages
    sev = {f.message: f.severity for f in found}
    assert sev["缺少产出-质量指标"] == "error" and sev["缺少成本指标"] == "warning"


def test_t06_cost_required_by_config():
    form = good_target(indicators=[i for i in good_target().indicators if i.level2 != "成本指标"])
    [f] = run(form, "T06", ReviewConfig(cost_required=True))
    assert f.message == "缺少成本指标" and f.severity == "error"


def test_t06_negative():
    assert run(good_target(), "T06") == []


# T07 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["提升", "较上年提升", "在租金、空置率两项指标成果基础上提升", "逐步完善",
                                   "建立健全", "执行有效", "与往年持平", "明显改善"])
def test_t07_direction_words(value):
    form = replace(good_target(), 4, name="小区公共收益入账率", target_raw=value)
    [f] = run(form, "T07")
    assert "unmeasurable" in f.tags and value in f.message


@pytest.mark.parametrize("value", ["≥85(%)", "由80%提高到85%"])
def test_t07_negative_numbers(value):
    form = replace(good_target(), 4, name="小区公共收益入账率", target_raw=value)
    assert run(form, "T07") == []


def test_t07_leaves_satisfaction_to_t09():
    form = replace(good_target(), 5, target_raw="提升")
    assert run(form, "T07") == [] and len(run(form, "T09")) == 1


# T08 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [("白蚁防治服务收费合规", "合规"), ("应急保障队伍资质达标", "达标"),
                                        ("保障个人信息安全", "保障"), ("查询平台运行稳定", "全年"),
                                        ("实施人员落实情况", "按照计划落实"), ("运维总结报告", "合格")])
def test_t08_states_without_criterion(name, value):
    form = replace(good_target(), 4, name=name, target_raw=value)
    [f] = run(form, "T08")
    assert "unmeasurable" in f.tags


@pytest.mark.parametrize("name,value", [("数据调查核实工作完成时点", "2023年年底前"),
                                        ("租金空置率监测报告出具", "每季度"),
                                        ("962121平台运行服务", "365天*24小时"),
                                        ("不发生数据泄露事件", "零发生"),
                                        ("影响和谐稳定事件数", "=0(件)"),
                                        ("防伪纸技术指标", "达到GB/T 22467二级标准")])
def test_t08_measurable_qualitative_values_are_spared(name, value):
    form = replace(good_target(), 4, name=name, target_raw=value)
    assert run(form, "unmeasurable") == []


# T09 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["提升", "满意", "90"])
def test_t09_satisfaction_not_a_percentage_is_unmeasurable(value):
    form = replace(good_target(), 5, target_raw=value)
    [f] = run(form, "T09")
    assert "unmeasurable" in f.tags


@pytest.mark.parametrize("value,needle", [("=90(%)", "≥90%"), (">85%", "≥85%"), ("=100(%)", "100%"),
                                          ("≥15.00(分)", "百分比")])
def test_t09_satisfaction_badly_written(value, needle):
    form = replace(good_target(), 5, target_raw=value)
    [f] = run(form, "T09")
    assert needle in f.message and "unmeasurable" not in f.tags


def test_t09_negative():
    assert run(good_target(), "T09") == []
    # A survey report is a product, not a satisfaction level.
    form = replace(good_target(), 0, name="全市物业管理行业公众满意度测评报告", target_raw="=1(份)")
    assert run(form, "T09") == []


# T10 ------------------------------------------------------------------------------------------

def test_t10_money_flow_as_output():
    form = add(good_target(), ind("产出目标", "数量", "物业中心经费拨付完成率", "=100%"))
    [f] = run(form, "T10")
    assert "拨付" in f.message


def test_t10_negative_under_input_category():
    form = add(good_target(), ind("投入与管理", "投入管理", "资金到位及时率", "=100%"))
    assert run(form, "T10") == []


# T11 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("level1,level2,name,needle", [
    ("效益指标", "社会效益指标", "机房设备日常运行故障率", "故障率"),
    ("效益指标", "可持续影响指标", "上级部门满意度", "满意度"),
    ("满意度指标", "服务对象满意度指标", "征收基地签约率", "不是满意度"),
    ("产出指标", "时效指标", "市政工程建设质量验收合格率", "时间要素"),
    ("产出指标", "成本指标", "预决算信息公开情况", "信息公开"),
])
def test_t11_misfiled(level1, level2, name, needle):
    value = "≥90(%)" if "满意" in name else "≤3(%)"
    form = add(good_target(), ind(level1, level2, name, value))
    [f] = run(form, "T11")
    assert needle in f.message


def test_t11_negative():
    assert run(good_target(), "T11") == []


# T12 ------------------------------------------------------------------------------------------

def test_t12_exact_and_near_duplicates():
    form = add(good_target(),
               ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90(%)"),
               ind("产出指标", "时效指标", "数据传递计划的完成率", "=100(%)"),
               ind("产出指标", "数量指标", "数据传递计划完成率", "=100(%)"))
    found = run(form, "T12")
    assert len(found) == 2
    assert "重复" in found[0].message and "只差一个字" in found[1].message


def test_t12_negative_similar_but_different():
    form = add(good_target(), ind("产出指标", "质量指标", "房地产估价机构备案准确率", "≥95(%)"),
               ind("产出指标", "时效指标", "房地产估价机构备案及时率", "≥95(%)"))
    assert run(form, "T12") == []


# T13 ------------------------------------------------------------------------------------------

def test_t13_everything_is_a_100_percent_completion_rate():
    form = good_target(indicators=[
        ind("产出指标", "数量指标", "工资发放完成率", "=100(%)"),
        ind("产出指标", "时效指标", "工资发放及时率", "=100(%)"),
        ind("产出指标", "质量指标", "资金使用合规率", "=100(%)"),
    ])
    [f] = run(form, "T13")
    assert "3/3" in f.message


def test_t13_negative():
    assert run(good_target(), "T13") == []


# T14 ------------------------------------------------------------------------------------------

def test_t14_funds_do_not_add_up():
    form = good_target(funds=Funds(total=35.4, fiscal=97.4, carryover=0.0, other=0.0, unit="万元"))
    [f] = run(form, "T14")
    assert "97.4" in f.message and "35.4" in f.message


def test_t14_total_cost_differs_from_funds():
    form = add(good_target(), ind("成本指标", "经济成本指标", "项目总成本", "≤120(万元)"))
    [f] = run(form, "T14")
    assert "120" in f.message and "100万元" in f.message


def test_t14_negative():
    form = add(good_target(), ind("成本指标", "经济成本指标", "项目总成本", "≤1000000(元)"))
    assert run(form, "T14") == []


# T15 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["提高5%", "较上年增长2个百分点", "缩短10%"])
def test_t15_relative_without_baseline(value):
    form = replace(good_target(), 4, name="公共收益入账率", target_raw=value)
    [f] = run(form, "T15")
    assert "unmeasurable" in f.tags and "基线" in f.message


def test_t15_negative_with_baseline():
    form = replace(good_target(), 4, name="公共收益入账率", target_raw="提高5%", baseline="2023年 80%")
    assert run(form, "T15") == []
    form = replace(good_target(), 4, name="公共收益入账率", target_raw="由80%提高到85%")
    assert run(form, "T15") == []


# T16 ------------------------------------------------------------------------------------------

def test_t16_long_term_goal_in_annual_goal():
    form = good_target(annual_goal="预期总目标：确保住宅小区按期交付。阶段性目标：缓解配套设施建设滞后。")
    [f] = run(form, "T16")
    assert "预期总目标" in f.message


def test_t16_negative():
    assert run(good_target(), "T16") == []


# T17 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value", [("投诉处置及时", "及时"), ("防伪专用纸采购时限", "及时"),
                                        ("按时执行政府采购项目", "按时")])
def test_t17_time_without_deadline(name, value):
    form = replace(good_target(), 2, name=name, target_raw=value)
    [f] = run(form, "T17")
    assert "unmeasurable" in f.tags


@pytest.mark.parametrize("value", ["≤5(个工作日)", "6月30日前", "每季度", "=100(%)"])
def test_t17_negative(value):
    form = replace(good_target(), 2, name="投诉处置时限", target_raw=value)
    assert run(form, "T17") == []


# T18 ------------------------------------------------------------------------------------------

def test_t18_cost_without_basis():
    form = replace(good_target(), 3, basis=None)
    [f] = run(form, "T18")
    assert f.severity == "warning"
    [f] = run(form, "T18", ReviewConfig(cost_standard_required=True))
    assert f.severity == "error"


def test_t18_negative():
    assert run(good_target(), "T18") == []


# T19 ------------------------------------------------------------------------------------------

def test_t19_too_few():
    form = good_target(indicators=good_target().indicators[:2])
    [f] = run(form, "T19")
    assert "2 个" in f.message


def test_t19_negative():
    assert run(good_target(), "T19") == []


# T20 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,value,needle", [
    ("机房设备日常运行故障率", "≥3(%)", "越小越好"),
    ("样本小区采集覆盖率", "≤99(%)", "越大越好"),
    ("房地产估价师注册及时率", "=95(%)", "≥95%"),
    ("查询申请处理及时率", "≤10.00 (个工作日)", "查询申请处理时限"),
    ("信访案件办结率", "290.00(%)", "超过 100%"),
])
def test_t20_direction(name, value, needle):
    form = add(good_target(), ind("产出指标", "质量指标", name, value))
    [f] = run(form, "T20")
    assert needle in (f.message + (f.suggestion or ""))


def test_t20_negative():
    form = add(good_target(), ind("产出指标", "质量指标", "成本节约率", "≥5(%)"),
               ind("产出指标", "质量指标", "有责投诉率", "≤5(%)"))
    assert run(form, "T20") == []
