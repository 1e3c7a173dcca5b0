"""Issue 15 §2: each new check caught on a planted example and silent on a clean form.

Clean means: the reviewer-approved training forms of test_rules_support and the built-in corpus
(real forms of 2020–2024), on which none of these checks has anything to say.
"""

from __future__ import annotations

import pytest
from test_rules_support import add, good_self_eval, good_target, ind, run

from drafter.config import ReviewConfig
from drafter.model import Budget, Funds
from drafter.rules import review_forms

NEW_TARGET_RULES = ["T22", "T23", "T24", "T25", "T26", "T27", "T28", "T29", "T35"]


@pytest.mark.parametrize("code", NEW_TARGET_RULES)
def test_silent_on_a_clean_target_form(code):
    assert run(good_target(), code) == []


def test_s21_silent_on_a_clean_self_evaluation():
    assert run(good_self_eval(), "S21") == []


def test_silent_on_the_built_in_corpus():
    from drafter.read import expand_paths, read_file
    from drafter.resources import corpus_dir
    batch = [(str(p), read_file(p)) for p in expand_paths([str(corpus_dir())])]
    found = review_forms(batch, select=["T23", "T24", "T25", "T26", "T27", "T28", "T29", "T35", "S21"])
    assert found == []


def test_t22_percentage_on_something_that_is_not_a_rate():
    form = add(good_target(), ind("效益指标", "社会效益指标", "维护社会稳定", "≥95%"),
               ind("产出指标", "数量指标", "全年免费开放", "100%"),
               ind("产出指标", "数量指标", "政府采购执行情况", "100%合规"),
               ind("产出指标", "质量指标", "电流、电压稳定", "≥97%"))
    found = {f.indicator_name: f for f in run(form, "T22")}
    assert set(found) == {"维护社会稳定", "全年免费开放"}
    assert "unmeasurable" in found["维护社会稳定"].tags and "维护" in found["维护社会稳定"].message


def test_t23_cost_not_in_money_or_written_as_a_floor():
    form = add(good_target(), ind("成本指标", "经济成本指标", "差旅标准", "≤470人/天"),
               ind("成本指标", "经济成本指标", "人均培训费", "≥320元/人"),
               ind("成本指标", "经济成本指标", "成本节约率", "≥5%"))
    found = {f.indicator_name: f.message for f in run(form, "T23")}
    assert set(found) == {"差旅标准", "人均培训费"}
    assert "人/天" in found["差旅标准"] and "上限" in found["人均培训费"]
    # T20 leaves cost direction to T23: one report, not two.
    assert not [f for f in run(form, "T20") if f.indicator_name == "人均培训费"]


def test_t24_quantity_with_a_ceiling_unless_named_a_limit():
    form = add(good_target(), ind("产出指标", "数量指标", "发放宣传册", "≤2500(份)"),
               ind("产出指标", "数量指标", "会议数量控制数", "≤4(次)"))
    assert [f.indicator_name for f in run(form, "T24")] == ["发放宣传册"]


def test_t25_unit_that_does_not_fit():
    form = add(good_target(), ind("产出指标", "数量指标", "林区道路长度", "≥3(年)"),
               ind("产出指标", "质量指标", "档案数字化覆盖率", "≥90(个)"),
               ind("产出指标", "质量指标", "设备使用年限", "≥8(年)"))
    assert {f.indicator_name for f in run(form, "T25")} == {"林区道路长度", "档案数字化覆盖率"}


def test_t26_template_text_left_in_names_values_and_goal():
    form = add(good_target(annual_goal="完成XX项目建设，服务群众××人次。"),
               ind("产出指标", "数量指标", "新增造林面积(≥**亩)", "≥17600亩"),
               ind("产出指标", "质量指标", "指标2：", "≥90%"),
               ind("效益指标", "社会效益指标", "……", "≥90%"),
               ind("产出指标", "数量指标", "空值行", "**"))
    found = run(form, "T26")
    names = {f.indicator_name for f in found if f.indicator_index is not None}
    assert names == {"新增造林面积(≥**亩)", "指标2：", "……"}
    assert any(f.indicator_index is None and "XX" in f.message for f in found)


