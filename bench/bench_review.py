"""Review benchmark: start-up, rules in process, `--suggest` rewrites and `drafter review` end to end.

A thin wrapper over ``bench_all.py --only review`` (start-up, then the review section) on copies
of the built-in corpus with every number and name varied (bench/synth.py).

    /work/venv/bin/python bench/bench_review.py [--copies 40] [--runs 5]

Any other bench_all.py option is accepted too (--quick, --keep).
"""

from __future__ import annotations

import sys

from bench_all import main

if __name__ == "__main__":
    main(["--only", "review", *sys.argv[1:]])
