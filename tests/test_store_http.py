"""DRAFTER_CHROMA_URL: ingest and search against a real Chroma server on loopback."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from test_store_support import chroma_env, corpus_files, invoke, invoke_json, offline_home  # noqa: F401

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    if CHROMA is None:
        pytest.skip("the `chroma` executable (from the chromadb package) is not installed")
    port = _free_port()
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen([CHROMA, "run", "--path", str(tmp_path / "server-data"),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=chroma_env())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail("chroma server did not start:\n"
                            + (tmp_path / "chroma.log").read_text(errors="replace")[-2000:])
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_search_through_a_chroma_server(offline_home: Path, chroma_server: str, monkeypatch):
    monkeypatch.setenv("DRAFTER_CHROMA_URL", chroma_server)
    first = invoke_json("ingest")
    assert first["store"] == chroma_server and first["added"] == first["documents"] > 0
    again = invoke_json("ingest")
    assert again["added"] == 0 and again["unchanged"] == first["documents"]
    assert not (offline_home / "chroma").exists()  # nothing went to the local directory

    top = invoke_json("search", "962121热线电话接通比例", "-k", "5")["results"]
    assert any(r["indicator"] and r["indicator"]["name"] == "962121电话接通率" for r in top)

    # The documents really live in the server.
    import chromadb
    from chromadb.config import Settings
    host, port = chroma_server.rsplit("//", 1)[1].split(":")
    client = chromadb.HttpClient(host=host, port=int(port), settings=Settings(anonymized_telemetry=False))
    assert "forms__zh-hash-v1" in [c.name for c in client.list_collections()]


def test_unreachable_server_is_one_line(offline_home: Path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    res = invoke("ingest", str(corpus_files()[0]))
    assert res.exit_code == 2
    assert "Chroma" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = invoke("search", "维修资金")
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1


def test_bad_url_is_one_line(offline_home: Path, monkeypatch):
    monkeypatch.setenv("DRAFTER_CHROMA_URL", "ftp://example")
    res = invoke("search", "维修资金")
    assert res.exit_code == 2 and "DRAFTER_CHROMA_URL" in res.stderr
