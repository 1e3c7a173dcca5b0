"""Every rule's documented example is a test: the bad rows of 示例 draw that rule, the "改为：" row
does not (issue 15 §4). `drafter rule CODE` prints exactly this text, so what users read is checked.

Example rows are written "一级 / 二级 / 名称 / 指标值"; a trailing （…） is a note for the reader,
except "（依据 …）", which is the row's 取值依据. Each row is added to a form that passes every rule.
"""

from __future__ import annotations

import re

import pytest
from test_rules_support import add, good_target, ind, run

from drafter.rules import all_rules
from drafter.rules.registry import section

_NOTE = re.compile(r"（([^（）]*)）$")
# Rules about the whole form (or, like T32, about a row against the form's dates): their examples
# are a sentence, tested in test_rules_target.py, test_rules_peer.py and
# test_rules_new_checks.py with forms built for them.
FORM_LEVEL = {"T03", "T06", "T13", "T14", "T16", "T19", "T27", "T28", "T29", "T30", "T31", "T32", "T33", "T34", "T35"}


def _row(line: str):
    parts = [p.strip() for p in line.split(" / ")]
    if len(parts) != 4:
        return None
    l1, l2, name, value = parts
    basis = None
    m = _NOTE.search(value)
    if m:
        value = value[:m.start()].strip()
        if m.group(1).startswith("依据"):
            basis = m.group(1)
    value = None if value in ("（空）", "") else value
    l2 = None if l2 == "（空）" else l2
    return ind(l1, l2, name, value, basis=basis), "出现两次" in line


def examples(code: str) -> tuple[list, list]:
    bad, good = [], []
    for line in section(next(r for r in all_rules() if r.code == code).doc, "示例").splitlines():
        line = line.strip()
        target = good if line.startswith("改为：") else bad
        row = _row(line.removeprefix("改为："))
        if row is not None:
            target.append(row)
    return bad, good


INDICATOR_RULES = [r.code for r in all_rules() if r.code.startswith("T") and r.code not in FORM_LEVEL]


def test_every_indicator_rule_documents_a_bad_and_a_good_row():
    for code in INDICATOR_RULES:
        bad, good = examples(code)
        assert bad and good, f"{code}: 示例 needs rows '一级 / 二级 / 名称 / 指标值' and one '改为：' row"


def _findings_on_added(code, row, twice):
    base = good_target()
    form = add(base, row, row) if twice else add(base, row)
    return [f for f in run(form, code) if f.indicator_index is not None and f.indicator_index >= len(base.indicators)]


@pytest.mark.parametrize("code", INDICATOR_RULES)
def test_documented_bad_rows_draw_the_rule(code):
    bad, _ = examples(code)
    for row, twice in bad:
        assert _findings_on_added(code, row, twice), f"{code} example {row.name} / {row.target_raw} draws nothing"


@pytest.mark.parametrize("code", INDICATOR_RULES)
def test_documented_good_rows_do_not(code):
    _, good = examples(code)
    for row, twice in good:
        assert not _findings_on_added(code, row, twice), f"{code} fix {row.name} / {row.target_raw} still draws it"


def test_t07_and_t04_examples_no_longer_draw_t09():
    for code in ("T07", "T04"):
        bad, _ = examples(code)
        for row, _twice in bad:
            assert not _findings_on_added("T09", row, False)


# Form-level rules: their 示例 is a sentence; each is built here with the documented figures
# (T13, T14, T16 in test_rules_target.py; T27–T29 and T35 in test_rules_new_checks.py, T30–T34 in test_rules_peer.py use theirs too).

def test_t03_documented_example_80_of_100():
    from test_rules_support import good_self_eval

    from drafter.model import Budget
    rows = [ind("产出指标", "数量指标", "培训人次", "≥1200(人次)", actual_raw="1250(人次)", weight=24, score=24),
            ind("产出指标", "质量指标", "培训考核合格率", "≥95(%)", actual_raw="96(%)", weight=30, score=30),
            ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)", actual_raw="92(%)", weight=1, score=1),
            ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90(%)", actual_raw="93(%)", weight=15, score=15)]
    form = good_self_eval(indicators=rows, budget=Budget(unit="万元", adjusted=100.0, executed=100.0, rate_pct=100.0,
                                                         weight=10.0, score=10.0))
    [f] = run(form, "T03")
    assert "应为 100.00" in f.message and "80.00" in f.message and "预算执行 10.00" in f.message


def test_t06_documented_example_only_quantity_and_social_benefit():
    rows = [ind("产出指标", "数量指标", "培训人次", "≥1200(人次)"),
            ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)")]
    messages = " ".join(f.message for f in run(good_target(indicators=rows), "T06"))
    for missing in ("产出-质量指标", "产出-时效指标", "服务对象满意度指标"):
        assert missing in messages


def test_t19_documented_example_two_indicators():
    rows = [ind("产出指标", "数量指标", "工资发放完成率", "=100(%)"),
            ind("产出指标", "时效指标", "发放及时率", "=100(%)")]
    [f] = run(good_target(indicators=rows), "T19")
    assert "只有 2 个" in f.message
