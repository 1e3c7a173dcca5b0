"""Draft one project: choose the engine, retrieve past forms, draft, fall back when the LLM fails.

The engine is the LLM when configuration names one (drafter.llm.profiles) and ``offline`` is not
asked for; otherwise, or when the LLM call fails for good (server down, retries exhausted), the
offline engine drafts from the store (looking at more past forms than fit in a prompt). Either
way the user is told on stderr (``announce``) and in the draft's notes which engine wrote it and
why.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Callable

from drafter.draft.assemble import DraftResult, to_form
from drafter.draft.request import DraftRequest
from drafter.draft.retrieve import retrieve
from drafter.model import Form

OFFLINE = "offline"
PAST_FORMS = 6
# The offline engine has no prompt to fill, so it can afford to look at more past forms.
PAST_FORMS_OFFLINE = 10


def draft(request: DraftRequest, *, offline: bool = False, home: Path | None = None,
          announce: Callable[[str], None] = lambda s: None,
          exclude: Callable[[str, Form], bool] | None = None,
          env: dict[str, str] | None = None, client: object | None = None,
          library_exclude: Callable[[Any], bool] | None = None) -> DraftResult:
    from drafter.llm.profiles import resolve

    from drafter.draft import library as lib
    from drafter.draft.classify import profile as classify

    settings, reason = (None, "使用了 --offline") if offline else resolve(env)
    run_id = uuid.uuid4().hex[:12]
    notes: list[str] = []
    library = lib.load(home)
    if library_exclude is not None:  # leave-one-out: the held-out project's own published rows
        library = lib.Library([r for r in library.rows if not library_exclude(r)], library.sector_words,
                              library.types)
    # Type and sector are settled once, before either engine: both draft for the same project. One
    # the library does not know (a parsed form's 特定目标类, a free-text web field) is inferred instead.
    given_type = request.project_type if request.project_type in library.types else None
    given_sector = request.sector if request.sector in library.sectors else None
    for label, value, kept in (("项目类型", request.project_type, given_type), ("行业", request.sector, given_sector)):
        if value and not kept:
            announce(f"{label}「{value}」不是指标库中的{label}，已按项目名称和目标推断")
            notes.append(f"{label}「{value}」不是指标库中的{label}，已按项目名称和目标推断")
    placed = classify(library, request.name, request.goal, request.funds_wan, given_sector, given_type)
    typed = request.model_copy(update={"project_type": placed.project_type, "sector": placed.sector})
    if settings is None:
        announce(f"使用离线引擎（{reason}）")
        notes.append(f"离线引擎：{reason}，草稿由年度目标、指标库和同行业历史表单生成")
        return _offline(typed, home, announce, exclude, notes, run_id, library, placed)

    retrieval = retrieve(request.query, PAST_FORMS, home=home, exclude=exclude, announce=announce)
    retrieval.library = llm_library_rows(library, placed, typed)
    notes.extend(retrieval.notes)
    from drafter.draft.context import budget_from_env
    from drafter.draft.llm_engine import draft_llm
    from drafter.llm import LLMError
    from drafter.llm.client import LLMClient

    llm = client if client is not None else LLMClient(settings, home=home)
    try:
        got = draft_llm(request, retrieval, llm, run_id, budget_from_env(),  # type: ignore[arg-type]
                        library=library, placed=placed)
    except LLMError as e:
        announce(f"LLM 起草失败，改用离线引擎：{e}")
        notes.append(f"LLM（{settings.model}）起草失败，已改用离线引擎：{e}")
        result = _offline(typed, home, announce, exclude, notes, run_id, library, placed)
    else:
        result = DraftResult(settings.engine, got.form, notes + got.notes, run_id)
    # What the draft cost, from the call log: failed and re-asked attempts count too.
    totals = llm.log.usage(run_id=run_id)["total"]  # type: ignore[attr-defined]
    for note in llm.log.notes:  # type: ignore[attr-defined]
        announce(note)
        result.notes.append(note)
    result.calls, result.tokens = totals["requests"] or 0, totals["total_tokens"]
    return result


def llm_library_rows(library: Any, placed: Any, request: DraftRequest) -> list[Any]:
    """The library rows the model sees: those the offline engine's relevance gate admits, best first."""
    from drafter.draft.llm_engine import LIBRARY_ROWS
    from drafter.draft.offline import library_candidates

    ranked = sorted(library_candidates(library, placed, request), key=lambda c: (-c.fit, c.ref_id))
    return [c.row for c in ranked[:LIBRARY_ROWS] if c.row is not None]


def _offline(request: DraftRequest, home: Path | None, announce: Callable[[str], None],
             exclude: Callable[[str, Form], bool] | None, notes: list[str], run_id: str,
             library: Any, placed: Any) -> DraftResult:
    from drafter.draft import review
    from drafter.draft.offline import draft_offline

    retrieval = retrieve(request.query, PAST_FORMS_OFFLINE, home=home, exclude=exclude, announce=announce)
    notes.extend(n for n in retrieval.notes if n not in notes)
    response, why = draft_offline(request, retrieval, library, placed)
    form = to_form(response, request, retrieval)
    cited = {r for i in response.indicators for r in i.refs}
    used = [p for p in retrieval.forms if p.ref_id in cited]
    notes.append(f"检索到 {len(retrieval.forms)} 张历史表单，采用了其中 {len(used)} 张同行业表单的指标"
                 + ("：" + "、".join(p.label for p in used[:3]) + ("等" if len(used) > 3 else "") if used else "")
                 + f"；指标库条目 {len(cited - {p.ref_id for p in retrieval.forms})} 条")
    notes.extend(why)
    left = review.blocking(review.review(form))
    notes.extend(review.describe(left))
    return DraftResult(OFFLINE, form, notes, run_id, 0, 0)
