"""LLM concurrency: `drafter deductions` over ≥1,000 notes with --jobs 1 and --jobs 8.

The model is :class:`fake_llm.FakeLLM`, a loopback server with a fixed latency per request (the
part of a real provider's ~10 s that concurrency can overlap), so the figure is drafter's own:
how much of the waiting ``--jobs`` hides, and what its per-call overhead (prompt rendering,
instructor validation, the SQLite call log) costs. Both runs start from an empty DRAFTER_HOME
(no cache hits) and must write byte-identical JSON reports; the script exits 1 when they differ.

    /work/venv/bin/python bench/bench_llm.py                       # 1,200 notes, 1 s latency
    /work/venv/bin/python bench/bench_llm.py --notes 200 --latency 0.2   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_llm import FakeLLM, self_eval_forms

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def run_deductions(src: Path, out: Path, home: Path, url: str, jobs: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env.update(DRAFTER_HOME=str(home), OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-bench-not-a-key",
               DRAFTER_MODE="JSON", DRAFTER_MODEL="bench", DRAFTER_HTTP_RETRIES="0",
               PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "drafter.cli", "deductions", str(src), "-f", "json",
                        "-o", str(out), "--jobs", str(jobs)], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench_llm: deductions --jobs {jobs} exited {r.returncode}:\n{r.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=1200, help="lost-point rows with a note (default 1,200)")
    ap.add_argument("--latency", type=float, default=1.0,
                    help="seconds the fake server takes per request (default 1; providers take ~10)")
    ap.add_argument("--jobs", default="1,8", help="comma-separated --jobs values (default 1,8)")
    args = ap.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="drafter-bench-llm-"))
    try:
        src = tmp / "self_evals.json"
        forms = self_eval_forms(args.notes)
        src.write_text(json.dumps({"source": "bench", "forms": [f.model_dump(mode="json") for f in forms]},
                                  ensure_ascii=False), encoding="utf-8")
        times: dict[int, float] = {}
        outputs: dict[int, bytes] = {}
        for j in jobs:
            with FakeLLM(args.latency) as server:
                out = tmp / f"report-{j}.json"
                times[j] = run_deductions(src, out, tmp / f"home-{j}", server.url, j)
                outputs[j] = out.read_bytes()
                report = json.loads(outputs[j])
                llm_rows = sum(1 for d in report["deductions"] if str(d.get("classified_by", "")).startswith("llm"))
                print(f"deductions --jobs {j}: {times[j]:.1f} s, {server.requests} requests "
                      f"(peak {server.peak} at once), {llm_rows} rows answered by the model", flush=True)
        same = len(set(outputs.values())) == 1
        base = times[jobs[0]]
        print(f"notes: {args.notes}, latency {args.latency:g} s per request, cores {os.cpu_count()}, "
              f"load {os.getloadavg()[0]:.2f}")
        for j in jobs[1:]:
            print(f"--jobs {j} vs --jobs {jobs[0]}: {base / times[j]:.1f}× faster")
        print("reports identical" if same else "REPORTS DIFFER")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
