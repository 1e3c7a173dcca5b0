"""All of drafter's performance figures in one run: start-up, review, ingest, search, memory.

Everything goes through the installed ``drafter`` command or its public functions, so the figures
are those of the code as it is now:

* start-up: ``drafter --help`` wall time, median of several runs;
* reading: ``read_text`` in this process on the seed corpus and the real forms of ../shared
  (bench_read.py), best run in CPU time;
* review, rules only: ``drafter.rules.review_forms`` in this process on forms already in memory;
* review end to end: ``drafter review FILE --format json -o OUT`` in a subprocess, minus start-up;
* ingest: ``drafter ingest DIR --format json`` into a fresh DRAFTER_HOME with the offline embedder
  (the child gets no DRAFTER_* or OPENAI_* variable but DRAFTER_HOME), then again on the same
  files (nothing changed);
* search: ``drafter.store.search.search_store`` in this process against that store, warm (after
  one warm-up query), p50/p95; and ``drafter search`` end to end once;
* scale: ``drafter review``, ``deductions --offline``, ``parse`` and ``ingest`` over 200 / 800 / 3,200
  files (the built-in corpus copied round-robin), wall time and peak RSS in one small table with the
  peak ratio 800/200, so growth shows at a glance (``--before /work/main`` adds main's figures);
  ``--scale-commands review-xlsx,parse-xlsx`` measures the two workbook writers instead (not in
  the default run: before they streamed, 800 files took ~8 minutes and 1 GiB), and
  ``deductions-table`` the terminal table of ``deductions`` written to ``-o``, ``review-markdown``,
  ``review-sarif`` and ``review-table`` those three formats of ``review``;
* memory: peak RSS of one ``drafter review DIR --format json -o OUT`` subprocess over 10,000
  forms, and its throughput. Every command is started by a small ``python -S`` launcher that
  waits for it with ``os.wait4`` and reports its ``ru_maxrss`` (KiB on Linux): started straight
  from this process, a child would inherit this process's peak in its ``ru_maxrss`` (Linux keeps
  the pre-exec peak), so the launcher keeps that floor at ~10 MiB.

The forms are made from the built-in corpus by ``bench/synth.py`` (numbers, names, agencies and
years varied, seeded), written as drafter JSON to a temporary directory that is removed afterwards.
Progress goes to stderr, the figures to stdout.

    /work/venv/bin/python bench/bench_all.py                  # full run (ingest 1,000, review 10,000)
    /work/venv/bin/python bench/bench_all.py --quick          # smoke run, under a minute
    /work/venv/bin/python bench/bench_all.py --forms 2000 --review-forms 20000
    /work/venv/bin/python bench/bench_all.py --only scale --jobs 1   # the scale table alone
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from synth import TOPICS, pct, synthetic_batch, varied_forms, write_batch, write_files

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


# --- running drafter --------------------------------------------------------------------------

@dataclass
class Run:
    """One finished subprocess: wall time, peak RSS of that process, exit code, output."""
    cmd: list[str]
    seconds: float
    maxrss_kib: int
    returncode: int
    stdout: str = ""
    stderr: str = ""


def drafter_exe() -> str:
    exe = Path(sys.executable).parent / "drafter"
    if exe.exists():
        return str(exe)
    found = shutil.which("drafter")
    if not found:
        sys.exit("bench_all: no `drafter` command next to this python or on PATH; pip install -e . first")
    return found


def child_env(home: Path) -> dict[str, str]:
    """The caller's environment without any drafter or OpenAI setting: offline embedder, local store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTER_", "OPENAI_"))}
    env["DRAFTER_HOME"] = str(home)
    return env


# A small launcher between this process and drafter. Linux keeps, in a child's ru_maxrss, the
# peak RSS of the memory it had before exec; a child forked or vforked from this (large) process
# would report this process's peak instead of its own. The launcher is `python -S` (≈10 MiB), so
# that floor is negligible; it spawns the command, waits for it with wait4 and writes the
# command's own wall time, ru_maxrss (KiB on Linux), its own VmHWM (the floor) and exit code.
_LAUNCHER = r"""
import os, sys, time
result, argv = sys.argv[1], sys.argv[2:]
with open("/proc/self/status") as f:  # this process's own peak; its ru_maxrss holds its parent's
    floor = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
t = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - t
with open(result, "w") as f:
    f.write(f"{seconds} {usage.ru_maxrss} {floor} {os.waitstatus_to_exitcode(status)}")
"""
LAUNCHER_FLOOR_KIB = [0]


