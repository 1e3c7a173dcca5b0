"""One target form and its evidence for the critique tests, written out here.

Not read from corpus/ or the store: a change in the reader or in the store's ranking must not
change the prompt and break every cassette at once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FORM: dict[str, Any] = {
    "kind": "target", "year": 2025, "project_name": "老旧小区物业服务测评", "agency": "上海市物业管理事务中心",
    "annual_goal": "完成老旧小区物业服务测评报告1份，开展物业企业培训4次，居民满意度达到90%以上。",
    "funds": {"total": 120.0, "unit": "万元"},
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "物业服务测评报告数量", "target_raw": "=1份",
         "op": "=", "value": 1.0, "unit": "份"},
        {"level1": "产出指标", "level2": "质量指标", "name": "测评报告验收合格率", "target_raw": "=100%",
         "op": "=", "value": 100.0, "unit": "%"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "物业服务水平", "target_raw": "明显提升",
         "qualitative": "明显提升"},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "开展宣传活动", "target_raw": "≥2次",
         "op": "≥", "value": 2.0, "unit": "次"},
        {"level1": "成本指标", "level2": "经济成本指标", "name": "项目总成本", "target_raw": "≤120万元",
         "op": "≤", "value": 120.0, "unit": "万元"},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "居民满意度", "target_raw": "≥60%",
         "op": "≥", "value": 60.0, "unit": "%"},
    ],
}


def evidence() -> list[Any]:
    from drafter.critique.evidence import Evidence

    return [
        Evidence("E1", "房屋物业管理监督管理", "上海市房屋管理局", 2020, "满意度", "居民满意度", ">85%",
                 "corpus/001_307eddae529147f6.txt"),
        Evidence("E2", "房屋物业管理监督管理", "上海市房屋管理局", 2020, "社会效益", "投诉处理及时率", ">93%",
                 "corpus/001_307eddae529147f6.txt"),
        Evidence("E3", "物业事务管理", "上海市物业管理事务中心", 2024, "数量指标", "完成相关业务培训", "=1.00(次)",
                 "corpus/000_695c4e6a2653faf7.txt"),
    ]


def fixed_evidence(source: str, form: Any) -> tuple[list[Any], list[str]]:
    return evidence(), []


def write_form(folder: Path, form: dict[str, Any] | None = None, name: str = "form.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"source": name, "forms": [form or FORM]}, ensure_ascii=False), encoding="utf-8")
    return path


def rewrite(level1: str, level2: str, name: str, op: str, value: float, unit: str, basis: str = "计划标准",
            evidence: str = "工作台账", baseline: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"level1": level1, "level2": level2, "name": name, "op": op, "value": value, "unit": unit,
            "baseline": baseline, "basis": basis, "evidence": evidence}


def ok(position: int) -> dict[str, Any]:
    return {"position": position, "verdict": "合格", "problem": None, "critique": None, "rewrite": None, "refs": []}


def bad(position: int, problem: str, critique: str, rw: dict[str, Any] | None, refs: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"position": position, "verdict": "需修改", "problem": problem, "critique": critique, "rewrite": rw,
            "refs": list(refs)}


SATISFACTION_FROM_E1 = rewrite("满意度指标", "服务对象满意度指标", "居民满意度", "≥", 90, "%", basis="历史标准",
                               evidence="满意度调查问卷", baseline={"value": 85, "year": 2020, "source": "E1"})
INVENTED_BASELINE = dict(SATISFACTION_FROM_E1, baseline={"value": 88, "year": 2023, "source": "E1"})
COMPLAINTS = rewrite("效益指标", "社会效益指标", "测评小区物业服务有责投诉率", "≤", 5, "%", basis="行业标准",
                     evidence="12345热线投诉台账")
AWARENESS = rewrite("效益指标", "社会效益指标", "居民对物业服务标准的知晓率", "≥", 80, "%", evidence="入户问卷调查")
TRAINING = rewrite("产出指标", "数量指标", "物业企业培训次数", "≥", 4, "次", evidence="培训签到表")


def good_answer(satisfaction: dict[str, Any] = SATISFACTION_FROM_E1) -> dict[str, Any]:
    """A critique a careful reviewer would write of :data:`FORM`."""
    return {
        "indicators": [
            ok(1), ok(2),
            bad(3, "unmeasurable", "“明显提升”没有基线和数值，年终无法判定服务水平是否提升。", COMPLAINTS),
            bad(4, "output_as_outcome", "开展宣传活动是工作量（产出），不是居民得到的效果。", AWARENESS),
            ok(5),
            bad(6, "target_too_low", "同类项目2020年居民满意度目标已是85%以上，本年只定60%明显偏低。", satisfaction,
                ("E1",)),
        ],
        "uncovered": [{"commitment": "开展物业企业培训4次", "critique": "年度目标承诺培训4次，但没有培训次数或覆盖率指标。",
                       "rewrite": TRAINING}],
    }
