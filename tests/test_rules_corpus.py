"""The rules on the five real seed forms: real findings, with the figures a reviewer would write.

The readers improve independently of the rules, so these tests find forms and rows by what they
contain and recompute the expected figures from the parsed data itself.
"""

from __future__ import annotations

import pytest

from drafter.config import ReviewConfig
from drafter.rules import review_forms
from drafter.rules.scoring import expected_execution_score
from drafter.rules.view import pts
from drafter.values import parse_value


@pytest.fixture(scope="module")
def reviewed(seed_forms):
    batch = [(key, forms) for key, forms in seed_forms.items()]
    return batch, review_forms(batch)


def _form_with(forms, indicator_name, kind="self_eval"):
    for k, form in enumerate(forms):
        if form.kind == kind and any(indicator_name in i.name for i in form.indicators):
            return k, form
    raise AssertionError(f"no {kind} form with an indicator like {indicator_name!r}")


def _index(form, name):
    return next(i for i, ind in enumerate(form.indicators) if name in ind.name)


def _at(findings, source, k, code, index="any"):
    return [f for f in findings if f.source == source and f.form_index == k and f.code == code
            and (index == "any" or f.indicator_index == index)]


def test_002_score_disagreeing_with_486_of_500(reviewed):
    batch, findings = reviewed
    forms = dict(batch)["self_eval_2024"]
    k, form = _form_with(forms, "房地产估价师注册工作完成数")
    assert "市场监督管理" in (form.project_name or "")
    i = _index(form, "房地产估价师注册工作完成数")
    [f] = _at(findings, "self_eval_2024", k, "S05", i)
    assert "4.86" in f.message and "486/500×5" in f.message and "4.00" in f.message
    assert f.severity == "error" and "scoring" in f.tags


def test_002_partial_grade_3_of_5_is_inside_its_band(reviewed):
    batch, findings = reviewed
    forms = dict(batch)["self_eval_2024"]
    k, form = _form_with(forms, "市政工程建设质量验收合格率")
    rows = [i for i, ind in enumerate(form.indicators)
            if (ind.actual_raw or "").startswith("部分达成") and ind.weight == 5 and ind.score == 3]
    assert rows, "the 住宅配套 form lost its 部分达成 3.00/5.00 row"
    assert _at(findings, "self_eval_2024", k, "S07", rows[0]) == []


def test_002_partial_grade_at_80_percent_is_reported(reviewed):
    batch, findings = reviewed
    forms = dict(batch)["self_eval_2024"]
    k, form = _form_with(forms, "居住环境品质")
    i = _index(form, "居住环境品质")
    [f] = _at(findings, "self_eval_2024", k, "S07", i)
    assert "4.80" in f.message and "3.60" in f.message


def test_003_execution_rate_and_score_are_right(reviewed):
    batch, findings = reviewed
    [form] = dict(batch)["self_eval_ocr"]
    exp = expected_execution_score(form.budget, ReviewConfig())
    assert pts(exp.score) == "9.37" and form.budget.score == pytest.approx(9.37)
    assert _at(findings, "self_eval_ocr", 0, "S02") == [] and _at(findings, "self_eval_ocr", 0, "S03") == []


def test_002_zero_execution_with_full_results_is_reported(reviewed):
    batch, findings = reviewed
    forms = dict(batch)["self_eval_2024"]
    k = next(k for k, f in enumerate(forms) if f.budget and f.budget.executed == 0 and f.budget.adjusted)
    assert _at(findings, "self_eval_2024", k, "S04")
    assert _at(findings, "self_eval_2024", k, "S20")


# Must show: every disagreement on the seed self-evaluations is reported with the figure ---------

def _self_evals(batch):
    for source, forms in batch:
        for k, form in enumerate(forms):
            if form.kind == "self_eval":
                yield source, k, form


def test_every_lost_point_without_a_note_is_reported(reviewed):
    batch, findings = reviewed
    checked = 0
    for source, k, form in _self_evals(batch):
        for i, ind in enumerate(form.indicators):
            if ind.weight is None or ind.score is None or ind.weight - ind.score <= 0.01:
                continue
            if (ind.deviation or "").strip():
                continue
            checked += 1
            [f] = _at(findings, source, k, "S09", i)
            assert pts(ind.weight - ind.score) in f.message
    assert checked >= 1


def test_every_total_that_does_not_add_up_is_reported(reviewed):
    batch, findings = reviewed
    checked = 0
    for source, k, form in _self_evals(batch):
        scores = [i.score for i in form.indicators]
        if form.total_score is None or not scores or any(s is None for s in scores):
            continue
        expected = sum(scores) + (form.budget.score if form.budget and form.budget.score is not None else 0)
        found = [f for f in _at(findings, source, k, "S15") if f.message.startswith("总分")]
        if abs(expected - form.total_score) > 0.01:
            checked += 1
            assert found and pts(expected) in found[0].message and pts(form.total_score) in found[0].message
        else:
            assert not found
    assert checked >= 1


def _expected_quantitative(ind):
    t, a = parse_value(ind.target_raw), parse_value(ind.actual_raw)
    if t.value is None or a.value is None or t.op is None or (t.unit and a.unit and t.unit != a.unit):
        return None
    target, actual, w = t.value, max(a.value, 0.0), ind.weight
    if t.op in ("≥", ">", "="):
        if target == 0:
            return 0.0 if (t.op == "=" and actual > 0) else w
        return w if actual >= target else actual / target * w
    if actual <= target:
        return w
    return 0.0 if target == 0 else target / actual * w


