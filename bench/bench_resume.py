"""An interrupted `drafter deductions` with a model, and its re-run: how many calls the re-run sends.

The model is :class:`fake_llm.FakeLLM` (loopback, fixed latency, counts the requests it receives).
The first run is stopped with SIGINT once about half of the batches were sent; the re-run, with
the same DRAFTER_HOME and the same server, should send only the batches whose answers had not
reached the cache (at most the one in flight when Ctrl-C came is asked again). A third run sends
nothing. The report of the re-run must be byte-identical to that of an uninterrupted run.

    /work/venv/bin/python bench/bench_resume.py                      # 400 notes (50 batches), 0.2 s latency
    /work/venv/bin/python bench/bench_resume.py --notes 800 --latency 0.5 --jobs 4
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_llm import FakeLLM, self_eval_forms

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BATCH = 8  # drafter.deductions.llm_engine.BATCH_SIZE


def env_for(home: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env.update(DRAFTER_HOME=str(home), OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-bench-not-a-key",
               DRAFTER_MODE="JSON", DRAFTER_MODEL="bench", DRAFTER_HTTP_RETRIES="0",
               PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    return env


def command(src: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "drafter.cli", "deductions", str(src), "-f", "json", "-o", str(out),
            "--jobs", str(jobs)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notes", type=int, default=400, help="lost-point rows with a note (default 400)")
    ap.add_argument("--latency", type=float, default=0.2, help="seconds per request (default 0.2)")
    ap.add_argument("--jobs", type=int, default=2, help="--jobs of every run (default 2)")
    args = ap.parse_args(argv)
    batches = (args.notes + BATCH - 1) // BATCH
    tmp = Path(tempfile.mkdtemp(prefix="drafter-bench-resume-"))
    try:
        src = tmp / "self_evals.json"
        src.write_text(json.dumps({"source": "bench", "forms": [f.model_dump(mode="json")
                                                                 for f in self_eval_forms(args.notes)]},
                                  ensure_ascii=False), encoding="utf-8")
        out = tmp / "report.json"
        print(f"notes {args.notes} ({batches} batches of {BATCH}), latency {args.latency:g} s, --jobs {args.jobs}, "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
        # One server throughout: the cache key names the server, as a provider's URL stays the same.
        with FakeLLM(args.latency) as server:
            env = env_for(tmp / "home", server.url)
            proc = subprocess.Popen(command(src, out, args.jobs), env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            while server.requests < batches // 2 and proc.poll() is None:
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate()
            first = server.requests
            print(f"run 1: SIGINT after {first} requests; exit {proc.returncode}; "
                  f"report written: {'yes' if out.exists() else 'no'}; last line: {err.strip().splitlines()[-1]}")
            server.latency = 0.0
            t = time.perf_counter()
            r = subprocess.run(command(src, out, args.jobs), env=env, capture_output=True, text=True)
            second = server.requests - first
            print(f"run 2 (re-run): {second} requests for the {batches} batches "
                  f"({batches - second} answered from the cache); exit {r.returncode}; {time.perf_counter() - t:.1f} s")
            resumed = out.read_bytes()
            r = subprocess.run(command(src, out, args.jobs), env=env, capture_output=True, text=True)
            third = server.requests - first - second
            print(f"run 3 (again): {third} requests")
            fresh = tmp / "fresh.json"
            r = subprocess.run(command(src, fresh, args.jobs), env=env_for(tmp / "fresh-home", server.url),
                               capture_output=True, text=True)
        same = fresh.read_bytes() == resumed
        print(f"sent in all: {first + second} requests for {batches} batches "
              f"(an uninterrupted run sends {batches}); re-run report "
              + ("identical to an uninterrupted run's" if same else "DIFFERS from an uninterrupted run's"))
        return 0 if same and third == 0 and second <= batches - first + 1 else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
