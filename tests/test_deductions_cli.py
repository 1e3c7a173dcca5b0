"""`drafter deductions` on the command line: formats, the JSON contract, skipped forms, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, SEEDS
from drafter.cli import app
from drafter.deductions.categories import CODES

SELF_EVALS = [str(SEEDS["self_eval_2024"]), str(SEEDS["self_eval_ocr"])]
CONTRACT = {"source", "agency", "project_name", "indicator_name", "level1", "level2", "weight", "score", "lost",
            "reason", "measure", "category", "improvement_measures"}
MEASURE_FIELDS = {"action", "owner", "deadline", "target", "indicator", "source"}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


@pytest.fixture(scope="module")
def seed_json():
    r = invoke("deductions", *SELF_EVALS, "--format", "json", "--offline")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_json_matches_the_contract(seed_json):
    data = seed_json
    assert {"deductions", "summary"} <= set(data)
    assert {"by_category", "by_agency", "total_lost"} <= set(data["summary"])
    assert data["engine"] == "offline"
    rows = data["deductions"]
    assert len(rows) == 25
    for row in rows:
        assert CONTRACT <= set(row), CONTRACT - set(row)
        assert row["category"] in CODES
        assert isinstance(row["lost"], float) and row["lost"] == round(row["weight"] - row["score"], 2) > 0
        assert isinstance(row["reason"], str) and isinstance(row["measure"], str)
        assert row["improvement_measures"], row["indicator_name"]
        for m in row["improvement_measures"]:
            assert set(m) == MEASURE_FIELDS and m["source"] in ("note", "template")
    budget = [r for r in rows if r["indicator_name"] == "预算执行率"]
    assert [r["lost"] for r in budget] == [0.2, 0.48, 0.26, 10.0, 0.63]
    s = data["summary"]
    assert s["total_lost"] == round(sum(r["lost"] for r in rows), 2)
    assert set(s["by_category"]) <= set(CODES)
    assert round(sum(c["lost"] for c in s["by_category"].values()), 2) == s["total_lost"]
    assert round(sum(a["lost"] for a in s["by_agency"].values()), 2) == s["total_lost"]


def test_target_forms_are_skipped_with_a_note():
    r = invoke("deductions", str(CORPUS), "--format", "json", "--offline")
    assert r.exit_code == 0, r.stderr
    assert r.stderr.count("跳过绩效目标表") == 15
    assert len(json.loads(r.stdout)["deductions"]) == 25


def test_only_target_forms_is_bad_input():
    r = invoke("deductions", str(SEEDS["target_2024"]), "--offline")
    assert r.exit_code == 2
    assert "没有绩效自评表" in r.stderr and "Traceback" not in r.stderr


def test_same_file_twice_counts_once():
    r = invoke("deductions", SELF_EVALS[1], SELF_EVALS[1], "--format", "json", "--offline")
    assert len(json.loads(r.stdout)["deductions"]) == 1


def test_no_llm_configured_announces_offline():
    r = invoke("deductions", SELF_EVALS[1], "--format", "json")
    assert r.exit_code == 0
    assert "使用离线规则引擎" in r.stderr


def test_table(tmp_path):
    r = invoke("deductions", *SELF_EVALS, "--offline")
    assert r.exit_code == 0
    assert "扣分明细" in r.stdout and "按原因类别" in r.stdout and "40.77" in r.stdout
    out = tmp_path / "t.txt"
    assert invoke("deductions", *SELF_EVALS, "--offline", "-o", str(out)).exit_code == 0
    assert "长效机制健全性" in out.read_text(encoding="utf-8")


def test_markdown(tmp_path):
    out = tmp_path / "report.md"
    r = invoke("deductions", *SELF_EVALS, "--format", "markdown", "-o", str(out), "--offline")
    assert r.exit_code == 0
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 绩效自评扣分原因分析")
    for heading in ("## 按原因类别", "## 按实施单位", "## 按指标层级", "## 常见原因", "## 扣分明细", "## 改进措施"):
        assert heading in md
    assert "| 扣分无说明 | `unexplained` | 6 | 12.57 |" in md
    assert "| **合计** | | **25** | **40.77** | 100% |" in md
    assert "【说明原文】完善责任体系" in md and "【模板】" in md
    # Every table row has the header's number of cells (no stray "|" from note text).
    for block in md.split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        if lines:
            width = lines[0].count("|") - lines[0].count("\\|")
            assert all(ln.count("|") - ln.count("\\|") == width for ln in lines), lines[0]


def test_html_is_one_self_contained_file(tmp_path):
    out = tmp_path / "report.html"
    r = invoke("deductions", *SELF_EVALS, "--format", "html", "-o", str(out), "--offline")
    assert r.exit_code == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in html
    assert html.count("<svg") == 2 or "data:image" in html
    assert "按原因类别的失分" in html and "按实施单位" in html
    import re
    # Nothing to fetch: no scripts, stylesheets, images or fonts from elsewhere.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", html) and "@import" not in html
    assert "<script" not in html and "<link" not in html
    # Chart ids are unique on the page (two inline SVGs share one id space).
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_xlsx_loads_with_openpyxl(tmp_path, seed_json):
    from openpyxl import load_workbook
    out = tmp_path / "report.xlsx"
    r = invoke("deductions", *SELF_EVALS, "--format", "xlsx", "-o", str(out), "--offline")
    assert r.exit_code == 0, r.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == ["扣分明细", "改进措施", "按类别", "按单位", "按层级", "常见原因"]
    detail = wb["扣分明细"]
    assert detail.max_row == 1 + len(seed_json["deductions"])
    header = [c.value for c in detail[1]]
    lost = [row[header.index("失分")] for row in detail.iter_rows(min_row=2, values_only=True)]
    assert round(sum(lost), 2) == 40.77
    measures = wb["改进措施"]
    assert measures.max_row == 1 + sum(len(d["improvement_measures"]) for d in seed_json["deductions"])
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]  # no temp file left behind


def test_xlsx_needs_an_output_file():
    r = invoke("deductions", *SELF_EVALS, "--format", "xlsx", "--offline")
    assert r.exit_code == 2 and "-o" in r.stderr


def test_help_imports_nothing_heavy():
    # Start-up time itself is measured by bench/bench_all.py; what keeps it short is this.
    code = ("import sys, drafter.cli; heavy = [m for m in ('openai', 'instructor', 'openpyxl', 'chromadb') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    exe = Path(sys.executable).with_name("drafter")
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "drafter.cli", "--help"]
    shown = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", check=True)
    assert "deductions" in shown.stdout
