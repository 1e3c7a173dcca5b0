"""The API key reaches the server and nothing else: not logs, cassettes, errors or --verbose output.

A loopback server (tests/faultserver.py) plays a provider that echoes the key back in its error
bodies, as OpenAI does for a rejected key. Every command that can talk to a model or an embedding
endpoint runs with ``--verbose`` against it; then stdout, stderr, every output file, the whole
DRAFTER_HOME (call log, cache, Chroma store) and every cassette in the repository are searched.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from conftest_llm import CASSETTES, fixed_store  # noqa: F401 - fixture
from faultserver import Fault, FaultServer, embeddings, error

CHAT_KEY = "sk-chat-secret-9f8e7d6c5b4a3210"
EMBED_KEY = "zhipu-id.embedsecret0123456789"  # a key of no known shape: found only by registration
runner = CliRunner()


def echoing(status: int, key: str) -> Fault:
    """An error body quoting the key whole and masked, like a provider rejecting it."""
    masked = key[:8] + "*" * 8 + key[-4:]
    return error(status, f"Incorrect API key provided: {key} ({masked}). api_key={key}")


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in ("DRAFTER_PROFILE", "DRAFTER_CHROMA_URL", "DRAFTER_EMBED_MODEL", "DRAFTER_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", CHAT_KEY)
    monkeypatch.setenv("DRAFTER_EMBED_API_KEY", EMBED_KEY)
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRAFTER_MODE", "JSON")
    monkeypatch.setenv("DRAFTER_HTTP_RETRIES", "1")
    monkeypatch.setenv("DRAFTER_MAX_RETRIES", "0")
    monkeypatch.setattr("drafter.llm.retry.BACKOFF_BASE", 0.01)
    return tmp_path


def assert_nowhere(texts: list[str], *trees: Path) -> None:
    for key in (CHAT_KEY, EMBED_KEY, CHAT_KEY[8:-4], EMBED_KEY.split(".")[1]):
        for t in texts:
            assert key not in t
        for tree in trees:
            for f in (p for p in tree.rglob("*") if p.is_file()):
                assert key.encode() not in f.read_bytes(), f


def test_draft_verbose_with_a_key_echoing_server(env, fixed_store, monkeypatch):  # noqa: F811
    from drafter.cli import app

    out = env / "draft.json"
    with FaultServer([echoing(500, CHAT_KEY)], default=echoing(401, CHAT_KEY)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        result = runner.invoke(app, ["--verbose", "draft", "-n", "物业服务测评", "-g", "完成测评报告1份",
                                     "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    # The key did go where it belongs, and verbose output did talk about the failures.
    assert server.seen[0].headers["authorization"] == f"Bearer {CHAT_KEY}"
    assert "重发" in result.stderr and "AuthenticationError" in result.stderr
    assert "[REDACTED]" in result.stderr
    assert_nowhere([result.stdout, result.stderr, out.read_text(encoding="utf-8")], env / "home")


def test_deductions_verbose_with_a_key_echoing_server(env, monkeypatch):
    from drafter.cli import app

    with FaultServer(default=echoing(403, CHAT_KEY)) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        result = runner.invoke(app, ["-v", "deductions", str(SEEDS["self_eval_2024"]), "-f", "markdown"])
    assert result.exit_code == 0, result.output
    assert server.seen and "PermissionDenied" in result.stderr
    assert_nowhere([result.stdout, result.stderr], env / "home")


def test_ingest_and_search_verbose_with_a_key_echoing_embedding_endpoint(env, monkeypatch):
    from drafter.cli import app

    ok = lambda body: Fault(200, embeddings(len(body["input"])))  # noqa: E731
    with FaultServer(default=ok) as server:
        monkeypatch.setenv("DRAFTER_EMBED_MODEL", "fault-embed")
        monkeypatch.setenv("DRAFTER_EMBED_BASE_URL", server.url)
        first = runner.invoke(app, ["-v", "ingest", str(SEEDS["target_2024"])])
        server.default = echoing(401, EMBED_KEY)
        failed = runner.invoke(app, ["-v", "ingest"])
        search = runner.invoke(app, ["--verbose", "search", "物业培训"])
    assert first.exit_code == 0, first.output
    assert server.seen[0].headers["authorization"] == f"Bearer {EMBED_KEY}"
    assert failed.exit_code == 2 and "存储库保持导入前的状态" in failed.stderr
    assert search.exit_code == 2 and "嵌入服务调用失败" in search.stderr
    assert_nowhere([r.stdout + r.stderr for r in (first, failed, search)], env / "home")


def test_config_errors_do_not_echo_keys(env, monkeypatch):
    from drafter.cli import app

    monkeypatch.setenv("DRAFTER_TIMEOUT", CHAT_KEY)  # a key pasted into the wrong variable
    result = runner.invoke(app, ["draft", "-n", "物业服务测评", "-g", "完成测评报告1份"])
    assert result.exit_code == 2 and "DRAFTER_TIMEOUT" in result.stderr
    assert_nowhere([result.stdout, result.stderr])


KEYISH = re.compile(rb"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{12,}")


def test_no_cassette_holds_a_key_or_an_auth_header():
    files = [p for p in CASSETTES.rglob("*.yaml")]
    assert len(files) >= 5
    for f in files:
        data = f.read_bytes()
        assert not KEYISH.search(data), f
        for m in re.finditer(rb"(?im)^\s*(?:authorization|api-key|x-api-key):\s*\n?\s*-\s*(.+)$", data):
            assert m.group(1).strip() in (b"REDACTED", b"'REDACTED'"), (f, m.group(0))
