"""review --llm and parse --llm-read on the wire, replayed from cassettes recorded from a real server.

cassettes/recorded/test_critique_llm_recorded/ were recorded from llama-cpp-python's OpenAI-compatible
server running gemma-3-270m (cassettes/README.md says how to re-record). A 270M model cannot
critique or read a form: the point is the wire (the server refusing json_schema and the step down to
JSON mode with the schema enforced by grammar, usage on every answer), the re-ask that carries the
validator's Chinese message, and what drafter does when the answers never validate: the rules'
review stands, the file stays unread, and each says why.

The assertions follow what the recordings show; where they name gemma's answers they read them from
the log rather than spelling them out, so that a re-recording with another build is judged on the
same behaviour.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest_llm import (CASSETTES, RECORDED_URL, assert_no_key, cassette_dir, log_rows, set_llm_env,  # noqa: F401
                          vcr_config)
from critique_cases import fixed_evidence, write_form
from test_extraction import NOTICE

pytestmark = pytest.mark.vcr
runner = CliRunner()

REASK_HEAD = "Correct your JSON ONLY RESPONSE, based on the following errors:"
# One line the reader cannot place (no table, no indicator row it recognises). On it gemma's first
# answer breaks a validator of the extraction schema (recorded: scores written as ">=9.5"; another
# run of the same server answered a form with no indicators), so the re-ask goes out.
ONE_LINE = "绩效目标：培训人次≥300人次（分值：十分）。\n"


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


def answer(row) -> dict:
    """The JSON the model wrote in a logged attempt."""
    return json.loads(row["response"]["choices"][0]["message"]["content"])


def assert_stepped_down_then_re_asked(rows, task: str) -> None:
    """json_schema refused (HTTP 500), then two grammar-bound JSON answers, the second a re-ask."""
    assert [(r["task"], r["mode"], r["status"]) for r in rows] == [
        (task, "JSON_SCHEMA", "error"), (task, "JSON", "invalid"), (task, "JSON", "invalid")]
    assert "Error code: 500" in rows[0]["error"] and "json_schema" in rows[0]["error"]
    for r in rows[1:]:
        assert r["total_tokens"] == r["response"]["usage"]["total_tokens"] > 0
        assert r["response"]["choices"][0]["finish_reason"] == "stop"
        # The schema travelled as a constraint llama.cpp enforces by grammar.
        assert r["params"]["extra_body"]["response_format"]["type"] == "json_object"
    first, second = rows[1], rows[2]
    # The re-ask is the first request, the model's answer, and the validator's words.
    assert second["messages"][:-2] == first["messages"]
    assert second["messages"][-2] == {"role": "assistant",
                                      "content": first["response"]["choices"][0]["message"]["content"]}
    reask = second["messages"][-1]
    assert reask["role"] == "user" and reask["content"].startswith(REASK_HEAD)
    assert first["error"] in reask["content"]


def read_with_model(path, text: str, monkeypatch):
    """`drafter parse PATH --llm-read -f json` on ``text``, answers capped at 400 tokens."""
    from drafter.cli import app

    monkeypatch.setenv("DRAFTER_MAX_TOKENS", "400")
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["parse", str(path), "--llm-read", "-f", "json"])


def test_tiny_model_critique_is_re_asked_then_the_rules_review_stands(env, tmp_path, monkeypatch):
    from drafter.cli import app

    path = write_form(tmp_path)
    result = runner.invoke(app, ["review", str(path), "--llm", "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    rows = log_rows(env)
    assert_stepped_down_then_re_asked(rows, "critique")
    schema = rows[1]["params"]["extra_body"]["response_format"]["schema"]
    assert schema["$defs"]["IndicatorCritique"]["properties"]["refs"]["maxItems"] == 3

    # gemma cited words of the form as evidence ids; the validator named them and the ids given.
    refs = answer(rows[1])["indicators"][0]["refs"]
    assert 0 < len(refs) <= 3 and not set(refs) & {"E1", "E2", "E3"}
    message = rows[2]["messages"][-1]["content"]
    assert f"序号 1 的指标的 refs 引用了未提供的证据 {refs}；只能引用 E1、E2、E3" in message
    # The second answer failed the same way: retries spent, the form keeps the rules' review only.
    assert answer(rows[2])["indicators"][0]["refs"] == refs

    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "DRAFTER_PROFILE"):
        monkeypatch.delenv(name)
    plain = runner.invoke(app, ["review", str(path), "-f", "json", "--fail-on", "never"])
    assert plain.exit_code == 0 and result.stdout == plain.stdout
    assert "第 1 张表的模型复核失败，只保留规则审核结果：LLM 调用失败（2 次尝试均未通过校验）" in result.stderr
    assert "模型复核 0/1 次调用成功：请求 3 次，按校验意见重问 1 次" in result.stderr
    assert_no_key(CASSETTES / "recorded", env)


def test_tiny_model_reading_is_re_asked_with_the_validators_message(env, tmp_path, monkeypatch):
    # The answers are short; the limit only bounds a re-recording in which gemma runs on.
    result = read_with_model(tmp_path / "line.txt", ONE_LINE, monkeypatch)
    rows = log_rows(env)
    assert_stepped_down_then_re_asked(rows, "extract")
    # Both answers put a comparison where a score (a number copied from the text) goes; the
    # validator said what to write, once per such score.
    for r in rows[1:]:
        scores = [i.get("score") for f in answer(r)["forms"] for i in f["indicators"]]
        assert scores and all(s and not re.fullmatch(r"\d+(\.\d+)?", s) for s in scores)
    scores = [i["score"] for f in answer(rows[1])["forms"] for i in f["indicators"]]
    message = rows[2]["messages"][-1]["content"]
    assert message.count("weight 和 score 只能是原文中的数字（如 10 或 9.5）；原文没有时写 null") == len(scores)
    assert result.exit_code == 2 and result.stdout == ""
    assert re.search(r"line\.txt: 大模型也没有读出表单（LLM 调用失败（2 次尝试均未通过校验）", result.stderr)
    assert "未找到绩效目标表或自评表" in result.stderr
    assert_no_key(CASSETTES / "recorded", env)


def test_tiny_model_reading_cut_by_the_token_limit_is_not_re_asked(env, tmp_path, monkeypatch):
    # gemma-3-270m repeats itself up to any limit; 400 tokens keep the recording under a minute.
    result = read_with_model(tmp_path / "notice.txt", NOTICE, monkeypatch)
    rows = log_rows(env)
    # A cut answer is not sent back (instructor raises IncompleteOutputException): nothing to
    # correct, only a limit to raise, and the message says which.
    assert [(r["mode"], r["status"]) for r in rows] == [("JSON_SCHEMA", "error"), ("JSON", "invalid")]
    cut = rows[1]
    assert cut["response"]["choices"][0]["finish_reason"] == "length"
    assert cut["response"]["usage"]["completion_tokens"] == 400 and "finish_reason=length" in cut["error"]
    assert result.exit_code == 2 and result.stdout == ""
    assert "大模型也没有读出表单（LLM 调用失败（输出被截断，请调大 DRAFTER_MAX_TOKENS）" in result.stderr
    assert_no_key(CASSETTES / "recorded", env)
