"""Reading speed: text to forms, in process, indicators per second.

Two sets: the built-in corpus (``corpus/*.txt``, the seed layouts) and, when ``../shared`` is
there, the real forms of ``../shared/realforms`` (web copies with lost grids, read after their two
``#`` lines). Each set is read ``--repeat`` times; the figure is indicators read per second of
``read_text`` (decoding excluded), best run in CPU time, which a loaded machine disturbs least.
``bench_all.py`` prints the same figures in its ``read`` section.

    /work/venv/bin/python bench/bench_read.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from drafter.read.text import read_text

REPO = Path(__file__).resolve().parent.parent


def _texts(folder: Path, pattern: str, skip_header: bool) -> list[str]:
    out = []
    for p in sorted(folder.glob(pattern)):
        text = p.read_text(encoding="utf-8")
        out.append(text.split("\n", 3)[3] if skip_header else text)
    return out


def text_sets() -> list[tuple[str, list[str]]]:
    sets = [("seed corpus", _texts(REPO / "corpus", "*.txt", False))]
    real = REPO.parent / "shared" / "realforms"
    if real.is_dir():
        sets.append(("real forms (../shared/realforms)", _texts(real, "*.txt", True)))
    return sets


def rate(texts: list[str], repeat: int) -> tuple[float, int, float]:
    """(indicators per CPU second, indicators read, best seconds)."""
    best, n = float("inf"), 0
    for _ in range(repeat):
        t0 = time.process_time()
        n = sum(len(f.indicators) for t in texts for f in read_text(t))
        best = min(best, time.process_time() - t0)
    return (n / best if best > 0 else 0.0), n, best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    a = ap.parse_args()
    for label, texts in text_sets():
        r, n, best = rate(texts, a.repeat)
        print(f"{label}: {len(texts)} files, {n} indicators in {best * 1000:.1f} ms CPU "
              f"(best of {a.repeat}) = {r:,.0f} indicators/s")


if __name__ == "__main__":
    main()
