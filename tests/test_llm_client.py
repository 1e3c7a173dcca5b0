"""LLMClient against recorded chat completions (cassettes/recorded/test_llm_client/).

Recorded from llama-cpp-python serving gemma-3-270m (cassettes/README.md). That server rejects
``response_format={"type": "json_schema"}`` with HTTP 500, so every cassette starts with the
client stepping down from JSON_SCHEMA to JSON (json_object + schema, which it enforces). The
model is tiny: the tests check the pipeline (schema, re-ask with the validator's message, usage,
log, cache, no key anywhere), not what the model says.
"""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, Field, field_validator

from conftest_llm import (CASSETTES, MODEL, RECORDED_URL, assert_no_key, cassette_dir, log_rows, set_llm_env,
                          vcr_config)  # noqa: F401

pytestmark = pytest.mark.vcr


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("recorded", __file__)


class ProjectKind(BaseModel):
    """项目分类。"""

    category: Literal["物业管理", "房屋安全", "住房保障", "信息化"] = Field(description="项目类别")
    keywords: list[str] = Field(min_length=1, max_length=3, description="关键词")


class DistinctKeywords(ProjectKind):
    @field_validator("keywords")
    @classmethod
    def _distinct(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("关键词不能重复：请给出互不相同的关键词，每个关键词不超过6个字")
        return v


MESSAGES = [
    {"role": "system", "content": "你是预算项目分类助手。只输出 JSON。"},
    {"role": "user", "content": "项目：老旧小区物业服务第三方测评。请判断项目类别并给出关键词。"},
]


@pytest.fixture
def client(monkeypatch, tmp_path):
    from drafter.llm.client import LLMClient
    from drafter.llm.profiles import resolve

    set_llm_env(monkeypatch, RECORDED_URL, DRAFTER_MAX_TOKENS="200")
    settings, why = resolve()
    assert settings is not None, why
    return LLMClient(settings, home=tmp_path / "home")


def test_structured_call_validates_is_logged_and_cached(client, tmp_path):
    result = client.structured(task="classify", response_model=ProjectKind, messages=MESSAGES, run_id="run-1")
    assert isinstance(result.value, ProjectKind) and not result.cache_hit
    assert result.total_tokens and result.prompt_tokens and result.completion_tokens

    rows = log_rows(tmp_path / "home")
    # llama-cpp-python refused json_schema; the client stepped down to JSON and it worked.
    assert [(r["mode"], r["status"]) for r in rows] == [("JSON_SCHEMA", "error"), ("JSON", "ok")]
    assert client.mode == "JSON" and result.attempts == 2
    ok = rows[1]
    assert ok["model"] == MODEL and ok["task"] == "classify" and ok["run_id"] == "run-1"
    assert ok["total_tokens"] == result.total_tokens and ok["latency_ms"] is not None
    assert ok["response"]["usage"]["total_tokens"] == result.total_tokens
    # The schema went to the server as a constraint it enforces (json_object + schema).
    assert ok["params"]["extra_body"]["response_format"]["schema"]["title"] == "ProjectKind"
    assert ok["prompt_hash"] and ok["messages"][0]["role"] == "system"

    # The identical request again: answered from the cache, no HTTP (the cassette has no third answer).
    again = client.structured(task="classify", response_model=ProjectKind, messages=MESSAGES, run_id="run-2")
    assert again.cache_hit and again.value.model_dump() == result.value.model_dump() and again.attempts == 0
    last = log_rows(tmp_path / "home")[-1]
    assert last["status"] == "cached" and last["cache_hit"] and last["total_tokens"] is None

    assert_no_key(tmp_path / "home", CASSETTES / "recorded")


def test_retry_carries_the_validator_message(client, tmp_path):
    from drafter.llm import LLMError

    try:
        result = client.structured(task="classify", response_model=DistinctKeywords, messages=MESSAGES,
                                   max_retries=1)
        outcome = "validated"
    except LLMError as e:
        result, outcome, reasks = None, str(e), e.reasks
    rows = [r for r in log_rows(tmp_path / "home") if r["mode"] == "JSON"]
    # The model repeated a keyword, the validator refused, and the re-ask quoted the refusal.
    assert rows[0]["status"] == "invalid" and "关键词不能重复" in rows[0]["error"]
    reask = rows[1]["messages"]
    assert reask[-2]["role"] == "assistant" and reask[-1]["role"] == "user"
    assert "关键词不能重复：请给出互不相同的关键词" in reask[-1]["content"]
    assert all(r["total_tokens"] for r in rows)
    if result is not None:
        assert len(set(result.value.keywords)) == len(result.value.keywords)
    else:
        # The first answer went back with the validator's message; the second was the last try.
        assert "2 次尝试均未通过校验" in outcome and reasks == 1
    assert_no_key(tmp_path / "home", CASSETTES / "recorded")


def test_cache_miss_on_replay_fails_loudly_not_silently(monkeypatch, tmp_path, record_mode):
    """A request no cassette holds (here: a changed prompt) is an error, never a stale answer."""
    if record_mode != "none":
        pytest.skip("only meaningful on replay")
    from drafter.llm import LLMError
    from drafter.llm.client import LLMClient
    from drafter.llm.profiles import resolve

    set_llm_env(monkeypatch, RECORDED_URL, DRAFTER_MAX_TOKENS="200")
    settings, _ = resolve()
    changed = [MESSAGES[0], {"role": "user", "content": MESSAGES[1]["content"] + "（改过的提示）"}]
    with pytest.raises(LLMError) as e:
        LLMClient(settings, home=tmp_path / "home").structured(
            task="classify", response_model=ProjectKind, messages=changed)
    assert "sk-test" not in str(e.value)
