"""Retrieved past forms as prompt material, cut to a token budget.

Forms go in by similarity, each with its id (R1…), label, goal and indicators, until the budget
is spent; the last form may be cut short, indicator by indicator. Token counts are estimated
(one token per CJK character, one per four other characters), which over-counts for most Chinese
tokenizers: the budget errs on the side of fitting.
"""

from __future__ import annotations

import math
import re
from typing import Any

from drafter.draft.retrieve import Retrieval
from drafter.draft.schema import num

DEFAULT_BUDGET = 2500
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
GOAL_CHARS = 160


def estimate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 4)


def budget_from_env() -> int:
    from drafter.llm.profiles import context_tokens
    return context_tokens(default=DEFAULT_BUDGET)


def past_forms(retrieval: Retrieval, budget: int) -> tuple[list[dict[str, Any]], int]:
    """Template data for the past forms that fit in ``budget`` tokens, and the tokens used."""
    out: list[dict[str, Any]] = []
    used = 0
    for p in retrieval.forms:
        f = p.form
        goal = " ".join((f.annual_goal or "").split())
        head: dict[str, Any] = {
            "id": p.ref_id,
            "label": p.label,
            "agency": f.agency or "",
            "goal": goal[:GOAL_CHARS] + ("…" if len(goal) > GOAL_CHARS else ""),
            "funds": _funds(f),
            "indicators": [],
        }
        cost = estimate_tokens(" ".join(str(v) for v in head.values() if isinstance(v, str))) + 10
        if used + cost > budget:
            break
        used += cost
        for ind in f.indicators:
            line = _line(ind)
            c = estimate_tokens(line) + 2
            if used + c > budget:
                break
            head["indicators"].append(line)
            used += c
        out.append(head)
        if used >= budget:
            break
    return out, used


def _line(ind: Any) -> str:
    levels = "/".join(x for x in (ind.level1, ind.level2) if x) or "（未分类）"
    value = ind.target_raw or ind.qualitative or "（未填）"
    line = f"{levels}｜{ind.name}｜目标 {' '.join(value.split())}"
    if ind.actual_raw:
        line += f"｜实际 {' '.join(ind.actual_raw.split())}"
    return line


def _funds(form: Any) -> str:
    funds = form.funds
    if funds is None or funds.total is None:
        return ""
    return f"{num(funds.total)}{funds.unit or ''}"
