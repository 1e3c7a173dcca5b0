"""LLM concurrency: `drafter deductions` over ≥1,000 notes with --jobs 1 and --jobs 8.

The model is :class:`fake_llm.FakeLLM`, a loopback server with a fixed latency per request (the
part of a real provider's ~10 s that concurrency can overlap), so the figure is drafter's own:
how much of the waiting ``--jobs`` hides, and what its per-call overhead (prompt rendering,
instructor validation, the SQLite call log) costs. Both runs start from an empty DRAFTER_HOME
(no cache hits) and must write byte-identical JSON reports; the script exits 1 when they differ.
Besides wall time it prints the LLM phase (the fake server's first request to its last answer:
wall time without process start-up and reading) and the CPU seconds each run used, because on
a loaded machine the CPU left over, not the latency, bounds what concurrency can win.

    /work/venv/bin/python bench/bench_llm.py                       # 1,200 notes, 1 s latency
    /work/venv/bin/python bench/bench_llm.py --notes 200 --latency 0.2   # quick
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_llm import FakeLLM, self_eval_forms

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def run_deductions(src: Path, out: Path, home: Path, url: str, jobs: int) -> tuple[float, float]:
    """Wall seconds of one `drafter deductions` run, and the CPU seconds (user + sys) it used."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env.update(DRAFTER_HOME=str(home), OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-bench-not-a-key",
               DRAFTER_MODE="JSON", DRAFTER_MODEL="bench", DRAFTER_HTTP_RETRIES="0",
               PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "drafter.cli", "deductions", str(src), "-f", "json",
                        "-o", str(out), "--jobs", str(jobs)], env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"bench_llm: deductions --jobs {jobs} exited {r.returncode}:\n{r.stderr[-2000:]}")
    return seconds, (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)


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
        phases: dict[int, float] = {}
        outputs: dict[int, bytes] = {}
        print(f"notes: {args.notes}, latency {args.latency:g} s per request, cores {os.cpu_count()}, "
              f"load at start {os.getloadavg()[0]:.2f}", flush=True)
        for j in jobs:
            with FakeLLM(args.latency) as server:
                out = tmp / f"report-{j}.json"
                times[j], cpu = run_deductions(src, out, tmp / f"home-{j}", server.url, j)
                phases[j] = server.phase
                outputs[j] = out.read_bytes()
                report = json.loads(outputs[j])
                llm_rows = sum(1 for d in report["deductions"] if str(d.get("classified_by", "")).startswith("llm"))
                print(f"deductions --jobs {j}: {times[j]:.1f} s wall ({phases[j]:.1f} s from first request to last "
                      f"answer), {cpu:.1f} s CPU, {server.requests} requests (peak {server.peak} at once), "
                      f"{llm_rows} rows answered by the model; load {os.getloadavg()[0]:.2f}", flush=True)
        same = len(set(outputs.values())) == 1
        base = times[jobs[0]]
        for j in jobs[1:]:
            print(f"--jobs {j} vs --jobs {jobs[0]}: {base / times[j]:.1f}× faster end to end, "
                  f"{phases[jobs[0]] / phases[j]:.1f}× over the LLM phase")
        print("reports identical" if same else "REPORTS DIFFER")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
