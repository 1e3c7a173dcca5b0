"""Office files in their own layouts: 8 labelled real forms written as .xlsx, .docx, PDF and an
HTML ".xls" (tests/formfiles.py), read back, compared with the labels (name + operator + value +
unit).

usage: PYTHONPATH=. python bench/bench_input_kinds.py [--keep DIR] [-v] [--ocr]
Needs ../shared/realforms (the labelled forms); prints one line per kind and the layouts' misses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from formfiles import LAYOUTS, REALFORMS, WRITERS, Score, gold_forms, grid, match, right, write_scan

from drafter.errors import InputError
from drafter.read import read_file


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="write the generated files here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each miss")
    ap.add_argument("--ocr", action="store_true",
                    help="also scans of the PDFs, read by the OCR extra (~20 s a page)")
    ap.add_argument("--dpi", type=int, default=200, help="resolution of the scans (default 200)")
    args = ap.parse_args()
    if not REALFORMS.is_dir():
        print(f"no labelled forms at {REALFORMS}", file=sys.stderr)
        return 2
    forms = gold_forms()
    out = args.keep or Path(tempfile.mkdtemp(prefix="drafter-kinds-"))
    out.mkdir(parents=True, exist_ok=True)
    writers = dict(WRITERS)
    if args.ocr:
        writers["scan.pdf"] = lambda g, path: write_scan(g, path, dpi=args.dpi)
    for kind, write in writers.items():
        score = Score()
        reading = 0.0
        for k, form in enumerate(forms):
            layout = LAYOUTS[k % len(LAYOUTS)]
            path = out / f"{Path(form['source']).stem}-{layout}.{kind}"
            write(grid(form, layout), path)
            t0 = time.perf_counter()
            try:
                pred = [i.model_dump() for f in read_file(path) for i in f.indicators]
            except InputError as e:
                pred = []
                print(f"  {path.name}: {e}", file=sys.stderr)
            reading += time.perf_counter() - t0
            before = (score.right, score.gold)
            score.add(form["indicators"], pred)
            if args.verbose:
                print(f"  {path.name}: {score.right - before[0]}/{score.gold - before[1]}")
                pairs = dict(match(form["indicators"], pred))
                for i, g in enumerate(form["indicators"]):
                    p = pred[pairs[i]] if i in pairs else None
                    if p is None or not right(g, p):
                        got = (p["name"], p["op"], p["value"], p["unit"], p["target_raw"]) if p else None
                        print(f"    miss {g['name']} {g['op']} {g['value']} {g['unit']} -> {got}")
        print(f"{kind}: fully right {score.fully_right:.2f} ({score.right}/{score.gold}), found "
              f"{score.found}/{score.gold}, precision {score.precision:.2f} ({score.right}/{score.read}); "
              f"read in {reading:.2f} s ({score.read / max(reading, 1e-9):.0f} indicators/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
