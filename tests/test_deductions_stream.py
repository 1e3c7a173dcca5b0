"""`drafter deductions` over a batch: streamed from a spool, the same bytes as the whole batch in memory.

The in-memory path (drafter.deductions.analyse over every file's forms) is the reference: the
streamed run must give the same rows, flags (the "repeated" flag looks across files), model
batches and summary, for --jobs 1 and 2 alike. An interrupted run with a model must leave no
report behind, and its re-run must send only the calls that were not answered.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from drafter.cli import app
from drafter.deductions.records import Deduction
from drafter.model import Form, Indicator

ROOT = Path(__file__).resolve().parent.parent
# A note whose measures run past MAX_MEASURES_PER_NOTE: measures flag it "truncated" after the
# batch-wide "repeated" flag, and the streamed run must keep that order.
LONG_NOTE = "原因：服务人员不足，培训不到位。" + "；".join(
    f"下一步将组织第{i}批服务人员开展专项业务培训并按月考核" for i in range(1, 15)) + "。"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def _form(name: str, note: str) -> Form:
    return Form(kind="self_eval", year=2024, project_name=name, agency="某区住房保障中心", indicators=[
        Indicator(level1="产出指标", level2="数量指标", name="培训人次", target_raw="≥100人次", op="≥", value=100,
                  unit="人次", actual_raw="80人次", weight=10, score=7, deviation=note),
        Indicator(level1="效益指标", level2="社会效益指标", name="服务对象满意度", target_raw="≥90%", op="≥",
                  value=90, unit="%", actual_raw="85%", weight=10, score=8, deviation="宣传不到位。将加强政策解读。")])


def _batch(tmp_path: Path, copies: int = 3) -> Path:
    """The built-in corpus copied (its notes repeat across files) and two files sharing a long note."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for c in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copyfile(f, folder / f"{c:02d}_{f.name}")
    for name in ("00_long.json", "99_long.json"):
        form = _form(f"项目{name}", LONG_NOTE)
        (folder / name).write_text(json.dumps({"source": name, "forms": [form.model_dump(mode="json")]},
                                              ensure_ascii=False), encoding="utf-8")
    return folder


def _in_memory(folder: Path):
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file
    return analyse([(str(p), read_file(p)) for p in sorted(folder.iterdir())])


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_jobs_1_and_2_write_the_bytes_of_the_whole_batch_in_memory(tmp_path, fmt):
    from drafter.render.deductions import report_json, report_markdown
    from drafter.render.report_html import report_html

    folder = _batch(tmp_path)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.{fmt}"
        r = invoke("deductions", str(folder), "--offline", "-f", fmt, "-o", str(out), "--jobs", jobs)
        assert r.exit_code == 0, r.output
        outs[jobs] = out.read_bytes()
    assert outs["1"] == outs["2"]
    report = _in_memory(folder)
    before = {"json": report_json, "markdown": report_markdown, "html": report_html}[fmt](report).encode("utf-8")
    before += b"" if before.endswith(b"\n") else b"\n"
    assert outs["1"] == before
    if fmt == "json":
        rows = json.loads(outs["1"])["deductions"]
        long_rows = [d for d in rows if d["note"] == LONG_NOTE]
        assert len(long_rows) == 2
        assert all(d["flags"][-2:] == ["repeated", "truncated"] for d in long_rows), long_rows[0]["flags"]


def test_xlsx_is_written_in_write_only_mode_with_every_row(tmp_path):
    from openpyxl import load_workbook

    folder = _batch(tmp_path, copies=1)
    out = tmp_path / "out.xlsx"
    r = invoke("deductions", str(folder), "--offline", "-f", "xlsx", "-o", str(out), "--jobs", "2")
    assert r.exit_code == 0, r.output
    report = _in_memory(folder)
    wb = load_workbook(out)
    assert wb.sheetnames == ["扣分明细", "改进措施", "按类别", "按单位", "按层级", "常见原因"]
    detail = wb["扣分明细"]
    assert detail.max_row == len(report.deductions) + 1
    assert [c.value for c in detail[2]][:3] == [report.deductions[0].source, report.deductions[0].agency,
                                                report.deductions[0].project_name]
    assert detail.freeze_panes == "A2" and detail.auto_filter.ref == f"A1:R{len(report.deductions) + 1}"
    assert wb["改进措施"].max_row == sum(len(d.improvement_measures) for d in report.deductions) + 1
    assert detail["A1"].font.b and detail["N2"].alignment.wrap_text


def test_summary_quotes_kept_while_streaming_are_those_a_full_sort_picks():
    """Totals keeps three quotes per cause as rows pass; the old code sorted every row of the cause."""
    from drafter.deductions import summary

    def reference(rows):  # the selection as it was written before streaming
        ranked = sorted(rows, key=lambda d: ("garbled" in d.flags, "no_cause" in d.flags,
                                            "no_measure" in d.flags, -d.lost))
        seen, out = set(), []
        for d in ranked:
            text = d.reason or d.measure
            if not text or text in seen:
                continue
            seen.add(text)
            out.append(text)
            if len(out) == summary.QUOTES_PER_CAUSE:
                break
        return out

    rng = random.Random(20)
    for _ in range(300):
        rows = [Deduction(source="a", form_index=k, indicator_name="x", weight=10, score=10 - lost, lost=lost,
                          category="schedule", reason=rng.choice(["延误", "审批慢", "招标流标", "工期长", "", "等待"]),
                          measure=rng.choice(["", "加快"]),
                          flags=rng.sample(["garbled", "no_cause", "no_measure"], rng.randint(0, 2)))
                for k, lost in enumerate(rng.choice([0.5, 1.0, 2.0]) for _ in range(rng.randint(1, 12)))]
        got = summary.Totals()
        for d in rows:
            got.add(d)
        causes = got.top_causes()
        assert [e["quote"] for e in (causes[0]["examples"] if causes else [])] == reference(rows)


