"""Store benchmark: ingest N forms (default 1,000) and time ~100 searches.

The forms are the built-in corpus forms copied with varied project names, agencies and years,
written as drafter JSON files (100 per file as ``parse --format json`` prints them), ingested
into a temporary DRAFTER_HOME with the offline embedder, as ``drafter ingest`` does it.

    /work/venv/bin/python bench/bench_store.py [--forms 1000] [--queries 100] [--per-file 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DISTRICTS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定",
             "浦东新", "金山", "松江", "青浦", "奉贤", "崇明"]
TOPICS = ["白蚁防治宣传资料发放", "962121热线接通率", "维修资金归集和使用", "机房供电稳定",
          "直管公房测绘建档", "物业服务调研报告", "市政配套工程建设进度", "住房状况信息查询",
          "写字楼空置率监测", "楼盘价格数据库", "网络设备故障率", "热线坐席人数", "危旧房摸底调查",
          "防伪专用纸采购", "居民满意度", "长效管理机制", "修缮工程安全检查", "房地产估价师注册",
          "课题研究成果", "政策宣传次数"]


def make_forms(n: int) -> list:
    from drafter.read import read_file
    from drafter.resources import corpus_dir

    seeds = [f for p in sorted(corpus_dir().glob("*.txt")) for f in read_file(p) if f.indicators]
    forms = []
    for i in range(n):
        seed = seeds[i % len(seeds)]
        district = DISTRICTS[i % len(DISTRICTS)]
        forms.append(seed.model_copy(update={
            "project_name": f"{district}区{seed.project_name or '房屋管理'}（{i // len(seeds) + 1}期）",
            "agency": f"上海市{district}区房屋管理局",
            "year": 2019 + i % 6,
        }))
    return forms


def write_files(forms: list, folder: Path, per_file: int) -> list[Path]:
    files = []
    for k in range(0, len(forms), per_file):
        path = folder / f"forms_{k // per_file:04d}.json"
        chunk = [f.model_dump(mode="json") for f in forms[k:k + per_file]]
        path.write_text(json.dumps({"source": path.name, "forms": chunk}, ensure_ascii=False), encoding="utf-8")
        files.append(path)
    return files


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forms", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--per-file", type=int, default=10)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="drafter-bench-") as tmp:
        tmp_path = Path(tmp)
        home = tmp_path / "home"
        os.environ["DRAFTER_HOME"] = str(home)
        for var in ("DRAFTER_CHROMA_URL", "DRAFTER_EMBED_MODEL"):
            os.environ.pop(var, None)
        src = tmp_path / "forms"
        src.mkdir()
        files = write_files(make_forms(args.forms), src, args.per_file)

        t0 = time.perf_counter()
        from drafter.store import client, embedders
        from drafter.store import ingest as sync
        from drafter.store.documents import documents_for
        from drafter.store.embedders import embed_docs
        t_import = time.perf_counter() - t0

        ef = embedders.embedder_from_env()
        t0 = time.perf_counter()
        sources, skipped = sync.parse_files(files, None)
        t_read = time.perf_counter() - t0
        assert not skipped, skipped

        # Embedding alone, to split the ingest figure into our part and Chroma's.
        docs = [d for s in sources for d in documents_for(s.key, s.forms)]
        t0 = time.perf_counter()
        embed_docs(ef, docs)
        t_embed = time.perf_counter() - t0

        db = client.open_client(home)
        col = client.create_collection(db, ef)
        summary = sync.Summary(store=str(home), collection=col.name, embedder=ef.name())
        t0 = time.perf_counter()
        sync.sync(col, ef, sources, summary, batch=db.get_max_batch_size())
        t_sync = time.perf_counter() - t0

        t0 = time.perf_counter()
        again = sync.Summary(store=str(home), collection=col.name, embedder=ef.name())
        sync.sync(col, ef, sync.parse_files(files, None)[0], again, batch=db.get_max_batch_size())
        t_again = time.perf_counter() - t0
        assert again.counts.added == 0 and again.counts.updated == 0

        from drafter.store.search import Filters, search
        queries = [TOPICS[i % len(TOPICS)] for i in range(args.queries)]
        search(col, ef, "预热", 10)  # first query loads the index
        lat = []
        for q in queries:
            t0 = time.perf_counter()
            hits = search(col, ef, q, 10)
            lat.append((time.perf_counter() - t0) * 1000)
            assert hits
        flat = []
        for i, q in enumerate(queries):
            t0 = time.perf_counter()
            search(col, ef, q, 10, Filters(kind="indicator", year=[2019 + i % 6]))
            flat.append((time.perf_counter() - t0) * 1000)

        t0 = time.perf_counter()
        cli = subprocess.run([sys.executable, "-c", "from drafter.cli import main; main()", "search", "维修资金归集", "-k", "10",
                              "--format", "json"], capture_output=True, text=True)
        t_cli = time.perf_counter() - t0
        if cli.returncode != 0 or not json.loads(cli.stdout)["results"]:
            print("warning: CLI search failed:", cli.stderr.strip(), file=sys.stderr)

        size = sum(p.stat().st_size for p in (home / "chroma").rglob("*") if p.is_file())
        n_docs = col.count()
        print(f"forms {summary.forms} · files {summary.files} · indicators {summary.indicators} · "
              f"documents {n_docs} · embedder {ef.name()} ({getattr(ef, 'dim', '?')} dims)")
        print(f"ingest (read + embed + write)      {t_read + t_sync:7.2f} s"
              f"   = read {t_read:.2f} s + sync {t_sync:.2f} s (of which embedding ≈ {t_embed:.2f} s)")
        print(f"re-ingest, nothing changed         {t_again:7.2f} s   (added {again.counts.added}, "
              f"unchanged {again.counts.unchanged})")
        print(f"chromadb + store import            {t_import:7.2f} s")
        print(f"query latency, {len(lat)} queries, k=10   p50 {statistics.median(lat):6.1f} ms   "
              f"p95 {pct(lat, 95):6.1f} ms   max {max(lat):6.1f} ms")
        print(f"  with kind+year filter            p50 {statistics.median(flat):6.1f} ms   "
              f"p95 {pct(flat, 95):6.1f} ms")
        print(f"`drafter search` end to end (one process start) {t_cli:5.2f} s")
        print(f"store size on disk                 {size / 1e6:7.1f} MB")


if __name__ == "__main__":
    main()
