"""The SMART validators: what fails, and that the message tells the model what to write instead."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from drafter.draft.schema import DraftIndicator, DraftResponse, allowed_refs


def ind(**over):
    base = dict(level1="产出指标", level2="数量指标", name="开展业务培训次数", op="≥", value=4, unit="次",
                baseline="2024年实际完成4次（R1 自评表）", basis="历史标准", evidence="培训签到表", refs=["R1"])
    base.update(over)
    return base


def full_set(**over_first):
    rows = [
        ind(**over_first),
        ind(level2="质量指标", name="培训考核合格率", op="≥", value=95, unit="%"),
        ind(level2="时效指标", name="培训完成时限", op=None, value=None, unit=None, state="2025年12月31日前完成全部培训",
            baseline="无历史数据：本项目为新设项目"),
        ind(level1="成本指标", level2="经济成本指标", name="项目总成本", op="≤", value=120, unit="万元", basis="计划标准"),
        ind(level1="效益指标", level2="社会效益指标", name="有责投诉率", op="≤", value=5, unit="%"),
        ind(level1="满意度指标", level2="服务对象满意度指标", name="参训人员满意度", op="≥", value=90, unit="%"),
    ]
    return {"annual_goal": "完成物业企业培训4次，参训人员满意度不低于90%。", "indicators": rows}


def errors(data, model=DraftIndicator, refs=frozenset({"R1", "R2"})):
    with allowed_refs(refs):
        with pytest.raises(ValidationError) as e:
            model.model_validate(data)
    return str(e.value)


def test_a_complete_smart_set_validates():
    with allowed_refs({"R1"}):
        draft = DraftResponse.model_validate(full_set())
    assert [i.category for i in draft.indicators] == ["数量", "质量", "时效", "成本", "效益", "满意度"]
    assert draft.indicators[0].target_text == "≥4次"
    assert draft.indicators[2].target_text == "2025年12月31日前完成全部培训"


def test_missing_categories_are_named_with_where_to_put_them():
    data = full_set()
    data["indicators"] = [r for r in data["indicators"] if r["level2"] not in ("经济成本指标", "服务对象满意度指标")]
    data["indicators"] += [ind(name="第二个数量指标"), ind(name="第三个数量指标")]
    msg = errors(data, DraftResponse)
    assert "缺少必备的指标类别" in msg and "成本（一级“成本指标”/二级“经济成本指标”）" in msg
    assert "满意度" in msg and "请为每个缺少的类别至少补充" in msg


def test_level2_must_sit_under_its_level1():
    assert "请把 level1 改为“产出指标”" in errors(ind(level1="效益指标"))


def test_labels_outside_the_vocabulary_fail():
    msg = errors(ind(level2="工作指标"))
    assert "level2" in msg


@pytest.mark.parametrize("over, expected", [
    (dict(unit=None), "必须有计量单位"),
    (dict(op=None), "比较符号"),
    (dict(unit="%", value=120), "百分比应在 0 到 100 之间"),
    (dict(value=None, op=None, unit=None), "指标没有目标值"),
    (dict(value=None, op=None, unit=None, state="按要求完成"), "没有期限"),
    (dict(value=None, unit=None), "没有数值"),
])
def test_value_must_be_measurable(over, expected):
    assert expected in errors(ind(**over))


def test_direction_word_without_number_is_refused():
    msg = errors(ind(name="服务水平提升", value=None, op=None, unit=None, state="全年提升服务水平"))
    assert "方向性用语“提升”却没有数值" in msg
    # With a number it is a target, not a slogan.
    with allowed_refs({"R1"}):
        DraftIndicator.model_validate(ind(name="投诉办结率提升", op="≥", value=95, unit="%"))


def test_satisfaction_is_a_floor_below_100_percent():
    sat = dict(level1="满意度指标", level2="服务对象满意度指标", name="居民满意度", unit="%")
    assert "≥ 90 %" in errors(ind(**sat, op="=", value=90))
    assert "100% 不可信" in errors(ind(**sat, op="≥", value=100))


@pytest.mark.parametrize("baseline, expected", [
    ("较好", "基线没有历史数值"),
    ("95%", "基线要写明年份和来源"),
    ("无历史数据", "请在冒号后说明原因"),
])
def test_baseline_needs_value_year_source_or_a_reason(baseline, expected):
    assert expected in errors(ind(baseline=baseline))


def test_refs_must_come_from_the_retrieved_forms():
    msg = errors(ind(refs=["R9"]), refs=frozenset({"R1", "R2"}))
    assert "R9 不是资料里的编号" in msg and "只能引用 R1、R2" in msg
    assert "refs" in errors(ind(refs=[]))


def test_duplicate_names_are_refused():
    data = full_set()
    data["indicators"].append(ind())
    msg = errors(data, DraftResponse)
    # By position: the message goes back to the model, and names are the model's own text.
    assert "指标名称重复：indicators.0与indicators.6" in msg and "开展业务培训次数" not in msg


def test_all_problems_of_one_indicator_are_reported_together():
    msg = errors(ind(unit=None, baseline="较好", refs=["R7"]))
    assert msg.count("Value error") == 1 and "开展业务培训次数" not in msg
    assert "计量单位" in msg and "基线" in msg and "R7" in msg
