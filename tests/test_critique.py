"""review --llm without a model: the critique's schema checks, the merge with rule findings, L codes.

No server, no cassette: the validators are run on answers written here, with the facts a real
request would carry (tests/critique_cases.py).
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from critique_cases import (AWARENESS, FORM, INVENTED_BASELINE, SATISFACTION_FROM_E1, bad, evidence, good_answer,
                            ok, rewrite, write_form)

runner = CliRunner()


def piece():
    from drafter.critique.engine import Piece
    from drafter.model import Form

    form = Form.model_validate(FORM)
    return Piece("form.json", 0, form, list(range(1, 7)), evidence(), [], True)


def validate(answer):
    from drafter.critique.engine import facts_for
    from drafter.critique.schema import FormCritique, facts

    with facts(facts_for(piece())):
        return FormCritique.model_validate(answer)


def error_text(answer) -> str:
    with pytest.raises(ValidationError) as caught:
        validate(answer)
    return str(caught.value)


def test_a_careful_answer_validates():
    critique = validate(good_answer())
    assert [c.verdict for c in critique.indicators] == ["合格", "合格", "需修改", "需修改", "合格", "需修改"]
    assert critique.indicators[5].rewrite.baseline.source == "E1"


def test_a_baseline_not_in_the_form_or_the_evidence_is_re_asked_in_chinese():
    text = error_text(good_answer(INVENTED_BASELINE))
    assert "基线数值 88 在资料（本表和证据）中找不到" in text and "不要编造历史数据" in text
    assert "基线年度 2023 在资料中找不到" in text


def test_a_baseline_number_in_another_spelling_is_found():
    # 85 is printed ">85%" in E1: 85.0 is the same number.
    answer = good_answer(dict(SATISFACTION_FROM_E1, baseline={"value": 85.0, "year": 2020, "source": "E1"}))
    assert validate(answer).indicators[5].rewrite.baseline.value == 85


def test_refs_and_positions_must_be_what_the_request_gave():
    answer = good_answer()
    answer["indicators"][3]["refs"] = ["E9"]
    assert "未提供的证据 ['E9']" in error_text(answer)
    answer = good_answer()
    answer["indicators"].append(ok(9))
    text = error_text(answer)
    assert "序号 9 不存在" in text
    answer = good_answer()
    del answer["indicators"][0]
    assert "缺少序号 [1] 的评价" in error_text(answer)


def test_length_caps_are_in_the_schema_and_an_over_long_answer_is_re_asked_in_chinese():
    from drafter.critique.schema import FormCritique

    # The caps travel in the JSON schema (a grammar-enforcing server stops the field there) ...
    defs = FormCritique.model_json_schema()["$defs"]
    assert defs["IndicatorCritique"]["properties"]["refs"]["maxItems"] == 3
    assert {"maxLength": 200, "type": "string"} in defs["IndicatorCritique"]["properties"]["critique"]["anyOf"]
    assert defs["GoalGap"]["properties"]["commitment"]["maxLength"] == 200
    assert defs["Rewrite"]["properties"]["name"]["maxLength"] == 60
    # ... and a server that does not enforce them gets the answer back with a Chinese reason.
    answer = good_answer()
    answer["indicators"][2]["critique"] = "没有基线。" * 41
    answer["indicators"][5]["refs"] = ["E1", "E2", "E3", "E1"]
    answer["uncovered"][0]["rewrite"] = dict(answer["uncovered"][0]["rewrite"], name="物业企业培训次数" * 8)
    text = error_text(answer)
    assert "最多 200 个字：只写要点，不要重复" in text and "refs 最多 3 个证据编号：只列最相关的" in text
    assert "指标名称最多 60 个字" in text and "should have at most" not in text
    answer = good_answer()
    answer["indicators"][2]["critique"] = "没有基线。" * 40  # 200 characters: at the cap, accepted
    assert validate(answer).indicators[2].critique == "没有基线。" * 40


def test_a_rewrite_the_rules_reject_is_re_asked_with_the_rules_words():
    misfiled = rewrite("效益指标", "社会效益指标", "物业服务投诉处理及时率", "≥", 95, "%")
    answer = good_answer()
    answer["indicators"][2] = bad(3, "unmeasurable", "没有数值。", misfiled)
    text = error_text(answer)
    assert "序号 3 的改写没有通过审核规则" in text and "及时率" in text


def test_a_problem_verdict_needs_a_type_and_a_reason():
    answer = good_answer()
    answer["indicators"][3] = bad(4, "goal_not_covered", "", AWARENESS)
    text = error_text(answer)
    assert "problem 必须是" in text and "critique 要用一两句话说明问题" in text


def test_an_addition_for_an_uncovered_commitment_must_pass_the_rules_too():
    answer = good_answer()
    answer["uncovered"][0]["rewrite"] = rewrite("产出指标", "数量指标", "物业企业培训", "≥", 4, "")
    assert "uncovered 中建议补充的指标没有通过审核规则" in error_text(answer)


def test_model_findings_merge_with_rule_findings_one_per_indicator_and_problem():
    from drafter.critique.engine import Answer, CritiqueRun
    from drafter.critique.findings import llm_findings, merge
    from drafter.rules import review_forms

    p = piece()
    rules = review_forms([(p.source, [p.form])])
    assert any(f.code == "T07" and f.indicator_index == 2 for f in rules)
    run = CritiqueRun(answers=[Answer(p, validate(good_answer()))])
    merged = merge(rules, llm_findings(run), [p.source])
    at = {(f.indicator_index, f.code): f for f in merged}
    # The rule and the model agree that 物业服务水平 is unmeasurable: one finding, both origins,
    # the model's rewrite for this very indicator as its suggestion.
    assert (2, "L01") not in at and at[(2, "T07")].origin == "rules+llm"
    assert "模型复核同意" in at[(2, "T07")].message and "有责投诉率 ≤5%" in at[(2, "T07")].suggestion
    # What the rules cannot see is new: an output dressed as an outcome, a target far below history,
    # a commitment of the goal that no indicator measures.
    assert at[(3, "L04")].origin == "llm" and "居民对物业服务标准的知晓率 ≥80%" in at[(3, "L04")].suggestion
    assert "基线 2020年85%（E1）" in at[(5, "L05")].suggestion and at[(5, "L05")].tags == ["ambition", "llm"]
    # The uncovered commitment is what T27 (a goal quantity with no indicator) already says: merged.
    assert (None, "L03") not in at and at[(None, "T27")].origin == "rules+llm"
    assert "物业企业培训次数 ≥4次" in at[(None, "T27")].suggestion
    assert len([f for f in merged if f.indicator_index == 2]) == len([f for f in rules if f.indicator_index == 2])
    # Place order: form-level first, then by indicator; rules before the model at one place.
    places = [(-1 if f.indicator_index is None else f.indicator_index) for f in merged]
    assert places == sorted(places)


def test_selecting_codes_filters_the_models_findings_too():
    from drafter.critique.engine import Answer, CritiqueRun
    from drafter.critique.findings import llm_findings

    run = CritiqueRun(answers=[Answer(piece(), validate(good_answer()))])
    assert {f.code for f in llm_findings(run, {"L05"})} == {"L05"}


def test_drafter_rule_documents_the_model_codes():
    from drafter.cli import app

    listing = runner.invoke(app, ["rule", "--format", "json"])
    codes = [r["code"] for r in json.loads(listing.stdout)]
    assert codes[-7:] == ["L01", "L02", "L03", "L04", "L05", "L06", "L07"]
    doc = runner.invoke(app, ["rule", "L05"])
    assert doc.exit_code == 0 and "目标值偏低" in doc.stdout
    for part in ("检查内容", "为什么重要", "示例", "如何修改"):
        assert part in doc.stdout


def test_review_llm_without_a_model_is_the_rules_review_and_says_so_once(tmp_path, monkeypatch):
    from drafter.cli import app

    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    path = write_form(tmp_path)
    plain = runner.invoke(app, ["review", str(path), "-f", "json"])
    asked = runner.invoke(app, ["review", str(path), "-f", "json", "--llm"])
    assert asked.stdout == plain.stdout and asked.exit_code == plain.exit_code
    assert [l for l in asked.stderr.splitlines() if "大模型" in l] == [
        "drafter: 没有配置大模型（未设置 OPENAI_API_KEY / OPENAI_BASE_URL / DRAFTER_PROFILE），只运行审核规则"]
    assert "大模型" not in plain.stderr
    findings = json.loads(plain.stdout)["findings"]
    assert findings and {f["origin"] for f in findings} == {"rules"}
    sarif = json.loads(runner.invoke(app, ["review", str(path), "-f", "sarif"]).stdout)
    assert not [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"].startswith("L")]


def test_a_form_too_long_for_the_context_is_split_into_runs_of_indicators():
    from drafter.critique.engine import pieces_for

    p = piece()
    findings = __import__("drafter.rules", fromlist=["review_forms"]).review_forms([(p.source, [p.form])])
    whole = pieces_for(p.source, 0, p.form, findings, evidence(), budget=100_000)
    assert len(whole) == 1 and whole[0].positions == [1, 2, 3, 4, 5, 6] and whole[0].with_goal
    split = pieces_for(p.source, 0, p.form, findings, evidence(), budget=900)
    assert len(split) == 2 and [q.positions for q in split] == [[1, 2, 3, 4], [5, 6]]
    # The goal is checked once; each run carries the rule findings on its own indicators only.
    assert [q.with_goal for q in split] == [True, False]
    assert all(f.indicator_index is not None and f.indicator_index + 1 in q.positions
               for q in split for f in q.findings)


def test_review_llm_gives_the_same_report_with_any_jobs(tmp_path, monkeypatch):
    from critique_cases import fixed_evidence
    from drafter.cli import app
    from faultserver import Fault, FaultServer, chat

    paths = []
    for n in range(3):
        form = json.loads(json.dumps(FORM))
        form["project_name"] += f"（第{n + 1}片区）"
        paths.append(str(write_form(tmp_path, form, name=f"form{n}.json")))
    monkeypatch.setattr("drafter.critique.engine.from_store", fixed_evidence)
    for name in ("DRAFTER_PROFILE", "DRAFTER_JOBS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-critique-jobs")
    monkeypatch.setenv("DRAFTER_MODE", "JSON")
    monkeypatch.setenv("DRAFTER_CONTEXT_TOKENS", "100000")
    answer = Fault(200, chat(json.dumps(good_answer(), ensure_ascii=False)), delay=0.1)
    outputs = []
    for jobs in ("1", "3"):
        with FaultServer(default=answer) as server:
            monkeypatch.setenv("OPENAI_BASE_URL", server.url)
            monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / f"home{jobs}"))
            result = runner.invoke(app, ["review", *paths, "--llm", "--jobs", jobs, "-f", "json", "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        assert len(server.chat_requests()) == 3
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    findings = json.loads(outputs[0])["findings"]
    assert [f["source"] for f in findings if f["code"] == "L05"] == paths
