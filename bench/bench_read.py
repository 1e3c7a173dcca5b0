"""Reading speed: text to forms, in process, indicators per second.

Two sets: the built-in corpus (``corpus/*.txt``, the seed layouts) and, when ``../shared`` is
there, the real forms of ``../shared/realforms`` (web copies with lost grids). Each set is read
``--repeat`` times; the figure is indicators read per second of ``read_text`` (decoding excluded).

    /work/venv/bin/python bench/bench_read.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
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


def _rate(texts: list[str], repeat: int) -> tuple[float, int, float]:
    times = []
    n = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        n = sum(len(f.indicators) for t in texts for f in read_text(t))
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return n / med if med else 0.0, n, med


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10)
    a = ap.parse_args()
    sets = [("corpus (seed layouts)", _texts(REPO / "corpus", "*.txt", False))]
    real = REPO.parent / "shared" / "realforms"
    if real.is_dir():
        sets.append(("real forms (../shared/realforms)", _texts(real, "*.txt", True)))
    for label, texts in sets:
        rate, n, med = _rate(texts, a.repeat)
        print(f"{label}: {len(texts)} files, {n} indicators in {med * 1000:.1f} ms "
              f"(median of {a.repeat}) = {rate:,.0f} indicators/s")


if __name__ == "__main__":
    main()
