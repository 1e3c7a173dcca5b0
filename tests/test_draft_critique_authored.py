"""The model's critique in `drafter draft`'s review round, replayed from authored cassettes.

The cassettes in cassettes/authored/test_draft_critique_authored/ hold the requests exactly as
drafter sends them and *hand-written* responses (each marked with the ``x-drafter-authored``
header), recorded against :class:`conftest_llm.StubServer`, which answers with the responses
scripted below. Re-author with ``pytest tests/test_draft_critique_authored.py --record-mode=rewrite``.

Each scenario runs `drafter draft` as a user would (JSON to a file, then Markdown from the cache),
reads the call log, and reviews the draft it wrote with `drafter review`.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest_llm import (AUTHORED_URL, CASSETTES, MODEL, assert_no_key, cassette_dir, completion,  # noqa: F401
                          fixed_store, log_rows, set_llm_env, stub, vcr_config)
from critique_cases import AWARENESS, bad, ok
from test_draft_llm_authored import BASE, I, answer, cost

pytestmark = pytest.mark.vcr
runner = CliRunner()

DEPARTMENT = "上海市住房和城乡建设管理委员会"
NO_HISTORY = "无历史数据：本项目为新设项目"
# Passes the relevance gate (it names 小区, as the project does) and every rule: only a reader of
# its meaning sees that greening is no output or outcome of a testing project.
GREENING = I("效益指标", "生态效益指标", "小区绿化覆盖率", "≥", 35, "%", NO_HISTORY, basis="行业标准",
             evidence="园林绿化台账")
# A number and a unit, so no rule objects; but 10 % of what? There is no baseline to measure from.
RISE = I("效益指标", "社会效益指标", "物业服务水平提升幅度", "≥", 10, "%", NO_HISTORY, basis="计划标准",
         evidence="测评报告")
FIXES = I("效益指标", "社会效益指标", "居民对物业服务标准的知晓率", "≥", 80, "%", NO_HISTORY, basis="计划标准",
          evidence="入户问卷调查")


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("authored", __file__)


@pytest.fixture
def env(monkeypatch, tmp_path, fixed_store):
    # JSON mode: the stub plays a server that takes json_object (DeepSeek, Qwen, GLM style).
    set_llm_env(monkeypatch, AUTHORED_URL, DRAFTER_MODE="JSON")
    return tmp_path / "home"


def critique(rows, uncovered=()):
    return completion(json.dumps({"indicators": rows, "uncovered": list(uncovered)}, ensure_ascii=False), 2300, 420)


def draft(tmp_path, *args):
    from drafter.cli import app

    return runner.invoke(app, ["draft", "--name", "老旧小区物业服务测评", "--goal",
                               "完成老旧小区物业服务测评报告1份，开展物业企业培训4次", "--funds", "120",
                               "--year", "2025", "--agency", "上海市物业管理事务中心", "--department", DEPARTMENT,
                               *args], env={"COLUMNS": "200"})


def drafted(tmp_path):
    """`drafter draft -f json -o draft.json`: the JSON written and what stderr said."""
    out = tmp_path / "draft.json"
    result = draft(tmp_path, "-f", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8")), result.stderr


def reviewed(tmp_path):
    """`drafter review draft.json`: what the rules say of the draft a user was given."""
    from drafter.cli import app

    result = runner.invoke(app, ["review", str(tmp_path / "draft.json"), "-f", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert not [f for f in findings if f["severity"] == "error" or "unmeasurable" in f["tags"]], findings
    return findings


def tasks(home):
    return [(r["task"], r["status"]) for r in log_rows(home)]


def test_unrelated_row_kept_by_the_revision_is_dropped(env, stub, tmp_path):
    """The critique calls 小区绿化覆盖率 unrelated; the revision keeps it anyway; the draft drops it."""
    first = BASE + [cost(120), GREENING]
    stub([
        (200, completion(answer(first), 1500, 680)),
        (200, critique([ok(p) for p in range(1, 8)] + [
            bad(8, "unrelated_to_project", "本项目是物业服务测评，小区绿化覆盖率取决于绿化工程，不是本项目资金的产出或效果。",
                None)])),
        (200, completion(answer(first), 3100, 680)),  # the revision keeps the row
    ])
    data, said = drafted(tmp_path)
    assert data["engine"] == f"llm:{MODEL}"
    names = [i["name"] for i in data["form"]["indicators"]]
    assert "小区绿化覆盖率" not in names and "有责投诉率" in names and len(names) == 7
    notes = data["notes"]
    assert "审核规则和模型复核发现 1 个问题（其中模型 1 个），已修改一轮，审核规则复查未再发现问题" in notes
    assert "模型复核认为与本项目无关的指标修改后仍保留，已删除：小区绿化覆盖率（来源：模型）" in notes
    assert "请求 3 次" in said

    assert tasks(env) == [("draft", "ok"), ("critique", "ok"), ("draft-revise", "ok")]
    rows = log_rows(env)
    # The critique saw the drafted form and the past forms' indicators as evidence, as data.
    seen = rows[1]["messages"][1]["content"]
    assert "小区绿化覆盖率" in seen and '"id": "E1"' in seen and "居民满意度" in seen
    # The corrective round quoted the model's finding in the rules' one-line format, attributed.
    revise = rows[2]["messages"][-1]["content"]
    assert "[L02] 指标“小区绿化覆盖率”：本项目是物业服务测评" in revise and "（来源：模型）" in revise

    # Markdown, from the cache: the same draft and notes, no request (the cassette holds three).
    md = draft(tmp_path, "-f", "markdown")
    assert md.exit_code == 0, md.output
    assert "小区绿化覆盖率（来源：模型）" in md.stdout and "| 小区绿化覆盖率 |" not in md.stdout
    assert [r["cache_hit"] for r in log_rows(env)[-3:]] == [True, True, True]
    reviewed(tmp_path)
    assert_no_key(CASSETTES / "authored", env)


def test_unmeasurable_row_is_fixed_by_the_corrective_round(env, stub, tmp_path):
    """No rule objects to 提升幅度 ≥10%; the model does, with a rewrite; the revision takes it."""
    stub([
        (200, completion(answer(BASE + [cost(120), RISE]), 1500, 680)),
        (200, critique([ok(p) for p in range(1, 8)] + [
            bad(8, "unmeasurable", "“提升幅度”没有基线，10%相对什么提升无法计算，年终无法判定。", AWARENESS)])),
        (200, completion(answer(BASE + [cost(120), FIXES]), 3150, 690)),
    ])
    data, _ = drafted(tmp_path)
    names = [i["name"] for i in data["form"]["indicators"]]
    assert "物业服务水平提升幅度" not in names and "居民对物业服务标准的知晓率" in names
    row = next(i for i in data["form"]["indicators"] if i["name"] == "居民对物业服务标准的知晓率")
    assert row["target_raw"] == "≥80%" and row["evidence"] == "入户问卷调查"
    notes = data["notes"]
    assert "审核规则和模型复核发现 1 个问题（其中模型 1 个），已修改一轮，审核规则复查未再发现问题" in notes
    # The row the model objected to is gone: nothing of the model's is left to report.
    assert not [n for n in notes if "来源：模型" in n or "仍未解决" in n]

    assert tasks(env) == [("draft", "ok"), ("critique", "ok"), ("draft-revise", "ok")]
    revise = log_rows(env)[2]["messages"][-1]["content"]
    assert "[L01] 指标“物业服务水平提升幅度”：“提升幅度”没有基线" in revise
    assert "建议：改写为：效益指标/社会效益指标/居民对物业服务标准的知晓率 ≥80%" in revise

    md = draft(tmp_path, "-f", "markdown")
    assert md.exit_code == 0, md.output
    assert "| 居民对物业服务标准的知晓率 |" in md.stdout and "物业服务水平提升幅度" not in md.stdout
    assert "审核规则和模型复核发现 1 个问题" in md.stdout
    reviewed(tmp_path)


@pytest.mark.parametrize("failure", ["server_error", "validation_exhausted"])
def test_a_failed_critique_leaves_the_draft_standing(env, stub, tmp_path, failure):
    """The critique's call fails for good: the draft is the rules' draft, with a note saying why."""
    if failure == "server_error":
        answers = [(503, {"error": {"message": "model is loading", "type": "server_error", "code": 503}})]
        statuses = [("critique", "error")]
        why = "HTTP 503"
    else:  # twice an answer that skips rows 2-7: re-asked once (DRAFTER_MAX_RETRIES=1), then given up
        answers = [(200, critique([ok(1)]))] * 2
        statuses = [("critique", "invalid")] * 2
        why = "未通过校验"
    stub([(200, completion(answer(BASE + [cost(120)]), 1500, 680)), *answers])
    data, _ = drafted(tmp_path)
    assert data["engine"] == f"llm:{MODEL}"
    assert [i["name"] for i in data["form"]["indicators"]] == [i["name"] for i in BASE] + ["项目总成本"]
    failed = [n for n in data["notes"] if n.startswith("模型复核失败：")]
    assert len(failed) == 1 and why in failed[0], data["notes"]
    assert not [n for n in data["notes"] if "已修改一轮" in n]
    assert tasks(env) == [("draft", "ok"), *statuses]
    reviewed(tmp_path)


def test_findings_the_revision_leaves_are_reported_as_the_models(env, stub, tmp_path):
    """A low target (L05) the revision leaves as it was, and a wording remark (L07, never sent back)."""
    findings = [ok(1), ok(2), ok(3),
                bad(4, "wording", "一个指标写了“完成”和“通过验收”两件事，口径不清。", None),
                ok(5),
                bad(6, "target_too_low", "同类培训项目参训企业满意度普遍在95%以上，只定90%偏低。", None),
                ok(7)]
    stub([
        (200, completion(answer(BASE + [cost(120)]), 1500, 680)),
        (200, critique(findings)),
        (200, completion(answer(BASE + [cost(120)]), 3000, 680)),  # the revision changes nothing
    ])
    data, _ = drafted(tmp_path)
    notes = data["notes"]
    assert "审核规则和模型复核发现 1 个问题（其中模型 1 个），已修改一轮，审核规则复查未再发现问题" in notes
    at = notes.index("模型复核的 2 条意见修改后仍未解决：")
    assert notes[at + 1] == "[L07] 指标“测评报告完成时限”：一个指标写了“完成”和“通过验收”两件事，口径不清。（来源：模型）"
    assert notes[at + 2].startswith("[L05] 指标“参训企业满意度”：同类培训项目") and notes[at + 2].endswith("（来源：模型）")
    assert [i["name"] for i in data["form"]["indicators"]] == [i["name"] for i in BASE] + ["项目总成本"]
    # Only the low target went back to the model: wording is a remark (L07, info), not a fault.
    revise = log_rows(env)[2]["messages"][-1]["content"]
    assert "[L05]" in revise and "[L07]" not in revise
    assert tasks(env) == [("draft", "ok"), ("critique", "ok"), ("draft-revise", "ok")]
    md = draft(tmp_path, "-f", "markdown")
    assert "[L05] 指标“参训企业满意度”" in md.stdout and md.stdout.count("（来源：模型）") == 2
    reviewed(tmp_path)
