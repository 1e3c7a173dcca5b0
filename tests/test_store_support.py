"""Shared fixtures for the store tests (imported by test_store*, test_ingest*, test_search*).

Kept in a test_* module because the store work may only add files with these names; it holds
no tests of its own.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drafter.cli import app
from drafter.resources import corpus_dir

STORE_ENV = ("DRAFTER_HOME", "DRAFTER_CHROMA_URL", "DRAFTER_EMBED_MODEL", "DRAFTER_EMBED_BASE_URL",
             "DRAFTER_EMBED_API_KEY", "DRAFTER_EMBED_DIMENSIONS", "DRAFTER_EMBED_BATCH",
             "OPENAI_API_KEY", "OPENAI_BASE_URL")


def runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2 mixes stderr into output by default
    except TypeError:
        return CliRunner()


def invoke(*args: str):
    return runner().invoke(app, list(args), catch_exceptions=False)


def invoke_json(*args: str) -> dict:
    res = invoke(*args, "--format", "json")
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout)


def isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    """No key, no base URL, no server: the offline configuration, with the store at ``home``."""
    for name in STORE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    return home


def block_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection off this machine fails: proves the offline path needs no download."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = host == "localhost"
            if not loopback:
                raise OSError(f"network blocked in tests: {address}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def corpus_files() -> list[Path]:
    return sorted(p for p in corpus_dir().glob("*.txt"))


@pytest.fixture(scope="module")
def corpus_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DRAFTER_HOME with the built-in corpus ingested once, shared read-only by a module."""
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    try:
        isolate(mp, home)
        block_network(mp)
        res = invoke("ingest")
        assert res.exit_code == 0, res.stderr
    finally:
        mp.undo()
    return home


@pytest.fixture
def offline_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    block_network(monkeypatch)
    return isolate(monkeypatch, tmp_path / "home")


@pytest.fixture
def use_corpus_home(monkeypatch: pytest.MonkeyPatch, corpus_home: Path) -> Path:
    block_network(monkeypatch)
    return isolate(monkeypatch, corpus_home)


def chroma_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in STORE_ENV}
    env["ANONYMIZED_TELEMETRY"] = "False"
    return env
