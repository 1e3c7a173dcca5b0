"""`drafter ingest`: offline ingest of the corpus, idempotence, replacement, skips, lock, failure."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from drafter.read import read_file
from drafter.store.documents import documents_for, source_key
from drafter.resources import corpus_dir
from test_store_support import corpus_files, invoke, invoke_json, offline_home  # noqa: F401


def _collection(home: Path):
    import chromadb
    from chromadb.config import Settings
    from drafter.store.client import collection_name
    from drafter.store.embedders import ZhHashEmbedding
    ef = ZhHashEmbedding()
    from drafter.store.generations import current
    client = chromadb.PersistentClient(path=str(current(home)), settings=Settings(anonymized_telemetry=False))
    return client.get_collection(collection_name(ef), embedding_function=ef)


def _expected_docs() -> int:
    return sum(len(documents_for(source_key(f, corpus_dir()), read_file(f))) for f in corpus_files())


def _library_rows() -> int:
    from drafter.draft.library import load_shipped
    return len(load_shipped().rows)


def test_ingest_corpus_offline_then_again_adds_nothing(offline_home: Path):
    # With no paths: the five corpus files and the shipped indicator library (one document a row).
    first = invoke_json("ingest")
    expected = _expected_docs() + _library_rows()
    assert first["files"] == 6 and first["skipped"] == []
    assert first["documents"] == first["added"] == expected
    assert first["indicators"] == sum(len(f.indicators) for p in corpus_files() for f in read_file(p)) + _library_rows()
    assert first["embedder"] == "zh-hash-v1" and first["collection"] == "forms__zh-hash-v1"
    assert first["store"] == str(offline_home / "chroma")

    second = invoke_json("ingest")
    assert (second["added"], second["updated"], second["removed"]) == (0, 0, 0)
    assert second["unchanged"] == expected
    assert _collection(offline_home).count() == expected


def test_table_summary_and_no_progress_on_stdout(offline_home: Path):
    res = invoke("ingest", str(corpus_files()[0]))
    assert res.exit_code == 0, res.stderr
    assert "新增" in res.stdout and "forms__zh-hash-v1" in res.stdout
    assert "读取表单" not in res.stdout


def test_same_file_named_twice_is_one_source(offline_home: Path):
    f = corpus_files()[0]
    out = invoke_json("ingest", str(f), str(f.parent))
    assert out["files"] == 5
    assert out["documents"] == out["added"] == _expected_docs()


def test_changed_form_replaces_its_documents(offline_home: Path, tmp_path: Path):
    src = tmp_path / "hotline.json"
    forms = read_file(corpus_files()[0])
    hotline = next(f for f in forms if f.project_name == "热线服务保障经费")
    data = {"source": "x", "forms": [hotline.model_dump(mode="json")]}
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    first = invoke_json("ingest", str(src))
    n = first["documents"]

    inds = data["forms"][0]["indicators"]
    answer = next(i for i in inds if i["name"] == "962121电话接通率")
    answer.update(target_raw="≥97.00(%)", value=97.0)
    dropped = inds.pop(next(k for k, i in enumerate(inds) if i["name"] == "年度分析报告"))
    inds.append(dict(dropped, name="半年度分析报告", target_raw="=2.00(份)", value=2.0))
    src.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    second = invoke_json("ingest", str(src))
    assert (second["added"], second["updated"], second["removed"]) == (1, 1, 1)
    assert second["unchanged"] == n - 2

    col = _collection(offline_home)
    got = col.get(where={"source": str(src.resolve())}, include=["metadatas"])
    names = {m.get("name") for m in got["metadatas"]}
    assert "半年度分析报告" in names and "年度分析报告" not in names
    assert len(got["ids"]) == n
    values = [m["value"] for m in got["metadatas"] if m.get("name") == "962121电话接通率"]
    assert values == [97.0]


def test_unreadable_files_are_skipped_with_reasons(offline_home: Path, tmp_path: Path):
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(corpus_files()[0], d / "good.txt")
    (d / "notes.txt").write_text("这里没有表格。\n", encoding="utf-8")
    (d / "sheet.xlsx").write_bytes(b"PK\x03\x04junk")
    res = invoke("ingest", str(d), "--format", "json")
    assert res.exit_code == 2  # the good file is stored; the exit code says some were not
    out = json.loads(res.stdout)
    assert out["files"] == 1 and out["added"] > 0
    reasons = {Path(s["source"]).name: s["reason"] for s in out["skipped"]}
    assert set(reasons) == {"notes.txt", "sheet.xlsx"}
    assert all(reasons.values())
    bad_lines = [l for l in res.stderr.splitlines() if l.startswith("drafter: ")]
    assert len(bad_lines) == 2 and {Path(l.split(": ")[1]).name for l in bad_lines} == set(reasons)


def test_nothing_readable_exits_2_and_creates_no_store(offline_home: Path, tmp_path: Path):
    bad = tmp_path / "empty.txt"
    bad.write_text("nothing\n", encoding="utf-8")
    res = invoke("ingest", str(bad))
    assert res.exit_code == 2
    assert "empty.txt" in res.stderr
    assert not (offline_home / "chroma").exists()


def test_missing_path_exits_2(offline_home: Path, tmp_path: Path):
    res = invoke("ingest", str(tmp_path / "nope.txt"))
    assert res.exit_code == 2
    assert "nope.txt" in res.stderr


def test_second_ingest_is_refused_while_one_holds_the_lock(offline_home: Path, monkeypatch):
    import drafter.store.lock as lock

    def no_waiting(_seconds: float) -> None:
        raise AssertionError("ingest waited for the lock instead of refusing at once")

    # A lock wait sleeps between tries: ingest must refuse without a single one, not queue.
    monkeypatch.setattr(lock, "time", types.SimpleNamespace(monotonic=lock.time.monotonic, sleep=no_waiting))
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from drafter.store.lock import store_lock\n"
         "with store_lock(Path(sys.argv[1])):\n    print('locked', flush=True); sys.stdin.read()",
         str(offline_home)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        res = invoke("ingest")
        assert res.exit_code == 2
        assert "store.lock" in res.stderr and "另一个 drafter 进程" in res.stderr
        assert f"PID {holder.pid}" in res.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert invoke("ingest").exit_code == 0


def test_search_waits_for_ingest_then_gives_a_clear_message(offline_home: Path, monkeypatch):
    import drafter.store.search as store_search
    assert invoke("ingest", str(corpus_files()[0])).exit_code == 0
    monkeypatch.setattr(store_search, "LOCK_WAIT_S", 0.3)
    from drafter.store.lock import store_lock
    with store_lock(offline_home):
        res = invoke("search", "维修资金")
    assert res.exit_code == 2 and "store.lock" in res.stderr
    assert invoke("search", "维修资金").exit_code == 0


def test_reader_crash_leaves_store_untouched(offline_home: Path, monkeypatch):
    files = corpus_files()
    assert invoke("ingest", str(files[0])).exit_code == 0
    before = _collection(offline_home).get(include=["metadatas"])

    import drafter.read as read
    real = read.read_file

    def flaky(path):
        if Path(path).name == files[3].name:
            raise RuntimeError("reader bug")
        return real(path)

    monkeypatch.setattr(read, "read_file", flaky)
    with pytest.raises(RuntimeError):
        invoke("ingest")
    after = _collection(offline_home).get(include=["metadatas"])
    assert sorted(after["ids"]) == sorted(before["ids"])
