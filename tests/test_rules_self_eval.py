"""Self-evaluation rules S01–S20: for each, a form that must be flagged and one that must not."""

from __future__ import annotations

import pytest

from drafter.config import ReviewConfig
from drafter.model import Budget
from test_rules_support import add, good_self_eval, good_target, ind, replace, run


def test_good_self_eval_passes_every_rule():
    from drafter.rules import review_forms
    assert review_forms([("s.txt", [good_self_eval()])]) == []


def test_every_self_eval_rule_is_tagged_scoring():
    from drafter.rules import all_rules
    assert all("scoring" in r.tags for r in all_rules() if r.code.startswith("S"))


def _budget(**kw) -> Budget:
    data = dict(unit="万元", initial=100.0, adjusted=100.0, executed=95.0, rate_pct=95.0, weight=10.0, score=9.5)
    data.update(kw)
    return Budget(**data)


# S01 ------------------------------------------------------------------------------------------

def test_s01_level1_split():
    form = replace(good_self_eval(), 4, level1="满意度指标", level2="服务对象满意度指标")  # 效益 30 -> 满意度
    [f] = run(form, "S01")
    assert "产出 50、效益 30、满意度 10" in f.message and "效益 0、满意度 40" in f.message


def test_s01_configured_split():
    cfg = ReviewConfig(level1_weights={"产出": 50, "效益": 20, "满意度": 20})
    assert len(run(good_self_eval(), "S01", cfg)) == 1


def test_s01_negative():
    assert run(good_self_eval(), "S01") == []


# S02 / S03 ------------------------------------------------------------------------------------

def test_s02_rate_recomputed_from_amounts():
    form = good_self_eval(budget=_budget(adjusted=341.94, executed=335.19, rate_pct=96.0, score=9.6))
    [f] = run(form, "S02")
    assert "98.03%" in f.message and "335.19/341.94" in f.message and "96%" in f.message


def test_s02_negative_truncated_rate_is_accepted():
    # 335.19/341.94 = 98.026…; forms print 98.02 (truncated): inside the 0.01 tolerance.
    form = good_self_eval(budget=_budget(adjusted=341.94, executed=335.19, rate_pct=98.02, score=9.8))
    assert run(form, "S02") == [] and run(form, "S03") == []


def test_s03_execution_score():
    form = good_self_eval(budget=_budget(adjusted=31905962.95, executed=29907108.39, rate_pct=93.74, score=10.0,
                                         unit="元"))
    [f] = run(form, "S03")
    assert "9.37" in f.message and "10.00" in f.message


def test_s03_capped_at_weight():
    form = good_self_eval(budget=_budget(executed=120.0, rate_pct=120.0, score=12.0))
    [f] = run(form, "S03")
    assert "超过分值" in f.message and "10.00" in f.message


def test_s03_negative():
    form = good_self_eval(budget=_budget(adjusted=31905962.95, executed=29907108.39, rate_pct=93.74, score=9.37))
    assert run(form, "S03") == []


# S04 ------------------------------------------------------------------------------------------

def test_s04_low_rate_unexplained():
    form = good_self_eval(budget=_budget(executed=0.0, rate_pct=0.0, score=0.0))
    [f] = run(form, "S04")
    assert "0.00%" in f.message


def test_s04_negative_when_explained():
    form = good_self_eval(budget=_budget(executed=70.0, rate_pct=70.0, score=7.0),
                          annual_goal="因采购延期，部分资金结转下年支出。")
    assert run(form, "S04") == []


# S05 ------------------------------------------------------------------------------------------

def test_s05_proportional_score_486_of_500():
    form = replace(good_self_eval(), 0, name="房地产估价师注册工作完成数", target_raw="=500.00(人)",
                   actual_raw="486.00(人)", weight=5, score=4)
    [f] = run(form, "S05")
    assert f.message == "得分应为 4.86（486/500×5），表中为 4.00"


def test_s05_met_target_earns_full_marks():
    form = replace(good_self_eval(), 5, actual_raw="95.00(%)", score=8)
    [f] = run(form, "S05")
    assert "10.00" in f.message and "8.00" in f.message


def test_s05_negative_indicator_ratio():
    form = add(good_self_eval(), ind("效益指标", "社会效益指标", "有责投诉率", "≤5(%)", actual_raw="8(%)",
                                     weight=5, score=5))
    [f] = run(form, "S05")
    assert "3.13" in f.message and "5/8×5" in f.message
    cfg = ReviewConfig(negative_scoring="linear")
    [f] = run(form, "S05", cfg)
    assert "2.00" in f.message


def test_s05_negative():
    assert run(good_self_eval(), "S05") == []


# S06 ------------------------------------------------------------------------------------------

