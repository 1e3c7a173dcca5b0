"""The LLM path of `drafter deductions`, replayed from cassettes: no network, no real key.

The cassettes in ``cassettes/authored/deductions_*.yaml`` are hand-authored: the requests are what
drafter really sends (captured by ``cassettes/deductions/author.py``), the answers were written by
hand in the shape a model returns. Requests are matched on their JSON body, so a change to the
prompt templates or to the rows sent makes these tests fail loudly until the cassettes are
re-authored (``/work/venv/bin/python cassettes/deductions/author.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes" / "authored"
# Three forms of the 2024 seed whose notes cover three categories; the budget row of 房屋管理 has
# no note and must stay with the offline engine.
SCENARIO_FORMS = (1, 6, 10)

# Each cassette: the environment that selects the provider, and what the client should log.
SCENARIOS = {
    "deductions_deepseek.yaml": {"DRAFTER_PROFILE": "deepseek", "DEEPSEEK_API_KEY": "test-placeholder-not-a-key"},
    # Ollama needs no key at all; its answer fails validation once and is re-asked.
    "deductions_ollama_reask.yaml": {"DRAFTER_PROFILE": "ollama"},
}


def scenario_sources():
    from drafter.read import read_file
    forms = read_file(SEEDS["self_eval_2024"])
    return [(str(SEEDS["self_eval_2024"].relative_to(ROOT)), [forms[k] for k in SCENARIO_FORMS])]


def run_scenario(home: Path):
    """The analysis the cassettes hold: the scenario forms through the configured LLM."""
    from drafter.deductions.analyse import analyse
    from drafter.llm.client import LLMClient
    from drafter.llm.profiles import resolve

    settings, why = resolve()
    assert settings is not None, why
    client = LLMClient(settings, home=home, use_cache=False)
    return analyse(scenario_sources(), client=client, run_id="cassette"), client


def vcr_for(record_mode: str = "none"):
    import vcr
    return vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        filter_headers=[("authorization", "REDACTED"), "api-key", "x-api-key", "cookie",
                        "openai-organization", "openai-project"],
        decode_compressed_response=True,
    )


@pytest.fixture
def llm_env(monkeypatch):
    def select(name: str) -> None:
        for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DEEPSEEK_API_KEY", "DRAFTER_MODEL", "DRAFTER_MODE"):
            monkeypatch.delenv(var, raising=False)
        for var, value in SCENARIOS[name].items():
            monkeypatch.setenv(var, value)
        # A cassette miss must fail at once, not after the SDK's backoff.
        monkeypatch.setenv("DRAFTER_HTTP_RETRIES", "0")
    return select


def test_deepseek_cassette_classifies_splits_and_measures(llm_env, tmp_path):
    llm_env("deductions_deepseek.yaml")
    with vcr_for().use_cassette(str(CASSETTES / "deductions_deepseek.yaml")) as cassette:
        report, client = run_scenario(tmp_path)
    assert cassette.all_played and cassette.play_count == 1
    assert report.engine == "llm:deepseek-chat"
    by_name = {d.indicator_name: d for d in report.deductions}
    assert set(by_name) == {"长效机制健全性", "预算执行率", "化解信访矛盾满意率", "事业单位年报审计及专项工作完成及时率"}

    assert by_name["长效机制健全性"].category == "mechanism"
    assert by_name["化解信访矛盾满意率"].category == "satisfaction_awareness"
    audit = by_name["事业单位年报审计及专项工作完成及时率"]
    assert audit.category == "schedule" and audit.classified_by == "llm:deepseek-chat"
    assert audit.reason.startswith("原计划于4月底完成的年报审计工作")
    assert "加强与上级主管部门沟通" in audit.measure
    for d in report.deductions:
        if d.indicator_name == "预算执行率":
            # No note: never sent to the model; offline verdict and template measure.
            assert d.classified_by == "rules" and d.category == "unexplained"
            assert [m.source for m in d.improvement_measures] == ["template"]
            continue
        assert d.improvement_measures and all(m.source == "llm" for m in d.improvement_measures)
        for m in d.improvement_measures:
            assert m.owner and m.deadline and m.indicator == d.indicator_name
            assert any(ch.isdigit() for ch in m.target)
    # Points are the form's, whatever the model says.
    assert [d.lost for d in report.deductions] == [1.0, 0.48, 2.0, 1.0]
    rows = client.log.rows(run_id="cassette")
    assert len(rows) == 1 and rows[0]["status"] == "ok" and rows[0]["task"] == "deductions"


def test_reask_cassette_feeds_validator_messages_back(llm_env, tmp_path):
    llm_env("deductions_ollama_reask.yaml")
    assert not os.environ.get("OPENAI_API_KEY")
    with vcr_for().use_cassette(str(CASSETTES / "deductions_ollama_reask.yaml")) as cassette:
        report, client = run_scenario(tmp_path)
    assert cassette.all_played and cassette.play_count == 2
    # The second request carries the validator's Chinese instructions back to the model.
    reask = cassette.requests[1].body.decode() if isinstance(cassette.requests[1].body, bytes) \
        else cassette.requests[1].body
    import json
    sent = json.dumps(json.loads(reask), ensure_ascii=False)
    assert "category 必须是以下代码之一" in sent and "deadline 要写明确的完成时限" in sent
    assert "缺少编号 [2] 的答案" in sent
    assert report.engine == "llm:qwen2.5:7b"
    assert any("1 次未通过校验" in n for n in report.notes)
    statuses = [r["status"] for r in sorted(client.log.rows(run_id="cassette"), key=lambda r: r["attempt"])]
    assert statuses == ["invalid", "ok"]
    cats = {d.indicator_name: d.category for d in report.deductions if d.classified_by.startswith("llm:")}
    assert cats == {"长效机制健全性": "mechanism", "化解信访矛盾满意率": "satisfaction_awareness",
                    "事业单位年报审计及专项工作完成及时率": "schedule"}


def test_cassettes_hold_no_secrets():
    for path in CASSETTES.glob("deductions*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert "Bearer" not in text and "sk-" not in text, path
        assert "hand-authored" in text.splitlines()[0], f"{path} must say it is authored"
        import yaml
        for item in yaml.safe_load(text)["interactions"]:
            assert "x-drafter-authored" in item["response"]["headers"]


def test_failed_llm_batch_keeps_offline_result(tmp_path):
    """A batch whose call fails for good keeps the rules' verdicts, and the run says so."""
    from drafter.deductions.analyse import analyse
    from drafter.llm import LLMError

    class Failing:
        engine = "llm:broken"

        def structured(self, **_kw):
            raise LLMError("LLM 调用失败（请求失败）：APIConnectionError: Connection error.", attempts=1)

    report = analyse(scenario_sources(), client=Failing())
    assert report.engine == "offline"
    assert all(d.classified_by == "rules" for d in report.deductions)
    assert any("LLM 调用失败" in n and "离线规则" in n for n in report.notes)
    assert {d.category for d in report.deductions} == {"mechanism", "unexplained", "satisfaction_awareness", "schedule"}


