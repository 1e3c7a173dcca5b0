"""Review rounds (issue 15 §5): a resubmitted form against the previous review, and accepted findings."""

from __future__ import annotations

import json

from test_rules_support import add, good_target, ind, replace
from typer.testing import CliRunner

from drafter.cli import app

runner = CliRunner()


def _write(tmp_path, name, *forms):
    path = tmp_path / name
    path.write_text(json.dumps({"source": name, "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    return str(path)


def _review(*args):
    return runner.invoke(app, ["review", *args])


def _first_submission():
    form = add(good_target(),
               ind("效益指标", "可持续影响指标", "长效管理机制", "健全"),
               ind("产出指标", "时效指标", "防伪专用纸采购时限", "及时"),
               ind("满意度指标", "服务对象满意度指标", "居民满意度", "提升"))
    return form


def _resubmission(first):
    # 退回修改: the time row fixed, the rows reordered, a new vague row added.
    fixed = replace(first, 7, target_raw="6月30日前")
    rows = list(reversed(fixed.indicators)) + [ind("效益指标", "社会效益指标", "居住环境品质", "提升")]
    return fixed.model_copy(update={"indicators": rows})


def test_baseline_json_reports_fixed_remaining_and_new_by_indicator(tmp_path):
    old = _write(tmp_path, "old.json", _first_submission())
    r1 = _review(old, "-f", "json", "-o", str(tmp_path / "round1.json"))
    assert r1.exit_code == 0
    new = _write(tmp_path, "new.json", _resubmission(_first_submission()))
    r2 = _review(new, "--baseline", str(tmp_path / "round1.json"), "-f", "json")
    data = json.loads(r2.stdout)
    status = {(f["code"], f["indicator_name"]): f["status"] for f in data["findings"]}
    # Reordering did not make the old findings "new": they are matched by indicator.
    assert status[("T07", "长效管理机制")] == "remaining"
    assert status[("T09", "居民满意度")] == "remaining"
    assert status[("T07", "居住环境品质")] == "new"
    assert [(f["code"], f["indicator_name"]) for f in data["fixed"]] == [("T17", "防伪专用纸采购时限")]
    assert data["summary"]["round"] == {"baseline": str(tmp_path / "round1.json"), "fixed": 1,
                                        "new": 1, "remaining": 2, "accepted": 0}
    assert "已修改 1，未修改 2，新增 1" in r2.stderr


def test_baseline_can_be_the_old_form_itself(tmp_path):
    old = _write(tmp_path, "old.json", _first_submission())
    new = _write(tmp_path, "new.json", _resubmission(_first_submission()))
    r = _review(new, "--baseline", old, "-f", "markdown")
    assert "已修改：T17 防伪专用纸采购时限" in r.stdout and "［新增］" in r.stdout and "［未修改］" in r.stdout


def test_accepted_findings_are_listed_as_accepted_and_do_not_fail(tmp_path):
    form = good_target(indicators=[i for i in good_target().indicators if i.level2 != "质量指标"])
    path = _write(tmp_path, "f.json", form)
    assert _review(path).exit_code == 1  # T06: no quality indicator is an error
    accept = tmp_path / "accept.toml"
    accept.write_text('[[accept]]\ncode = "T06"\nproject = "物业从业人员技能培训"\n'
                      'reason = "质量由持证上岗率体现，审核人同意不另设质量指标"\n', encoding="utf-8")
    r = _review(path, "--accept", str(accept), "-f", "json")
    assert r.exit_code == 0
    [f] = [f for f in json.loads(r.stdout)["findings"] if f["code"] == "T06"]
    assert f["status"] == "accepted" and "审核人同意" in f["accepted_reason"]


def test_bad_accept_file_is_one_line_and_exit_2(tmp_path):
    path = _write(tmp_path, "f.json", good_target())
    accept = tmp_path / "accept.yaml"
    accept.write_text("accept:\n  - code: T06\n", encoding="utf-8")
    r = _review(path, "--accept", str(accept))
    assert r.exit_code == 2 and "reason" in r.stderr and "Traceback" not in r.stderr
    r = _review(path, "--baseline", str(tmp_path / "missing.json"))
    assert r.exit_code == 2 and "Traceback" not in r.stderr


def test_baseline_without_project_names_matches_by_form_and_indicator():
    from drafter.rules import review_forms
    from drafter.rules.rounds import compare
    first = _first_submission()
    old = review_forms([("old", [first])])
    for f in old:
        f.project_name = None  # as an older drafter wrote its JSON
    new = review_forms([("new", [_resubmission(first)])])
    result = compare(new, old)
    assert [f.code for f in result.fixed] == ["T17"]
    assert {f.indicator_name for f in result.findings if f.status == "new"} == {"居住环境品质"}


def test_xlsx_sheet_shows_the_round_status(tmp_path):
    from openpyxl import load_workbook
    old = _write(tmp_path, "old.json", _first_submission())
    new = _write(tmp_path, "new.json", _resubmission(_first_submission()))
    out = tmp_path / "r.xlsx"
    assert _review(new, "--baseline", old, "-f", "xlsx", "-o", str(out)).exit_code == 0
    ws = load_workbook(out)["审核意见"]
    col = [c.value for c in ws[1]].index("问题")
    texts = [row[col].value or "" for row in ws.iter_rows(min_row=2)]
    assert any(t.startswith("［新增］") for t in texts) and any(t.startswith("［未修改］") for t in texts)


def test_sarif_carries_baseline_state_and_suppressions(tmp_path):
    old = _write(tmp_path, "old.json", _first_submission())
    new = _write(tmp_path, "new.json", _resubmission(_first_submission()))
    accept = tmp_path / "accept.yaml"
    accept.write_text("accept:\n  - code: T09\n    indicator: 居民满意度\n    reason: 首次开展测评，暂无基线\n",
                      encoding="utf-8")
    r = _review(new, "--baseline", old, "--accept", str(accept), "-f", "sarif")
    results = json.loads(r.stdout)["runs"][0]["results"]
    by = {(x["ruleId"], x["locations"][0]["logicalLocations"][0]["name"]): x for x in results}
    assert by[("T07", "居住环境品质")]["baselineState"] == "new"
    assert by[("T07", "长效管理机制")]["baselineState"] == "unchanged"
    assert by[("T09", "居民满意度")]["suppressions"][0]["justification"] == "首次开展测评，暂无基线"
