"""LLM drafting paths a real model cannot be made to hit on demand, replayed from authored cassettes.

The cassettes in cassettes/authored/test_draft_llm_authored/ hold requests exactly as drafter sends
them and *hand-written* responses (each marked with the ``x-drafter-authored`` header): they were
recorded against :class:`conftest_llm.StubServer`, which answers with the responses scripted in
each test below. Re-author with ``pytest tests/test_draft_llm_authored.py --record-mode=rewrite``.
"""

from __future__ import annotations

import json

import pytest

from conftest_llm import (AUTHORED_URL, CASSETTES, FAKE_KEY, MODEL, assert_no_key, cassette_dir, completion,
                          fixed_store, log_rows, request_obj, set_llm_env, stub, vcr_config)  # noqa: F401

pytestmark = pytest.mark.vcr


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("authored", __file__)


@pytest.fixture
def env(monkeypatch, tmp_path, fixed_store):
    # JSON mode: the stub plays a server that takes json_object (DeepSeek, Qwen, GLM style).
    set_llm_env(monkeypatch, AUTHORED_URL, DRAFTER_MODE="JSON")
    return tmp_path / "home"


def I(level1, level2, name, op, value, unit, baseline, basis="历史标准", evidence="工作台账", refs=("R1",), state=None):
    return {"level1": level1, "level2": level2, "name": name, "op": op, "value": value, "unit": unit,
            "state": state, "baseline": baseline, "basis": basis, "evidence": evidence, "refs": list(refs)}


MASKED = FAKE_KEY[:8] + "*" * 8 + FAKE_KEY[-4:]
GOAL = "完成老旧小区物业服务测评报告1份，开展物业企业培训4次，参训企业满意度不低于90%。"
BASE = [
    I("产出指标", "数量指标", "物业服务测评报告数量", "≥", 1, "份", "2024年目标值1份（R1 目标表）"),
    I("产出指标", "数量指标", "物业企业培训次数", "≥", 4, "次", "2024年目标值1次（R1 目标表）"),
    I("产出指标", "质量指标", "测评报告验收合格率", "=", 100, "%", "2024年目标值100%（R1 目标表）", evidence="验收报告"),
    I("产出指标", "时效指标", "测评报告完成时限", None, None, None, "无历史数据：本项目为新设项目",
      basis="计划标准", state="2025年12月31日前完成并通过验收"),
    I("效益指标", "可持续影响指标", "有责投诉率", "≤", 5, "%", "2020年目标值≤5%（R2 目标表）", refs=("R2",)),
    I("满意度指标", "服务对象满意度指标", "参训企业满意度", "≥", 90, "%", "2020年目标值85%（R2 目标表）",
      evidence="满意度问卷调查报告", refs=("R2",)),
]


def cost(value):
    return I("成本指标", "经济成本指标", "项目总成本", "≤", value, "万元", "2024年同类项目资金23.5万元（R1 目标表）",
             basis="计划标准", evidence="财务决算报表")


def answer(indicators):
    return json.dumps({"annual_goal": GOAL, "indicators": indicators}, ensure_ascii=False)


def critique_ok(rows):
    """The model's critique of a draft of ``rows`` indicators (the review round's task critique): all pass."""
    from critique_cases import ok

    return completion(json.dumps({"indicators": [ok(p) for p in range(1, rows + 1)], "uncovered": []},
                                 ensure_ascii=False), 1900, 260)


