"""review --llm and parse --llm-read on the wire, replayed from cassettes recorded from a real server.

cassettes/recorded/test_critique_llm_recorded/ were recorded from llama-cpp-python's OpenAI-compatible
server running gemma-3-270m (cassettes/README.md says how to re-record). A 270M model cannot
critique a form: the point is the wire (the mode step-down, grammar-constrained JSON, usage), the
re-ask that carries the validator's Chinese message, and what drafter does when the answers never
validate: the rules' review stands, the file stays unread, and each says why.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest_llm import (CASSETTES, RECORDED_URL, assert_no_key, cassette_dir, log_rows, set_llm_env,  # noqa: F401
                          vcr_config)
from critique_cases import fixed_evidence, write_form
from test_extraction import NOTICE

pytestmark = pytest.mark.vcr
runner = CliRunner()


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("recorded", __file__)


@pytest.fixture
def env(monkeypatch, tmp_path, record_mode, request):
    cassette = CASSETTES / "recorded" / "test_critique_llm_recorded" / f"{request.node.name}.yaml"
    if record_mode == "none" and not cassette.exists():
        pytest.skip(f"{cassette.name} not recorded yet: see cassettes/README.md (needs the llama.cpp server)")
    set_llm_env(monkeypatch, RECORDED_URL, DRAFTER_CONTEXT_TOKENS="8000", DRAFTER_JOBS="1")
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("drafter.critique.engine.from_store", fixed_evidence)
    return tmp_path / "home"


def reasks(rows):
    """(validator message sent back, attempt) for every re-ask in the log."""
    return [(r["messages"][-1]["content"], r["attempt"]) for r in rows
            if r["messages"] and "Correct your JSON" in str(r["messages"][-1].get("content"))]


def test_tiny_model_critique_is_re_asked_then_the_rules_review_stands(env, tmp_path, monkeypatch):
    from drafter.cli import app

    path = write_form(tmp_path)
    result = runner.invoke(app, ["review", str(path), "--llm", "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    rows = [r for r in log_rows(env) if r["task"] == "critique"]
    # Over the wire: every answer carried usage, and one was sent back with the validator's words.
    assert all(r["total_tokens"] for r in rows if r["status"] != "error")
    [(message, _)] = reasks(rows)
    assert "validation error" in message and any(
        w in message for w in ("序号", "不存在", "必须", "找不到", "没有通过审核规则", "Field required"))
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "DRAFTER_PROFILE"):
        monkeypatch.delenv(name)
    plain = runner.invoke(app, ["review", str(path), "-f", "json", "--fail-on", "never"])
    got = json.loads(result.stdout)["findings"]
    if rows[-1]["status"] == "ok":  # the model's second answer validated: its findings are added
        assert {f["code"] for f in json.loads(plain.stdout)["findings"]} <= {f["code"] for f in got}
    else:
        assert result.stdout == plain.stdout and "模型复核失败" in result.stderr
    assert_no_key(CASSETTES / "recorded", env)


def test_tiny_model_reading_keeps_only_what_the_text_holds(env, tmp_path, monkeypatch):
    from drafter.cli import app

    # gemma-3-270m repeats itself up to any limit; 400 tokens keep a recording to about a minute.
    monkeypatch.setenv("DRAFTER_MAX_TOKENS", "400")
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(notice), "--llm-read", "-f", "json"])
    rows = [r for r in log_rows(env) if r["task"] == "extract"]
    # The llama.cpp server refused json_schema (HTTP 500), drafter stepped down to JSON mode and
    # got an answer with usage.
    assert [r["mode"] for r in rows][:1] == ["JSON_SCHEMA"] and rows[-1]["mode"] == "JSON"
    assert any(r["total_tokens"] for r in rows if r["status"] != "error")
    if result.exit_code == 0:
        from drafter.extraction.schema import normalise
        parsed = json.loads(result.stdout)
        assert parsed["read_by"] == "llm"
        for form in parsed["forms"]:
            for ind in form["indicators"]:
                assert normalise(ind["name"]) in normalise(NOTICE)
                assert ind["target_raw"] is None or normalise(ind["target_raw"]) in normalise(NOTICE)
    else:
        assert result.exit_code == 2 and "大模型也没有读出表单" in result.stderr
    assert_no_key(CASSETTES / "recorded", env)