def test_every_score_disagreeing_with_its_completion_ratio_is_reported(reviewed):
    batch, findings = reviewed
    checked = 0
    for source, k, form in _self_evals(batch):
        for i, ind in enumerate(form.indicators):
            if ind.weight is None or ind.score is None:
                continue
            exp = _expected_quantitative(ind)
            if exp is None:
                continue
            found = _at(findings, source, k, "S05", i)
            if abs(exp - ind.score) > 0.01:
                checked += 1
                assert found, (form.project_name, ind.name)
                assert pts(exp) in found[0].message and pts(ind.score) in found[0].message
            else:
                assert not found
    assert checked >= 3


_BANDS = {"未达成": (0.0, 0.6, False), "部分达成": (0.6, 0.8, False), "达成": (0.8, 1.0, True)}


def test_every_score_outside_its_qualitative_band_is_reported(reviewed):
    batch, findings = reviewed
    checked = 0
    for source, k, form in _self_evals(batch):
        for i, ind in enumerate(form.indicators):
            actual = (ind.actual_raw or "").strip()
            grade = next((g for g in _BANDS if actual.startswith(g)), None)
            if grade is None or ind.weight is None or ind.score is None:
                continue
            lo, hi, inclusive = _BANDS[grade]
            s, w = ind.score, ind.weight
            inside = s >= w * lo - 1e-6 and (s <= w * hi + 1e-6 if inclusive else s < w * hi - 1e-6)
            found = _at(findings, source, k, "S07", i)
            if inside:
                assert not found
            else:
                checked += 1
                assert found and pts(s) in found[0].message
    assert checked >= 1


# Unmeasurable targets on the seed target forms ------------------------------------------------

def _unmeasurable(findings, source):
    return {(f.form_index, f.indicator_index) for f in findings
            if f.source == source and "unmeasurable" in f.tags and f.indicator_index is not None}


def _flagged(batch, findings, source, name, value):
    forms = dict(batch)[source]
    flagged = _unmeasurable(findings, source)
    hits = [(k, i) for k, form in enumerate(forms) for i, ind in enumerate(form.indicators)
            if ind.name == name and ind.target_raw == value]
    assert hits, f"{source} has no {name} / {value}"
    return all(h in flagged for h in hits)


@pytest.mark.parametrize("source,name,value", [
    ("target_2024", "居民满意度", "提升"),
    ("target_2024", "长效管理机制", "健全"),
    ("target_2024", "投诉处置及时", "及时"),
    ("target_2024", "业务知识宣贯", "到位"),
    ("target_2020", "成本控制情况", "实施项目成本控制"),
    ("target_2023", "指标可行性", "可行"),
    ("target_2020", "长效管理机制健全性", "建立健全"),
    ("target_2024", "白蚁防治灭蚁量保持平稳", "与往年持平"),
    ("target_2024", "持续保持直管公房业务长效管理机制", "维持"),
    ("target_2020", "城市面貌改善程度", "改善"),
    ("target_2020", "项目管理制度执行情况", "执行有效"),
    ("target_2020", "实施人员落实情况", "按照计划落实"),
    ("target_2023", "平台成果应用率", "较上年提升"),
    ("target_2023", "平台成果应用率", "在租金、空置率两项指标成果基础上提升"),
    ("target_2023", "保障个人信息安全", "保障"),
    ("target_2023", "管理人员满意度", "90"),
    ("target_2023", "防伪专用纸采购时限", "及时"),
])
def test_vague_seed_targets_are_unmeasurable(reviewed, source, name, value):
    batch, findings = reviewed
    assert _flagged(batch, findings, source, name, value)


@pytest.mark.parametrize("source,name,value", [
    ("target_2023", "数据调查核实工作完成及时性", "2023年年底前"),
    ("target_2023", "高端办公楼宇租金空置率监测报告出具时间", "每季度"),
    ("target_2023", "不发生数据泄露事件", "零发生"),
    ("target_2023", "电费支付及时性", "按月支付"),
    ("target_2023", "供电及时性", "持续24小时供电"),
    ("target_2024", "962121平台运行服务", "365天*24小时"),
    ("target_2024", "被回访者满意度", "≥90.00(%)"),
    ("target_2020", "有责投诉率", "≤5%"),
    # Yes/no checks against documents under output quality or management (issue 15 §1).
    ("target_2024", "白蚁防治服务收费合规", "合规"),
    ("target_2020", "财务管理制度健全性", "财务制度建立健全"),
    ("target_2020", "合同完备性", "完备"),
    ("target_2020", "管理人员配置情况", "有专职人员管理"),
    ("target_2020", "运维总结报告", "合格"),
])
def test_measurable_seed_targets_are_spared(reviewed, source, name, value):
    batch, findings = reviewed
    forms = dict(batch)[source]
    flagged = _unmeasurable(findings, source)
    hits = [(k, i) for k, form in enumerate(forms) for i, ind in enumerate(form.indicators)
            if ind.name == name and ind.target_raw == value]
    assert hits and not any(h in flagged for h in hits)


def test_no_numeric_target_with_operator_and_unit_is_called_unmeasurable(reviewed):
    batch, findings = reviewed
    for source in ("target_2024", "target_2020", "target_2023"):
        forms = dict(batch)[source]
        # T22 is the one exception: a percentage with no denominator ("保管时限 =100%").
        pseudo = {(f.form_index, f.indicator_index) for f in findings if f.source == source and f.code == "T22"}
        for k, i in _unmeasurable(findings, source) - pseudo:
            v = parse_value(forms[k].indicators[i].target_raw)
            assert not (v.op and v.value is not None and v.unit), forms[k].indicators[i]
