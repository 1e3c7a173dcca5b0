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
from typing import Callable

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
          env: dict[str, str] | None = None, client: object | None = None) -> DraftResult:
    from drafter.llm.profiles import resolve

    settings, reason = (None, "使用了 --offline") if offline else resolve(env)
    run_id = uuid.uuid4().hex[:12]
    notes: list[str] = []
    if settings is None:
        announce(f"使用离线引擎（{reason}）")
        notes.append(f"离线引擎：{reason}，草稿由相似历史表单生成")
        return _offline(request, home, announce, exclude, notes, run_id)

    retrieval = retrieve(request.query, PAST_FORMS, home=home, exclude=exclude, announce=announce)
    notes.extend(retrieval.notes)
    from drafter.draft.context import budget_from_env
    from drafter.draft.llm_engine import draft_llm
    from drafter.llm import LLMError
    from drafter.llm.client import LLMClient

    llm = client if client is not None else LLMClient(settings, home=home)
    try:
        got = draft_llm(request, retrieval, llm, run_id, budget_from_env())  # type: ignore[arg-type]
    except LLMError as e:
        announce(f"LLM 起草失败，改用离线引擎：{e}")
        notes.append(f"LLM（{settings.model}）起草失败，已改用离线引擎：{e}")
        result = _offline(request, home, announce, exclude, notes, run_id)
    else:
        result = DraftResult(settings.engine, got.form, notes + got.notes, run_id)
    # What the draft cost, from the call log: failed and re-asked attempts count too.
    totals = llm.log.usage(run_id=run_id)["total"]  # type: ignore[attr-defined]
    for note in llm.log.notes:  # type: ignore[attr-defined]
        announce(note)
        result.notes.append(note)
    result.calls, result.tokens = totals["requests"] or 0, totals["total_tokens"]
    return result


def _offline(request: DraftRequest, home: Path | None, announce: Callable[[str], None],
             exclude: Callable[[str, Form], bool] | None, notes: list[str], run_id: str) -> DraftResult:
    from drafter.draft import review
    from drafter.draft.offline import draft_offline

    retrieval = retrieve(request.query, PAST_FORMS_OFFLINE, home=home, exclude=exclude, announce=announce)
    notes.extend(n for n in retrieval.notes if n not in notes)
    response, why = draft_offline(request, retrieval)
    form = to_form(response, request, retrieval)
    notes.append(f"参考了 {len(retrieval.forms)} 张相似历史表单：" + "、".join(p.label for p in retrieval.forms[:3])
                 + ("等" if len(retrieval.forms) > 3 else ""))
    notes.extend(why)
    left = review.blocking(review.review(form))
    notes.extend(review.describe(left))
    return DraftResult(OFFLINE, form, notes, run_id, 0, 0)