def test_reask_with_validator_message_then_review_round(env, stub):
    """First answer lacks a cost indicator (re-asked), second mismatches the funds (review round)."""
    stub([
        (200, completion(answer(BASE), 1480, 610)),
        (200, completion(answer(BASE + [cost(200)]), 2150, 690)),
        (200, critique_ok(7)),
        (200, completion(answer(BASE + [cost(120)]), 2990, 690)),
    ])
    from drafter.draft.pipeline import draft

    notes = []
    result = draft(request_obj(), announce=notes.append)
    assert result.engine == f"llm:{MODEL}"
    form = result.form
    assert {i.name for i in form.indicators} >= {"项目总成本", "参训企业满意度"}
    assert next(i for i in form.indicators if i.name == "项目总成本").target_raw == "≤120万元"
    # Prompt ids became full references to the past forms.
    assert form.indicators[0].refs == ["corpus/000_695c4e6a2653faf7.txt#物业事务管理（2024年目标表）"]
    assert "R1" not in form.indicators[0].baseline and "《物业事务管理》" in form.indicators[0].baseline

    rows = log_rows(env)
    assert [(r["task"], r["attempt"], r["status"]) for r in rows] == [
        ("draft", 1, "invalid"), ("draft", 2, "ok"), ("critique", 1, "ok"), ("draft-revise", 1, "ok")]
    # The validator's Chinese message is what the model saw on retry.
    assert "缺少必备的指标类别：成本" in rows[0]["error"]
    retry_prompt = rows[1]["messages"][-1]["content"]
    assert "Correct your JSON ONLY RESPONSE" in retry_prompt and "缺少必备的指标类别：成本" in retry_prompt
    # The review round quotes the rule that objected (T14: cost vs funds).
    revise_prompt = rows[3]["messages"][-1]["content"]
    assert "[T14]" in revise_prompt and "项目总成本" in revise_prompt
    assert any("已修改一轮" in n and "已全部解决" in n for n in result.notes)
    # Calls and tokens per draft, from the log.
    # The critique found nothing: the round is the rules' alone, and says so as before.
    assert "模型" not in revise_prompt and not any("模型复核" in n for n in result.notes)
    # Calls and tokens per draft, from the log (the critique's call included).
    assert result.calls == 4 and result.tokens == 2090 + 2840 + 2160 + 3680
    from drafter.llm.log import CallLog
    (usage,) = CallLog(env / "llm.db").usage()["by_run"]
    assert usage["requests"] == 4 and usage["total_tokens"] == result.tokens
    assert_no_key(env, CASSETTES / "authored")


def test_server_error_falls_back_to_offline(env, stub):
    stub([(503, {"error": {"message": "model is loading", "type": "unavailable"}})])
    from drafter.draft.pipeline import draft

    said = []
    result = draft(request_obj(), announce=said.append)
    assert result.engine == "offline"
    assert any("LLM 起草失败，改用离线引擎" in s for s in said)
    assert any("已改用离线引擎" in n and "503" in n for n in result.notes)
    from drafter.draft.vocab import CATEGORIES, category_of
    assert set(CATEGORIES) <= {category_of(i.level1, i.level2) for i in result.form.indicators}
    assert [r["status"] for r in log_rows(env)] == ["error"]


def test_rejected_key_never_reaches_notes_log_or_cassette(env, stub):
    # OpenAI echoes the key with its middle masked; the unmasked key is covered by test_llm_units.
    stub([(401, {"error": {"message": f"Incorrect API key provided: {MASKED}. You can find your API key "
                                      "at https://platform.openai.com/account/api-keys.",
                           "type": "invalid_request_error", "code": "invalid_api_key"}})])
    from drafter.draft.pipeline import draft

    said = []
    result = draft(request_obj(), announce=said.append)
    assert result.engine == "offline"
    text = json.dumps(result.to_json(), ensure_ascii=False) + "\n".join(said)
    assert "AuthenticationError" in text and FAKE_KEY not in text and MASKED not in text
    assert_no_key(env, CASSETTES / "authored")


