"""Server time of the workbench's review: one pasted form through ``POST /api/review``.

A real server (uvicorn, 127.0.0.1, port 0) is started in this process with the start-up warm-up the
``drafter serve`` command does; then the same pasted form is reviewed N times over HTTP. The figure
is the server time (the ``Server-Timing`` header: from the request reaching the app to the response
being ready; parsing the upload, saving it to the job folder, reading, the rules, the JSON) and,
beside it, the client's round trip. Target (issue 19): ≤ 300 ms server time for one pasted form.

    /work/venv/bin/python bench/bench_web.py            # 50 requests per form
    /work/venv/bin/python bench/bench_web.py --runs 200
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FORMS = {
    "one self-evaluation (17 indicators)": ROOT / "corpus" / "003_7ec12586f0d6cf79.txt",
    "one file of 5 target forms (88 indicators)": ROOT / "corpus" / "000_695c4e6a2653faf7.txt",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    os.environ.setdefault("DRAFTER_HOME", tempfile.mkdtemp(prefix="drafter-bench-"))

    import httpx
    import uvicorn

    from drafter.web.app import create_app

    started = time.perf_counter()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    print(f"start-up (imports, rules, corpus examples, chromadb): {time.perf_counter() - started:.2f} s")
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    with httpx.Client(base_url=base, timeout=60) as client:
        for label, path in FORMS.items():
            text = path.read_text(encoding="utf-8")
            client.post("/api/review", data={"text": text})  # the first request warms the route
            served, trips = [], []
            for _ in range(args.runs):
                t = time.perf_counter()
                r = client.post("/api/review", data={"text": text})
                trips.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
                served.append(float(r.headers["server-timing"].split("dur=")[1]))
            served.sort()
            p95 = served[int(0.95 * (len(served) - 1))]
            print(f"{label}: server p50 {statistics.median(served):.1f} ms, p95 {p95:.1f} ms, "
                  f"max {served[-1]:.1f} ms; round trip p50 {statistics.median(trips):.1f} ms "
                  f"({args.runs} requests, {len(r.json()['findings'])} findings)")
    server.should_exit = True
    thread.join(10)


if __name__ == "__main__":
    main()
