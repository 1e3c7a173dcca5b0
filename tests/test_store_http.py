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


# `chroma run` cannot be given port 0, so a free port is picked and may be taken by another
# process (a second test run) before chroma binds it; chroma then exits saying so, and we retry.
PORT_TAKEN = "not available"
ATTEMPTS = 5


def _start(tmp_path: Path, port: int) -> tuple[subprocess.Popen, str, Path]:
    log_path = tmp_path / f"chroma-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([CHROMA, "run", "--path", str(tmp_path / "server-data"),
                                 "--host", "127.0.0.1", "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT, env=chroma_env())
    return proc, f"http://127.0.0.1:{port}", log_path


def _ready(proc: subprocess.Popen, url: str, log_path: Path) -> bool | None:
    """True once our server answers, False if it exited because the port was taken, None while
    it is starting. A heartbeat counts only while our process is alive and has not reported the
    port as taken: otherwise it came from whoever holds the port."""
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1) as r:
            up = r.status == 200
    except OSError:
        up = False
    taken = PORT_TAKEN in log_path.read_text(errors="replace")
    if proc.poll() is not None or taken:
        if taken:
            return False
        pytest.fail("chroma server did not start:\n" + log_path.read_text(errors="replace")[-2000:])
    return True if up else None


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def chroma_server(tmp_path: Path):
    if CHROMA is None:
        pytest.skip("the `chroma` executable (from the chromadb package) is not installed")
    for _attempt in range(ATTEMPTS):
        proc, url, log_path = _start(tmp_path, _free_port())
        deadline = time.monotonic() + 60  # a hang guard: a healthy server is up in seconds
        state = _ready(proc, url, log_path)
        while state is None and time.monotonic() < deadline:
            time.sleep(0.2)
            state = _ready(proc, url, log_path)
        if state:
            break
        _stop(proc)
        if state is None:
            pytest.fail("chroma server did not answer within 60 s:\n"
                        + log_path.read_text(errors="replace")[-2000:])
    else:
        pytest.fail(f"every port tried for `chroma run` was taken ({ATTEMPTS} attempts)")
    try:
        yield url
    finally:
        _stop(proc)


def test_a_taken_port_is_retried_on_another(tmp_path: Path):
    """Plants the race: the first port offered is already held by another listener."""
    if CHROMA is None:
        pytest.skip("the `chroma` executable (from the chromadb package) is not installed")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        proc, url, log_path = _start(tmp_path, taken)
        deadline = time.monotonic() + 60
        state = _ready(proc, url, log_path)
        while state is None and time.monotonic() < deadline:
            time.sleep(0.2)
            state = _ready(proc, url, log_path)
        _stop(proc)
    assert state is False, "a taken port must be recognised so the fixture picks another"


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
