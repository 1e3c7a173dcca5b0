"""Search results for people (a Rich table) and for programs (the ``search`` JSON contract)."""

from __future__ import annotations

import json
from typing import Any, Sequence


def search_json(hits: Sequence[Any]) -> str:
    """``{"results": [{kind, score, source, project_name, agency, year, indicator}, …]}``."""
    return json.dumps({"results": [h.to_json() for h in hits]}, ensure_ascii=False, indent=2)


def print_search_table(hits: Sequence[Any], query: str, console: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAVY, title=f"“{escape(query)}” 的相似结果", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("相似度", justify="right", no_wrap=True)
    table.add_column("指标 / 项目", overflow="fold", ratio=3)
    table.add_column("指标值", overflow="fold", ratio=1)
    table.add_column("所属项目", overflow="fold", ratio=3)
    table.add_column("来源", overflow="fold", ratio=1)
    for n, h in enumerate(hits, start=1):
        ind = h.indicator
        place = " · ".join(x for x in (h.agency, str(h.year) if h.year else None) if x)
        project = escape(h.project_name or "（未填项目名称）") + (f"\n[dim]{escape(place)}[/dim]" if place else "")
        if ind is not None:
            levels = " / ".join(x for x in (ind.level1, ind.level2) if x)
            what = escape(ind.name) + (f"\n[dim]{escape(levels)}[/dim]" if levels else "")
            value = escape(ind.target_raw or ind.qualitative or "")
        else:
            what, value = "[italic]（项目）[/italic]", ""
        table.add_row(str(n), f"{h.score:.3f}", what, value, project, escape(short_source(h.source)))
    console.print(table)


def short_source(source: str) -> str:
    # Full paths are in the JSON; the table only needs enough to recognise the file.
    return source.replace("\\", "/").rsplit("/", 1)[-1]