def test_t27_goal_quantities_without_an_indicator():
    form = good_target(annual_goal="完成人工造林8000亩，新建林区道路30公里，培训护林员1200人次。",
                       indicators=[ind("产出指标", "数量指标", "人工造林面积", "≥8000(亩)"),
                                   ind("产出指标", "数量指标", "培训人次", "≥1200(人次)")])
    [f] = run(form, "T27")
    assert "30公里" in f.message and "8000亩" not in f.message and "1200人次" not in f.message


def test_t28_unit_cost_times_quantity_far_from_the_funds_shows_the_arithmetic():
    rows = [ind("产出指标", "数量指标", "人工造林面积", "≥8000(亩)"),
            ind("成本指标", "经济成本指标", "每亩补助标准", "≤1600(元/亩)")]
    form = good_target(indicators=rows, funds=Funds(total=300.0, unit="万元"))
    [f] = run(form, "T28")
    assert "1600元/亩 × 人工造林面积 8000亩 = 1280万元" in f.message and "300万元" in f.message
    assert run(good_target(indicators=rows, funds=Funds(total=1300.0, unit="万元")), "T28") == []
    # A unit that is unknown is skipped, not guessed.
    assert run(good_target(indicators=rows, funds=Funds(total=300.0)), "T28") == []
    # The factor is configurable.
    assert run(form, "T28", ReviewConfig(unit_cost_factor=5.0)) == []


def test_s21_executed_above_the_budget():
    over = good_self_eval(budget=Budget(unit="万元", initial=100.0, adjusted=100.0, executed=112.0,
                                        rate_pct=112.0, weight=10.0, score=10.0))
    [f] = run(over, "S21")
    assert "112" in f.message and "100" in f.message and f.severity == "error"
    rate_only = good_self_eval(budget=Budget(unit="万元", rate_pct=104.5, weight=10.0, score=10.0))
    [f] = run(rate_only, "S21")
    assert "104.50%" in f.message


def test_t29_annual_above_the_mid_term_target():
    form = good_target(annual_goal="中期目标：三年完成造林5000亩。年度目标：当年完成造林8000亩，培训1200人次。")
    [f] = run(form, "T29")
    assert "8000亩" in f.message and "5000亩" in f.message
    ok = good_target(annual_goal="中期目标：三年完成造林15000亩。年度目标：当年完成造林5000亩，培训1200人次。")
    assert run(ok, "T29") == []


def _history(actual: str, target: str = "≥1000(人次)"):
    past = good_self_eval(year=2023)
    rows = list(past.indicators)
    rows[0] = ind("产出指标", "数量指标", "培训人次", target, actual_raw=actual, weight=20, score=20)
    return [("2023自评.json", [past.model_copy(update={"indicators": rows})])]


def test_t30_target_below_last_years_actual_with_both_figures_and_source():
    found = review_forms([("t.json", [good_target()])], select=["T35"], history=_history("1500(人次)"))
    # 持证上岗率: 2023 actual 92% against this year's ≥90% is reported too.
    assert {f.indicator_name for f in found} == {"培训人次", "参训人员持证上岗率"}
    [f] = [f for f in found if f.indicator_name == "培训人次"]
    assert "≥1200" in f.message and "1500人次" in f.message and "2023年（2023自评.json）" in f.message


