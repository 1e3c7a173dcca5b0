"""How long the reader takes on input shapes that once took quadratic time, at growing sizes.

The unit tests only guard these shapes against hangs (tests/test_read_fuzz.py); this prints the
times, so a slowdown shows as a number rather than a flaky test. Each shape is read at n, 2n and
4n characters; linear reading roughly doubles the time with each step, quadratic quadruples it.

    /work/venv/bin/python bench/bench_read_shapes.py            # n = 200,000
    /work/venv/bin/python bench/bench_read_shapes.py --n 50000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable

from drafter.errors import InputError
from drafter.read import read_file

_WORDS = ["\t", "|", "\n", " ", "项目名称", "一级指标", "二级指标", "三级指标", "指标值", "分值", "得分",
          "≥", "=", "%", "提升", "5.00", "数量 指标", "评分等级", "年度资金总额"]

SHAPES: dict[str, Callable[[int], str]] = {
    # A row of many 项目名称 cells: each label used to re-clean the whole row.
    "label_cells": lambda n: "项目名称\t主管部门\t" * (n // 10) + "\n一级指标\t二级指标\t三级指标\t指标值",
    # A value cell "1年年年…": the unit pattern was tried from every 年.
    "value_cell": lambda n: ("项目名称\tx\n一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t人数\t1"
                             + "年" * (n // 3)),
    # Form words on one tab-separated line.
    "one_line": lambda n: "\t".join(random.Random(3).choices(_WORDS, k=n // 5)),
    # Printable noise without a 级 anywhere.
    "ascii_noise": lambda n: "".join(random.Random(3).choices("abc \t\n&#;<>|$\\0123456789", k=n)),
}


def read_seconds(text: str, repeat: int) -> float:
    """Median wall time of read_file on ``text`` (refusals count: they are the reader's answer)."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "shape.txt"
        path.write_text(text, encoding="utf-8")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                read_file(path)
            except InputError:
                pass
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="smallest size in characters")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}; median of {args.repeat} reads")
    print(f"{'shape':<12} " + " ".join(f"{f'{k}n':>9}" for k in (1, 2, 4)) + "   4n/1n")
    for name, make in SHAPES.items():
        secs = [read_seconds(make(args.n * k), args.repeat) for k in (1, 2, 4)]
        print(f"{name:<12} " + " ".join(f"{s:8.3f}s" for s in secs) + f"   {secs[2] / max(secs[0], 1e-9):5.1f}")


if __name__ == "__main__":
    main()