def test_s06_score_above_weight_and_missing():
    form = replace(good_self_eval(), 5, score=97.52)
    form = replace(form, 4, score=None)
    found = run(form, "S06")
    assert {f.indicator_index for f in found} == {4, 5}
    assert any("97.52" in f.message for f in found) and any("缺少得分" in f.message for f in found)


def test_s06_negative():
    assert run(good_self_eval(), "S06") == []


# S07 ------------------------------------------------------------------------------------------

def test_s07_partial_grade_at_80_percent_is_out_of_band():
    form = replace(good_self_eval(), 2, actual_raw="部分达成年度指标并具有一定效果", weight=6, score=4.8,
                   deviation="原因：进度滞后。措施：下一步加快推进。")
    [f] = run(form, "S07")
    assert "3.60" in f.message and "4.80" in f.message


def test_s07_reached_grade_below_80_percent():
    form = replace(good_self_eval(), 2, actual_raw="达成指标", score=6,
                   deviation="原因：进度滞后。措施：下一步加快推进。")
    [f] = run(form, "S07")
    assert "8.00–10.00" in f.message


@pytest.mark.parametrize("actual,score", [("部分达成指标并具有一定效果", 3.0), ("达成指标", 4.0),
                                          ("未达成指标且效果较差", 2.9)])
def test_s07_negative_inside_band(actual, score):
    form = replace(good_self_eval(), 2, actual_raw=actual, weight=5, score=score)
    assert run(form, "S07") == []


# S08 ------------------------------------------------------------------------------------------

def test_s08_free_text_actual():
    form = replace(good_self_eval(), 2, actual_raw="效果明显")
    [f] = run(form, "S08")
    assert "效果明显" in f.message


def test_s08_quantitative_target_with_grade_only():
    form = replace(good_self_eval(), 1, actual_raw="达成指标", score=15)
    [f] = run(form, "S08")
    assert "无法核对" in f.message


def test_s08_negative():
    form = replace(good_self_eval(), 2, target_raw="每季度一次", actual_raw="每季度一次")
    assert run(form, "S08") == [] and run(good_self_eval(), "S08") == []


# S09 ------------------------------------------------------------------------------------------

def test_s09_lost_point_without_note():
    form = replace(good_self_eval(), 1, deviation=None)
    [f] = run(form, "S09")
    assert "失分 0.32" in f.message


def test_s09_negative():
    assert run(good_self_eval(), "S09") == []


# S10 ------------------------------------------------------------------------------------------

def test_s10_far_above_target():
    form = replace(good_self_eval(), 0, target_raw="≥2000.00(个)", actual_raw="100000.00 (个)")
    [f] = run(form, "S10")
    assert "5000%" in f.message


def test_s10_negative():
    assert run(good_self_eval(), "S10") == []
    form = replace(good_self_eval(), 0, target_raw="≥2000.00(个)", actual_raw="100000.00 (个)",
                   deviation="本年度纳入全市价格指数样本，采集范围扩大；下一年度按实际调整目标。")
    assert run(form, "S10") == []


# S11 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("note", ["暂无", "无", "已完成", "客观原因"])
def test_s11_boilerplate(note):
    form = replace(good_self_eval(), 1, deviation=note)
    [f] = run(form, "S11")
    assert note in f.message


def test_s11_same_note_on_several_rows():
    note = "受外部因素影响，将加强统筹。"
    form = replace(good_self_eval(), 1, deviation=note)
    form = replace(form, 0, actual_raw="1100(人次)", score=18.33, deviation=note)
    [f] = run(form, "S11")
    assert f.indicator_index == 1 and "完全相同" in f.message


def test_s11_negative():
    assert run(good_self_eval(), "S11") == []


# S12 ------------------------------------------------------------------------------------------

def test_s12_no_cause():
    form = replace(good_self_eval(), 1, deviation="社会效益指标中居住环境品质仍有提升空间，下一步拟通过开展专项行动提升服务。")
    [f] = run(form, "S12")
    assert f.message == "偏差说明缺少偏差原因"


def test_s12_no_measure():
    form = replace(good_self_eval(), 1, deviation="危旧房摸底调查与城房排查衔接不足，长效机制仍有待完善。")
    [f] = run(form, "S12")
    assert f.message == "偏差说明缺少改进措施"


def test_s12_negative():
    assert run(good_self_eval(), "S12") == []


# S13 ------------------------------------------------------------------------------------------

def test_s13_everything_exactly_met_and_full():
    rows = [
        ind("产出指标", "数量指标", "工资发放人数", "=120(人)", actual_raw="120(人)", weight=30, score=30),
        ind("产出指标", "时效指标", "工资发放及时率", "=100(%)", actual_raw="100(%)", weight=20, score=20),
        ind("效益指标", "社会效益指标", "队伍稳定", "稳定", actual_raw="达成指标", weight=30, score=30),
        ind("满意度指标", "服务对象满意度指标", "职工满意度", "≥90(%)", actual_raw="90(%)", weight=10, score=10),
    ]
    [f] = run(good_self_eval(indicators=rows), "S13")
    assert "4 个" in f.message