def test_t30_over_achieved_last_year_and_not_raised():
    # 2023: target 1200, actual 1680 (140 %); 2024 target 1200 again: not raised.
    found = review_forms([("t.json", [good_target()])], select=["T35"],
                         history=_history("1680(人次)", target="≥1200(人次)"))
    [f] = [f for f in found if f.indicator_name == "培训人次"]
    assert "完成 140%" in f.message and "未提高" in f.message and "1680人次" in f.message
    # Raised to last year's actual: nothing to say.
    form = good_target()
    rows = list(form.indicators)
    rows[0] = ind("产出指标", "数量指标", "培训人次", "≥1680(人次)")
    found = review_forms([("t.json", [form.model_copy(update={"indicators": rows})])], select=["T35"],
                         history=_history("1680(人次)", target="≥1200(人次)"))
    assert [f for f in found if f.indicator_name == "培训人次"] == []


def test_t30_ignores_other_projects_and_later_years():
    other = _history("1500(人次)")
    src, [past] = other[0]
    renamed = [(src, [past.model_copy(update={"project_name": "另一个项目"})])]
    assert review_forms([("t.json", [good_target()])], select=["T35"], history=renamed) == []
    later = [(src, [past.model_copy(update={"year": 2025})])]
    assert review_forms([("t.json", [good_target()])], select=["T35"], history=later) == []


def test_history_option_on_the_command_line(tmp_path):
    import json

    from typer.testing import CliRunner

    from drafter.cli import app
    (src, forms), = _history("1500(人次)")
    past = tmp_path / "2023.json"
    past.write_text(json.dumps({"source": src, "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    now = tmp_path / "2024.json"
    now.write_text(json.dumps({"source": "2024", "forms": [good_target().model_dump(mode="json")]},
                              ensure_ascii=False), encoding="utf-8")
    r = CliRunner().invoke(app, ["review", str(now), "--history", str(past), "--select", "T35", "-f", "json"])
    findings = json.loads(r.stdout)["findings"]
    assert any("1500人次" in f["message"] and "2023.json" in f["message"] for f in findings)
    r = CliRunner().invoke(app, ["review", str(now), "--history", str(tmp_path / "none.json")])
    assert r.exit_code == 2 and "Traceback" not in r.stderr


def test_history_from_the_store(tmp_path, monkeypatch):
    """Past forms of the same project that `drafter ingest` stored are compared like --history files."""
    import json

    from typer.testing import CliRunner

    from drafter.cli import app
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    now = tmp_path / "2024.json"
    now.write_text(json.dumps({"source": "2024", "forms": [good_target().model_dump(mode="json")]},
                              ensure_ascii=False), encoding="utf-8")
    r = runner.invoke(app, ["review", str(now), "--history-from-store", "--select", "T35"])
    assert r.exit_code == 0 and "未比较往年" in r.stderr  # no store yet: said, not fatal
    (src, forms), = _history("1500(人次)")
    past = tmp_path / "2023.json"
    past.write_text(json.dumps({"source": src, "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(past)]).exit_code == 0
    r = runner.invoke(app, ["review", str(now), "--history-from-store", "--select", "T35", "-f", "json"])
    findings = json.loads(r.stdout)["findings"]
    assert any(f["indicator_name"] == "培训人次" and "1500人次" in f["message"] and "2023年" in f["message"]
               for f in findings)


def test_t23_amount_with_its_yuan_dropped():
    form = add(good_target(), ind("成本指标", "经济成本指标", "每株补助成本", "≤28.40/株"))
    [f] = run(form, "T23")
    assert "缺少“元”" in f.message and "≤28.4元/株" in f.suggestion


def test_t27_counts_8_wan_renci_as_80000_renci():
    form = good_target(annual_goal="全年服务群众8万人次，培训1200人次。",
                       indicators=[ind("产出指标", "数量指标", "服务群众人次", "≥8(万人次)"),
                                   ind("产出指标", "数量指标", "培训人次", "≥1200(人次)")])
    assert run(form, "T27") == []


def test_t22_and_t25_leave_changes_and_durations_alone():
    form = add(good_target(), ind("效益指标", "生态效益指标", "化学农药使用量较上年减少", "≥10%"),
               ind("产出指标", "时效指标", "时效", "≤1(年)"))
    assert run(form, "T22") == [] and run(form, "T25") == []
