"""Review configuration and the rule catalogue itself."""

from __future__ import annotations

import pytest

from drafter.config import ReviewConfig, config_from_dict, load_config
from drafter.errors import InputError
from drafter.rules import all_rules, get_rule
from drafter.rules.registry import DOC_PARTS, section


def test_defaults_follow_the_central_rules():
    cfg = ReviewConfig()
    assert cfg.level1_weights == {"产出": 50, "效益": 30, "满意度": 10} and cfg.execution_weight == 10
    assert [cfg.grade_for(x) for x in (100, 90, 89.99, 80, 79.5, 60, 59.99, 0)] == \
        ["优", "优", "良", "良", "中", "中", "差", "差"]
    assert cfg.band_text("良") == "80–<90" and cfg.band_text("优") == "≥90"
    assert cfg.qualitative_bands["部分达成"] == [0.6, 0.8] and cfg.over_achievement_ratio == 1.3


def test_yaml_and_toml_files(tmp_path):
    y = tmp_path / "c.yaml"
    y.write_text("tolerance: 0.05\ngrade_bands: {优: 80, 良: 70, 中: 60, 差: 0}\n", encoding="utf-8")
    cfg = load_config(y)
    assert cfg.tolerance == 0.05 and cfg.grade_for(85) == "优"
    t = tmp_path / "c.toml"
    t.write_text("[review]\ncost_required = true\nover_achievement_ratio = 1.2\n", encoding="utf-8")
    cfg = load_config(t)
    assert cfg.cost_required is True and cfg.over_achievement_ratio == 1.2
    assert load_config(None) == ReviewConfig()


@pytest.mark.parametrize("data", [{"tolerence": 0.1}, {"tolerance": "lots"}, {"grade_bands": [1, 2]}])
def test_bad_values_are_input_errors(data):
    with pytest.raises(InputError):
        config_from_dict(data)


def test_missing_and_broken_files(tmp_path):
    with pytest.raises(InputError):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "b.toml"
    broken.write_text("tolerance = = 1\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_config(broken)


def test_catalogue_codes_docs_and_tags():
    rules = all_rules()
    codes = {r.code for r in rules}
    assert len(rules) == len(codes) >= 47
    assert {"T30", "T31", "T32", "T33", "T34", "S30", "S31"} <= codes
    # The model's codes (review --llm) come last, after every T and S rule.
    assert [r.code for r in rules if r.code[0] == "L"] == [f"L{i:02d}" for i in range(1, 8)]
    assert [r.code[0] for r in rules][-7:] == ["L"] * 7
    for r in rules:
        for part in DOC_PARTS:
            assert section(r.doc, part), (r.code, part)
        assert r.severity in ("error", "warning", "info")
        assert r.code.startswith("S") == (r.kinds == ("self_eval",))
    unmeasurable = {r.code for r in rules if "unmeasurable" in r.tags}
    assert {"T01", "T04", "T05", "T07", "T08", "T09", "T15", "T17"} <= unmeasurable
    assert get_rule("t07") is get_rule("T07") and get_rule("T99") is None


def test_unknown_keys_that_are_not_text_are_named():
    from drafter.config import config_from_dict
    from drafter.errors import InputError

    with pytest.raises(InputError, match="unknown config key.*1, zz"):
        config_from_dict({1: 2, "zz": 3}, "x.yaml")
