"""`drafter review` over a batch: streamed, spread over processes, the same bytes whatever --jobs is."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import CORPUS
from drafter.batch import Spool, dump, map_ordered
from drafter.cli import app
from drafter.cli_review import _version
from drafter.read import read_file
from drafter.render.review import findings_json, findings_markdown, findings_sarif, print_findings_table
from drafter.rules import review_forms, summarize
from drafter.services.review import rules_for
from test_rules_support import good_self_eval, good_target


def invoke(*args):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})


def _batch(tmp_path, copies=6):
    """The built-in corpus copied ``copies`` times, plus a target form whose self-evaluation sits
    in an earlier file (S17 must find it across files) and one that differs from it."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for c in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copyfile(f, folder / f"{c:02d}_{f.name}")
    target = good_target()
    changed = good_self_eval().model_copy(update={
        "project_name": target.project_name, "agency": target.agency, "year": target.year,
        "indicators": good_self_eval().indicators[1:]})
    for name, form in (("00_aaa_self.json", changed), ("99_zzz_target.json", target)):
        (folder / name).write_text(json.dumps({"source": name, "forms": [form.model_dump(mode="json")]},
                                              ensure_ascii=False), encoding="utf-8")
    return folder


def _in_memory(folder):
    """The review as it was before streaming: every file read, then the rules over the whole batch."""
    batch = [(str(p), read_file(p)) for p in sorted(folder.iterdir())]
    findings = review_forms(batch)
    return batch, findings, summarize(findings, batch)


def _rendered_in_memory(fmt, batch, findings, summary) -> bytes:
    """What each format printed when the whole batch was held: the in-memory renderers."""
    if fmt == "json":
        return b"".join(findings_json(findings, summary))
    if fmt == "markdown":
        return findings_markdown(findings, batch, summary).encode("utf-8")
    if fmt == "sarif":
        rules = [r for r in rules_for(None, None) if not r.by_model]  # what review runs without --llm
        return findings_sarif(findings, rules, _version(), batch)
    buf = io.StringIO()
    print_findings_table(findings, batch, Console(file=buf, width=100, force_terminal=False))
    return buf.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["json", "markdown", "sarif", "table"])
def test_jobs_1_and_2_write_the_same_bytes_as_the_whole_batch_in_memory(tmp_path, fmt):
    folder = _batch(tmp_path)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.{fmt}"
        r = invoke("review", str(folder), "-f", fmt, "-o", str(out), "--fail-on", "never", "--jobs", jobs)
        assert r.exit_code == 0, r.output
        outs[jobs] = out.read_bytes()
    assert outs["1"] == outs["2"]
    batch, findings, summary = _in_memory(folder)
    before = _rendered_in_memory(fmt, batch, findings, summary)
    before += b"" if before.endswith(b"\n") else b"\n"  # write_output ends every file with one
    assert outs["1"] == before
    first = next(s for s, _ in batch if s.endswith("00_000_695c4e6a2653faf7.txt"))
    if fmt == "json":
        data = json.loads(outs["1"])
        s17 = [f for f in data["findings"] if f["code"] == "S17" and f["source"].endswith("00_aaa_self.json")]
        assert s17 and "99_zzz_target.json" in s17[0]["message"]  # found in a later file
        assert data["summary"]["forms"] == sum(len(fs) for _, fs in batch)
    elif fmt == "sarif":
        results = json.loads(outs["1"])["runs"][0]["results"]
        assert len(results) == len(findings)
        t07 = [r for r in results if r["ruleId"] == "T07" and r["locations"][0]["physicalLocation"]
               ["artifactLocation"]["uri"].endswith("00_000_695c4e6a2653faf7.txt")]
        assert any(r["locations"][0]["logicalLocations"][0]["name"] == "拓展公房管理便民服务措施"
                   and r["locations"][0]["physicalLocation"]["region"] == {"startLine": 32} for r in t07)
    elif fmt == "markdown":
        text = outs["1"].decode("utf-8")
        assert text.startswith(f"# drafter 审核报告\n\n共 {summary['forms']} 张表、{summary['indicators']} 项指标；")
        assert f"来源：{first} 第 1 张" in text
        assert "| 警告 | T07 | 拓展公房管理便民服务措施（第32行） | 拓展 |" in text
    else:
        text = outs["1"].decode("utf-8")  # long temp paths and names wrap: look for a cell's first line
        assert "T07    拓展公房管理便民    拓展" in text


