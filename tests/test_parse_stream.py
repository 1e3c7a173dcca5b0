"""`drafter parse` over a batch: files read in processes and written as they come, same bytes as before."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from drafter.cli import app
from drafter.model import ParsedFile
from drafter.read import read_file
from drafter.render.forms import forms_json


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def _batch(tmp_path, copies=3):
    folder = tmp_path / "batch"
    folder.mkdir()
    for c in range(copies):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copyfile(f, folder / f"{c:02d}_{f.name}")
    (folder / "zz_empty.txt").write_text("", encoding="utf-8")  # unreadable: one line, the rest still written
    return folder


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_jobs_1_and_2_write_the_same_bytes_as_the_whole_batch_in_memory(tmp_path, fmt):
    folder = _batch(tmp_path)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.{fmt}"
        r = invoke("parse", str(folder), "-f", fmt, "-o", str(out), "--jobs", jobs)
        assert r.exit_code == 2, r.output  # the empty file
        assert r.stderr.count("zz_empty.txt") == 1
        outs[jobs] = out.read_bytes()
    assert outs["1"] == outs["2"]
    good = [p for p in sorted(folder.iterdir()) if p.stat().st_size]
    if fmt == "json":
        before = forms_json([ParsedFile(source=str(p), forms=read_file(p)) for p in good]).encode("utf-8") + b"\n"
        assert outs["1"] == before
    else:
        text = outs["1"].decode("utf-8")
        assert text.count("· 第1张 ·") == len(good)
        assert text.index(str(good[0])) < text.index(str(good[-1]))  # file order kept


def test_one_file_prints_its_object_and_none_readable_writes_nothing(tmp_path):
    import json
    one = sorted(CORPUS.glob("*.txt"))[0]
    r = invoke("parse", str(one), "-f", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["source"] == str(one)  # an object, not a list of one
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    out = tmp_path / "out.json"
    r = invoke("parse", str(empty), "-f", "json", "-o", str(out))
    assert r.exit_code == 2 and r.stdout == "" and not out.exists()
