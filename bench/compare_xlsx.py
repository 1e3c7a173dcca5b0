"""Compare two workbooks cell by cell: what a reader sees must not change when a writer does.

    /work/venv/bin/python bench/compare_xlsx.py BEFORE.xlsx AFTER.xlsx [--max 20]

Checks, sheet by sheet (names and order first): every cell's value, and the styles that matter to
a reader: bold, font size, fill colour, borders, alignment (wrap, horizontal, vertical), number
format, cell comments; then merged ranges, column widths, freeze panes and autofilter. Value
differences and style differences are counted apart: the exit code is 1 when any value (or sheet,
comment, merge) differs, 0 when only widths or cell styles do, so a run says which kind it is.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Differences:
    values: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    style_kinds: Counter = field(default_factory=Counter)

    def value(self, text: str) -> None:
        self.values.append(text)

    def style(self, kind: str, text: str) -> None:
        self.style_kinds[kind] += 1
        self.styles.append(text)


def _style(cell: Any) -> dict[str, Any]:
    f, a, b = cell.font, cell.alignment, cell.border
    fill = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type else None
    return {"bold": bool(f.b), "size": f.sz, "fill": fill,
            "border": tuple(getattr(getattr(b, side), "style", None) for side in ("left", "right", "top", "bottom")),
            "wrap": bool(a.wrap_text), "horizontal": a.horizontal, "vertical": a.vertical,
            "number_format": cell.number_format}


def _cells(ws: Any) -> Iterator[tuple[str, Any, Any]]:
    for row in ws.iter_rows():
        for cell in row:
            yield cell.coordinate, cell.value, cell


def compare(before_path: str, after_path: str) -> Differences:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    d = Differences()
    before, after = load_workbook(before_path), load_workbook(after_path)
    if before.sheetnames != after.sheetnames:
        d.value(f"sheets: {before.sheetnames[:10]}… ≠ {after.sheetnames[:10]}… "
                f"({len(before.sheetnames)} vs {len(after.sheetnames)})")
    for name in before.sheetnames:
        if name not in after.sheetnames:
            continue
        a, b = before[name], after[name]
        cells_a = {k: (v, c) for k, v, c in _cells(a)}
        cells_b = {k: (v, c) for k, v, c in _cells(b)}
        for coord in sorted(set(cells_a) | set(cells_b)):
            va, ca = cells_a.get(coord, (None, None))
            vb, cb = cells_b.get(coord, (None, None))
            if va != vb:
                d.value(f"{name}!{coord}: {va!r} ≠ {vb!r}")
            ma = ca.comment.text if ca is not None and ca.comment is not None else None
            mb = cb.comment.text if cb is not None and cb.comment is not None else None
            if ma != mb:
                d.value(f"{name}!{coord} comment: {ma!r} ≠ {mb!r}")
            if ca is None or cb is None:
                # A cell one side wrote and the other did not: it matters only if it carries a style.
                only = ca if cb is None else cb
                if only is not None and only.value is None and only.has_style and _style(only) != _style(
                        (b if cb is None else a)[coord]):
                    d.style("cell", f"{name}!{coord}: styled on one side only")
                continue
            sa, sb = _style(ca), _style(cb)
            for key in sa:
                if sa[key] != sb[key]:
                    d.style(key, f"{name}!{coord} {key}: {sa[key]!r} ≠ {sb[key]!r}")
        ranges_a = sorted(str(r) for r in a.merged_cells.ranges)
        ranges_b = sorted(str(r) for r in b.merged_cells.ranges)
        if ranges_a != ranges_b:
            d.value(f"{name} merged: {sorted(set(ranges_a) ^ set(ranges_b))[:8]}")
        for k in range(1, max(a.max_column, b.max_column) + 1):
            letter = get_column_letter(k)
            wa, wb = a.column_dimensions[letter].width, b.column_dimensions[letter].width
            if wa != wb:
                d.style("width", f"{name} column {letter} width: {wa} ≠ {wb}")
        if a.freeze_panes != b.freeze_panes:
            d.style("freeze", f"{name} freeze panes: {a.freeze_panes} ≠ {b.freeze_panes}")
        if a.auto_filter.ref != b.auto_filter.ref:
            d.style("autofilter", f"{name} autofilter: {a.auto_filter.ref} ≠ {b.auto_filter.ref}")
    return d


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--max", type=int, default=20, help="differences of each kind to print")
    args = ap.parse_args(argv)
    d = compare(args.before, args.after)
    for line in d.values[:args.max]:
        print(f"value  {line}")
    for line in d.styles[:args.max]:
        print(f"style  {line}")
    kinds = ", ".join(f"{k} {n}" for k, n in d.style_kinds.most_common()) or "none"
    print(f"{args.before} → {args.after}: {len(d.values)} value differences; style differences: {kinds}")
    return 1 if d.values else 0


if __name__ == "__main__":
    sys.exit(main())