def run(cmd: list[str], env: dict[str, str], tmp: Path, capture: bool = False) -> Run:
    """Run ``cmd`` to completion: its wall time and its own peak RSS (via the launcher)."""
    out_path, err_path, res_path = tmp / "_stdout", tmp / "_stderr", tmp / "_result"
    res_path.unlink(missing_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(res_path), *cmd], env=env,
                       stdin=subprocess.DEVNULL, stdout=out if capture else subprocess.DEVNULL,
                       stderr=err, check=True)
    seconds, maxrss, floor, code = res_path.read_text().split()
    LAUNCHER_FLOOR_KIB[0] = max(LAUNCHER_FLOOR_KIB[0], int(floor))
    return Run(cmd, float(seconds), int(maxrss), int(code),
               out_path.read_text(encoding="utf-8", errors="replace") if capture else "",
               err_path.read_text(encoding="utf-8", errors="replace"))


def checked(r: Run, ok: tuple[int, ...] = (0,)) -> Run:
    if r.returncode not in ok:
        sys.exit(f"bench_all: `{shlex.join(r.cmd)}` exited {r.returncode}:\n{r.stderr.strip()[-2000:]}")
    return r


def note(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# --- the report ----------------------------------------------------------------------------

@dataclass
class Table:
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str, figure: str, detail: str = "") -> None:
        self.rows.append((what, figure, detail))

    def print(self) -> None:
        w1 = max(_width(r[0]) for r in self.rows)
        w2 = max(_width(r[1]) for r in self.rows)
        for what, fig, detail in self.rows:
            print(f"{_pad(what, w1)}  {_pad(fig, w2, right=True)}  {detail}".rstrip())


