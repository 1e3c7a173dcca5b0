"""Output files are written whole or not at all, and never over the forms being read."""

from __future__ import annotations

import errno
import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from conftest import SEEDS
from drafter.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DRAFTER_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("args", [
    ["review", "{src}", "-f", "json", "--fail-on", "never"],
    ["parse", "{src}", "-f", "xlsx"],
    ["deductions", "{src}", "-f", "markdown"],
])
def test_disk_full_while_writing_leaves_the_old_output(tmp_path, monkeypatch, args):
    src = tmp_path / "form.txt"
    shutil.copy(SEEDS["self_eval_2024"], src)
    out = tmp_path / "report.out"
    out.write_text("last year's report\n", encoding="utf-8")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, [a.format(src=src) for a in args] + ["-o", str(out)])
    assert result.exit_code == 2
    lines = [l for l in result.stderr.splitlines() if l.startswith("drafter: ") and "无法写入" in l]
    assert len(lines) == 1 and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == "last year's report\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # no temp file left


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_output_naming_an_input_file_is_refused(tmp_path, fmt):
    src = tmp_path / "form.txt"
    shutil.copy(SEEDS["target_2024"], src)
    before = src.read_bytes()
    result = runner.invoke(app, ["parse", str(tmp_path), "-f", fmt, "-o", str(src)])
    assert result.exit_code == 2 and "输出文件就是输入文件" in result.stderr
    assert src.read_bytes() == before


def test_output_into_a_missing_directory_is_one_line(tmp_path):
    result = runner.invoke(app, ["review", str(SEEDS["target_2024"]), "-f", "json", "--fail-on", "never",
                                 "-o", str(tmp_path / "no" / "such" / "dir" / "r.json")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len([l for l in result.stderr.splitlines() if l.strip()]) == 1


def test_a_complete_output_is_readable(tmp_path):
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["review", str(SEEDS["target_2024"]), "-f", "json", "--fail-on", "never",
                                 "-o", str(out)])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]
