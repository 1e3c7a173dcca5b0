"""--llm-read: the model reads a file the reader found no form in; nothing it invents survives.

Unit tests of grounding need no server. The CLI path replays an authored cassette
(cassettes/authored/test_extraction/, hand-written answers marked ``x-drafter-authored``,
re-author with ``pytest tests/test_extraction.py --record-mode=rewrite``).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest_llm import (AUTHORED_URL, CASSETTES, assert_no_key, cassette_dir, completion, log_rows,  # noqa: F401
                          set_llm_env, stub, vcr_config)

runner = CliRunner()

# A public notice, not a table: the reader finds no form in it.
NOTICE = """关于2023年设施农业项目绩效目标的公示

项目名称：下马关镇设施农业葡萄种植项目　实施单位：下马关镇人民政府
年度目标：增加特色产业产值80万元，受益脱贫户10户。
今年计划种植葡萄17600株，种植作物成活率要在 ８５％以上；
带动脱贫地区特色产业产值80万元以上；受益群众满意度达到90%。
特此公示。
"""


def answer(indicators, **form):
    base = {"kind": "target", "project_name": "下马关镇设施农业葡萄种植项目", "agency": "下马关镇人民政府",
            "year": 2023, "annual_goal": "增加特色产业产值80万元，受益脱贫户10户。"}
    return json.dumps({"forms": [{**base, **form, "indicators": indicators}]}, ensure_ascii=False)


def row(level1, level2, name, target):
    return {"level1": level1, "level2": level2, "name": name, "target": target, "actual": None, "weight": None,
            "score": None}


ROWS = [
    row(None, None, "种植葡萄", "17600株"),
    # The text says ８５％以上 (full width): the model's 95% is not in it and must go.
    row(None, None, "种植作物成活率", "95%以上"),
    row(None, None, "脱贫地区特色产业产值", "80万元以上"),
    # Not in the text at all: invented.
    row(None, None, "带动就业人数", "10人"),
    row(None, None, "受益群众满意度", "90%"),
]


def test_the_notice_is_no_form_to_the_reader(tmp_path):
    from drafter.errors import InputError
    from drafter.read import read_file

    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    with pytest.raises(InputError, match="未找到绩效目标表或自评表"):
        read_file(path)


def test_grounding_keeps_what_the_text_holds_after_width_and_space_folding():
    from drafter.extraction.schema import Extraction, ground

    fixed = [dict(r) for r in ROWS]
    fixed[1]["target"] = "85%以上"  # printed "８５％以上" in the text
    got = ground(Extraction.model_validate_json(answer(fixed)), NOTICE)
    [form] = got.forms
    assert [i.name for i in form.indicators] == ["种植葡萄", "种植作物成活率", "脱贫地区特色产业产值", "受益群众满意度"]
    survival = form.indicators[1]
    assert (survival.op, survival.value, survival.unit) == ("≥", 85.0, "%")
    assert form.indicators[0].value == 17600 and form.year == 2023 and form.agency == "下马关镇人民政府"
    assert got.dropped == ["指标“带动就业人数”（整行）"] and got.rows == 4


def test_a_value_or_a_field_not_in_the_text_is_dropped_and_named():
    from drafter.extraction.schema import Extraction, ground

    got = ground(Extraction.model_validate_json(answer(ROWS, agency="下马关镇政府办公室", year=2024)), NOTICE)
    [form] = got.forms
    assert form.indicators[1].target_raw is None and form.indicators[1].value is None
    assert form.agency is None and form.year is None
    assert "“种植作物成活率”的指标值“95%以上”" in got.dropped and "实施单位“下马关镇政府办公室”" in got.dropped
    assert "年度“2024”" in got.dropped


def test_malformed_answers_are_re_asked_not_grounded():
    from pydantic import ValidationError

    from drafter.extraction.schema import Extraction

    with pytest.raises(ValidationError, match="indicators 不能为空"):
        Extraction.model_validate_json(answer([]))
    bad = [dict(ROWS[0], weight="十分")]
    with pytest.raises(ValidationError, match="weight 和 score 只能是原文中的数字"):
        Extraction.model_validate_json(answer(bad))


# -- the command line, against an authored cassette ---------------------------------------------

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return cassette_dir("authored", __file__)


@pytest.fixture
def env(monkeypatch, tmp_path):
    set_llm_env(monkeypatch, AUTHORED_URL, DRAFTER_MODE="JSON")
    monkeypatch.setenv("DRAFTER_HOME", str(tmp_path / "home"))
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    return path


@pytest.mark.vcr
def test_parse_llm_read_marks_the_rows_as_the_models_and_reports_what_it_dropped(env, stub, tmp_path):
    from drafter.cli import app

    stub([(200, completion(answer([]), 900, 80)), (200, completion(answer(ROWS), 1400, 420))])
    result = runner.invoke(app, ["parse", str(env), "--llm-read", "-f", "json"])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["read_by"] == "llm" and parsed["dropped"] == ["“种植作物成活率”的指标值“95%以上”",
                                                                "指标“带动就业人数”（整行）"]
    [form] = parsed["forms"]
    assert [i["name"] for i in form["indicators"]] == ["种植葡萄", "种植作物成活率", "脱贫地区特色产业产值",
                                                      "受益群众满意度"]
    assert "1 张表、4 行指标来自大模型" in result.stderr and "丢弃大模型给出、原文中找不到的内容" in result.stderr
    rows = log_rows(tmp_path / "home")
    assert [(r["task"], r["status"]) for r in rows] == [("extract", "invalid"), ("extract", "ok")]
    assert "indicators 不能为空" in rows[1]["messages"][-1]["content"]
    # The file's text reached the model as data only.
    assert "种植葡萄" not in rows[0]["messages"][0]["content"]
    assert_no_key(CASSETTES / "authored", tmp_path / "home")


def test_without_llm_read_the_file_is_still_an_error(env):
    from drafter.cli import app

    result = runner.invoke(app, ["parse", str(env), "-f", "json"])
    assert result.exit_code == 2 and "未找到绩效目标表或自评表" in result.stderr and not result.stdout


def test_parse_json_of_a_file_the_reader_read_has_no_model_fields():
    from drafter.cli import app
    from conftest import SEEDS

    parsed = json.loads(runner.invoke(app, ["parse", str(SEEDS["target_2020"]), "-f", "json"]).stdout)
    assert set(parsed) == {"source", "forms"}
