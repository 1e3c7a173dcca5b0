"""LLM faults from a live loopback server (tests/faultserver.py): retried per policy, then fallback.

Policy (drafter/llm/retry.py, README "Providers"): a timeout, a dropped or cut connection, 429
and 5xx are re-sent up to DRAFTER_HTTP_RETRIES times, waiting as long as Retry-After says (or
1 s, 2 s, … without one) unless the server asks for more than a minute; an answer that is not
valid JSON, does not fit the schema or has no choice is re-asked up to DRAFTER_MAX_RETRIES
times; an answer cut by max_tokens is not re-asked. Then the draft falls back to the offline
engine and deductions keep the offline rules' result, each saying why in one line, and output
files are written whole. Every request the server saw is an attempt in the call log.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from conftest import SEEDS
from conftest_llm import fixed_store  # noqa: F401 - fixture
from faultserver import Fault, FaultServer, chat, error, no_choices
from critique_cases import ok
from test_draft_llm_authored import BASE, answer, cost

KEY = "sk-fault-injection-secret-0123456789"
HTTP_RETRIES, MAX_RETRIES = 2, 1
runner = CliRunner()


class Pair(BaseModel):
    category: str
    n: int


GOOD = '{"category": "物业管理", "n": 2}'
MESSAGES = [{"role": "system", "content": "只输出 JSON。"}, {"role": "user", "content": "分类"}]

# name → (scripted faults, requests the policy allows, words the user is told)
FAULTS = {
    "timeout": (Fault(200, chat(GOOD), delay=2.0), 1 + HTTP_RETRIES, "请求超时"),
    "429": (error(429, "rate limited", **{"retry-after": "0"}), 1 + HTTP_RETRIES, "HTTP 429"),
    "500": (error(500, "internal error"), 1 + HTTP_RETRIES, "HTTP 500"),
    "cut body": (Fault(200, chat(GOOD), cut=25), 1 + HTTP_RETRIES, "连接中断"),
    "truncated JSON": (Fault(200, chat('{"category": "物业管理", "n')), 1 + MAX_RETRIES, "未通过校验"),
    "schema-invalid JSON": (Fault(200, chat('{"category": "物业管理", "n": "两个"}')), 1 + MAX_RETRIES,
                            "未通过校验"),
    "empty choice": (Fault(200, no_choices()), 1 + MAX_RETRIES, "空答案"),
    "cut by max_tokens": (Fault(200, chat('{"category": "物业', finish_reason="length")), 1, "DRAFTER_MAX_TOKENS"),
}


@pytest.fixture
def env(monkeypatch, tmp_path):
    """JSON mode at a fault server; back-off shortened (Retry-After is honoured as given)."""
    for name in ("DRAFTER_PROFILE", "DRAFTER_CHROMA_URL", "DRAFTER_EMBED_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DRAFTER_MODE", "JSON")
    monkeypatch.setenv("DRAFTER_MODEL", "fault-model")
    monkeypatch.setenv("DRAFTER_TIMEOUT", "0.3")
    monkeypatch.setenv("DRAFTER_HTTP_RETRIES", str(HTTP_RETRIES))
    monkeypatch.setenv("DRAFTER_MAX_RETRIES", str(MAX_RETRIES))
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr("drafter.llm.retry.BACKOFF_BASE", 0.01)

    def point_at(server: FaultServer) -> None:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    return point_at


def client(home: Path):
    from drafter.llm.client import LLMClient
    from drafter.llm.profiles import resolve

    settings, why = resolve()
    assert settings is not None, why
    return LLMClient(settings, home=home, use_cache=False)


def log_statuses(home: Path) -> list[str]:
    with sqlite3.connect(home / "llm.db") as db:
        return [r[0] for r in db.execute("select status from calls order by id")]


def grep_key(*texts: str, home: Path) -> None:
    for t in texts:
        assert KEY not in t
    for f in home.rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_fault_is_retried_per_policy_then_one_clear_error(env, tmp_path, name):
    from drafter.llm import LLMError

    fault, allowed, words = FAULTS[name]
    with FaultServer(default=fault) as server:
        env(server)
        home = tmp_path / "home"
        with pytest.raises(LLMError) as caught:
            client(home).structured(task="t", response_model=Pair, messages=MESSAGES)
    message = str(caught.value)
    assert len(server.chat_requests()) == allowed
    assert words in message and "\n" not in message
    # Every request that went out is one logged attempt, none of them "ok".
    statuses = log_statuses(home)
    assert len(statuses) == allowed and "ok" not in statuses
    assert caught.value.request_failed == (allowed == 1 + HTTP_RETRIES)
    grep_key(message, home=home)


def test_a_fault_then_a_good_answer_succeeds_and_logs_both(env, tmp_path):
    with FaultServer([error(503, "loading"), Fault(200, no_choices()), Fault(200, chat(GOOD))]) as server:
        env(server)
        result = client(tmp_path / "home").structured(task="t", response_model=Pair, messages=MESSAGES)
    assert result.value.n == 2 and result.attempts == 3
    assert log_statuses(tmp_path / "home") == ["error", "invalid", "ok"]


def test_retry_after_is_honoured(env, tmp_path):
    with FaultServer([error(429, "slow down", **{"retry-after": "1"}), Fault(200, chat(GOOD))]) as server:
        env(server)
        llm = client(tmp_path / "home")
        slept: list[float] = []
        llm.sleep = slept.append  # what the client waits, exactly, without a clock under load
        result = llm.structured(task="t", response_model=Pair, messages=MESSAGES)
    assert result.value.n == 2 and len(server.chat_requests()) == 2
    assert slept == [1.0]


def test_a_retry_after_of_an_hour_is_not_waited_for(env, tmp_path):
    from drafter.llm import LLMError

    with FaultServer(default=error(429, "quota", **{"retry-after": "3600"})) as server:
        env(server)
        llm = client(tmp_path / "home")
        slept: list[float] = []
        llm.sleep = slept.append
        with pytest.raises(LLMError, match="HTTP 429"):
            llm.structured(task="t", response_model=Pair, messages=MESSAGES)
    assert len(server.chat_requests()) == 1 and slept == []


def test_nothing_listening_fails_fast_with_one_line(env, tmp_path, monkeypatch):
    from drafter.llm import LLMError

    with FaultServer() as server:
        url = server.url
    monkeypatch.setenv("OPENAI_BASE_URL", url)  # the port is closed now
    with pytest.raises(LLMError, match="无法连接") as caught:
        client(tmp_path / "home").structured(task="t", response_model=Pair, messages=MESSAGES)
    assert caught.value.request_failed and caught.value.attempts == 1 + HTTP_RETRIES


@pytest.mark.parametrize("name", ["timeout", "429", "truncated JSON", "empty choice"])
def test_draft_falls_back_to_offline_and_writes_whole_output(env, tmp_path, fixed_store, name):  # noqa: F811
    from drafter.cli import app

    fault, allowed, words = FAULTS[name]
    out = tmp_path / "draft.json"
    out.write_text("previous draft\n", encoding="utf-8")
    with FaultServer(default=fault) as server:
        env(server)
        result = runner.invoke(app, ["draft", "--name", "老旧小区物业服务测评", "--goal", "完成测评报告1份",
                                     "--funds", "120", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(server.chat_requests()) == allowed
    said = [l for l in result.stderr.splitlines() if "LLM 起草失败，改用离线引擎" in l]
    assert len(said) == 1 and words in said[0]
    draft = json.loads(out.read_text(encoding="utf-8"))
    assert draft["engine"] == "offline" and len(draft["form"]["indicators"]) >= 6
    assert any(words in n for n in draft["notes"])
    grep_key(result.output, out.read_text(encoding="utf-8"), home=tmp_path / "home")


def test_draft_answer_after_a_429_is_used(env, tmp_path, fixed_store):  # noqa: F811
    from drafter.cli import app

    good = answer(BASE + [cost(100)])
    critique = json.dumps({"indicators": [ok(p) for p in range(1, 8)], "uncovered": []}, ensure_ascii=False)
    with FaultServer([error(429, "busy", **{"retry-after": "0"}), Fault(200, chat(good)), Fault(200, chat(critique))],
                     default=Fault(200, chat(good))) as server:
        env(server)
        result = runner.invoke(app, ["draft", "--name", "老旧小区物业服务测评", "--goal", "完成测评报告1份",
                                     "--funds", "120", "-f", "json"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.stdout)
    assert draft["engine"] == "llm:fault-model"
    assert not any("未通过校验" in n for n in draft["notes"])  # a 429 is not a bad answer


def test_deductions_keep_offline_results_and_stop_calling_a_dead_server(env, tmp_path):
    from drafter.cli import app

    out = tmp_path / "deductions.json"
    with FaultServer(default=error(502, "bad gateway")) as server:
        env(server)
        result = runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    # One batch tried per policy; the other batches are not sent to a server that is down.
    assert len(server.chat_requests()) == 1 + HTTP_RETRIES
    assert "HTTP 502" in result.stderr and "未再调用 LLM" in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    offline = runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json", "--offline"])
    expected = json.loads(offline.stdout)
    assert report["engine"] == "offline"
    assert [d["category"] for d in report["deductions"]] == [d["category"] for d in expected["deductions"]]
    grep_key(result.output, out.read_text(encoding="utf-8"), home=tmp_path / "home")


def test_deductions_bad_answers_keep_offline_result_for_that_batch_only(env, tmp_path):
    from drafter.cli import app

    with FaultServer(default=Fault(200, chat('{"items": [{"id": 1, "category": "天气"}]}'))) as server:
        env(server)
        result = runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    batches = sum(1 for l in result.stderr.splitlines() if "LLM 调用失败" in l)
    # Bad answers say nothing about the next batch: each batch is asked, re-asked, then kept offline.
    assert batches >= 2 and len(server.chat_requests()) == batches * (1 + MAX_RETRIES)
    assert report["engine"] == "offline"
