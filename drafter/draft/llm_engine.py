"""The LLM engine: retrieved forms in the prompt, a validated structured answer, one review round.

1. Render ``draft.system.j2`` and ``draft.user.j2`` with the new project and the past forms that
   fit the token budget, both passed as delimited data.
2. Ask for a :class:`DraftResponse`; instructor re-asks with the validators' Chinese messages
   until the answer is SMART or the retries run out (then :class:`LLMError`).
3. Run the review rules over the result, and the model's critique (one call, as ``review --llm``
   makes: :mod:`drafter.draft.critique_round`). Blocking rule findings (errors, unmeasurable
   values) and the critique's fixable findings get one corrective round
   (``draft_revise.user.j2``); what the rules still report becomes notes, a row the model called
   unrelated that the revision keeps is dropped, and the model's other findings on rows the
   revision left unchanged are reported as the model's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drafter.draft import critique_round, review, vocab
from drafter.draft.assemble import to_form
from drafter.draft.context import past_forms
from drafter.draft.request import DraftRequest
from drafter.draft.retrieve import Retrieval
from drafter.draft.schema import DraftResponse, allowed_refs, num
from drafter.llm import LLMError
from drafter.llm.client import LLMClient
from drafter.llm.prompts import render, template_hash
from drafter.model import Form
from drafter.nature import nature_kind
from drafter.rules.finding import Finding

MIN_INDICATORS, MAX_INDICATORS = 8, 16
TEMPLATES = ("draft.system.j2", "draft.user.j2")


@dataclass
class LLMDraft:
    response: DraftResponse
    form: Form
    notes: list[str] = field(default_factory=list)


LIBRARY_ROWS = 12


def draft_messages(request: DraftRequest, retrieval: Retrieval, budget: int,
                   placed: Any = None) -> tuple[list[dict[str, str]], int]:
    past, used = past_forms(retrieval, budget)
    library = [{"id": r.id, "指标": f"{r.level1}/{r.level2}｜{r.name}｜典型值 {r.target_text or '（未给值）'}",
                "说明": r.explanation[:40]} for r in retrieval.library]
    placement = ""
    if placed is not None:
        placement = f"本项目行业：{placed.sector}；项目类型：{placed.project_type}" + (
            "；跨年度项目，时效指标写当年进度目标而不是完成日期" if placed.multi_year else "")
    project: dict[str, str | int] = {"项目名称": request.name, "年度目标": request.goal}
    if request.funds_wan is not None:
        project["项目资金"] = f"{num(request.funds_wan)}万元"
    for key, value in (("实施单位", request.agency), ("主管部门", request.department),
                       ("年度", request.year), ("项目类型", request.project_type)):
        if value:
            project[key] = value
    nature = nature_kind(request.project_nature)
    if request.project_nature:
        # Said in the project block only when given, so prompts (and recorded cassettes) without
        # it are unchanged.
        project["项目性质"] = request.project_nature + {
            "recurring": "（经常性项目：本项目往年的实际值可作基线）",
            "one_off": "（一次性项目：没有本项目的历史数据，同类项目取值只作参考，取值依据不写历史标准）",
        }.get(nature or "", "")
    system = render("draft.system.j2", level1=list(vocab.LEVEL1), level2=list(vocab.LEVEL2),
                    categories=list(vocab.CATEGORIES), bases=list(vocab.BASES))
    user = render("draft.user.j2", project=project, past=past, categories=list(vocab.CATEGORIES),
                  min_indicators=MIN_INDICATORS, max_indicators=MAX_INDICATORS, library=library,
                  placement=placement)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}], used


def draft_llm(request: DraftRequest, retrieval: Retrieval, client: LLMClient, run_id: str,
              budget: int, library: Any = None, placed: Any = None) -> LLMDraft:
    messages, used = draft_messages(request, retrieval, budget, placed)
    ids = retrieval.ref_ids()
    thash = template_hash(*TEMPLATES)
    with allowed_refs(ids):
        first = client.structured(task="draft", response_model=DraftResponse, messages=messages,
                                  run_id=run_id, template_hash=thash)
    out = LLMDraft(first.value, to_form(first.value, request, retrieval))
    out.notes.append(f"参考了 {len(retrieval.forms)} 张相似历史表单（提示中约 {used} 个词元）")
    if first.retries:
        out.notes.append(f"模型答案 {first.retries} 次未通过校验，已按校验意见重问")

    _gate(out, request, retrieval)
    rules = review.review(out.form)
    judged = critique_round.judge(out.form, rules, client, run_id, retrieval.forms)
    if judged.error is not None:
        out.notes.append(f"模型复核失败：{judged.error}")
    first_form = out.form
    to_fix = critique_round.to_correct(rules, judged)
    if not to_fix:
        _after_critique(out, judged, first_form, request, retrieval, revised=False)
        return out
    revise = messages + [
        {"role": "assistant", "content": first.value.model_dump_json()},
        {"role": "user", "content": render("draft_revise.user.j2", findings=review.describe(to_fix))},
    ]
    try:
        with allowed_refs(ids):
            second = client.structured(task="draft-revise", response_model=DraftResponse,
                                       messages=revise, run_id=run_id, max_retries=1,
                                       template_hash=template_hash(*TEMPLATES, "draft_revise.user.j2"))
    except LLMError as e:
        out.notes.append(f"审核意见修改轮失败，保留第一稿：{e}")
        out.notes.extend(review.describe(to_fix))
        _after_critique(out, judged, first_form, request, retrieval, revised=False,
                        said=critique_round.sent_back(rules, judged, to_fix))
        return out
    out.response, out.form = second.value, to_form(second.value, request, retrieval)
    _gate(out, request, retrieval)
    round_note = len(out.notes)
    _after_critique(out, judged, first_form, request, retrieval, revised=True)
    left = review.blocking(review.review(out.form))
    model = critique_round.from_model(to_fix)
    if model:
        # The critique is not asked again: only the rules can say what is left.
        summary = (f"审核规则和模型复核发现 {len(to_fix)} 个问题（其中模型 {model} 个），已修改一轮"
                   + (f"，审核规则仍有 {len(left)} 个：" if left else "，审核规则复查未再发现问题"))
    else:
        summary = (f"审核规则发现 {len(to_fix)} 个问题，已修改一轮"
                   + (f"，仍有 {len(left)} 个：" if left else "，已全部解决"))
    out.notes[round_note:round_note] = [summary, *review.describe(left)]
    return out


def _after_critique(out: LLMDraft, judged: critique_round.Judgement, first_form: Form, request: DraftRequest,
                    retrieval: Retrieval, revised: bool, said: Sequence[Finding] = ()) -> None:
    """Drop the rows the model called unrelated that the draft still keeps; report what it said that stands."""
    if not judged.findings:
        return
    unrelated = critique_round.unrelated_kept(judged, first_form, out.form)
    if unrelated:
        out.response, removed, stay = critique_round.drop(out.response, unrelated)
        if removed:
            out.form = to_form(out.response, request, retrieval)
            out.notes.append("模型复核认为与本项目无关的指标" + ("修改后仍保留，" if revised else "")
                             + "已删除：" + "、".join(removed) + "（来源：模型）")
        if stay:
            out.notes.append("模型复核认为以下指标与本项目无关，但删除后缺少该类指标，请替换："
                             + "、".join(stay) + "（来源：模型）")
    left = critique_round.remaining(judged, first_form, out.form, said)
    if left:
        out.notes.append(f"模型复核的 {len(left)} 条意见修改后仍未解决：" if revised
                         else f"模型复核提出 {len(left)} 条意见：")
        out.notes.extend(review.describe(left))


def _gate(out: LLMDraft, request: DraftRequest, retrieval: Retrieval) -> None:
    """The relevance gate the offline engine applies, applied to the model's answer.

    A row naming an object the project does not name, and not taken from a library row chosen for
    this project, is another project's row: it is dropped and said so. A category left empty keeps
    its rows (the review would otherwise reject the draft); the note still names them.
    """
    from drafter.draft.words import object_words, shared_words

    text = f"{request.name}\n{request.goal}"
    library_ids = {r.id for r in retrieval.library}
    keep: list[Any] = []
    dropped: list[Any] = []
    for d in out.response.indicators:
        foreign = bool(object_words(d.name)) and not shared_words(d.name, text) and not (set(d.refs) & library_ids)
        (dropped if foreign else keep).append(d)
    if not dropped:
        return
    present = {d.category for d in keep}
    lost = [d for d in dropped if d.category not in present]
    keep_ids = {id(d) for d in keep} | {id(d) for d in lost}
    kept = [d for d in out.response.indicators if id(d) in keep_ids]
    removed = [d for d in dropped if id(d) not in keep_ids]
    if removed:
        out.response = out.response.model_copy(update={"indicators": kept})
        out.form = to_form(out.response, request, retrieval)
        out.notes.append("已删除与本项目对象无关的指标：" + "、".join(d.name for d in removed))
    if lost:
        out.notes.append("以下指标与本项目对象无关，但删除后缺少该类指标，请替换：" + "、".join(d.name for d in lost))