def test_s13_negative():
    assert run(good_self_eval(), "S13") == []


# S14 ------------------------------------------------------------------------------------------

def test_s14_actual_copied_from_target():
    form = add(good_self_eval(), ind("效益指标", "社会效益指标", "美化环境", "美化环境", actual_raw="美化环境",
                                     weight=5, score=5))
    [f] = run(form, "S14")
    assert "美化环境" in f.message


def test_s14_negative_frequency_repeated():
    form = replace(good_self_eval(), 2, target_raw="每季度一次", actual_raw="每季度一次")
    assert run(form, "S14") == []


# S15 ------------------------------------------------------------------------------------------

def test_s15_total_does_not_add_up():
    form = good_self_eval(total_score=98.0)
    found = run(form, "S15")
    assert found[0].message == "总分应为 99.18（指标得分 89.68 + 预算执行得分 9.50），表中为 98.00"


def test_s15_grade_outside_band():
    rows = good_self_eval().indicators
    rows[4] = rows[4].model_copy(update={"score": 20.0})  # 10 points lost …
    rows[4] = rows[4].model_copy(update={"deviation": "原因：持证考试延期。措施：下一步组织补考。"})
    form = good_self_eval(indicators=rows, total_score=89.18, grade="优")
    [f] = run(form, "S15")
    assert "「良」" in f.message and "89.18" in f.message and "「优」" in f.message


def test_s15_grade_bands_are_configuration():
    rows = good_self_eval().indicators
    rows[4] = rows[4].model_copy(update={"score": 20.0})
    form = good_self_eval(indicators=rows, total_score=89.18, grade="优")
    cfg = ReviewConfig(grade_bands={"优": 80, "良": 70, "中": 60, "差": 0})
    assert run(form, "S15", cfg) == []


def test_s15_negative():
    assert run(good_self_eval(), "S15") == []


# S16 ------------------------------------------------------------------------------------------

def test_s16_satisfaction_without_measured_rate():
    form = replace(good_self_eval(), 5, actual_raw="达成指标", deviation=None)
    [f] = run(form, "S16")
    assert f.severity == "info"


def test_s16_negative():
    assert run(good_self_eval(), "S16") == []


# S17 ------------------------------------------------------------------------------------------

def test_s17_indicators_differ_from_approved_targets():
    target = add(good_target(), ind("效益指标", "社会效益指标", "有责投诉率", "≤5(%)"))
    found = run(good_self_eval(), "S17", others=[target])
    assert len(found) == 1 and "缺少 有责投诉率" in found[0].message


def test_s17_negative():
    target = good_target()
    assert run(good_self_eval(), "S17", others=[target]) == []
    other_year = add(good_target(year=2023), ind("效益指标", "社会效益指标", "有责投诉率", "≤5(%)"))
    assert run(good_self_eval(), "S17", others=[other_year]) == []


# S18 ------------------------------------------------------------------------------------------

def test_s18_cost_cap_when_configured():
    rows = [i for i in good_self_eval().indicators if i.level2 != "成本指标"]
    rows[0] = rows[0].model_copy(update={"weight": 25.0, "score": 25.0})
    form = good_self_eval(indicators=rows)
    assert run(form, "S18") == []  # off by default
    [f] = run(form, "S18", ReviewConfig(cost_missing_cap=5.0))
    assert "5" in f.message


def test_s18_negative_with_cost_indicator():
    assert run(good_self_eval(), "S18", ReviewConfig(cost_missing_cap=5.0)) == []


# S19 ------------------------------------------------------------------------------------------

def test_s19_not_applicable_rescaled():
    form = replace(good_self_eval(), 3, actual_raw="不涉及", score=0)
    [f] = run(form, "S19")
    assert "折算后总分应为" in f.message


def test_s19_negative():
    form = replace(good_self_eval(), 3, actual_raw="不涉及", score=0)
    form = form.model_copy(update={"total_score": round((94.18) / 95 * 100, 2)})
    assert run(form, "S19") == []
    assert run(good_self_eval(), "S19") == []


# S20 ------------------------------------------------------------------------------------------

def test_s20_no_spending_full_results():
    form = good_self_eval(budget=_budget(executed=0.0, rate_pct=0.0, score=0.0))
    [f] = run(form, "S20")
    assert "0.00%" in f.message


def test_s20_negative():
    assert run(good_self_eval(), "S20") == []


# Target rules read self-evaluations too ------------------------------------------------------

def test_target_rules_apply_to_self_evaluations():
    form = replace(good_self_eval(), 4, target_raw="提升", actual_raw="达成指标")
    assert [f.code for f in run(form, "T07")] == ["T07"]
