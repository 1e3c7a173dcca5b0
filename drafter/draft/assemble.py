"""Turn a validated draft (either engine) into the Form the rest of drafter reads.

Both engines produce a :class:`~drafter.draft.schema.DraftResponse` that cites past forms by
prompt id (R1, R2…); here the ids become full references (``source#project（year年目标表）``) and
the value becomes the printed cell, so ``drafter review`` reads the draft like any other form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drafter.draft.request import DraftRequest
from drafter.draft.retrieve import Retrieval
from drafter.draft.schema import DraftResponse
from drafter.model import Form, Funds, Indicator


@dataclass
class DraftResult:
    engine: str
    form: Form
    notes: list[str] = field(default_factory=list)
    # Not part of the JSON contract: what the run cost, for `drafter eval` and tests.
    run_id: str | None = None
    calls: int = 0
    tokens: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"engine": self.engine, "form": self.form.model_dump(mode="json"), "notes": self.notes}


def to_form(draft: DraftResponse, request: DraftRequest, retrieval: Retrieval) -> Form:
    refs = retrieval.citations()
    indicators = []
    for d in draft.indicators:
        numeric = d.value is not None
        indicators.append(Indicator(
            level1=d.level1, level2=d.level2, name=d.name, target_raw=d.target_text,
            op=d.op if numeric else None, value=d.value, unit=d.unit if numeric else None,
            qualitative=None if numeric else d.state,
            baseline=_expand(d.baseline, retrieval), basis=d.basis, evidence=d.evidence,
            refs=list(dict.fromkeys(refs.get(r, r) for r in d.refs))))
    funds = Funds(total=round(request.funds_wan, 4), unit="万元") if request.funds_wan is not None else None
    return Form(kind="target", year=request.year, project_name=request.name,
                department=request.department, agency=request.agency,
                project_type=request.project_type, project_nature=request.project_nature,
                annual_goal=draft.annual_goal, funds=funds,
                indicators=indicators)


def _expand(baseline: str, retrieval: Retrieval) -> str:
    """"R2" inside a baseline becomes the form it names, so the text stands on its own."""
    import re

    by_id = retrieval.by_id()

    def sub(m: re.Match[str]) -> str:
        p = by_id.get(m.group(0))
        return p.label if p else m.group(0)

    return re.sub(r"R\d+", sub, baseline)
