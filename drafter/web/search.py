"""检索 (the store, with filters) and 规则 (the rule catalogue)."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import Response

from drafter.errors import InputError

# The store holds past indicators, past projects and indicator-library rows.
_KIND_ZH = {"indicator": "指标", "project": "项目", "library": "指标库"}


def register(app: FastAPI, bench: Any) -> None:
    @app.get("/search")
    async def page(request: Request, q: str = "", kind: str = "", level1: str = "", agency: str = "",
                   year: str = "", k: int = 20) -> Response:
        hits: list[Any] | None = None
        error = None
        if q.strip():
            from drafter.services.search import search
            from drafter.store import StoreError
            years = [int(y) for y in year.split(",") if y.strip().isdigit()]
            try:
                hits = await anyio.to_thread.run_sync(lambda: search(
                    q, max(1, min(k, 100)), kind=kind or None, level1=[level1] if level1 else [],
                    agency=[agency] if agency else [], year=years))
            except (InputError, StoreError) as e:
                from drafter.store.search import EMPTY_STORE
                # The page's users have no terminal: say what fills the store from here.
                error = ("存储库为空：在“起草”页起草一次项目会自动导入内置语料，或请管理员运行 drafter ingest "
                         "导入本单位的历史表单" if str(e) == EMPTY_STORE else bench.clean(str(e)))
        from drafter.render.search import short_source
        rows = [{"kind": _KIND_ZH.get(h.kind, "项目"), "score": f"{h.score:.2f}",
                 "project": h.project_name or "", "agency": h.agency or "", "year": h.year or "",
                 "indicator": h.indicator, "source": bench.clean(short_source(h.source or ""))}
                for h in hits or []]
        template = "_search_results.html" if request.headers.get("hx-request") else "search.html"
        return bench.render(request, template, title="检索", q=q, kind=kind, level1=level1, agency=agency,
                            year=year, rows=rows, searched=hits is not None, error=error)

    @app.get("/rules")
    def rules(request: Request) -> Response:
        from drafter.rules.finding import SEVERITY_ZH
        from drafter.rules.registry import DOC_PARTS, section
        from drafter.services.rules import catalogue
        items = [{"code": r.code, "name": r.name, "severity": r.severity, "severity_zh": SEVERITY_ZH[r.severity],
                  "tags": r.tags, "kinds": r.kinds,
                  "parts": [(p, section(r.doc, p) or "") for p in DOC_PARTS]} for r in catalogue()]
        return bench.render(request, "rules.html", title="规则", rules=items)
