"""The local store is updated whole or not at all: failed, killed and concurrent ingests.

An ingest writes a copy of the current generation and switches to it in one rename
(drafter/store/generations.py). These tests break it from outside: an embedding endpoint that
fails part way, a SIGKILL in the middle of writing, two ingests started together.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.store.generations import PREFIX, current, root
from faultserver import Fault, FaultServer, embeddings, error
from test_store_support import corpus_files, invoke, offline_home  # noqa: F401


def count(home: Path) -> int:
    import chromadb
    from chromadb.config import Settings

    from drafter.store.client import collection_name
    from drafter.store.embedders import embedder_from_env

    ef = embedder_from_env()
    db = chromadb.PersistentClient(path=str(current(home)), settings=Settings(anonymized_telemetry=False))
    return db.get_collection(collection_name(ef), embedding_function=ef).count()


def generations(home: Path) -> list[str]:
    return sorted(p.name for p in root(home).iterdir() if p.name.startswith(PREFIX))


def top_hits(query: str = "物业服务企业监督检查") -> list[str]:
    res = invoke("search", query, "-k", "5", "--format", "json")
    assert res.exit_code == 0, res.stderr
    return [h["indicator"]["name"] if h.get("indicator") else h["project_name"] for h in json.loads(res.stdout)["results"]]


def copies(tmp_path: Path, n: int) -> Path:
    """``n`` files with the corpus' forms under new names: new sources, so every document is new."""
    out = tmp_path / "many"
    out.mkdir()
    files = corpus_files()
    for i in range(n):
        src = files[i % len(files)]
        shutil.copy(src, out / f"{i:03d}_{src.name}")
    return out


def drafter_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "drafter.cli", *args]


def test_embedding_endpoint_failing_part_way_leaves_the_store_untouched(offline_home: Path, monkeypatch):
    answer = lambda body: Fault(200, embeddings(len(body["input"])))  # noqa: E731
    with FaultServer(default=answer) as server:
        monkeypatch.setenv("DRAFTER_EMBED_MODEL", "fault-embed")
        monkeypatch.setenv("DRAFTER_EMBED_BASE_URL", server.url)
        monkeypatch.setenv("DRAFTER_EMBED_API_KEY", "sk-embed-secret-abcdef123456")
        assert invoke("ingest", str(corpus_files()[0])).exit_code == 0
        before, gens = count(offline_home), generations(offline_home)
        before_hits = top_hits()
        # Five batches are embedded, then the endpoint breaks for good.
        server.script = [answer] * 5
        server.default = error(500, "embedding backend crashed")
        res = invoke("ingest")
        assert len(server.seen) > 6  # it got part way before failing
    assert res.exit_code == 2
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "存储库保持导入前的状态" in lines[0] and "sk-embed-secret" not in res.stderr
    assert count(offline_home) == before and generations(offline_home) == gens


def test_killed_ingest_leaves_the_previous_store_usable(offline_home: Path, tmp_path: Path):
    assert invoke("ingest").exit_code == 0
    before, gen, hits = count(offline_home), current(offline_home), top_hits()
    many = copies(tmp_path, 60)
    proc = subprocess.Popen(drafter_cmd("ingest", str(many)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 60
        # Wait until it is writing into its copy, then kill it without warning.
        while len(generations(offline_home)) < 2:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        assert proc.poll() is None, "ingest finished before it could be killed: give it more files"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert current(offline_home) == gen
    assert count(offline_home) == before and top_hits() == hits
    # The next ingest clears the dead copy and works.
    res = invoke("ingest", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert generations(offline_home) == [gen.name]


def test_two_ingests_at_once_leave_one_consistent_store(offline_home: Path, tmp_path: Path):
    many = copies(tmp_path, 15)
    env = os.environ.copy()
    procs = [subprocess.Popen(drafter_cmd("ingest", str(many), "--format", "json"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=env, text=True) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, out, err in results:
        if code == 2:  # refused at once, in one line, because the other one holds the lock
            assert "另一个 drafter 进程" in err and len(err.strip().splitlines()) == 1
    summaries = [json.loads(out) for code, out, _ in results if code == 0]
    expected = summaries[0]["documents"]
    assert summaries[0]["added"] == expected
    assert len(generations(offline_home)) == 1 and count(offline_home) == expected
    again = invoke("ingest", str(many), "--format", "json")
    assert json.loads(again.stdout)["added"] == 0


def test_store_made_before_generations_is_read_and_then_converted(offline_home: Path):
    import chromadb
    from chromadb.config import Settings

    from drafter.store.client import create_collection
    from drafter.store.embedders import ZhHashEmbedding
    from drafter.store.ingest import Summary, parse_files, sync
    from drafter.resources import corpus_dir

    # The old layout: Chroma's files directly in DRAFTER_HOME/chroma.
    legacy = root(offline_home)
    db = chromadb.PersistentClient(path=str(legacy), settings=Settings(anonymized_telemetry=False))
    ef = ZhHashEmbedding()
    sources, _ = parse_files(corpus_files()[:1], corpus_dir())
    sync(create_collection(db, ef), ef, sources, Summary("", "", ""), batch=db.get_max_batch_size())
    db.close()
    assert current(offline_home) == legacy
    old_hits = top_hits()
    res = invoke("ingest", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["unchanged"] > 0  # the old documents were carried over
    assert current(offline_home) != legacy and not (legacy / "chroma.sqlite3").exists()
    assert len(top_hits()) == len(old_hits)
