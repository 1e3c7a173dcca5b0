"""Builders for the rule tests (no tests here): realistic forms made in code, one rule at a time."""

from __future__ import annotations

from drafter.config import ReviewConfig
from drafter.model import Budget, Form, Funds, Indicator
from drafter.rules import review_forms
from drafter.values import parse_value


def ind(level1: str, level2: str, name: str, target: str | None, **kw) -> Indicator:
    v = parse_value(target)
    return Indicator(level1=level1, level2=level2, name=name, target_raw=target, op=v.op, value=v.value,
                     unit=v.unit, qualitative=v.qualitative, **kw)


def good_target(**kw) -> Form:
    """A training project's target form that a reviewer would pass: every category, all measurable."""
    indicators = kw.pop("indicators", None) or [
        ind("产出指标", "数量指标", "培训人次", "≥1200(人次)"),
        ind("产出指标", "质量指标", "培训考核合格率", "≥95(%)"),
        ind("产出指标", "时效指标", "培训完成时间", "2024年11月30日前"),
        ind("产出指标", "成本指标", "人均培训成本", "≤800(元/人)", basis="本市培训费支出标准"),
        ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)"),
        ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90(%)"),
    ]
    data = dict(kind="target", year=2024, project_name="物业从业人员技能培训", department="上海市住房和城乡建设管理委员会",
                agency="上海市物业管理事务中心",
                annual_goal="全年完成物业从业人员技能培训 1200 人次，考核合格率不低于 95%。",
                funds=Funds(total=100.0, fiscal=100.0, carryover=0.0, other=0.0, unit="万元"),
                indicators=indicators)
    data.update(kw)
    return Form(**data)


def good_self_eval(**kw) -> Form:
    """A self-evaluation whose arithmetic, bands and notes are all in order (total 99.18, 优)."""
    indicators = kw.pop("indicators", None) or [
        ind("产出指标", "数量指标", "培训人次", "≥1200(人次)", actual_raw="1250(人次)", weight=20, score=20),
        ind("产出指标", "质量指标", "培训考核合格率", "≥95(%)", actual_raw="93(%)", weight=15, score=14.68,
            deviation="偏差原因：部分学员因工作调动未参加补考，导致合格率略低。改进措施：下一步将增设线上补考。"),
        ind("产出指标", "时效指标", "培训完成时间", "11月30日前", actual_raw="达成年度指标", weight=10, score=10),
        ind("产出指标", "成本指标", "人均培训成本", "≤800(元/人)", actual_raw="760(元/人)", weight=5, score=5,
            basis="本市培训费支出标准"),
        ind("效益指标", "社会效益指标", "参训人员持证上岗率", "≥90(%)", actual_raw="92(%)", weight=30, score=30),
        ind("满意度指标", "服务对象满意度指标", "参训人员满意度", "≥90(%)", actual_raw="93(%)", weight=10,
            score=10, deviation="问卷调查，有效样本 320 份"),
    ]
    data = dict(kind="self_eval", year=2024, project_name="物业从业人员技能培训", agency="上海市物业管理事务中心",
                annual_goal="全年完成物业从业人员技能培训 1250 人次。",
                budget=Budget(unit="万元", initial=100.0, adjusted=100.0, executed=95.0, rate_pct=95.0,
                              weight=10.0, score=9.5),
                indicators=indicators, total_score=99.18, grade="优")
    data.update(kw)
    return Form(**data)


def run(form: Form, code: str, config: ReviewConfig | None = None, others: list[Form] | None = None):
    """Findings of one rule on one form (other forms join the run, for cross-form rules)."""
    batch = [("test.txt", [form] + (others or []))]
    return [f for f in review_forms(batch, config, select=[code]) if f.form_index == 0]


def replace(form: Form, index: int, **changes) -> Form:
    """The form with indicator ``index`` changed; a new target string is parsed again."""
    data = form.indicators[index].model_dump()
    data.update(changes)
    if "target_raw" in changes:
        v = parse_value(changes["target_raw"])
        data.update(op=v.op, value=v.value, unit=v.unit, qualitative=v.qualitative)
    indicators = list(form.indicators)
    indicators[index] = Indicator(**data)
    return form.model_copy(update={"indicators": indicators})


def add(form: Form, *extra: Indicator) -> Form:
    return form.model_copy(update={"indicators": list(form.indicators) + list(extra)})
