"""Offline, corpus-based rewrites of unmeasurable indicators."""

from __future__ import annotations

from drafter.model import Form
from drafter.rules import review_forms
from drafter.suggest import _examples_from, add_suggestions, corpus_examples, suggest_for
from test_rules_support import good_target, ind, replace


def _examples():
    past = Form(kind="target", project_name="往年", indicators=[
        ind("满意度指标", "服务对象满意度指标", "居民满意度", "≥90(%)"),
        ind("满意度指标", "服务对象满意度指标", "居民满意度", "=90(%)"),
        ind("满意度指标", "服务对象满意度指标", "居民满意度", "≥85(%)"),
        ind("产出指标", "时效指标", "调研报告完成时间", "2023年年底前"),
        ind("效益指标", "社会效益指标", "平台故障率", "≤1(%)"),
        ind("效益指标", "可持续影响指标", "长效管理机制健全性", "≥90(%)"),  # a vague name: never a model
    ])
    return _examples_from([("past.txt", [past])])


def test_satisfaction_rewrite_uses_the_usual_corpus_target():
    text = suggest_for(ind("满意度指标", "服务对象满意度指标", "居民满意度", "提升"), _examples())
    assert text == "居民满意度 ≥90%（以上年度测评值为基线）（依据：语料库同类指标，2 例）"


def test_result_does_not_depend_on_corpus_order():
    ex = _examples()
    i = ind("满意度指标", "服务对象满意度指标", "居民满意度", "提升")
    assert suggest_for(i, ex) == suggest_for(i, tuple(reversed(ex)))


def test_lost_value_takes_the_figure_of_the_same_indicator():
    text = suggest_for(ind("效益指标", "社会效益指标", "平台故障率", None), _examples())
    assert text.startswith("平台故障率 ≤1%") and "1 例" in text


def test_vague_examples_are_not_copied_and_templates_are_marked():
    text = suggest_for(ind("效益指标", "可持续影响指标", "长效管理机制", "健全"), _examples())
    assert "≥90%" not in text and "通用写法" in text and "制度文件" in text


def test_time_indicator_gets_a_deadline():
    text = suggest_for(ind("产出指标", "时效指标", "投诉处置时限", "及时"), _examples())
    assert "当年年底前" in text and "语料库时效指标" in text


def test_bare_number_keeps_its_own_figure():
    text = suggest_for(ind("满意度指标", "服务对象满意度指标", "管理人员满意度", "90"), _examples())
    assert text.startswith("管理人员满意度 ≥90%")


def test_built_in_corpus_is_parsed_once_and_gives_measurable_examples():
    first = corpus_examples()
    assert first is corpus_examples()
    assert len(first) > 50
    assert all(e.value for e in first)
    text = suggest_for(ind("满意度指标", "服务对象满意度指标", "居民满意度", "提升"))
    assert text.startswith("居民满意度 ≥") and "%（以上年度测评值为基线）（依据：语料库同类指标，" in text


def test_add_suggestions_touches_only_unmeasurable_findings():
    form = replace(replace(good_target(), 5, target_raw="提升"), 0, level2="工作指标")
    batch = [("t.txt", [form])]
    findings = review_forms(batch)
    done = add_suggestions(findings, batch)
    assert [f.code for f in done] == [f.code for f in findings]
    for before, after in zip(findings, done):
        if "unmeasurable" in before.tags:
            assert after.suggestion != before.suggestion and "参训人员满意度" in after.suggestion
        else:
            assert after.suggestion == before.suggestion
    assert any("unmeasurable" in f.tags for f in findings)
