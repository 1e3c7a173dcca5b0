"""Evidence for the critique: similar indicators from the store, with their values and years.

The model may only cite history it was shown (a baseline must be a number found here or in the
form), so evidence is what makes ``target_too_low`` and a baseline possible at all. Whatever the
store holds is used (past forms, and an indicator library once one is ingested): a search over
indicator documents, generic in what they are. A store that does not exist yet gives no evidence
and one note; review never fills or changes the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from drafter.model import Form

PER_FORM = 8


@dataclass(frozen=True)
class Evidence:
    id: str
    project_name: str | None
    agency: str | None
    year: int | None
    level2: str | None
    name: str
    target_raw: str | None
    source: str

    def payload(self) -> dict[str, Any]:
        """What the model sees of it (the data block of the prompt)."""
        row: dict[str, Any] = {"id": self.id, "项目": self.project_name, "单位": self.agency,
                               "年度": self.year, "二级指标": self.level2, "指标": self.name,
                               "指标值": self.target_raw}
        return {k: v for k, v in row.items() if v not in (None, "")}


Finder = Callable[[str, Form], tuple[list[Evidence], list[str]]]


def query_for(form: Form) -> str:
    names = "；".join(i.name for i in form.indicators[:12])
    return " ".join(x for x in (form.project_name, (form.annual_goal or "")[:120], names) if x)


def from_store(source: str, form: Form, k: int = PER_FORM, home: Path | None = None) -> tuple[list[Evidence], list[str]]:
    """Up to ``k`` indicators of other projects most similar to ``form``; (evidence, notes)."""
    from drafter.store import StoreError
    from drafter.store.search import Filters, search_store

    query = query_for(form)
    if not query.strip():
        return [], []
    try:
        hits = search_store(query, k * 2, Filters(kind="indicator"), home=home)
    except StoreError as e:
        return [], [f"没有检索到历史指标作为证据：{e}"]
    out: list[Evidence] = []
    for hit in hits:
        ind = hit.indicator
        # The form itself, once ingested, is no evidence about itself.
        if ind is None or (hit.project_name == form.project_name and hit.year == form.year):
            continue
        out.append(Evidence(f"E{len(out) + 1}", hit.project_name, hit.agency, hit.year, ind.level2,
                            ind.name, ind.target_raw, hit.source))
        if len(out) >= k:
            break
    return out, []


def _grams(text: str) -> set[str]:
    """Character bigrams (single characters for a one-character name): names are Chinese, unspaced."""
    t = "".join(text.split())
    return {t[i:i + 2] for i in range(len(t) - 1)} or set(t)


def from_past_forms(past: Sequence[Any], k: int = PER_FORM) -> Finder:
    """Evidence from the past forms a draft was written from (``Retrieval.forms``), not a new search.

    The critique of a draft should weigh the history the draft was given, and nothing the store
    ranks differently on a second query. Indicators of those forms that carry a value are ranked by
    how much of their name they share with the form's names (best match, then retrieval rank and
    printed order), and the first ``k`` become E1…Ek.
    """

    def find(source: str, form: Form) -> tuple[list[Evidence], list[str]]:
        wanted = [g for g in (_grams(i.name) for i in form.indicators) if g]
        ranked = []
        for rank, p in enumerate(past):
            for pos, ind in enumerate(p.form.indicators):
                got = _grams(ind.name)
                if not ind.target_raw or not got:
                    continue
                best = max((len(got & w) / len(got | w) for w in wanted), default=0.0)
                if best > 0:
                    ranked.append((-best, rank, pos, p, ind))
        ranked.sort(key=lambda t: t[:3])
        return [Evidence(f"E{n}", p.form.project_name, p.form.agency, p.form.year, ind.level2, ind.name,
                         ind.target_raw, p.source) for n, (*_, p, ind) in enumerate(ranked[:k], start=1)], []

    return find