def _width(s: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * (w - _width(s))
    return fill + s if right else s + fill


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f", {int(line.split()[1]) / 1024 ** 2:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    try:
        from importlib.metadata import version
        versions = f"drafter {version('drafter')}, chromadb {version('chromadb')}, pydantic {version('pydantic')}"
    except Exception:  # a missing distribution only loses the line's detail
        versions = ""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"}).stdout.strip()
    return [
        f"machine : {os.cpu_count()} CPUs ({cpu}){mem}; {platform.system()} {platform.release()}",
        f"python  : {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"packages: {versions}" + (f"; repo HEAD {commit} (working tree may differ)" if commit else ""),
    ]


def load() -> str:
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def _n(x: float) -> str:
    return f"{x:,.0f}"


# --- the benchmark ----------------------------------------------------------------------------

def open_collection_search(queries: list[str]) -> tuple[str, str, str]:
    """p50/p95 of ``search()`` on a collection opened once, as drafting uses it (no per-query
    client, lock and collection lookup). A secondary row: if the store's public helpers change,
    it says so instead of stopping the benchmark."""
    what = "  search() on an open collection"
    try:
        from drafter.resources import home_dir
        from drafter.store import client, embedders
        from drafter.store.search import search
        ef = embedders.embedder_from_env()
        col = client.find_collection(client.open_client(home_dir()), ef)
        search(col, ef, "预热", 10)
        lat = []
        for q in queries:
            t0 = time.perf_counter()
            search(col, ef, q, 10)
            lat.append((time.perf_counter() - t0) * 1000)
    except Exception as e:  # a changed helper loses this row only
        return what, "n/a", f"{type(e).__name__}: {' '.join(str(e).split())[:100]}"
    return what, f"{statistics.median(lat):.1f} / {pct(lat, 95):.1f} ms", \
        "search() on a collection opened once (as drafting does), same queries"


SECTIONS = ("read", "review", "store", "memory", "scale")


def startup_section(c: "Ctx") -> None:
    note(f"start-up: drafter --help × {c.runs}")
    run([c.exe, "--help"], c.env, c.tmp)  # the first run warms the OS file cache and .pyc files
    startup = [checked(run([c.exe, "--help"], c.env, c.tmp)).seconds for _ in range(c.runs)]
    c.startup = statistics.median(startup)
    c.table.add("start-up: drafter --help", f"{c.startup:.3f} s",
                f"median of {c.runs}, min {min(startup):.3f} s")


def read_section(c: "Ctx") -> None:
    """Text to forms in process: the seed corpus and the real forms of ../shared (bench_read.py)."""
    from bench_read import rate, text_sets
    for label, texts in text_sets():
        note(f"read: {label}")
        r, n, _ = rate(texts, max(c.runs * 3, 5))
        c.table.add(f"reading text, {label} (in process)", f"{_n(r)} ind/s",
                    f"{len(texts)} files, {n:,} indicators; best of {max(c.runs * 3, 5)} in CPU time")


def review_section(c: "Ctx") -> None:
    """Rules in process on forms in memory, then `drafter review FILE` on the same forms."""
    note(f"review: {c.copies} varied copies of the corpus")
    from drafter.rules import all_rules, review_forms
    batch = synthetic_batch(c.copies)
    n_forms = sum(len(fs) for _, fs in batch)
    n_ind = sum(len(f.indicators) for _, fs in batch for f in fs)
    all_rules()  # load the rule modules before timing, as a running command has
    times, findings = [], []
    for _ in range(c.runs):
        t0 = time.perf_counter()
        findings = review_forms(batch)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    c.table.add("review, rules only (in process)", f"{_n(n_ind / med)} ind/s",
                f"{n_forms:,} forms, {n_ind:,} indicators, {len(findings):,} findings; "
                f"median of {c.runs}, best {_n(n_ind / min(times))}/s")
    from drafter.suggest import add_suggestions, corpus_examples
    corpus_examples()  # built once per process, as in a running command
    t0 = time.perf_counter()
    add_suggestions(findings, batch)
    spent = max(time.perf_counter() - t0, 1e-9)
    n_unm = sum(1 for f in findings if "unmeasurable" in f.tags)
    c.table.add("review --suggest, rewrites (in process)", f"{_n(n_unm / spent)} /s",
                f"{n_unm:,} unmeasurable findings rewritten in {spent:.2f} s")
    review_file = c.tmp / "review_set.json"
    write_batch(batch, review_file)
    del batch, findings
    e2e_runs = max(1, c.runs // 2)
    note(f"review end to end × {e2e_runs}")
    ends = [checked(run([c.exe, "review", str(review_file), "--format", "json", "-o", str(c.tmp / "review_out.json"),
                         "--fail-on", "never"], c.env, c.tmp)) for _ in range(e2e_runs)]
    e2e = statistics.median(r.seconds for r in ends)
    c.table.add("review end to end, net of start-up", f"{_n(n_ind / max(e2e - c.startup, 1e-9))} ind/s",
                f"drafter review FILE --format json -o OUT: {e2e:.2f} s wall (median of {e2e_runs}), "
                f"peak RSS {max(r.maxrss_kib for r in ends) / 1024:.0f} MiB")
    review_file.unlink()


def store_section(c: "Ctx") -> None:
    """`drafter ingest` into a fresh store, again unchanged; searches in process and by the CLI."""
    note(f"ingest: writing {c.n_ingest:,} forms")
    src = c.tmp / "ingest"
    files = write_files(varied_forms(c.n_ingest, seed=11), src, c.per_file)
    note(f"ingest: drafter ingest {len(files)} files into a fresh store")
    first = checked(run([c.exe, "ingest", str(src), "--format", "json"], c.env, c.tmp, capture=True))
    s1 = json.loads(first.stdout)
    if s1.get("skipped"):
        sys.exit(f"bench_all: ingest skipped files: {s1['skipped'][:3]}")
    forms_in = s1.get("forms", c.n_ingest)
    c.table.add(f"ingest {forms_in:,} forms, fresh store", f"{forms_in / first.seconds:,.1f} forms/s",
                f"drafter ingest DIR: {first.seconds:.1f} s wall ({s1.get('seconds', 0):.1f} s inside), "
                f"{s1.get('documents', 0):,} documents, {s1.get('added', 0):,} added, "
                f"peak RSS {first.maxrss_kib / 1024:.0f} MiB")
    note("ingest: again, nothing changed")
    again = checked(run([c.exe, "ingest", str(src), "--format", "json"], c.env, c.tmp, capture=True))
    s2 = json.loads(again.stdout)
    changed = s2.get("added", 0) + s2.get("updated", 0) + s2.get("removed", 0)
    c.table.add("re-ingest, nothing changed", f"{forms_in / again.seconds:,.1f} forms/s",
                f"{again.seconds:.1f} s wall, {s2.get('unchanged', 0):,} unchanged"
                + (f", {changed} CHANGED (expected 0)" if changed else ""))
    shutil.rmtree(src)
    c.notes.append(f"store: {sum(p.stat().st_size for p in c.home.rglob('*') if p.is_file()) / 1e6:.0f} MB "
                   f"on disk after the two ingests, offline embedder {s1.get('embedder', '?')}")

    note(f"search: {c.n_queries} queries in process, then drafter search once")
    for k in [k for k in os.environ if k.startswith(("DRAFTER_", "OPENAI_"))]:
        del os.environ[k]
    os.environ["DRAFTER_HOME"] = str(c.home)
    from drafter.store.search import Filters, search_store
    search_store("预热", 10)  # the first query opens the store and loads the index
    queries = [TOPICS[i % len(TOPICS)] for i in range(c.n_queries)]
    lat, flat = [], []
    for q in queries:
        t0 = time.perf_counter()
        hits = search_store(q, 10)
        lat.append((time.perf_counter() - t0) * 1000)
        if not hits:
            sys.exit(f"bench_all: no hits for {q!r}")
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        search_store(q, 10, Filters(kind="indicator", year=[2019 + i % 6]))
        flat.append((time.perf_counter() - t0) * 1000)
    c.table.add("search p50 / p95, k=10 (in process)", f"{statistics.median(lat):.1f} / {pct(lat, 95):.1f} ms",
                f"search_store(), {len(lat)} queries, warm; max {max(lat):.1f} ms")
    c.table.add("  with --kind indicator --year filter", f"{statistics.median(flat):.1f} / {pct(flat, 95):.1f} ms",
                "search_store(), same queries")
    c.table.add(*open_collection_search(queries))
    cli = checked(run([c.exe, "search", "维修资金归集", "-k", "10", "--format", "json"], c.env, c.tmp, capture=True))
    if not json.loads(cli.stdout).get("results"):
        sys.exit("bench_all: `drafter search` returned no results")
    c.table.add("drafter search end to end", f"{cli.seconds:.2f} s",
                f"one process start (chromadb import) + one query; peak RSS {cli.maxrss_kib / 1024:.0f} MiB")


def copied_corpus(folder: Path, n: int) -> Path:
    """``n`` files in ``folder``: the built-in corpus copied round-robin, as a budget round's batch."""
    from drafter.resources import corpus_dir
    seeds = sorted(p for p in corpus_dir().iterdir() if p.is_file())
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        seed = seeds[i % len(seeds)]
        shutil.copyfile(seed, folder / f"{i:05d}_{seed.name}")
    return folder


SCALE_COMMANDS = ("review", "deductions", "parse", "ingest")
# Measured only when asked for (--scale-commands): see the module docstring.
SCALE_EXTRA = ("review-xlsx", "parse-xlsx", "deductions-table", "review-markdown", "review-sarif", "review-table")


def scale_section(c: "Ctx") -> None:
    """review, deductions (offline), parse and ingest over 200 / 800 / 3,200 copied files.

    Time and peak RSS of each command at each size go into one small table, with the ratio of the
    peak at the second size to the first: a streaming command stays near 1, one that holds the
    batch grows with it. ``ingest`` starts from an empty DRAFTER_HOME each time. With
    ``--before PYTHONPATH`` the same commands also run on that checkout (e.g. /work/main) and the
    table shows both side by side.
    """
    jobs = ["--jobs", str(c.jobs)] if c.jobs else []
    out = str(c.tmp / "scale_out")

    def commands(folder: Path) -> list[tuple[str, list[str]]]:
        return [("review", [c.exe, "review", str(folder), "--format", "json", "-o", out, "--fail-on", "never", *jobs]),
                ("deductions", [c.exe, "deductions", str(folder), "--offline", "--format", "json", "-o", out, *jobs]),
                ("parse", [c.exe, "parse", str(folder), "--format", "json", "-o", out, *jobs]),
                ("ingest", [c.exe, "ingest", str(folder), "--format", "json"]),
                ("review-xlsx", [c.exe, "review", str(folder), "--format", "xlsx", "-o", out + ".xlsx",
                                 "--fail-on", "never", *jobs]),
                ("parse-xlsx", [c.exe, "parse", str(folder), "--format", "xlsx", "-o", out + ".xlsx", *jobs]),
                ("deductions-table", [c.exe, "deductions", str(folder), "--offline", "--format", "table", "-o", out,
                                      *jobs])] + [
                (f"review-{fmt}", [c.exe, "review", str(folder), "--format", fmt, "-o", out, "--fail-on", "never",
                                   *jobs]) for fmt in ("markdown", "sarif", "table")]

    variants = [("after", {**c.env, "PYTHONPATH": c.after})]
    if c.before:
        variants.insert(0, ("before", {**c.env, "PYTHONPATH": c.before}))
    figures: dict[tuple[str, str, int], Run] = {}
    for n in c.scale:
        folder = copied_corpus(c.tmp / f"scale_{n}", n)
        for name, cmd in commands(folder):
            if name not in c.scale_only:
                continue
            for label, env in variants:
                shutil.rmtree(c.tmp / "scale_home", ignore_errors=True)
                env = {**env, "DRAFTER_HOME": str(c.tmp / "scale_home")}
                note(f"scale: {name} {n:,} files ({label})")
                figures[(label, name, n)] = checked(run(cmd, env, c.tmp), ok=(0, 2) if name == "ingest" else (0,))
        shutil.rmtree(folder)
    c.scale_table = scale_table(figures, [label for label, _ in variants], c.scale)


def scale_table(figures: dict[tuple[str, str, int], Run], labels: list[str], sizes: list[int]) -> list[str]:
    """One row per command: seconds and peak MiB at each size, then the peak ratio size 2 / size 1."""
    names = [n for n in SCALE_COMMANDS + SCALE_EXTRA if any(k[1] == n for k in figures)]
    head = ["command"] + [f"{n:,} files" for n in sizes] + ([f"peak {sizes[1]:,}/{sizes[0]:,}"] if len(sizes) > 1 else [])
    rows = [head]
    for name in names:
        for label in labels:
            cells = [f"{name} ({label})" if len(labels) > 1 else name]
            for n in sizes:
                r = figures.get((label, name, n))
                cells.append("—" if r is None else f"{r.seconds:.1f} s · {r.maxrss_kib / 1024:,.0f} MiB")
            if len(sizes) > 1:
                a, b = figures.get((label, name, sizes[0])), figures.get((label, name, sizes[1]))
                cells.append("—" if a is None or b is None else f"×{b.maxrss_kib / max(a.maxrss_kib, 1):.2f}")
            rows.append(cells)
    widths = [max(_width(r[k]) for r in rows) for k in range(len(head))]
    return ["  ".join(_pad(cell, widths[k], right=k > 0) for k, cell in enumerate(r)) for r in rows]


def memory_section(c: "Ctx") -> None:
    """One `drafter review DIR --format json -o OUT` over n_review forms: peak RSS and throughput."""
    note(f"memory: writing {c.n_review:,} forms")
    big = c.tmp / "review_big"
    n_ind = 0

    def counted():
        nonlocal n_ind
        for f in varied_forms(c.n_review, seed=13):
            n_ind += len(f.indicators)
            yield f

    files = write_files(counted(), big, c.per_file)
    in_mb = sum(p.stat().st_size for p in files) / 1e6
    note(f"memory: drafter review {len(files)} files ({in_mb:.0f} MB)")
    out = c.tmp / "review_big.json"
    mem = checked(run([c.exe, "review", str(big), "--format", "json", "-o", str(out), "--fail-on", "never"],
                      c.env, c.tmp))
    c.table.add(f"review {c.n_review:,} forms: peak RSS", f"{mem.maxrss_kib / 1024:,.0f} MiB",
                f"drafter review DIR --format json -o OUT; {len(files)} files, {in_mb:.0f} MB in, "
                f"{out.stat().st_size / 1e6:.0f} MB out")
    c.table.add(f"review {c.n_review:,} forms: throughput", f"{_n(n_ind / max(mem.seconds - c.startup, 1e-9))} ind/s",
                f"{n_ind:,} indicators in {mem.seconds:.1f} s wall, net of start-up")


@dataclass
class Ctx:
    exe: str
    tmp: Path
    home: Path
    env: dict[str, str]
    runs: int
    copies: int
    n_ingest: int
    n_review: int
    n_queries: int
    per_file: int
    scale: list[int] = field(default_factory=lambda: [200, 800, 3200])
    jobs: int = 0
    before: str = ""
    after: str = str(REPO)
    scale_only: tuple[str, ...] = SCALE_COMMANDS
    scale_table: list[str] = field(default_factory=list)
    table: Table = field(default_factory=Table)
    notes: list[str] = field(default_factory=list)
    startup: float = 0.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=None, help="forms to ingest (default 1,000; --quick 100)")
    ap.add_argument("--review-forms", type=int, default=None,
                    help="forms in the memory run (default 10,000; --quick 1,000)")
    ap.add_argument("--copies", type=int, default=None,
                    help="copies of the corpus (31 forms each) for the review throughput runs (default 40; --quick 8)")
    ap.add_argument("--queries", type=int, default=None, help="search queries timed (default 100; --quick 20)")
    ap.add_argument("--runs", type=int, default=None, help="repetitions of the short timings (default 5; --quick 3)")
    ap.add_argument("--per-file", type=int, default=10, help="forms per generated JSON file (default 10)")
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help=f"comma-separated sections among {','.join(SECTIONS)} (start-up always runs)")
    ap.add_argument("--scale", default=None,
                    help="file counts of the scale section, comma-separated (default 200,800,3200; --quick 50,200)")
    ap.add_argument("--jobs", type=int, default=0,
                    help="pass --jobs N to review in the scale section (default: its own, the number of cores)")
    ap.add_argument("--before", default="",
                    help="scale section: also run the commands with this PYTHONPATH (a checkout of main) for a before column")
    ap.add_argument("--after", default=str(REPO),
                    help="scale section: the PYTHONPATH of the code measured (default: this checkout)")
    ap.add_argument("--scale-commands", default=",".join(SCALE_COMMANDS),
                    help=f"scale section: which of {','.join(SCALE_COMMANDS + SCALE_EXTRA)} to run "
                         f"(default {','.join(SCALE_COMMANDS)})")
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run (< 60 s)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (its path is printed)")
    args = ap.parse_args(argv)
    q = args.quick
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    if not only or set(only) - set(SECTIONS):
        ap.error(f"--only takes {','.join(SECTIONS)}")
    sizes = dict(
        runs=args.runs if args.runs is not None else (3 if q else 5),
        copies=args.copies if args.copies is not None else (8 if q else 40),
        n_ingest=args.forms if args.forms is not None else (100 if q else 1000),
        n_review=args.review_forms if args.review_forms is not None else (1000 if q else 10000),
        n_queries=args.queries if args.queries is not None else (20 if q else 100),
        per_file=args.per_file,
    )
    if min(sizes.values()) < 1:
        ap.error("every size must be at least 1")
    try:
        scale = [int(x) for x in (args.scale or ("50,200" if q else "200,800,3200")).split(",") if x.strip()]
    except ValueError:
        ap.error("--scale takes comma-separated file counts")
    if not scale or min(scale) < 1:
        ap.error("--scale takes file counts of at least 1")

    started = time.perf_counter()
    header = [f"$ {shlex.join([sys.executable, *sys.argv])}    (cwd {os.getcwd()})", *machine(),
              f"load average at start: {load()} (1/5/15 min)"]
    for line in header:
        note(line)
    tmp = Path(tempfile.mkdtemp(prefix="drafter-bench-"))
    try:
        home = tmp / "home"
        c = Ctx(exe=drafter_exe(), tmp=tmp, home=home, env=child_env(home), scale=scale, jobs=args.jobs,
                before=args.before, after=args.after, scale_only=tuple(x.strip() for x in args.scale_commands.split(",") if x.strip()),
                **sizes)
        startup_section(c)
        for name in SECTIONS:  # always in this order: the big runs last
            if name in only:
                {"read": read_section, "review": review_section, "store": store_section,
                 "memory": memory_section, "scale": scale_section}[name](c)
        total = time.perf_counter() - started
        print("\n".join(header))
        if set(only) - {"scale"}:
            print(f"forms: bench/synth.py (built-in corpus, numbers/names/agencies/years varied), drafter JSON, "
                  f"{c.per_file} forms per file")
        if "scale" in only:
            print("scale: the built-in corpus files copied round-robin into folders of "
                  + " / ".join(f"{n:,}" for n in c.scale) + " files")
        for line in c.notes:
            print(line)
        print()
        c.table.print()
        if c.scale_table:
            print()
            print(f"scale: wall time · peak RSS of each command; code at PYTHONPATH={c.after}" + (f"; before = PYTHONPATH={c.before}" if c.before else ""))
            print("\n".join(c.scale_table))
        print()
        print(f"peak RSS: the command's own ru_maxrss, through a `python -S` launcher (floor "
              f"{LAUNCHER_FLOOR_KIB[0] / 1024:.0f} MiB); wall times exclude the launcher's start")
        print(f"load average at end: {load()} (1/5/15 min); total {total:.0f} s")
        if args.keep:
            print(f"kept {tmp}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
