"""`drafter review` and `drafter rule` through the command line: exit codes, formats, selection."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import CORPUS, SEEDS
from drafter.cli import app
from drafter.rules import all_rules
from test_rules_support import good_self_eval, good_target

FINDING_FIELDS = {"code", "severity", "source", "form_index", "indicator_index", "indicator_name", "message",
                  "suggestion", "tags", "basis", "project_name", "status", "accepted_reason",
                  "origin"}  # origin: rules | llm | rules+llm (review --llm)


def invoke(*args):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "100"})


def _forms_file(tmp_path, *forms, name="forms.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"source": name, "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_json_matches_the_contract():
    r = invoke("review", str(SEEDS["target_2023"]), "--format", "json")
    assert r.exit_code == 1  # 004 has a target value lost in extraction: an error
    data = json.loads(r.stdout)
    assert set(data) == {"findings", "summary"}
    assert data["findings"] and all(set(f) == FINDING_FIELDS for f in data["findings"])
    assert all(f["severity"] in ("error", "warning", "info") for f in data["findings"])
    # Every finding cites the clause or guide it rests on (issue 15 §4).
    assert all(f["basis"] and ("财预" in f["basis"] or "指引" in f["basis"] or "办法" in f["basis"]
                               or "表" in f["basis"]) for f in data["findings"])
    s = data["summary"]
    assert s["forms"] == 6 and s["findings"] == len(data["findings"])
    assert sum(s["by_severity"].values()) == len(data["findings"])
    assert s["unmeasurable_indicators"] > 0
    form_level = [f for f in data["findings"] if f["indicator_index"] is None]
    assert form_level and all(f["indicator_name"] is None for f in form_level)


def test_clean_input_exits_0(tmp_path):
    r = invoke("review", _forms_file(tmp_path, good_target(), good_self_eval()), "--format", "json")
    assert r.exit_code == 0, r.stdout
    assert json.loads(r.stdout)["findings"] == []


def test_fail_on_warning_and_select(tmp_path):
    seed = str(SEEDS["target_2024"])
    r = invoke("review", seed, "--select", "T07", "--format", "json")
    assert r.exit_code == 0  # T07 is a warning; the default threshold is error
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert codes == {"T07"}
    r = invoke("review", seed, "--select", "T07", "--fail-on", "warning", "--format", "json")
    assert r.exit_code == 1


def test_select_by_prefix_tag_and_comma_and_ignore():
    seed = str(SEEDS["self_eval_2024"])
    r = invoke("review", seed, "--select", "S05,S09", "--format", "json")
    assert {f["code"] for f in json.loads(r.stdout)["findings"]} == {"S05", "S09"}
    from drafter.rules import all_rules
    tagged = {x.code for x in all_rules() if "unmeasurable" in x.tags}
    r = invoke("review", seed, "--select", "unmeasurable", "--format", "json")
    got = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert got and got <= tagged
    r = invoke("review", seed, "--select", "S", "--ignore", "S16", "--ignore", "S01", "--format", "json")
    codes = {f["code"] for f in json.loads(r.stdout)["findings"]}
    assert codes and all(c.startswith("S") for c in codes) and not {"S16", "S01"} & codes
    r = invoke("review", seed, "--ignore", "T,S", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["findings"] == []


@pytest.mark.parametrize("args", [
    ("review", "no/such/file.txt"),
    ("review", str(SEEDS["target_2024"]), "--select", "T99"),
    ("review", str(SEEDS["target_2024"]), "--ignore", "nonsense"),
    ("review", str(SEEDS["target_2024"]), "--format", "xml"),
    ("rule", "X99"),
])
def test_bad_input_exits_2_with_one_line(args):
    r = invoke(*args)
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    if args[-1] in ("T99", "nonsense", "X99"):
        assert len(r.stderr.strip().splitlines()) == 1


def test_table_groups_by_form_and_fits_100_columns(tmp_path):
    out = tmp_path / "review.txt"
    r = invoke("review", str(SEEDS["target_2024"]), "-o", str(out))
    assert r.exit_code == 0
    text = out.read_text(encoding="utf-8")
    from rich.cells import cell_len
    assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= 100
    assert text.count("第1张") == 1 and "第5张" in text
    assert "级别" in text and "指标值" in text and "提升" in text  # the value is shown
    assert "审核" in r.stderr  # notes go to stderr, data to the file


def test_markdown_report_per_form():
    r = invoke("review", str(SEEDS["target_2024"]), "--format", "markdown")
    assert r.stdout.startswith("# drafter 审核报告")
    assert r.stdout.count("\n## ") == 5
    assert "| 级别 | 代码 | 指标 | 指标值 | 问题 | 建议 |" in r.stdout


def test_sarif_structure():
    r = invoke("review", str(SEEDS["self_eval_2024"]), "--format", "sarif")
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    [run] = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    ids = [x["id"] for x in rules]
    from drafter.rules import all_rules
    # Every rule that ran; the model's L codes only with --llm (nothing else produces them).
    assert run["tool"]["driver"]["name"] == "drafter" and ids == [x.code for x in all_rules() if not x.by_model]
    assert run["results"]
    for res in run["results"]:
        assert res["ruleId"] in ids and ids[res["ruleIndex"]] == res["ruleId"]
        assert res["level"] in ("error", "warning", "note")
        assert res["message"]["text"]
        loc = res["locations"][0]
        assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith(".txt")
    j = json.loads(invoke("review", str(SEEDS["self_eval_2024"]), "--format", "json").stdout)
    assert len(run["results"]) == len(j["findings"])


def test_suggest_is_offline_and_corpus_based():
    r = invoke("review", str(SEEDS["target_2024"]), "--format", "json", "--suggest", "--select", "T09")
    findings = json.loads(r.stdout)["findings"]
    resident = [f for f in findings if f["indicator_name"] == "居民满意度"]
    assert resident and all("≥" in f["suggestion"] and "%" in f["suggestion"] for f in resident)
    assert all("语料库" in f["suggestion"] or "通用写法" in f["suggestion"] or "补全" in f["suggestion"]
               for f in findings if "unmeasurable" in f["tags"])
    assert "离线" in r.stderr and "语料库" in r.stderr


def test_config_file_changes_grade_bands(tmp_path):
    rows = good_self_eval().indicators
    rows[4] = rows[4].model_copy(update={"score": 20.0, "deviation": "原因：考试延期。措施：下一步组织补考。"})
    form = good_self_eval(indicators=rows, total_score=89.18, grade="优")
    src = _forms_file(tmp_path, form)
    r = invoke("review", src, "--select", "S15", "--format", "json")
    assert r.exit_code == 1 and "「良」" in r.stdout
    cfg = tmp_path / "jurisdiction.toml"
    cfg.write_text('[grade_bands]\n"优" = 80\n"良" = 70\n"中" = 60\n"差" = 0\n', encoding="utf-8")
    r = invoke("review", src, "--select", "S15", "--format", "json", "--config", str(cfg))
    assert r.exit_code == 0 and json.loads(r.stdout)["findings"] == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("grade_bandz: {}\n", encoding="utf-8")
    r = invoke("review", src, "--config", str(bad))
    assert r.exit_code == 2 and "grade_bandz" in r.stderr


def test_rule_list_and_explain():
    r = invoke("rule", "--format", "json")
    rules = json.loads(r.stdout)
    codes = [x["code"] for x in rules]
    # Released codes keep their place; later ones (T30…, S30…) follow within their letter; the
    # model's L codes come last.
    t = [c for c in codes if c[0] == "T"]
    s_ = [c for c in codes if c[0] == "S"]
    l_ = [c for c in codes if c[0] == "L"]
    assert codes == t + s_ + l_ and codes == sorted(t) + sorted(s_) + sorted(l_)
    assert {f"T{i:02d}" for i in range(1, 21)} | {f"S{i:02d}" for i in range(1, 21)} <= set(codes)
    assert {"T30", "T31", "T32", "T33", "T34", "S30", "S31"} <= set(codes)
    assert l_ == [f"L{i:02d}" for i in range(1, 8)]
    r = invoke("rule")
    assert r.exit_code == 0 and "T07" in r.stdout and "S20" in r.stdout
    r = invoke("rule", "t07")
    assert r.exit_code == 0
    for part in ("检查内容", "为什么重要", "示例", "如何修改", "提升", "依据", "财预〔2015〕88号"):
        assert part in r.stdout


def test_help_does_not_import_the_rules():
    code = "import sys, drafter.cli; print('drafter.rules' in sys.modules, 'drafter.read.text' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_json_report_written_in_chunks_is_the_same_text(monkeypatch):
    from drafter.read import read_file
    from drafter.render import review as render
    from drafter.rules import review_forms, summarize

    good = [(str(p), read_file(p)) for p in sorted(CORPUS.glob("*.txt"))]
    findings = review_forms(good)
    summary = summarize(findings, good)
    whole = render._dumps({"findings": findings, "summary": summary})
    chunk = next(c for c in range(7, 50) if len(findings) % c)  # many chunks, the last one partial
    monkeypatch.setattr(render, "CHUNK", chunk)
    assert b"".join(render.findings_json(findings, summary)) == whole
    assert b"".join(render.findings_json([], summary)) == render._dumps({"findings": [], "summary": summary})
