"""One run of `drafter deductions`: forms in, a :class:`Report` out (offline, or with an LLM)."""

from __future__ import annotations

from typing import Callable, Sequence

from drafter.deductions import classify, extract, measures, summary
from drafter.deductions.records import Deduction, Report
from drafter.model import Form

Note = Callable[[str], None]


def analyse(sources: Sequence[tuple[str, list[Form]]], client: object | None = None,
            run_id: str | None = None, note: Note = lambda _m: None, jobs: int = 1) -> Report:
    """Deductions of every self-evaluation in ``sources``; target forms are skipped with a note.

    ``client`` is an :class:`~drafter.llm.client.LLMClient`, or None for the offline engine;
    ``jobs`` is how many of its calls may run at once (the report is the same for any value).
    """
    deductions: list[Deduction] = []
    forms = skipped = 0
    for source, form_list in sources:
        for k, form in enumerate(form_list):
            if form.kind != "self_eval":
                skipped += 1
                note(f"跳过绩效目标表：{source} 第 {k + 1} 张（{form.project_name or '未填项目名称'}），"
                     "扣分分析只读自评表")
                continue
            forms += 1
            deductions.extend(extract.from_form(form, source, k))
    extract.mark_repeated(deductions)
    for d in deductions:
        classify.apply(d)
        d.improvement_measures = measures.offline_measures(d)

    engine, notes = "offline", []
    if client is not None and deductions:
        from drafter.deductions.llm_engine import enrich
        import uuid
        run = enrich(deductions, client, run_id or uuid.uuid4().hex[:12], progress=note,  # type: ignore[arg-type]
                     jobs=jobs)
        notes.extend(run.notes)
        if run.answered:
            engine = client.engine  # type: ignore[attr-defined]
    cut = sum("truncated" in d.flags for d in deductions)
    if cut:
        from drafter.deductions.records import MAX_MEASURES_PER_NOTE, MAX_NOTE_CHARS
        notes.append(f"{cut} 条偏差说明过长，已截断（每条最多 {MAX_NOTE_CHARS} 字、"
                     f"{MAX_MEASURES_PER_NOTE} 条措施）(long notes cut)")
    return Report(engine=engine, deductions=deductions,
                  summary=summary.summarise(deductions, forms=forms, skipped=skipped), notes=notes)
