"""`drafter draft` on the LLM path, end to end, replayed from a recorded session with a real model.

cassettes/recorded/test_draft_llm/ holds what llama-cpp-python serving gemma-3-270m answered to
drafter's real prompts. A 270M model cannot write a SMART indicator set: its answers fail the
validators, are re-asked with the validators' Chinese messages, the retries run out, and the draft
falls back to the offline engine. That is the path under test; content is not.
"""

from __future__ import annotations

import json

import pytest

from conftest_llm import (CASSETTES, MODEL, RECORDED_URL, assert_no_key, cassette_dir, fixed_store, log_rows,
                          request_obj, set_llm_env, vcr_config)  # noqa: F401

pytestmark = pytest.mark.vcr


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("recorded", __file__)


def test_tiny_model_is_reasked_then_the_draft_falls_back_to_offline(monkeypatch, tmp_path, fixed_store):
    set_llm_env(monkeypatch, RECORDED_URL)
    home = tmp_path / "home"
    from drafter.draft.pipeline import draft
    from drafter.draft.vocab import CATEGORIES, category_of

    said: list[str] = []
    result = draft(request_obj(), announce=said.append)

    rows = log_rows(home)
    # llama-cpp-python refuses json_schema; the client steps down to json_object + schema.
    assert (rows[0]["mode"], rows[0]["status"]) == ("JSON_SCHEMA", "error")
    answers = [r for r in rows if r["mode"] == "JSON"]
    assert [r["attempt"] for r in answers] == [1, 2]  # DRAFTER_MAX_RETRIES=1: one re-ask
    assert [r["status"] for r in answers] == ["invalid", "invalid"]
    for r in answers:
        assert r["model"] == MODEL and r["task"] == "draft"
        assert r["prompt_tokens"] and r["completion_tokens"] and r["total_tokens"]
        assert r["response"]["usage"]["total_tokens"] == r["total_tokens"]
        # The schema was sent as a constraint the server enforces.
        assert r["params"]["extra_body"]["response_format"]["schema"]["title"] == "DraftResponse"
    # The re-ask carries the validator's own message back to the model.
    first_error = answers[0]["error"]
    reask = answers[1]["messages"][-1]["content"]
    assert "Correct your JSON ONLY RESPONSE" in reask
    assert first_error.splitlines()[0] in reask
    assert any(line.strip() and line.strip() in reask for line in first_error.splitlines()[1:4])

    # Retries exhausted: the offline engine drafted instead, and said so.
    assert result.engine == "offline"
    assert any("LLM 起草失败，改用离线引擎" in s and "2 次尝试均未通过校验" in s for s in said)
    assert any(n.startswith(f"LLM（{MODEL}）起草失败") for n in result.notes)
    assert set(CATEGORIES) <= {category_of(i.level1, i.level2) for i in result.form.indicators}
    assert all(i.refs for i in result.form.indicators)
    # Calls and tokens per draft come from the log, failed attempts included.
    assert result.calls == 3
    assert result.tokens == sum(r["total_tokens"] for r in answers)
    assert "sk-test" not in json.dumps(result.to_json(), ensure_ascii=False)
    assert_no_key(home, CASSETTES / "recorded")