def test_logs_command_shows_attempts_and_usage_per_draft(env, stub, monkeypatch):
    """`drafter draft` then `drafter logs`: every attempt, tokens per draft, and nothing secret."""
    stub([
        (200, completion(answer(BASE), 1480, 610)),
        (200, completion(answer(BASE + [cost(120)]), 2150, 690)),
        (200, critique_ok(7)),
    ])
    from typer.testing import CliRunner

    from drafter.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["draft", "--name", "老旧小区物业服务测评", "--goal",
                                 "完成老旧小区物业服务测评报告1份，开展物业企业培训4次", "--funds", "120",
                                 "--year", "2025", "--agency", "上海市物业管理事务中心", "--format", "json"],
                           env={"COLUMNS": "200"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == f"llm:{MODEL}"
    assert "请求 3 次，词元 7090" in result.stderr

    logs = runner.invoke(app, ["logs", "--json"], env={"COLUMNS": "200"})
    data = json.loads(logs.stdout)
    assert [(c["task"], c["status"]) for c in data["calls"]] == [("draft", "invalid"), ("draft", "ok"),
                                                                  ("critique", "ok")]
    assert data["usage"]["total"]["total_tokens"] == 7090 and data["usage"]["total"]["requests"] == 3
    (run,) = data["usage"]["by_run"]
    assert run["requests"] == 3 and run["total_tokens"] == 7090
    assert set(run["tasks"].split(",")) == {"draft", "critique"}
    table = runner.invoke(app, ["logs", "-n", "5"], env={"COLUMNS": "200"})
    assert "未通过校验" in table.stdout and "每次起草：平均请求 3.0 次 · 平均词元 7090" in table.stdout
    usage_only = runner.invoke(app, ["logs", "--usage"], env={"COLUMNS": "200"})
    assert "合计：尝试 3 次" in usage_only.stdout and "未通过校验" not in usage_only.stdout.split("合计")[0]
    assert FAKE_KEY not in logs.stdout + table.stdout
    assert runner.invoke(app, ["logs", "--path"]).stdout.strip().endswith("llm.db")


def test_library_rows_in_prompt_and_foreign_rows_dropped(env, stub, monkeypatch):
    """The prompt carries the library rows chosen for the project and its type; the answer's row
    about another sector's objects (办公楼宇) is dropped by the relevance gate, an L-cited row
    keeps its library citation."""
    from drafter.draft import library as lib

    chosen = [lib.load_shipped().by_id()[i] for i in ("L524", "L523")]
    monkeypatch.setattr("drafter.draft.pipeline.llm_library_rows", lambda *a, **k: chosen)
    foreign = I("产出指标", "数量指标", "办公楼宇调查数", "≥", 600, "栋", "2023年目标值600栋（R2 目标表）", refs=("R2",))
    from_library = I("满意度指标", "服务对象满意度指标", "改造小区居民满意度", "≥", 90, "%",
                     "无历史数据：参照指标库典型值≥90%（L524）", basis="行业标准", evidence="满意度问卷调查报告",
                     refs=("L524",))
    # The gate drops the foreign row before the critique reads the draft: 8 rows are left.
    stub([(200, completion(answer(BASE + [cost(120), foreign, from_library]), 1800, 700)), (200, critique_ok(8))])
    from drafter.draft.pipeline import draft

    result = draft(request_obj())
    assert result.engine == f"llm:{MODEL}"
    prompt = log_rows(env)[0]["messages"][1]["content"]
    assert "指标库中贴合本项目的指标" in prompt and "L524" in prompt and "改造小区居民满意度" in prompt
    assert "项目类型：" in prompt and "本项目行业：住房城乡建设" in prompt
    names = [i.name for i in result.form.indicators]
    assert "办公楼宇调查数" not in names and "改造小区居民满意度" in names
    assert any("已删除与本项目对象无关的指标：办公楼宇调查数" in n for n in result.notes)
    lib_row = next(i for i in result.form.indicators if i.name == "改造小区居民满意度")
    assert lib_row.refs == [chosen[0].citation] and "#L524" in lib_row.refs[0]
    from drafter.draft.review import review
    findings = review(result.form)
    # The request gave no 主管部门 (T30, the requester's to fill): no other error, nothing unmeasurable.
    assert not [f for f in findings if "unmeasurable" in f.tags or (f.severity == "error" and f.code != "T30")]
