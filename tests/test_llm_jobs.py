"""``--jobs``: many LLM calls at once, the same report as one at a time.

Against loopback servers only (bench/fake_llm.py's FakeLLM, tests/faultserver.py), port 0, with
the real openai SDK, httpx and instructor. No key, no network, no cassette.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from faultserver import Fault, FaultServer, chat, error

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from fake_llm import FakeLLM, deductions_answer, self_eval_forms  # noqa: E402

runner = CliRunner()
KEY = "sk-test-jobs-not-a-real-key"


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("DRAFTER_PROFILE", "DRAFTER_JOBS", "DRAFTER_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("DRAFTER_MODE", "JSON")
    monkeypatch.setenv("DRAFTER_MODEL", "jobs-model")
    monkeypatch.setenv("DRAFTER_HTTP_RETRIES", "1")
    monkeypatch.setenv("DRAFTER_MAX_RETRIES", "1")
    monkeypatch.setenv("DRAFTER_TIMEOUT", "30")
    monkeypatch.setattr("drafter.llm.retry.BACKOFF_BASE", 0.01)

    def point_at(url: str, home: str = "home") -> Path:
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / home))
        return tmp_path / home
    return point_at


@pytest.fixture
def notes_file(tmp_path):
    """Self-evaluations with 60 lost-point rows that each have a note: 8 batches of ≤8."""
    path = tmp_path / "self_evals.json"
    forms = self_eval_forms(60)
    path.write_text(json.dumps({"source": "jobs", "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    return path


def answer(body) -> Fault:
    user = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
    return Fault(200, chat(json.dumps(deductions_answer(user), ensure_ascii=False)), delay=0.1)


def deductions(path: Path, *args: str):
    from drafter.cli import app
    return runner.invoke(app, ["deductions", str(path), "-f", "json", *args])


# -- the option --------------------------------------------------------------------------------

def test_jobs_come_from_the_option_then_the_variable_then_the_default():
    from drafter.errors import InputError
    from drafter.jobs import DEFAULT_JOBS, resolve_jobs

    assert resolve_jobs(None, {}) == DEFAULT_JOBS == 4
    assert resolve_jobs(None, {"DRAFTER_JOBS": "8"}) == 8
    assert resolve_jobs(2, {"DRAFTER_JOBS": "8"}) == 2
    for bad in ("0", "-3", "four", "1.5", "1000"):
        with pytest.raises(InputError, match="DRAFTER_JOBS"):
            resolve_jobs(None, {"DRAFTER_JOBS": bad})
    with pytest.raises(InputError, match="--jobs"):
        resolve_jobs(0, {})


@pytest.mark.parametrize("command", [["deductions"], ["review", "--llm"]])
def test_a_bad_jobs_value_is_one_line_and_exit_2(command, notes_file, monkeypatch):
    from drafter.cli import app

    result = runner.invoke(app, [*command, str(notes_file), "--jobs", "0"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    # review --llm with no model first says it runs the rules alone; then the one error line.
    assert "--jobs" in lines[-1] and "正整数" in lines[-1] and len(lines) <= 2
    monkeypatch.setenv("DRAFTER_JOBS", "many")
    result = runner.invoke(app, [*command, str(notes_file)])
    assert result.exit_code == 2 and "DRAFTER_JOBS 必须是正整数" in result.stderr


@pytest.mark.parametrize("command", [["deductions", "--offline"], ["review"], ["draft", "--offline", "--name", "物业服务测评",
                                                                              "--goal", "完成报告1份"],
                                     ["eval", "--limit", "1"]])
def test_every_command_that_can_call_the_model_accepts_no_cache(command, notes_file, tmp_path, monkeypatch):
    from drafter.cli import app

    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # draft's calls depend on each other (answer, then a review round): it has nothing to run at once.
    args = [*command, *([str(notes_file)] if command[0] in ("deductions", "review") else []), "--no-cache",
            *(["--jobs", "2"] if command[0] != "draft" else [])]
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 1), result.output  # review exits 1 on error findings
    assert "No such option" not in result.output


# -- concurrency ---------------------------------------------------------------------------------

def test_jobs_8_gives_the_report_of_jobs_1_with_calls_overlapping(env, notes_file):
    reports, peaks = {}, {}
    for jobs in (1, 4):
        with FakeLLM(latency=0.15) as server:
            env(server.url, home=f"home-{jobs}")
            result = deductions(notes_file, "--jobs", str(jobs))
            assert result.exit_code == 0, result.output
            reports[jobs], peaks[jobs] = result.stdout, server.peak
            assert server.requests == 8
    assert reports[1] == reports[4]
    report = json.loads(reports[4])
    assert sum(d["classified_by"] == "llm:jobs-model" for d in report["deductions"]) == 60
    # Notes went to the model in row order: row n's reason is cut from its own note.
    assert all(f"（第{n + 1}项）" in d["reason"] or d["reason"] in d["note"]
               for n, d in enumerate(report["deductions"]))
    assert peaks[1] == 1 and 1 < peaks[4] <= 4


def test_every_attempt_is_logged_once(env, notes_file):
    from drafter.llm.log import CallLog, db_path

    with FaultServer(default=answer) as server:
        home = env(server.url)
        assert deductions(notes_file, "--jobs", "4").exit_code == 0
    rows = CallLog(db_path(home)).rows()
    assert len(rows) == len(server.chat_requests()) == 8
    assert {r["status"] for r in rows} == {"ok"}


def test_a_429_with_retry_after_pauses_every_worker(env, notes_file):
    # The first call (warm-up) is answered, the second refused with Retry-After: 1.
    with FaultServer([answer, error(429, "slow down", **{"retry-after": "1"})],  # type: ignore[list-item]
                     default=answer) as server:
        env(server.url)
        result = deductions(notes_file, "--jobs", "4")
    assert result.exit_code == 0, result.output
    seen = server.chat_requests()
    assert len(seen) == 8 + 1  # the refused batch was sent again, once
    refused = seen[1].at
    # Requests already on their way when the 429 arrived may land just after it; after that,
    # nobody sends until Retry-After has passed.
    during = [s.at - refused for s in seen if 0.15 < s.at - refused < 0.9]
    assert during == []
    assert max(s.at for s in seen) - refused >= 0.95
    report = json.loads(result.stdout)
    assert all(d["classified_by"] == "llm:jobs-model" for d in report["deductions"])


def test_a_server_that_dies_mid_run_stops_every_worker(env, notes_file):
    served = {"n": 0}

    def then_die(body):
        served["n"] += 1
        return answer(body) if served["n"] <= 2 else error(503, "down")

    with FaultServer(default=then_die) as server:
        env(server.url)
        result = deductions(notes_file, "--jobs", "4")
    assert result.exit_code == 0, result.output
    sent = len(server.chat_requests())
    # Two batches answered; the failing ones each used their retry, the rest were never sent.
    assert sent <= 2 + 4 * 2 and sent < 2 + 6 * 2
    assert "未再调用 LLM" in result.stderr and "HTTP 503" in result.stderr
    report = json.loads(result.stdout)
    by_model = [d for d in report["deductions"] if d["classified_by"] == "llm:jobs-model"]
    assert 0 < len(by_model) < 60  # answered rows kept, the rest offline
    assert KEY not in result.output


def test_progress_bar_counts_calls_cached_failed_and_tokens(capsys):
    from drafter.llm import LLMError
    from drafter.llm.pool import run_calls

    class R:
        def __init__(self, cached, tokens):
            self.cache_hit, self.total_tokens = cached, tokens

    def call(i):
        if i == 3:
            raise LLMError("boom", attempts=1)
        return R(i == 0, None if i == 0 else 100)

    outcomes = run_calls(list(range(5)), call, jobs=2, label="测试", show=True)
    assert [o.error is None for o in outcomes] == [True, True, True, False, True]
    err = capsys.readouterr().err
    assert "5/5" in err and "缓存 1" in err and "失败 1" in err and "词元 300" in err
