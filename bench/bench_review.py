"""Benchmark `drafter review`: indicators per second on a large synthetic set, and start-up time.

The set is made of copies of the built-in corpus forms with every number and name varied (seeded),
so that no per-string cache sees the same value twice more than the real forms would. Reported:

* rules in process: `review_forms` on forms already in memory (the rule engine alone);
* end to end: `drafter review FILE --format json` in a subprocess on the same set saved as
  drafter JSON, minus the start-up time of `drafter --help`;
* start-up: `drafter --help` wall time (median of several runs).

Usage: python bench/bench_review.py [--copies N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synth import synthetic_batch, write_batch

def _drafter() -> str:
    exe = Path(sys.executable).parent / "drafter"
    return str(exe) if exe.exists() else "drafter"


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=40, help="copies of the corpus (default 40)")
    ap.add_argument("--runs", type=int, default=5, help="repetitions for timings (default 5)")
    args = ap.parse_args()

    from drafter.rules import all_rules, review_forms
    from drafter.suggest import add_suggestions, corpus_examples

    t0 = time.perf_counter()
    batch = synthetic_batch(args.copies)
    build_s = time.perf_counter() - t0
    n_forms = sum(len(fs) for _, fs in batch)
    n_ind = sum(len(f.indicators) for _, fs in batch for f in fs)
    print(f"synthetic set: {n_forms} forms, {n_ind} indicators ({args.copies} varied copies of the corpus; "
          f"built in {build_s:.1f} s)")

    all_rules()  # load the rule modules before timing, as a running command has
    times, findings = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        findings = review_forms(batch)
        times.append(time.perf_counter() - t)
    best, med = min(times), statistics.median(times)
    print(f"rules in process : {n_ind / med:,.0f} indicators/s (median of {args.runs}; best {n_ind / best:,.0f}/s),"
          f" {len(findings)} findings, {len(all_rules())} rules")

    corpus_examples()
    t = time.perf_counter()
    add_suggestions(findings, batch)
    s = time.perf_counter() - t
    n_unm = sum(1 for f in findings if "unmeasurable" in f.tags)
    print(f"suggestions      : {n_unm} unmeasurable findings rewritten in {s:.2f} s ({n_unm / s:,.0f}/s)")

    exe = _drafter()
    startup = [_wall([exe, "--help"]) for _ in range(args.runs)]
    st = statistics.median(startup)
    print(f"start-up         : drafter --help {st:.3f} s (median of {args.runs}; min {min(startup):.3f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.json"
        write_batch(batch, path)
        ends = [_wall([exe, "review", str(path), "--format", "json", "-o", str(Path(tmp) / "out.json")])
                for _ in range(max(1, args.runs // 2))]
        e2e = statistics.median(ends)
        net = max(e2e - st, 1e-9)
        print(f"end to end       : drafter review ({n_ind} indicators from drafter JSON) {e2e:.2f} s; "
              f"net of start-up {n_ind / net:,.0f} indicators/s")

    target = 5000
    ok = n_ind / med >= target and st <= 1.0
    print(f"targets          : ≥{target:,} indicators/s and start-up ≤1.0 s: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