@pytest.mark.parametrize("fmt", ["markdown", "sarif", "table"])
def test_a_batch_without_findings_reads_as_before(tmp_path, fmt):
    """No finding at all: the empty results, the clean forms listed, or the table's one line."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for f in sorted(CORPUS.glob("*.txt"))[:2]:
        shutil.copyfile(f, folder / f.name)
    out = tmp_path / f"out.{fmt}"
    r = invoke("review", str(folder), "-f", fmt, "-o", str(out), "--select", "T02", "--jobs", "2")
    assert r.exit_code == 0, r.output
    batch = [(str(p), read_file(p)) for p in sorted(folder.iterdir())]
    if fmt == "sarif":
        before = findings_sarif([], rules_for(["T02"], None), _version(), batch)
    elif fmt == "markdown":
        before = findings_markdown([], batch, summarize([], batch)).encode("utf-8")
    else:
        before = "未发现问题。\n".encode()
    assert out.read_bytes() == before + (b"" if before.endswith(b"\n") else b"\n")


def test_no_findings_at_all_is_the_empty_report(tmp_path):
    path = tmp_path / "clean.json"
    path.write_text(json.dumps({"source": "clean.json", "forms": [good_target().model_dump(mode="json")]},
                               ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.json"
    r = invoke("review", str(path), "-f", "json", "-o", str(out), "--select", "T12", "--jobs", "2")
    assert r.exit_code == 0, r.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["findings"] == [] and data["summary"]["forms"] == 1


def test_a_file_named_twice_shows_its_findings_once_under_each_mention(tmp_path):
    """Each mention is reported with its own findings; the whole batch held used to show both
    mentions' findings under each, twice the rows the summary counts."""
    path = sorted(CORPUS.glob("*.txt"))[0]
    out = tmp_path / "out.md"
    r = invoke("review", str(path), str(path), "-f", "markdown", "-o", str(out), "--fail-on", "never")
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    counted = sum(int(n) for n in re.findall(r"(?:错误|警告|提示) (\d+)", text.split("\n")[2]))
    assert counted and sum(1 for line in text.splitlines() if re.match(r"\| (错误|警告|提示) \|", line)) == counted


def test_an_unreadable_file_in_the_batch_is_one_line_and_exit_2_the_rest_reviewed(tmp_path):
    folder = _batch(tmp_path, copies=1)
    (folder / "50_broken.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "out.json"
    r = invoke("review", str(folder), "-f", "json", "-o", str(out), "--fail-on", "never", "--jobs", "2")
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert sum("50_broken.json" in line for line in r.output.splitlines()) == 1
    assert len(json.loads(out.read_text(encoding="utf-8"))["summary"]["sources"]) == 7


@pytest.mark.parametrize("jobs", ["0", "abc"])
def test_a_bad_jobs_value_is_one_line_exit_2(tmp_path, jobs):
    r = invoke("review", str(CORPUS), "--jobs", jobs)
    assert r.exit_code == 2
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1


def test_drafter_jobs_variable_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_JOBS", "0")
    r = invoke("review", str(CORPUS))
    assert r.exit_code == 2 and "DRAFTER_JOBS" in r.output


def test_map_ordered_keeps_input_order_across_processes():
    items = list(range(50))
    assert list(map_ordered(abs, [-i for i in items], 2)) == items


def test_spool_gives_back_every_record_intact_in_order():
    # Records share objects inside themselves (pickle memo): each must come back on its own.
    shared = {"name": "同一对象"}
    with Spool() as spool:
        for i in range(200):
            spool.add(dump((i, [shared, shared], "x" * (i * 37))))
        back = list(spool)
    assert [r[0] for r in back] == list(range(200))
    assert all(r[1][0] is r[1][1] and r[1][0] == shared for r in back)
    assert back[-1][2] == "x" * (199 * 37)


def test_progress_on_a_terminal_shows_files_and_counts_and_goes_away(monkeypatch):
    import io
    from drafter import progress as P

    fake = io.StringIO()
    monkeypatch.setattr(P.sys, "stderr", fake)
    monkeypatch.setattr(P, "DELAY", 0.0)
    monkeypatch.setattr(P, "REFRESH", 0.0)
    bar = P.BatchProgress(3, enabled=True)
    for _ in range(3):
        bar.advance(forms=2, indicators=10, findings=4)
    drawn = fake.getvalue()
    bar.close()
    assert "3/3" in drawn and "指标 30" in drawn and "问题 12" in drawn


def test_no_progress_drawn_when_stderr_is_not_a_terminal(monkeypatch):
    import io
    from drafter import progress as P

    fake = io.StringIO()
    monkeypatch.setattr(P.sys, "stderr", fake)
    monkeypatch.setattr(P, "DELAY", 0.0)
    bar = P.BatchProgress(3)  # StringIO is no terminal
    for _ in range(3):
        bar.advance(forms=1)
    bar.close()
    assert fake.getvalue() == ""


def test_ctrl_c_stops_workers_and_leaves_no_output(tmp_path):
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it: exit 130, no file, no traces."""
    import os
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "big"
    folder.mkdir()
    seeds = sorted(CORPUS.glob("*.txt"))
    for i in range(3000):  # far more than a few seconds of work, even on a fast machine
        shutil.copyfile(seeds[i % len(seeds)], folder / f"{i:05d}_{seeds[i % len(seeds)].name}")
    out = tmp_path / "out.json"
    env = dict(os.environ, DRAFTER_HOME=str(tmp_path / "home"))
    proc = subprocess.Popen([sys.executable, "-m", "drafter.cli", "review", str(folder), "-f", "json", "-o", str(out),
                             "--jobs", "2"], stderr=subprocess.PIPE, env=env, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(3)
    assert proc.poll() is None, "the review finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert b"Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".out.json*"))
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)  # no worker left behind in the group
