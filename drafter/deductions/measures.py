"""Offline improvement measures: the note's own measures first, then one template per category.

Measures taken from the note keep the unit's words (``source: "note"``); owner is the unit that
filed the form, and deadline/target only when the text names them, so a reader sees what the
note left open. The template (``source: "template"``) is the SMART version of the usual fix for
that kind of cause: an action, the unit as owner, a dated deadline in the year after the
evaluation, a measurable target, and the indicator it protects.
"""

from __future__ import annotations

import re

from drafter.deductions import notes
from drafter.deductions.records import (BUDGET_INDICATOR, MAX_MEASURE_CHARS, MAX_MEASURES_PER_NOTE, Deduction,
                                       Measure, bounded)

_DEADLINE = re.compile(r"(?:\d{4}年)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:底|末|中旬|上旬|下旬|\d{1,2}日)?(?:前|之前|以前)?|"
                       r"(?:年底|年末|年内|上半年|下半年|季度末|每季度|每月|每年)(?:前)?")
_TARGET = re.compile(r"(?:[≥≤><]|不低于|不少于|达到|提升至|提高到|控制在)?\d+(?:\.\d+)?\s*(?:%|％|个|次|人|家|件|项|天|份)")

# action, deadline (month of the following year, or a phrase), target; {indicator}, {target} and
# {weight} are filled in from the row.
TEMPLATES: dict[str, tuple[str, str, str]] = {
    "policy_change": (
        "建立政策和口径变化跟踪台账：上级政策、文件或统计口径变化后一个月内评估对本项目指标的影响，"
        "确需调整的按程序申请调整绩效目标并留存依据",
        "6", "口径或政策变化 1 个月内完成影响评估；“{indicator}”的偏差有书面依据和调整记录"),
    "schedule": (
        "编制分月工作计划，对审批、招标采购、验收等关键节点设置时限和提醒，按月跟踪，滞后节点提前协调",
        "3", "关键节点按期完成率 ≥95%；“{indicator}”按目标值 {target} 完成"),
    "indicator_design": (
        "以近三年实际完成值为基线重新测算目标值，写明取值依据（历史/行业/计划标准），在下一年度申报时修订指标",
        "下一年度预算申报时", "“{indicator}”目标值有基线和测算依据，年终实际值与目标值偏差不超过 10%"),
    "satisfaction_awareness": (
        "开展满意度（知晓率）调查和回访，梳理不满意事项和主要诉求，针对性开展政策解读与宣传，并逐项反馈办理结果",
        "9", "调查有效样本不少于 100 份；“{indicator}”达到目标值 {target}"),
    "mechanism": (
        "制定或修订责任清单、协调会商和考核办法，明确牵头与配合部门，考核结果纳入年度绩效评价",
        "6", "制度文件印发；每季度至少召开 1 次协调会；“{indicator}”得分达到满分 {weight} 分"),
    "capacity_quality": (
        "充实项目人员，开展业务技能培训，对服务单位和第三方开展履约评价，服务质量问题限期整改",
        "6", "培训不少于 2 次、参训覆盖率 100%；服务质量问题整改率 100%；“{indicator}”达到目标值 {target}"),
    "external_demand": (
        "按实际需求重新测算工作量：申报时以往年实际数为基线设定目标值，年中需求明显变化时及时申请调整目标",
        "下一年度预算申报时", "“{indicator}”目标值与实际需求的偏差不超过 10%"),
    "unexplained": (
        "补写偏差原因分析及改进措施：说明差在哪里、为什么，以及下一步由谁在何时做什么",
        "自评报告报送前", "失分指标 100% 有原因和措施说明"),
}
BUDGET_TEMPLATE = (
    "按月监控预算执行进度，对执行偏慢的支出分析原因并调整用款计划；预算调整时同步调整绩效目标",
    "每月", "预算执行率 ≥95%（全年预算执行率 100% 为满分）")


def offline_measures(d: Deduction) -> list[Measure]:
    owner = d.agency or "项目实施单位"
    items = notes.measure_items(d.measure) if d.has_note else []
    actions = [bounded(item, MAX_MEASURE_CHARS) for item in items[:MAX_MEASURES_PER_NOTE]]
    if (len(items) > MAX_MEASURES_PER_NOTE or any(cut for _, cut in actions)) and "truncated" not in d.flags:
        d.flags.append("truncated")
    out = [Measure(action=item or "", owner=owner, deadline=_first(_DEADLINE, item or ""),
                   target=_first(_TARGET, item or ""), indicator=d.indicator_label, source="note")
           for item, _ in actions]
    out.append(template_measure(d))
    return out


def template_measure(d: Deduction) -> Measure:
    if d.indicator_name == BUDGET_INDICATOR and d.level2 is None:
        action, when, target = BUDGET_TEMPLATE
    else:
        action, when, target = TEMPLATES[d.category]
    return Measure(
        action=action, owner=d.agency or "项目实施单位", deadline=_deadline(when, d.year),
        target=target.format(indicator=d.indicator_label, target=d.target or "（原目标值）",
                             weight=_num(d.weight)),
        indicator=d.indicator_label, source="template")


def _deadline(when: str, year: int | None) -> str:
    if not when.isdigit():
        return when if year is None or when != "每月" else f"{year + 1}年起每月"
    return f"{year + 1}年{when}月底前" if year else f"下一年度{when}月底前"


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


def _num(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:g}"
