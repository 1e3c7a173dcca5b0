"""The indicator library for people (Rich tables) and for programs (``library`` JSON)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Sequence


def library_json(rows: Sequence[Any]) -> str:
    """``{"rows": [{id, sector, project_type, level1, level2, name, op, value, unit, …}, …]}``."""
    return json.dumps({"rows": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2)


def print_overview(library: Any, console: Any) -> None:
    """Sectors by project type, with row counts: where to look before filtering."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    counts = Counter((r.sector, r.project_type) for r in library.rows)
    types = sorted({t for _, t in counts} | set(library.types))
    practice = sum(1 for r in library.rows if r.provenance == "practice")
    table = Table(box=box.SIMPLE_HEAVY, title_justify="left",
                  title=f"指标库：{len(library.rows)} 条（实践通行做法 {practice} 条），按行业和项目类型")
    table.add_column("行业")
    for t in types:
        table.add_column(escape(t), justify="right")
    table.add_column("合计", justify="right")
    for sector in sorted({s for s, _ in counts}):
        cells = [str(counts.get((sector, t), "")) for t in types]
        table.add_row(escape(sector), *cells, str(sum(counts.get((sector, t), 0) for t in types)))
    console.print(table)
    console.print("用法：drafter library 关键词 [--sector 行业] [--type 项目类型]", highlight=False)


def print_rows(rows: Sequence[Any], title: str, console: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAVY, title=escape(title), title_justify="left")
    for col, ratio in (("编号", 0), ("行业 / 类型", 2), ("一级 / 二级", 2), ("三级指标", 3), ("典型值", 1),
                       ("依据 / 数据来源", 2), ("出处", 2)):
        table.add_column(col, overflow="fold", ratio=ratio or None, no_wrap=not ratio)
    for r in rows:
        where = "实践通行做法" if r.provenance == "practice" else r.source
        note = f"\n[dim]校订：{escape(r.curation)}[/dim]" if r.curation else ""
        table.add_row(escape(r.id), f"{escape(r.sector)}\n[dim]{escape(r.project_type)}[/dim]",
                      f"{escape(r.level1)}\n[dim]{escape(r.level2)}[/dim]", escape(r.name) + note,
                      escape(r.target_text or "（未给值）"),
                      escape(" / ".join(x for x in (r.basis, r.data_source) if x)), escape(where))
    console.print(table)
