"""Faults an outside robustness review planted (issue 13), one test (or a few) per item.

Each test plants the fault in a temp folder and asserts what a user sees: one line on stderr and
exit 2, or the promised behaviour. No test creates a device node: the special-file check is
tested on FIFOs, sockets and on ``os.stat`` modes.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, SEEDS
from drafter.cli import app

runner = CliRunner()


def one_error_line(result) -> str:
    """The run failed with exit 2 and exactly one ``drafter:`` line, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("drafter: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def failure_line(result) -> str:
    """Like one_error_line, for commands that announce their engine first (draft): the last line."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("drafter: ") for line in lines), result.stderr
    return lines[-1]


def review_json(src: Path, out: Path):
    return runner.invoke(app, ["review", str(src), "-f", "json", "--fail-on", "never", "-o", str(out)])


# ---- 1. -o onto a special file ----------------------------------------------------------------

def test_output_onto_a_fifo_is_refused_and_the_fifo_stays(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    line = one_error_line(review_json(SEEDS["target_2024"], fifo))
    assert "命名管道" in line and str(fifo) in line
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # not replaced by a regular file


def test_output_onto_a_socket_is_refused_and_the_socket_stays(tmp_path):
    path = tmp_path / "s.sock"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(path))
        line = one_error_line(runner.invoke(app, ["parse", str(SEEDS["target_2024"]), "-f", "xlsx",
                                                  "-o", str(path)]))
        assert "套接字" in line
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        sock.close()


def test_output_onto_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "reports" / "r.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    result = review_json(SEEDS["target_2024"], link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]
    # A dangling link: the file it names is created, the link is kept.
    dangling = tmp_path / "next.json"
    dangling.symlink_to(tmp_path / "reports" / "new.json")
    assert review_json(SEEDS["target_2024"], dangling).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "reports" / "new.json").is_file()


def test_a_symlink_to_a_fifo_is_refused(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link"
    link.symlink_to(fifo)
    assert "命名管道" in one_error_line(review_json(SEEDS["target_2024"], link))
    assert link.is_symlink() and stat.S_ISFIFO(os.stat(link).st_mode)


@pytest.mark.parametrize("mode, word", [
    (stat.S_IFCHR | 0o666, "设备"), (stat.S_IFBLK | 0o660, "设备"), (stat.S_IFIFO | 0o644, "管道"),
    (stat.S_IFSOCK | 0o755, "套接字"), (stat.S_IFDIR | 0o755, "目录")])
def test_every_special_kind_is_named(mode, word):
    from drafter.atomic import special_kind
    kind = special_kind(mode)
    assert kind is not None and word in kind
    assert special_kind(stat.S_IFREG | 0o644) is None


def test_a_device_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    # A character device as os.stat reports it (like /dev/null), without touching a real one.
    from drafter import atomic

    out = tmp_path / "null"
    out.write_text("stand-in\n", encoding="utf-8")
    real_stat = os.stat

    def device_stat(path, *a, **k):
        st = real_stat(path, *a, **k)
        if Path(path) == out:
            return os.stat_result((stat.S_IFCHR | 0o666,) + tuple(st)[1:])
        return st

    monkeypatch.setattr(atomic.os, "stat", device_stat)
    line = one_error_line(review_json(SEEDS["target_2024"], out))
    assert "设备" in line
    assert out.read_text(encoding="utf-8") == "stand-in\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- 2. formulas in xlsx ----------------------------------------------------------------------

def _formula_cells(xlsx: Path) -> int:
    with zipfile.ZipFile(xlsx) as z:
        return sum(z.read(n).decode("utf-8").count("<f>") + z.read(n).decode("utf-8").count("<f ")
                   for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_the_corpus_deductions_workbook_has_no_formula(tmp_path):
    out = tmp_path / "d.xlsx"
    result = runner.invoke(app, ["deductions", str(CORPUS), "-f", "xlsx", "-o", str(out), "--offline"])
    assert result.exit_code == 0, result.output
    assert _formula_cells(out) == 0
    from openpyxl import load_workbook
    texts = [c.value for ws in load_workbook(out) for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert "=500.00(人)" in texts  # the form's own text, kept as text


def test_form_text_starting_with_equals_is_text_in_every_workbook(tmp_path):
    planted = {"forms": [{
        "kind": "self_eval", "project_name": "=HYPERLINK(\"http://x\",\"点我\")", "agency": "=1+1",
        "department": "=SUM(A1:A9)", "annual_goal": "=cmd|' /C calc'!A0", "grade": "=优",
        "indicators": [{"level1": "=产出指标", "level2": "数量指标", "name": "=培训人数",
                        "target_raw": "=500.00(人)", "actual_raw": "=480(人)", "weight": 10,
                        "score": 8, "deviation": "=未完成，原因是疫情"}]}]}
    src = tmp_path / "planted.json"
    src.write_text(json.dumps(planted, ensure_ascii=False), encoding="utf-8")
    for args in (["parse", str(src), "-f", "xlsx"],
                 ["review", str(src), "-f", "xlsx", "--fail-on", "never"],
                 ["deductions", str(src), "-f", "xlsx", "--offline"]):
        out = tmp_path / f"{args[0]}.xlsx"
        result = runner.invoke(app, args + ["-o", str(out)])
        assert result.exit_code == 0, (args, result.output)
        assert _formula_cells(out) == 0, args
    from openpyxl import load_workbook
    values = {c.value for ws in load_workbook(tmp_path / "parse.xlsx") for row in ws.iter_rows() for c in row}
    assert {"=500.00(人)", "=1+1", "=SUM(A1:A9)", "=培训人数"} <= values


# ---- 13. a newline in a file name ---------------------------------------------------------------

def test_a_newline_in_a_file_name_stays_on_one_line(tmp_path):
    bad = tmp_path / "a\nb.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    good = tmp_path / "good.txt"
    good.write_bytes(SEEDS["target_2024"].read_bytes())
    result = runner.invoke(app, ["review", str(bad), str(good), "--fail-on", "never", "-f", "json"])
    assert result.exit_code == 2
    bad_lines = [l for l in result.stderr.splitlines() if "a\\nb.txt" in l]
    assert len(bad_lines) == 1 and bad_lines[0].startswith('drafter: "')
    assert not [l for l in result.stderr.splitlines() if l.startswith("b.txt")]
    line = one_error_line(review_json(good, tmp_path / "no\ndir" / "r.json"))
    assert "no\\ndir" in line


# ---- 6, 7, 19. a damaged store ----------------------------------------------------------------

# What a plain `drafter ingest` stores: the five corpus files and the shipped indicator library.
DEFAULT_SOURCES = 6


def _home() -> Path:
    return Path(os.environ["DRAFTER_HOME"])


def _sources_in_store() -> set[str]:
    import chromadb
    from chromadb.config import Settings

    from drafter.store.client import collection_name
    from drafter.store.embedders import embedder_from_env
    from drafter.store.generations import current

    ef = embedder_from_env()
    db = chromadb.PersistentClient(path=str(current(_home())), settings=Settings(anonymized_telemetry=False))
    metas = db.get_collection(collection_name(ef), embedding_function=ef).get(include=["metadatas"])["metadatas"]
    return {m["source"] for m in metas}


def _generations() -> list[str]:
    return sorted(p.name for p in (_home() / "chroma").iterdir() if p.name.startswith("gen-"))


@pytest.fixture()
def ingested():
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output
    assert len(_sources_in_store()) == DEFAULT_SOURCES
    return _generations()


@pytest.mark.parametrize("pointer", [b"", b"\n", b"gen-000000000000\n", b"../elsewhere\n"])
def test_a_damaged_pointer_never_costs_a_generation(ingested, pointer):
    (_home() / "chroma" / "CURRENT").write_bytes(pointer)
    # Readers use the newest complete generation meanwhile.
    assert runner.invoke(app, ["search", "热线接通率", "-k", "1"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(SEEDS["target_2024"])])
    assert result.exit_code == 0, result.output
    assert "已恢复" in result.stderr
    assert len(_sources_in_store()) == DEFAULT_SOURCES  # was 1: every other form deleted
    assert (_home() / "chroma" / "CURRENT").read_text(encoding="utf-8").strip() in _generations()


def test_an_abandoned_copy_is_removed_but_a_complete_one_is_not(ingested):
    from drafter.store.generations import INCOMPLETE
    base = _home() / "chroma"
    abandoned = base / "gen-abandoned000"
    abandoned.mkdir()
    (abandoned / INCOMPLETE).touch()
    (base / "CURRENT").write_text("", encoding="utf-8")
    assert runner.invoke(app, ["ingest", str(SEEDS["target_2024"])]).exit_code == 0
    assert _generations() == ingested and len(_sources_in_store()) == DEFAULT_SOURCES


def test_a_non_utf8_pointer_is_one_line_then_repaired(ingested):
    import shutil
    base = _home() / "chroma"
    (base / "CURRENT").write_bytes(b"\xff\xfe\x00gen")
    shutil.rmtree(base / ingested[0])  # nothing left to adopt
    assert "CURRENT" in one_error_line(runner.invoke(app, ["search", "热线"]))
    assert "CURRENT" in failure_line(runner.invoke(app, ["draft", "-n", "测试项目", "-g", "完成测评报告1份"]))
    result = runner.invoke(app, ["ingest", str(SEEDS["target_2024"])])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["search", "热线接通率", "-k", "1"]).exit_code == 0


def test_a_file_where_the_store_should_be_is_one_line_then_moved_aside():
    _home().mkdir(parents=True)
    (_home() / "chroma").write_text("not a store", encoding="utf-8")
    assert "不是目录" in one_error_line(runner.invoke(app, ["search", "热线"]))
    assert "不是目录" in failure_line(runner.invoke(app, ["draft", "-n", "测试项目", "-g", "完成测评报告1份"]))
    result = runner.invoke(app, ["ingest", str(SEEDS["target_2024"])])
    assert result.exit_code == 0, result.output
    aside = [p for p in _home().iterdir() if p.name.startswith("chroma.not-a-store-")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "not a store"
    assert runner.invoke(app, ["search", "热线接通率", "-k", "1"]).exit_code == 0


def test_a_corrupt_chroma_database_is_named_not_called_empty(ingested):
    db = _home() / "chroma" / ingested[0] / "chroma.sqlite3"
    with open(db, "r+b") as fh:
        fh.truncate(db.stat().st_size // 3)
    line = failure_line(runner.invoke(app, ["draft", "-n", "测试项目", "-g", "完成测评报告1份"]))
    assert "无法打开存储库" in line and "malformed" in line
    assert "请先运行 drafter ingest" not in line


# ---- 3. credentials inside OPENAI_BASE_URL ---------------------------------------------------

def test_credentials_in_the_base_url_appear_nowhere(tmp_path, monkeypatch):
    import base64

    from faultserver import FaultServer, error

    monkeypatch.setattr("drafter.llm.retry.BACKOFF_BASE", 0.01)
    for name, value in {"DRAFTER_HTTP_RETRIES": "0", "DRAFTER_MAX_RETRIES": "0", "DRAFTER_MODE": "JSON",
                        "OPENAI_API_KEY": "k3y9z"}.items():  # a key shorter than 8 characters
        monkeypatch.setenv(name, value)
    secrets = ["hunter2", "qk-secret-77", "tk99zz", "k3y9z",
               base64.b64encode(b"alice:hunter2").decode()]

    def echo(body):  # a proxy that quotes back what it was sent, as error pages do
        seen = server.seen[-1]
        return error(502, f"bad gateway for {seen.path} auth={seen.headers.get('authorization')}")

    out = tmp_path / "draft.json"
    with FaultServer(default=echo) as server:
        url = server.url.replace("http://", "http://alice:hunter2@") + "?key=qk-secret-77&token=tk99zz"
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        result = runner.invoke(app, ["--verbose", "draft", "-n", "物业服务测评", "-g", "完成测评报告1份",
                                     "-f", "json", "-o", str(out)])
        logs = runner.invoke(app, ["logs", "--json"])
    assert result.exit_code == 0, result.output
    assert server.seen and "qk-secret-77" in server.seen[0].path  # the server did get them
    assert "[REDACTED]" in result.stderr and "127.0.0.1" in result.stderr
    texts = [result.stdout, result.stderr, out.read_text(encoding="utf-8"), logs.stdout]
    for secret in secrets:
        for text in texts:
            assert secret not in text, (secret, text[:2000])
        for f in (p for p in _home().rglob("*") if p.is_file()):
            assert secret.encode() not in f.read_bytes(), (secret, f)


def test_mask_url_keeps_what_is_not_secret():
    from drafter.llm.scrub import mask_url
    assert mask_url("https://u:p@api.example.com:8443/v1?model=x&api_key=abc&sig=1") == \
        "https://[REDACTED]@api.example.com:8443/v1?model=x&api_key=[REDACTED]&sig=[REDACTED]"
    assert mask_url("http://localhost:8080/v1") == "http://localhost:8080/v1"


# ---- 4. a corrupt llm.db ------------------------------------------------------------------------

@pytest.fixture()
def failing_llm(monkeypatch):
    from faultserver import FaultServer, error

    monkeypatch.setattr("drafter.llm.retry.BACKOFF_BASE", 0.01)
    for name, value in {"DRAFTER_HTTP_RETRIES": "0", "DRAFTER_MAX_RETRIES": "0", "DRAFTER_MODE": "JSON",
                        "OPENAI_API_KEY": "sk-test-robustness-0001"}.items():
        monkeypatch.setenv(name, value)
    with FaultServer(default=error(500, "down")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        yield server


def test_a_corrupt_call_log_is_moved_aside_and_drafting_goes_on(tmp_path, failing_llm):
    _home().mkdir(parents=True)
    garbage = b"this is not an SQLite database" * 100
    (_home() / "llm.db").write_bytes(garbage)
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["draft", "-n", "物业服务测评", "-g", "完成测评报告1份", "-f", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "已移到" in result.stderr and "改用离线引擎" in result.stderr
    assert any("已移到" in n for n in json.loads(out.read_text(encoding="utf-8"))["notes"])
    aside = [p for p in _home().iterdir() if p.name.startswith("llm.db.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept, not deleted
    logs = runner.invoke(app, ["logs", "--json"])
    assert logs.exit_code == 0, logs.output
    # The failed request went into the new log.
    assert failing_llm.seen and json.loads(logs.stdout)["calls"]


def test_logs_and_deductions_on_a_corrupt_call_log(failing_llm):
    _home().mkdir(parents=True)
    (_home() / "llm.db").write_bytes(b"\x00garbage" * 64)
    logs = runner.invoke(app, ["logs"])
    assert logs.exit_code == 0 and "Traceback" not in logs.output and "已移到" in logs.stderr
    (_home() / "llm.db").write_bytes(b"\x00garbage" * 64)
    result = runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "已移到" in result.stderr


def test_a_call_log_that_cannot_be_opened_is_skipped_with_a_note(failing_llm):
    (_home() / "llm.db").mkdir(parents=True)  # a directory where the file should be
    result = runner.invoke(app, ["draft", "-n", "物业服务测评", "-g", "完成测评报告1份", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "本次不记录调用日志" in result.stderr
    assert "无法使用" in one_error_line(runner.invoke(app, ["logs"]))


# ---- 5. an unusable DRAFTER_HOME ----------------------------------------------------------------

@pytest.mark.parametrize("where", ["file", "under_a_file"])
def test_an_unusable_home_is_one_line_and_offline_work_goes_on(tmp_path, monkeypatch, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    home = blocker if where == "file" else blocker / "drafter"
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    for args in (["logs"], ["search", "热线"], ["ingest", str(SEEDS["target_2024"])]):
        line = one_error_line(runner.invoke(app, args))
        assert "DRAFTER_HOME" in line and str(home) in line, args
    line = failure_line(runner.invoke(app, ["draft", "-n", "物业服务测评", "-g", "完成测评报告1份", "--offline"]))
    assert "DRAFTER_HOME" in line and str(home) in line
    # What needs no home still works.
    assert runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json", "--offline"]).exit_code == 0
    assert runner.invoke(app, ["review", str(SEEDS["target_2024"]), "--fail-on", "never"]).exit_code == 0
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_an_unwritable_home_is_one_line(tmp_path, monkeypatch):
    # Running as root, permissions do not stop a write: os.access is what home_dir asks.
    from drafter import resources
    home = tmp_path / "ro"
    home.mkdir()
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    monkeypatch.setattr(resources.os, "access", lambda p, mode: Path(p) != home)
    line = one_error_line(runner.invoke(app, ["logs"]))
    assert "DRAFTER_HOME" in line and "Permission denied" in line


# ---- 8. -o naming --config or --from ----------------------------------------------------------

def test_output_naming_the_config_file_is_refused(tmp_path):
    cfg = tmp_path / "review.toml"
    cfg.write_text("total_points = 100\n", encoding="utf-8")
    result = runner.invoke(app, ["review", str(SEEDS["target_2024"]), "--config", str(cfg), "-f", "json",
                                 "--fail-on", "never", "-o", str(cfg)])
    assert "输出文件就是输入文件" in one_error_line(result)
    assert cfg.read_text(encoding="utf-8") == "total_points = 100\n"


def test_output_naming_the_request_file_is_refused(tmp_path):
    req = tmp_path / "request.yaml"
    text = "name: 物业服务测评\ngoal: 完成测评报告1份\n"
    req.write_text(text, encoding="utf-8")
    link = tmp_path / "same.yaml"
    link.symlink_to(req)  # the same file under another name
    result = runner.invoke(app, ["draft", "--from", str(req), "--offline", "-f", "json", "-o", str(link)])
    assert "输出文件就是输入文件" in failure_line(result)
    assert req.read_text(encoding="utf-8") == text


# ---- 14, 20. config keys ----------------------------------------------------------------------

def test_a_flood_of_unknown_config_keys_is_named_briefly(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({f"bogus_key_{i:06d}_" + "x" * 200: 1 for i in range(20000)}), encoding="utf-8")
    line = one_error_line(runner.invoke(app, ["review", str(SEEDS["target_2024"]), "--config", str(cfg)]))
    assert "bogus_key_000000_" in line and "20000" in line
    assert len(line) < 600


@pytest.mark.parametrize("weights, named", [({"产出指标": 50, "效益": 30, "满意度": 10}, "产出指标"),
                                            ({"产出": 50, "效益": 30, "满意": 10}, "满意")])
def test_unknown_level1_weight_keys_are_an_error(tmp_path, weights, named):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"level1_weights": weights}, ensure_ascii=False), encoding="utf-8")
    line = one_error_line(runner.invoke(app, ["review", str(SEEDS["self_eval_2024"]), "--config", str(cfg)]))
    assert "level1_weights" in line and named in line


def test_known_level1_weight_keys_are_accepted(tmp_path):
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"level1_weights": {"产出": 40, "效益": 30, "满意度": 10, "成本": 10}},
                              ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["review", str(SEEDS["self_eval_2024"]), "--config", str(cfg), "--fail-on", "never"])
    assert result.exit_code == 0, result.output


# ---- 15. environment values -----------------------------------------------------------------

@pytest.mark.parametrize("name, value", [
    ("DRAFTER_TIMEOUT", "0"), ("DRAFTER_TIMEOUT", "nan"), ("DRAFTER_TIMEOUT", "inf"), ("DRAFTER_TIMEOUT", "-1"),
    ("DRAFTER_HTTP_RETRIES", "1e9"), ("DRAFTER_HTTP_RETRIES", "1.5"), ("DRAFTER_MAX_RETRIES", "nan"),
    ("DRAFTER_MAX_TOKENS", "0"), ("DRAFTER_CONTEXT_TOKENS", "abc"), ("DRAFTER_CONTEXT_TOKENS", "-5")])
def test_bad_environment_values_are_one_line_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-robustness-0002")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv(name, value)
    for args in (["draft", "-n", "物业服务测评", "-g", "完成测评报告1份"],
                 ["deductions", str(SEEDS["self_eval_2024"])]):
        line = failure_line(runner.invoke(app, args))
        assert name in line and repr(value) in line, (args, line)


@pytest.mark.parametrize("name, value", [("DRAFTER_EMBED_BATCH", "0"), ("DRAFTER_EMBED_DIMENSIONS", "inf")])
def test_bad_embedding_environment_values_are_one_line(monkeypatch, name, value):
    monkeypatch.setenv("DRAFTER_EMBED_MODEL", "some-embedder")
    monkeypatch.setenv("DRAFTER_EMBED_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv(name, value)
    assert name in one_error_line(runner.invoke(app, ["ingest", str(SEEDS["target_2024"])]))


def test_good_environment_values_are_accepted(monkeypatch):
    from drafter.llm.profiles import resolve
    settings, _ = resolve({"OPENAI_API_KEY": "sk-x-00000000", "DRAFTER_TIMEOUT": "2.5",
                           "DRAFTER_HTTP_RETRIES": "0", "DRAFTER_MAX_TOKENS": "8192",
                           "DRAFTER_CONTEXT_TOKENS": "4000"})
    assert settings is not None and settings.timeout_s == 2.5 and settings.http_retries == 0
    assert settings.max_tokens == 8192


# ---- 17. usage errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["review", "--bogus"], ["review"], ["nosuch"], ["review", "x", "-f", "bogus"],
                                  ["search", "x", "-k", "0"], ["draft", "--year", "abc"]])
def test_usage_errors_are_one_line_pointing_at_help(args):
    line = one_error_line(runner.invoke(app, args))
    assert "--help" in line
    assert len([l for l in runner.invoke(app, args).stderr.splitlines() if l.strip()]) == 1
    assert "╭" not in runner.invoke(app, args).stderr


def test_help_still_works():
    result = runner.invoke(app, ["review", "--help"])
    assert result.exit_code == 0 and "--fail-on" in result.stdout


# ---- 11. raw HTML in Markdown output ----------------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<svg onload=alert(2)>", "<img src=x onerror=alert(3)>"]


def _hostile_self_eval(tmp_path: Path) -> Path:
    form = {"kind": "self_eval", "project_name": f"项目{HOSTILE[0]}", "agency": f"单位{HOSTILE[1]}",
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": f"培训人数{HOSTILE[2]}",
                            "target_raw": f"≥500人{HOSTILE[0]}", "actual_raw": "300人", "weight": 10, "score": 6,
                            "deviation": f"原因是{HOSTILE[1]}疫情影响，下一步将{HOSTILE[2]}加强宣传"}]}
    src = tmp_path / "hostile.json"
    src.write_text(json.dumps({"forms": [form]}, ensure_ascii=False), encoding="utf-8")
    return src


def test_markdown_output_escapes_html_from_forms(tmp_path):
    src = _hostile_self_eval(tmp_path)
    outputs = {
        "review": runner.invoke(app, ["review", str(src), "-f", "markdown", "--fail-on", "never"]),
        "deductions": runner.invoke(app, ["deductions", str(src), "-f", "markdown", "--offline"]),
        "draft": runner.invoke(app, ["draft", "-n", f"测评{HOSTILE[0]}", "-g", f"完成测评报告1份{HOSTILE[2]}",
                                     "--agency", HOSTILE[1], "--offline", "-f", "markdown"]),
    }
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.output)
        md = result.stdout
        for tag in ("<script", "<svg", "<img"):
            assert tag not in md, (name, tag)
        assert "&lt;" in md, name  # shown as typed, not dropped


# ---- 16. SARIF artifact URIs ------------------------------------------------------------------

def test_sarif_artifact_uris_are_uris(tmp_path, monkeypatch):
    from urllib.parse import unquote, urlsplit
    folder = tmp_path / "年度 表单#1 100%"
    folder.mkdir()
    src = folder / "自评 表?.txt"
    src.write_bytes(SEEDS["self_eval_2024"].read_bytes())
    monkeypatch.chdir(tmp_path)
    for given, absolute in ((str(src), True), (str(src.relative_to(tmp_path)), False)):
        result = runner.invoke(app, ["review", given, "-f", "sarif", "--fail-on", "never"])
        assert result.exit_code == 0, result.output
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(result.stdout)["runs"][0]["results"] for loc in r["locations"]}
        assert len(uris) == 1
        uri = uris.pop()
        assert not set(uri) & set(" #?%") - {"%"} and all(ord(c) < 128 for c in uri), uri
        parts = urlsplit(uri)
        if absolute:
            assert parts.scheme == "file" and unquote(parts.path) == str(src)
        else:
            assert parts.scheme == "" and unquote(uri) == given


def test_artifact_uri_edge_cases():
    from drafter.render.review import artifact_uri
    assert artifact_uri("corpus/000.txt") == "corpus/000.txt"
    assert artifact_uri("a:b.txt") == "a%3Ab.txt"
    assert artifact_uri("C:\\表单\\a b.txt") == "file:///C:/%E8%A1%A8%E5%8D%95/a%20b.txt"


# ---- 12. one huge deviation note --------------------------------------------------------------

def test_a_huge_deviation_note_is_bounded_and_says_so(tmp_path):
    from drafter.deductions.records import MAX_MEASURE_CHARS, MAX_MEASURES_PER_NOTE, MAX_NOTE_CHARS
    note = "原因是需求下降。" + "1、加强宣传；" * 200_000  # ~1.4 MB, 200,000 numbered measures
    form = {"kind": "self_eval", "project_name": "宣传项目", "agency": "某单位",
            "indicators": [{"level1": "产出指标", "level2": "数量指标", "name": "宣传次数", "target_raw": "≥10次",
                            "actual_raw": "8次", "weight": 10, "score": 8, "deviation": note},
                           {"level1": "产出指标", "level2": "质量指标", "name": "覆盖率", "target_raw": "≥90%",
                            "actual_raw": "80%", "weight": 10, "score": 9,
                            # one measure of 2,000 characters with no punctuation to split at
                            "deviation": "原因是人手不足。下一步将" + "".join(chr(0x4E00 + i % 997) for i in range(2000))}]}
    src = tmp_path / "huge.json"
    src.write_text(json.dumps({"forms": [form]}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["deductions", str(src), "-f", "json", "-o", str(out), "--offline"])
    assert result.exit_code == 0, result.output
    assert "已截断" in result.stderr
    report = json.loads(out.read_text(encoding="utf-8"))
    assert out.stat().st_size < 200_000
    for d in report["deductions"]:
        assert "truncated" in d["flags"]
        assert len(d["note"]) <= MAX_NOTE_CHARS + 1
        from_note = [m for m in d["improvement_measures"] if m["source"] == "note"]
        assert 1 <= len(from_note) <= MAX_MEASURES_PER_NOTE
        assert all(len(m["action"]) <= MAX_MEASURE_CHARS + 1 for m in from_note)
    assert report["summary"]["flags"]["truncated"]["count"] == 2


# ---- 10. parallel first use -------------------------------------------------------------------

def test_a_draft_waits_for_a_first_use_ingest_in_progress():
    import threading

    from drafter.store.lock import store_lock

    _home().mkdir(parents=True)
    held, release = threading.Event(), threading.Event()

    def other_process_ingesting():
        with store_lock(_home()):
            held.set()
            release.wait(30)

    t = threading.Thread(target=other_process_ingesting)
    t.start()
    held.wait(10)
    threading.Timer(1.5, release.set).start()
    try:
        result = runner.invoke(app, ["draft", "-n", "物业服务测评", "-g", "完成测评报告1份", "--offline", "-f", "json"])
    finally:
        release.set()
        t.join()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["form"]["indicators"]


def test_parallel_first_drafts_all_succeed(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONPATH": str(ROOT), "DRAFTER_HOME": str(tmp_path / "fresh")}
    procs = [subprocess.Popen([sys.executable, "-m", "drafter.cli", "draft", "-n", f"物业服务测评{i}",
                               "-g", "完成测评报告1份", "--offline", "-f", "json"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for i in range(3)]
    results = [(p.wait(timeout=300), p.stdout.read(), p.stderr.read().decode()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    for code, out, err in results:
        assert code == 0, err
        assert json.loads(out)["form"]["indicators"]


def test_an_unusable_home_costs_an_llm_run_only_its_call_log(tmp_path, monkeypatch, failing_llm):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    monkeypatch.setenv("DRAFTER_HOME", str(blocker))
    result = runner.invoke(app, ["deductions", str(SEEDS["self_eval_2024"]), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert failing_llm.seen and "本次不记录调用日志" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_a_chroma_url_with_credentials_is_masked_where_it_is_shown(monkeypatch, tmp_path):
    from drafter.store import StoreError, client
    monkeypatch.setenv("DRAFTER_CHROMA_URL", "http://bob:s3cretpw@chroma.example:notaport")
    assert "s3cretpw" not in client.location(tmp_path)
    with pytest.raises(StoreError) as e:
        client.open_client(tmp_path)
    assert "s3cretpw" not in str(e.value) and "chroma.example" in str(e.value)
