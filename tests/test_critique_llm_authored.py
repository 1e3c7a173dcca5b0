"""review --llm success paths, replayed from authored cassettes (hand-written answers).

The cassettes in cassettes/authored/test_critique_llm_authored/ hold the requests exactly as drafter
sends them and *hand-written* responses (each marked with the ``x-drafter-authored`` header),
recorded against :class:`conftest_llm.StubServer`. Re-author with
``pytest tests/test_critique_llm_authored.py --record-mode=rewrite`` (no model, a few seconds).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest_llm import (AUTHORED_URL, CASSETTES, MODEL, assert_no_key, cassette_dir, completion, log_rows,
                          set_llm_env, stub, vcr_config)  # noqa: F401
from critique_cases import INVENTED_BASELINE, fixed_evidence, good_answer, write_form

pytestmark = pytest.mark.vcr
runner = CliRunner()


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("authored", __file__)


@pytest.fixture
def env(monkeypatch, tmp_path):
    # JSON mode: the stub plays a server that takes json_object (DeepSeek, Qwen, GLM style).
    set_llm_env(monkeypatch, AUTHORED_URL, DRAFTER_MODE="JSON", DRAFTER_CONTEXT_TOKENS="8000")
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("drafter.critique.engine.from_store", fixed_evidence)
    return tmp_path / "home"


def review(path, *args):
    from drafter.cli import app
    return runner.invoke(app, ["review", str(path), "--llm", "--fail-on", "never", *args])


def answer(body) -> dict:
    return completion(json.dumps(body, ensure_ascii=False), 2600, 700)


def test_critique_is_re_asked_with_the_validators_message_then_merged(env, stub, tmp_path):
    """The first answer invents a baseline (88 in 2023); the re-ask quotes why; the second is used."""
    stub([(200, answer(good_answer(INVENTED_BASELINE))), (200, answer(good_answer()))])
    path = write_form(tmp_path)
    result = review(path, "-f", "json")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    got = [(f["code"], f["indicator_index"], f["origin"]) for f in findings]
    # T27 (goal quantity without an indicator) and the model's uncovered commitment are one finding.
    assert got == [("T06", None, "rules"), ("T27", None, "rules+llm"), ("T30", None, "rules"),
                   ("T07", 2, "rules+llm"), ("L04", 3, "llm"), ("T18", 4, "rules"), ("L05", 5, "llm")]
    l05 = findings[-1]
    assert l05["severity"] == "warning" and l05["tags"] == ["ambition", "llm"]
    assert l05["suggestion"] == ("改写为：满意度指标/服务对象满意度指标/居民满意度 ≥90%；基线 2020年85%（E1）；"
                                 "取值依据：历史标准；数据来源：满意度调查问卷")
    assert "重问 1 次" in result.stderr and "新增模型意见 2 条，与规则意见合并 2 条" in result.stderr

    rows = log_rows(env)
    assert [(r["task"], r["attempt"], r["status"]) for r in rows] == [("critique", 1, "invalid"), ("critique", 2, "ok")]
    retry_prompt = rows[1]["messages"][-1]["content"]
    assert "Correct your JSON ONLY RESPONSE" in retry_prompt and "不要编造历史数据" in retry_prompt
    # The form, the rule findings and the evidence reached the model as data, and only as data.
    user = rows[0]["messages"][1]["content"]
    assert user.count("<<<资料开始>>>") == 3 and "T07" in user and "居民满意度" in user and ">85%" in user
    assert "老旧小区物业服务测评" not in rows[0]["messages"][0]["content"]

    # Same question again: answered from the cache, no request (the cassette holds two).
    again = review(path, "-f", "markdown")
    assert again.exit_code == 0, again.output
    md = again.stdout
    assert "| 警告 | L05（模型） | 居民满意度 | ≥60% |" in md and "基线 2020年85%（E1）" in md
    assert "| 警告 | T07（规则+模型） | 物业服务水平 |" in md
    assert log_rows(env)[-1]["cache_hit"] is True
    assert_no_key(CASSETTES / "authored", env)


def test_a_server_error_leaves_the_rules_review_as_it_was(env, stub, tmp_path, monkeypatch):
    stub([(503, {"error": {"message": "model is loading", "type": "server_error", "code": 503}})])
    path = write_form(tmp_path)
    result = review(path, "-f", "json")
    assert result.exit_code == 0, result.output
    from drafter.cli import app
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("DRAFTER_PROFILE")
    monkeypatch.delenv("OPENAI_API_KEY")
    plain = runner.invoke(app, ["review", str(path), "-f", "json", "--fail-on", "never"])
    assert result.stdout == plain.stdout
    said = [line for line in result.stderr.splitlines() if "模型复核失败" in line]
    assert len(said) == 1 and "HTTP 503" in said[0] and "只保留规则审核结果" in said[0]
    assert [r["status"] for r in log_rows(env)] == ["error"]