def test_schema_accepts_display_names_and_rejects_unknown_codes():
    from pydantic import ValidationError

    from drafter.deductions.schema import DeductionAnswer, DeductionBatch, expected_ids

    measure = {"action": "制定责任清单并按季度考核", "owner": "某单位", "deadline": "2025年6月底前",
               "target": "每季度考核 1 次", "indicator": "长效机制健全性"}
    ok = DeductionAnswer(id=1, category="机制、制度、考核、统筹衔接不健全", reason="", measure="",
                         measures=[measure])
    assert ok.category == "mechanism"
    with pytest.raises(ValidationError, match="category 必须是以下代码之一"):
        DeductionAnswer(id=1, category="机制问题", reason="", measure="", measures=[measure])
    with pytest.raises(ValidationError, match="target 要写可衡量的目标值"):
        DeductionAnswer(id=1, category="mechanism", reason="", measure="",
                        measures=[{**measure, "target": "明显提升"}])
    with pytest.raises(ValidationError, match="action 要写具体做什么"):
        DeductionAnswer(id=1, category="mechanism", reason="", measure="",
                        measures=[{**measure, "action": "加强管理"}])
    with expected_ids({1, 2}), pytest.raises(ValidationError, match=r"缺少编号 \[2\] 的答案"):
        DeductionBatch(items=[ok])


def test_cli_uses_the_configured_llm(llm_env, tmp_path):
    """The command itself, on drafter's own JSON of the scenario forms, replayed from the cassette."""
    import json

    from typer.testing import CliRunner

    from drafter.cli import app
    llm_env("deductions_deepseek.yaml")
    (source, forms), = scenario_sources()
    path = tmp_path / "forms.json"
    path.write_text(json.dumps({"source": source, "forms": [f.model_dump(mode="json") for f in forms]},
                               ensure_ascii=False), encoding="utf-8")
    with vcr_for().use_cassette(str(CASSETTES / "deductions_deepseek.yaml")) as cassette:
        r = CliRunner().invoke(app, ["deductions", str(path), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert cassette.all_played
    assert "使用大模型 deepseek-chat" in r.stderr
    data = json.loads(r.stdout)
    assert data["engine"] == "llm:deepseek-chat"
    assert [d["classified_by"] for d in data["deductions"]] == ["llm:deepseek-chat", "rules", "llm:deepseek-chat",
                                                                 "llm:deepseek-chat"]
    assert {m["source"] for d in data["deductions"] for m in d["improvement_measures"]} == {"llm", "template"}


def test_offline_flag_never_builds_a_client(llm_env, monkeypatch):
    from typer.testing import CliRunner

    import drafter.llm.client as client_module
    from drafter.cli import app
    llm_env("deductions_deepseek.yaml")

    def boom(*_a, **_kw):
        raise AssertionError("--offline must not build an LLM client")
    monkeypatch.setattr(client_module, "LLMClient", boom)
    r = CliRunner().invoke(app, ["deductions", str(SEEDS["self_eval_ocr"]), "--offline", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    assert "使用了 --offline" in r.stderr
