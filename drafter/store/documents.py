"""Forms become store documents: one per indicator, one per project, with ids from content.

An id hashes what identifies a document (source, form, indicator name and place); a separate
digest hashes everything else. Re-ingesting an unchanged file therefore finds every id with the
same digest and writes nothing, an edited value keeps its id and counts as updated, and an
indicator that disappeared leaves an id behind that ingest deletes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

from drafter.model import Form, Indicator

Scalar = Union[str, int, float, bool]

# How much each field of an indicator document counts for embedders that weight fields: the
# indicator's own name says what it measures; the project name places it; level labels and the
# value are shared by hundreds of indicators and only break ties.
INDICATOR_FIELD_WEIGHTS = {"name": 1.0, "project": 0.6, "levels": 0.15, "value": 0.2}
PROJECT_FIELD_WEIGHTS = {"project": 1.0, "goal": 0.5}


@dataclass(frozen=True)
class Doc:
    id: str
    text: str
    fields: tuple[tuple[str, float], ...]
    metadata: dict[str, Scalar]

    @property
    def digest(self) -> str:
        return str(self.metadata["digest"])


def source_key(path: str | Path, corpus: Path | None = None) -> str:
    """The string a file is known by in the store: stable across working directories.

    Built-in corpus files are named relative to the corpus (``corpus/000_….txt``) so that
    upgrading or moving drafter does not turn them into new sources; anything else is its
    absolute path. Standard input (``-``) is "stdin": a paste ingested again replaces the last one.
    """
    if str(path) == "-":
        return "stdin"
    try:
        p = Path(path).resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        p = Path(os.path.abspath(path))
    if corpus is not None and p.is_relative_to(Path(corpus).resolve()):
        return "corpus/" + p.relative_to(Path(corpus).resolve()).as_posix()
    return str(p)


def measurability(ind: Indicator) -> str:
    """quantitative (a number), qualitative (a word such as 提升), or missing (no value)."""
    if ind.value is not None:
        return "quantitative"
    if ind.qualitative or ind.target_raw:
        return "qualitative"
    return "missing"


def documents_for(source: str, forms: list[Form]) -> list[Doc]:
    """All documents of one source file, ids unique within it."""
    docs: list[Doc] = []
    form_seen: dict[str, int] = {}
    for form in forms:
        form_ident = _ident(form.kind, form.year, form.project_name, form.agency, form.department)
        occ = form_seen.get(form_ident, 0)
        form_seen[form_ident] = occ + 1
        form_key = f"{source}\x1f{form_ident}\x1f{occ}"
        base = _form_metadata(source, form)

        project_doc = _project_doc(form_key, form, base)
        if project_doc is not None:
            docs.append(project_doc)

        ind_seen: dict[str, int] = {}
        for ind in form.indicators:
            ind_ident = _ident(ind.level1, ind.level2, ind.name)
            k = ind_seen.get(ind_ident, 0)
            ind_seen[ind_ident] = k + 1
            docs.append(_indicator_doc(f"{form_key}\x1f{ind_ident}\x1f{k}", form, ind, base))
    return docs


def _form_metadata(source: str, form: Form) -> dict[str, Scalar]:
    return _clean({
        "source": source,
        "form_kind": form.kind,
        "project": form.project_name,
        "agency": form.agency,
        "department": form.department,
        "year": form.year,
    })


def _project_doc(form_key: str, form: Form, base: dict[str, Scalar]) -> Doc | None:
    name = (form.project_name or "").strip()
    goal = (form.annual_goal or "").strip()
    if not name and not goal:
        return None
    fields = tuple((t, w) for t, w in ((name, PROJECT_FIELD_WEIGHTS["project"]),
                                       (goal, PROJECT_FIELD_WEIGHTS["goal"])) if t)
    text = "\n".join(t for t, _ in fields)
    meta = dict(base, kind="project")
    return _finish("p", form_key, text, fields, meta)


def _indicator_doc(key: str, form: Form, ind: Indicator, base: dict[str, Scalar]) -> Doc:
    levels = " / ".join(x for x in (ind.level1, ind.level2) if x)
    value = ind.target_raw or ind.qualitative or ""
    project = form.project_name or ""
    w = INDICATOR_FIELD_WEIGHTS
    fields = tuple((t, wt) for t, wt in ((ind.name, w["name"]), (project, w["project"]),
                                         (levels, w["levels"]), (value, w["value"])) if t)
    text = "\n".join(x for x in (f"{ind.name}：{value}" if value else ind.name, levels, project) if x)
    meta = dict(base)
    meta.update(_clean({
        "kind": "indicator",
        "level1": ind.level1,
        "level2": ind.level2,
        "name": ind.name,
        "op": ind.op,
        "value": ind.value,
        "unit": ind.unit,
        "measurability": measurability(ind),
        # The whole indicator, so that search can hand back the same JSON that parse printed.
        "indicator": json.dumps(ind.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
    }))
    return _finish("i", key, text, fields, meta)


def _finish(prefix: str, key: str, text: str, fields: tuple[tuple[str, float], ...],
            meta: dict[str, Scalar]) -> Doc:
    doc_id = f"{prefix}-{_sha(key)[:24]}"
    meta["digest"] = _sha(json.dumps([text, fields, meta], ensure_ascii=False, sort_keys=True))[:16]
    return Doc(id=doc_id, text=text, fields=fields, metadata=meta)


def _ident(*parts: object) -> str:
    return "\x1e".join("" if p is None else str(p) for p in parts)


def _sha(s: str) -> str:
    return hashlib.sha256(s.encode("utf-8")).hexdigest()


def _clean(d: dict[str, object]) -> dict[str, Scalar]:
    # Chroma metadata takes no None; an absent key is how "unknown" is spelled.
    return {k: v for k, v in d.items() if v is not None and v != ""}  # type: ignore[misc]


def library_documents(source: str, rows: list[Any]) -> list[Doc]:
    """One document per indicator-library row (kind ``library``), searchable beside past forms.

    The row is stored as an Indicator (name, levels, typical value) with the sector and project
    type as its "project", so ``drafter search --kind library`` prints it like any indicator.
    """
    docs = []
    for row in rows:
        ind = Indicator(level1=row.level1, level2=row.level2, name=row.name, op=row.op, value=row.value,
                        unit=row.unit, target_raw=row.target_text or None, basis=row.basis or None,
                        evidence=row.data_source or None, refs=[row.citation])
        place = f"指标库·{row.sector}·{row.project_type}"
        keywords = " ".join(row.keywords)
        fields = tuple((t, w) for t, w in ((row.name, 1.0), (keywords, 0.5), (place, 0.3),
                                           (row.explanation, 0.2)) if t)
        meta = _clean({
            "kind": "library", "source": source, "project": place, "sector": row.sector,
            "project_type": row.project_type, "level1": row.level1, "level2": row.level2,
            "name": row.name, "op": row.op, "value": row.value, "unit": row.unit,
            "library_id": row.id, "provenance": row.provenance, "url": row.source,
            "indicator": json.dumps(ind.model_dump(mode="json"), ensure_ascii=False, sort_keys=True),
        })
        text = "\n".join(x for x in (f"{row.name}：{row.target_text}" if row.target_text else row.name,
                                      keywords, place) if x)
        docs.append(_finish("l", f"{source}\x1f{row.id}", text, fields, meta))
    return docs
