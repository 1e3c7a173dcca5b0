"""The LLM engine: classify, split and turn notes into SMART measures, a batch per call.

Only rows with a real note go to the model; rows without one (or with boilerplate) are
``unexplained`` by definition and keep their template measure. Each batch is one call through
:class:`drafter.llm.client.LLMClient` (cached, logged, validated and re-asked by instructor).
A batch that fails keeps the offline result for its rows, so one bad answer never costs the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from drafter.deductions import categories as C
from drafter.deductions.records import Deduction, Measure
from drafter.deductions.schema import DeductionAnswer, DeductionBatch, expected_ids
from drafter.llm import LLMError
from drafter.llm.client import LLMClient
from drafter.llm.prompts import render, template_hash

TEMPLATES = ("deductions.system.j2", "deductions.user.j2")
BATCH_SIZE = 8


@dataclass
class LLMRun:
    answered: int = 0
    batches: int = 0
    failed_batches: int = 0
    calls: int = 0
    notes: list[str] = field(default_factory=list)


def row_payload(i: int, d: Deduction) -> dict[str, object]:
    """What the model sees of one row (ids start at 1 within a batch)."""
    row: dict[str, object] = {"id": i, "实施单位": d.agency or "（未填）",
                              "项目名称": d.project_name or "（未填）",
                              "一级指标": d.level1, "二级指标": d.level2, "三级指标": d.indicator_name,
                              "年度指标值": d.target, "实际完成值": d.actual,
                              "分值": d.weight, "得分": d.score, "失分": d.lost,
                              "偏差原因分析及改进措施": d.note}
    return {k: v for k, v in row.items() if v is not None}


def messages_for(batch: list[Deduction]) -> list[dict[str, str]]:
    years = [d.year for d in batch if d.year]
    example = f"{max(years) + 1}年6月底前" if years else "次年6月底前"
    cats = [{"code": c.code, "name": c.name, "description": c.description} for c in C.CATEGORIES
            if c.code != C.UNEXPLAINED]
    system = render("deductions.system.j2", categories=cats, deadline_example=example)
    ids = list(range(1, len(batch) + 1))
    user = render("deductions.user.j2", rows=[row_payload(i, d) for i, d in zip(ids, batch)], ids=ids,
                  codes=[c["code"] for c in cats])
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def enrich(deductions: list[Deduction], client: LLMClient, run_id: str,
           progress: Callable[[str], None] = lambda _m: None) -> LLMRun:
    run = LLMRun()
    todo = [d for d in deductions if d.has_note]
    batches = [todo[i:i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
    thash = template_hash(*TEMPLATES)
    for n, batch in enumerate(batches, start=1):
        progress(f"LLM 分析第 {n}/{len(batches)} 批（{len(batch)} 条）…")
        run.batches += 1
        try:
            with expected_ids(set(range(1, len(batch) + 1))):
                result = client.structured(task="deductions", response_model=DeductionBatch,
                                           messages=messages_for(batch), run_id=run_id,
                                           template_hash=thash)
        except LLMError as e:
            run.failed_batches += 1
            run.notes.append(f"第 {n} 批 LLM 调用失败，这 {len(batch)} 条保留离线规则结果：{e}")
            if e.request_failed and n < len(batches):
                # The server is down or refusing after its retries: asking again batch after
                # batch would only multiply the wait. The rest keep the offline result.
                rest = sum(len(b) for b in batches[n:])
                run.failed_batches += len(batches) - n
                run.notes.append(f"服务器不可用，其余 {len(batches) - n} 批（{rest} 条）未再调用 LLM，保留离线规则结果")
                break
            continue
        run.calls += result.attempts
        if result.retries:
            run.notes.append(f"第 {n} 批模型答案 {result.retries} 次未通过校验，已按校验意见重问")
        answers = {a.id: a for a in result.value.items}
        for i, d in enumerate(batch, start=1):
            apply_answer(d, answers[i], client.engine)
            run.answered += 1
    return run


def apply_answer(d: Deduction, a: DeductionAnswer, engine: str) -> None:
    d.category, d.category_name = a.category, C.name_of(a.category)
    d.confidence, d.cues, d.classified_by = None, [], engine
    d.reason, d.measure = a.reason.strip(), a.measure.strip()
    # The model read the note as a whole: its split replaces the rules' on both flags.
    keep = [f for f in d.flags if f not in ("no_cause", "no_measure")]
    if not d.reason:
        keep.append("no_cause")
    if not d.measure:
        keep.append("no_measure")
    d.flags = keep
    d.improvement_measures = [Measure(**m.model_dump(), source="llm") for m in a.measures]
