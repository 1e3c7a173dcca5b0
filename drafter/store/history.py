"""Earlier years' forms of a project, rebuilt from the store for the cross-year rule (T35).

Ingest keeps every indicator whole (its JSON in the metadata) with the form's source, kind, year,
project and agency, so the forms of one project come back without re-reading any file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drafter.model import Form, Indicator
from drafter.store import StoreError


def past_forms_from_store(projects: list[str], home: Path | None = None) -> list[tuple[str, list[Form]]]:
    """(source, forms) of every stored form whose project name is one of ``projects``.

    Raises StoreError when there is no store to read (the caller says so and carries on).
    """
    from drafter.store.search import EMPTY_STORE, reading

    names = sorted({p for p in projects if p})
    if not names:
        return []
    with reading(home) as (_, collection, _ef):
        if collection is None:
            raise StoreError(EMPTY_STORE)
        where = {"$and": [{"kind": "indicator"},
                          {"project": names[0]} if len(names) == 1 else {"project": {"$in": names}}]}
        res = collection.get(where=where, include=["metadatas"])
    return _forms(res.get("metadatas") or [])


def _forms(metas: list[dict[str, Any]]) -> list[tuple[str, list[Form]]]:
    groups: dict[tuple[str, str, Any, Any, Any], list[Indicator]] = {}
    for m in metas:
        try:
            ind = Indicator.model_validate(json.loads(str(m["indicator"])))
        except (KeyError, ValueError):
            continue  # a document written by an older ingest without the indicator JSON
        key = (str(m.get("source", "")), str(m.get("form_kind", "target")), m.get("year"), m.get("project"),
               m.get("agency"))
        groups.setdefault(key, []).append(ind)
    by_source: dict[str, list[Form]] = {}
    for (source, kind, year, project, agency), inds in sorted(groups.items(), key=lambda kv: str(kv[0])):
        form = Form(kind="self_eval" if kind == "self_eval" else "target", year=year, project_name=project,
                    agency=agency, indicators=inds)
        by_source.setdefault(source, []).append(form)
    return list(by_source.items())
