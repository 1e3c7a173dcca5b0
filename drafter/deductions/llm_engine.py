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
from drafter.llm.client import CallResult, LLMClient
from drafter.llm.pool import run_calls
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
           progress: Callable[[str], None] = lambda _m: None, jobs: int = 1) -> LLMRun:
    """Ask the model about every noted row, ``jobs`` batches at a time, applied in row order."""
    todo = [d for d in deductions if d.has_note]
    batches = [todo[i:i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
    enricher = Enricher(client, run_id, jobs, len(todo), progress)
    enricher.send(batches)
    return enricher.finish()


class Enricher:
    """Batches of noted rows sent as they come, numbered across the run; answers applied in place.

    :func:`enrich` sends every batch at once; a streamed run (drafter.deductions.stream) sends
    them a window at a time, so only a window's rows are in memory. Batches are cut the same way
    either way (every ``BATCH_SIZE`` noted rows in report order), so the requests, and therefore
    the cached answers a re-run reuses, are the same.
    """

    def __init__(self, client: LLMClient, run_id: str, jobs: int, noted: int,
                 progress: Callable[[str], None] = lambda _m: None) -> None:
        self.client, self.run_id, self.jobs = client, run_id, jobs
        self.run = LLMRun()
        self.thash = template_hash(*TEMPLATES)
        self.unsent: list[int] = []  # sizes of the batches never sent
        if noted:
            total = (noted + BATCH_SIZE - 1) // BATCH_SIZE
            progress(f"LLM 分析 {noted} 条说明，共 {total} 批，同时 {min(jobs, total)} 批…")

    def _ask(self, batch: list[Deduction]) -> CallResult[DeductionBatch]:
        with expected_ids(set(range(1, len(batch) + 1))):
            return self.client.structured(task="deductions", response_model=DeductionBatch,
                                          messages=messages_for(batch), run_id=self.run_id,
                                          template_hash=self.thash)

    def send(self, batches: list[list[Deduction]]) -> None:
        run = self.run
        outcomes = run_calls(batches, self._ask, self.jobs, label="LLM 分析扣分说明")
        for batch, outcome in zip(batches, outcomes):
            run.batches += 1
            n = run.batches
            if outcome.error is not None:
                run.failed_batches += 1
                if outcome.sent:
                    run.notes.append(f"第 {n} 批 LLM 调用失败，这 {len(batch)} 条保留离线规则结果：{outcome.error}")
                else:
                    self.unsent.append(len(batch))
                continue
            result = outcome.value
            assert result is not None
            run.calls += result.attempts
            if result.retries:
                run.notes.append(f"第 {n} 批模型答案 {result.retries} 次未通过校验，已按校验意见重问")
            answers = {a.id: a for a in result.value.items}
            for i, d in enumerate(batch, start=1):
                apply_answer(d, answers[i], self.client.engine)
                run.answered += 1

    def finish(self) -> LLMRun:
        if self.unsent:
            # The server was given up on: asking again batch after batch would only multiply the wait.
            self.run.notes.append(f"服务器不可用，其余 {len(self.unsent)} 批（{sum(self.unsent)} 条）未再调用 LLM，"
                                  "保留离线规则结果")
        return self.run


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
