"""The model as a second reviewer: one call per form (split when a form outgrows the context).

Input per call: the form as data, the rule findings on it, and evidence (similar indicators from
the store). Output: a :class:`~drafter.critique.schema.FormCritique`, validated against what the
call showed the model (positions, evidence ids, numbers) and against the rules (every rewrite
must pass them), re-asked with the validators' Chinese messages by instructor. Calls run
``jobs`` at a time through :func:`drafter.llm.pool.run_calls`; answers are turned into findings
in form order, so the result is the same for any ``jobs``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from drafter.critique.evidence import Evidence, Finder, from_store
from drafter.critique.schema import FormCritique, Facts, Rewrite, facts, numbers_in
from drafter.llm.client import CallResult, LLMClient
from drafter.llm.pool import run_calls
from drafter.llm.prompts import render, template_hash
from drafter.model import Form, Indicator
from drafter.rules.finding import Finding

TEMPLATES = ("critique.system.j2", "critique.user.j2")
PROBLEMS = (
    ("unmeasurable", "不可衡量：无法客观判定是否完成（没有数值、没有基线的“提升”、数值与含义对不上）"),
    ("unrelated_to_project", "与项目无关：衡量的不是本项目资金的产出或效果"),
    ("output_as_outcome", "以产出充当效果：效益指标下填的是工作量"),
    ("target_too_low", "目标值偏低：明显低于证据中同类指标或往年水平"),
    ("unit_or_value_implausible", "单位或数值不合理：单位与名称不符，或数值不可能成立"),
    ("wording", "表述不清：名称含糊、口径不明或一个指标写了几件事"),
)
# Indicators per call when the form is too long for one (measured in estimated tokens).
MIN_CHUNK = 4


@dataclass
class Piece:
    """One call: a form (or a run of its indicators) with everything the model is shown."""

    source: str
    form_index: int
    form: Form
    positions: list[int]            # 1-based, within the whole form
    evidence: list[Evidence]
    findings: list[Finding]
    with_goal: bool


@dataclass
class Answer:
    piece: Piece
    critique: FormCritique | None
    error: str | None = None


@dataclass
class CritiqueRun:
    answers: list[Answer] = field(default_factory=list)
    calls: int = 0
    reasks: int = 0
    tokens: int | None = 0
    notes: list[str] = field(default_factory=list)


def form_payload(form: Form, positions: Sequence[int]) -> dict[str, Any]:
    funds = form.funds
    head: dict[str, Any] = {"项目名称": form.project_name, "实施单位": form.agency, "年度": form.year,
                            "年度目标": form.annual_goal,
                            "资金总额": None if funds is None or funds.total is None else f"{funds.total:g}{funds.unit or ''}"}
    rows = []
    for p in positions:
        ind = form.indicators[p - 1]
        rows.append({k: v for k, v in {"序号": p, "一级指标": ind.level1, "二级指标": ind.level2,
                                       "三级指标": ind.name, "指标值": ind.target_raw}.items() if v not in (None, "")})
    return {**{k: v for k, v in head.items() if v not in (None, "")}, "指标": rows}


def findings_payload(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    return [{"序号": None if f.indicator_index is None else f.indicator_index + 1, "规则": f.code,
             "问题": f.message} for f in findings]


def messages_for(piece: Piece) -> list[dict[str, str]]:
    system = render("critique.system.j2", problems=PROBLEMS)
    user = render("critique.user.j2", form=form_payload(piece.form, piece.positions),
                  findings=findings_payload(piece.findings) or "（无）",
                  evidence=[e.payload() for e in piece.evidence] or "（没有检索到历史指标）",
                  indicators=piece.positions, positions=piece.positions, with_goal=piece.with_goal)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def pieces_for(source: str, form_index: int, form: Form, findings: Sequence[Finding],
               evidence: list[Evidence], budget: int) -> list[Piece]:
    """The form as one piece, or as runs of indicators that each fit ``budget`` tokens."""
    from drafter.draft.context import estimate_tokens

    positions = list(range(1, len(form.indicators) + 1))
    whole = Piece(source, form_index, form, positions, evidence, list(findings), True)
    size = estimate_tokens("".join(m["content"] for m in messages_for(whole)))
    if size <= budget or len(positions) <= MIN_CHUNK:
        return [whole]
    per = max(MIN_CHUNK, int(len(positions) * budget / size))
    out = []
    for start in range(0, len(positions), per):
        run = positions[start:start + per]
        mine = [f for f in findings if f.indicator_index is not None and f.indicator_index + 1 in run]
        out.append(Piece(source, form_index, form, run, evidence, mine, start == 0))
    return out


def rewrite_checker(form: Form) -> Any:
    """``check(position, rewrite)``: the blocking rule findings of ``form`` with that rewrite in place."""
    from drafter.draft.review import blocking, describe
    from drafter.rules import review_forms
    from drafter.values import parse_value

    def check(position: int, rewrite: Rewrite) -> list[str]:
        v = parse_value(rewrite.target_raw)
        new = Indicator(level1=rewrite.level1, level2=rewrite.level2, name=rewrite.name.strip(),
                        target_raw=rewrite.target_raw, op=v.op, value=v.value, unit=v.unit,
                        qualitative=v.qualitative, baseline=None if rewrite.baseline is None else
                        f"{rewrite.baseline.value:g}", basis=rewrite.basis, evidence=rewrite.evidence)
        indicators = list(form.indicators)
        if 1 <= position <= len(indicators):
            indicators[position - 1] = new
            index = position - 1
        else:  # a suggested addition for an uncovered commitment
            indicators.append(new)
            index = len(indicators) - 1
        trial = form.model_copy(update={"indicators": indicators})
        mine = [f for f in blocking(review_forms([("critique", [trial])])) if f.indicator_index == index]
        return [line.split("：", 1)[-1] for line in describe(mine)]

    return check


def facts_for(piece: Piece) -> Facts:
    shown = json.dumps([form_payload(piece.form, piece.positions), [e.payload() for e in piece.evidence]],
                       ensure_ascii=False)
    return Facts(positions=frozenset(piece.positions), evidence_ids=frozenset(e.id for e in piece.evidence),
                 numbers=frozenset(numbers_in(shown)), check_rewrite=rewrite_checker(piece.form))


def ask(piece: Piece, client: LLMClient, run_id: str) -> CallResult[FormCritique]:
    """One critique call, its answer validated against what ``piece`` showed the model."""
    with facts(facts_for(piece)):
        return client.structured(task="critique", response_model=FormCritique, messages=messages_for(piece),
                                 run_id=run_id, template_hash=template_hash(*TEMPLATES))


def critique_form(source: str, form: Form, findings: Sequence[Finding], evidence: list[Evidence],
                  client: LLMClient, run_id: str) -> Answer:
    """The critique of one whole form in one call; a call that fails for good is the answer's error.

    For a draft (at most 16 rows), which is never split: its review round makes one extra call.
    """
    from drafter.llm import LLMError

    piece = Piece(source, 0, form, list(range(1, len(form.indicators) + 1)), evidence, list(findings), True)
    try:
        return Answer(piece, ask(piece, client, run_id).value)
    except LLMError as e:
        return Answer(piece, None, str(e))


def critique(batch: Sequence[tuple[str, list[Form]]], rule_findings: Sequence[Finding], client: LLMClient,
             run_id: str, jobs: int = 1, find_evidence: Finder | None = None) -> CritiqueRun:
    """The model's critique of every target form in ``batch``, ``jobs`` calls at a time."""
    from drafter.draft.context import budget_from_env

    find = find_evidence or (lambda source, form: from_store(source, form))
    run = CritiqueRun()
    by_form: dict[tuple[str, int], list[Finding]] = {}
    for f in rule_findings:
        by_form.setdefault((f.source, f.form_index), []).append(f)
    pieces: list[Piece] = []
    skipped = 0
    budget = budget_from_env()
    for source, forms in batch:
        for k, form in enumerate(forms):
            if form.kind != "target" or not form.indicators:
                skipped += 1
                continue
            evidence, notes = find(source, form)
            for n in notes:
                if n not in run.notes:
                    run.notes.append(n)
            pieces.extend(pieces_for(source, k, form, by_form.get((source, k), []), evidence, budget))
    if skipped:
        run.notes.append(f"模型复核只看绩效目标表：跳过 {skipped} 张自评表或没有指标的表")
    outcomes = run_calls(pieces, lambda piece: ask(piece, client, run_id), jobs, label="大模型复核指标")
    unsent = 0
    for piece, outcome in zip(pieces, outcomes):
        if outcome.error is not None:
            run.calls += outcome.error.attempts
            run.reasks += outcome.error.reasks
            if outcome.sent:
                run.notes.append(f"{piece.source} 第 {piece.form_index + 1} 张表的模型复核失败，只保留规则审核结果："
                                 f"{outcome.error}")
            else:
                unsent += 1
            run.answers.append(Answer(piece, None, str(outcome.error)))
            continue
        result = outcome.value
        assert result is not None
        run.calls += result.attempts
        run.reasks += result.reasks
        if run.tokens is not None:
            run.tokens = None if result.total_tokens is None and not result.cache_hit else \
                run.tokens + (result.total_tokens or 0)
        run.answers.append(Answer(piece, result.value))
    if unsent:
        run.notes.append(f"服务器不可用，其余 {unsent} 次模型复核未发出，只保留规则审核结果")
    return run