def test_no_self_evaluation_in_a_streamed_batch_is_one_line_exit_2(tmp_path):
    folder = tmp_path / "t"
    folder.mkdir()
    from test_rules_support import good_target
    (folder / "t.json").write_text(json.dumps({"source": "t", "forms": [good_target().model_dump(mode="json")]},
                                              ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "o.json"
    r = invoke("deductions", str(folder), "--offline", "-f", "json", "-o", str(out), "--jobs", "2")
    assert r.exit_code == 2 and "没有绩效自评表" in r.stderr
    assert not out.exists()


# ---- with a model (bench/fake_llm.py: a loopback server answering the deductions prompt) ----------

def _fake_llm():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from fake_llm import FakeLLM, self_eval_forms
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return FakeLLM, self_eval_forms


def _llm_env(home: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env.update(DRAFTER_HOME=str(home), OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-test-not-a-key",
               DRAFTER_MODE="JSON", DRAFTER_MODEL="bench", DRAFTER_HTTP_RETRIES="0",
               PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    return env


def _notes_file(tmp_path: Path, notes: int) -> Path:
    _, self_eval_forms = _fake_llm()
    src = tmp_path / "self_evals.json"
    src.write_text(json.dumps({"source": "test", "forms": [f.model_dump(mode="json") for f in self_eval_forms(notes)]},
                              ensure_ascii=False), encoding="utf-8")
    return src


def _deductions(src: Path, out: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drafter.cli", "deductions", str(src), "-f", "json", "-o", str(out),
                           *extra], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)


def test_model_batches_sent_a_window_at_a_time_give_the_report_of_one_go(tmp_path, monkeypatch):
    """Windows of one batch (the smallest) against the in-memory run: same requests, same report."""
    from drafter.deductions import stream
    from drafter.deductions.analyse import analyse
    from drafter.llm.client import LLMClient
    from drafter.llm.profiles import resolve
    from drafter.read import read_file
    from drafter.render.deductions import report_json

    FakeLLM, _ = _fake_llm()
    src = _notes_file(tmp_path, 30)
    monkeypatch.setattr(stream, "WINDOW_PER_JOB", 1)
    reports, requests = [], []
    for k in range(2):
        with FakeLLM(0.0) as server:
            for var, value in _llm_env(tmp_path / f"home{k}", server.url).items():
                monkeypatch.setenv(var, value)
            settings, why = resolve()
            assert settings is not None, why
            client = LLMClient(settings, home=tmp_path / f"home{k}", use_cache=True)
            if k == 0:
                report = analyse([(str(src), read_file(src))], client=client, run_id="t")
            else:
                streamed = stream.StreamedDeductions([str(src)], jobs=1)
                report = streamed.report(client, jobs=2, run_id="t")
            reports.append(report_json(report))
            requests.append(server.requests)
    assert requests == [4, 4]  # 30 noted rows, 8 a batch
    assert reports[0] == reports[1]
    assert json.loads(reports[1])["engine"].startswith("llm")


def test_an_interrupted_run_leaves_no_report_and_its_rerun_sends_only_the_calls_left(tmp_path):
    FakeLLM, _ = _fake_llm()
    src = _notes_file(tmp_path, 200)  # 25 batches
    out = tmp_path / "report.json"
    # One server for every run: the cache key names the server, and a provider's URL does not change.
    with FakeLLM(0.3) as server:
        env = _llm_env(tmp_path / "home", server.url)
        proc = subprocess.Popen([sys.executable, "-m", "drafter.cli", "deductions", str(src), "-f", "json",
                                 "-o", str(out), "--jobs", "1"], env=env, cwd=ROOT, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while server.requests < 8 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "已中断" in err and "Traceback" not in err
        assert not out.exists()  # no half-written report
        first = server.requests
        assert 8 <= first < 25

        server.latency = 0.0
        r = _deductions(src, out, env, "--jobs", "2")
        assert r.returncode == 0, r.stderr
        # Every batch answered before the interrupt comes from the cache; at most the one in flight
        # when Ctrl-C came (sent, but its answer never reached the cache) is asked again.
        second = server.requests - first
        assert 25 - first <= second <= 25 - first + 1
        resumed = out.read_bytes()

        r = _deductions(src, out, env)
        assert r.returncode == 0 and server.requests == first + second  # everything is in the cache now
        r = _deductions(src, tmp_path / "fresh.json", _llm_env(tmp_path / "fresh-home", server.url))
        assert r.returncode == 0 and server.requests == first + second + 25
    assert (tmp_path / "fresh.json").read_bytes() == resumed  # the resumed report is the uninterrupted one
