"""Citations and presets (issue 15 §4): every finding says what it rests on; --config takes the
jurisdictions ../shared/domain.md documents by name."""

from __future__ import annotations

import json

import pytest
from test_rules_support import add, good_self_eval, good_target, ind
from typer.testing import CliRunner

from drafter.cli import app
from drafter.config import PRESETS, load_config
from drafter.errors import InputError
from drafter.rules import all_rules, review_forms

runner = CliRunner()


def test_every_rule_cites_a_document():
    for r in all_rules():
        assert r.basis and any(w in r.basis for w in ("财预", "指引", "办法", "通知", "表", "系统", "说明", "要点")), r.code


def test_findings_carry_the_basis_in_sarif_and_xlsx(tmp_path):
    path = tmp_path / "f.json"
    form = add(good_target(), ind("效益指标", "可持续影响指标", "长效管理机制", "健全"))
    path.write_text(json.dumps({"source": "f", "forms": [form.model_dump(mode="json")]}, ensure_ascii=False),
                    encoding="utf-8")
    r = runner.invoke(app, ["review", str(path), "-f", "sarif"])
    run = json.loads(r.stdout)["runs"][0]
    [res] = [x for x in run["results"] if x["ruleId"] == "T07"]
    assert "财预〔2015〕88号" in res["properties"]["basis"]
    assert all(rule["properties"]["basis"] for rule in run["tool"]["driver"]["rules"])
    out = tmp_path / "r.xlsx"
    r = runner.invoke(app, ["review", str(path), "-f", "xlsx", "-o", str(out)])
    from openpyxl import load_workbook
    ws = load_workbook(out)["审核意见"]
    header = [c.value for c in ws[1]]
    col = header.index("依据")
    assert any("财预〔2015〕88号" in (row[col].value or "") for row in ws.iter_rows(min_row=2))


def test_presets_by_name_and_their_sources():
    assert set(PRESETS) >= {"national", "shanghai-2025", "guangxi"}
    assert all(p.source for p in PRESETS.values())
    sh = load_config("shanghai-2025")
    assert sh.cost_required and sh.cost_standard_required
    assert load_config("national") == load_config(None)
    form = good_target(indicators=[i for i in good_target().indicators if i.level2 != "成本指标"])
    t06 = lambda cfg: [f.severity for f in review_forms([("f", [form])], cfg, select=["T06"])]
    assert t06(load_config("national")) == ["warning"] and t06(sh) == ["error"]


def test_guangxi_preset_sets_the_over_achievement_line():
    cfg = load_config("guangxi")
    assert cfg.over_achievement_ratio == pytest.approx(1.30) and cfg.over_achievement_zero_target == 30
    form = good_self_eval()
    rows = list(form.indicators)
    rows[0] = rows[0].model_copy(update={"actual_raw": "1600(人次)"})
    found = review_forms([("f", [form.model_copy(update={"indicators": rows})])], cfg, select=["S10"])
    assert found and "130" in found[0].message


def test_config_file_starts_from_a_preset(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('preset = "shanghai-2025"\nmin_indicators = 5\n', encoding="utf-8")
    cfg = load_config(path)
    assert cfg.cost_required and cfg.min_indicators == 5
    path.write_text('preset = "atlantis"\n', encoding="utf-8")
    with pytest.raises(InputError):
        load_config(path)


def test_unknown_preset_on_the_command_line_names_the_presets(tmp_path):
    r = runner.invoke(app, ["review", "nowhere.txt", "--config", "shanghai"])
    assert r.exit_code == 2 and "shanghai-2025" in r.stderr and "Traceback" not in r.stderr
    r = runner.invoke(app, ["rule", "--presets"])
    assert r.exit_code == 0 and "上海市市级部门项目支出核心绩效目标和指标设置及取值指引" in r.stdout


def test_shanxi_preset_caps_the_cost_part_without_a_cost_indicator():
    cfg = load_config("shanxi")
    assert cfg.cost_missing_cap == 5.0
    rows = [i for i in good_self_eval().indicators if i.level2 != "成本指标"]
    form = good_self_eval(indicators=rows, total_score=98.0)
    assert review_forms([("f", [form])], cfg, select=["S18"])
    assert review_forms([("f", [form])], load_config("national"), select=["S18"]) == []
