"""Synthetic forms for the benchmarks, made from the built-in corpus (shared by every bench script).

Three generators, all seeded and deterministic:

* :func:`synthetic_batch` (bench_review.py): whole copies of the corpus with every number and
  indicator name varied, as ``(source, forms)`` pairs;
* :func:`make_forms` (bench_store.py): corpus forms with varied project names, agencies and years;
* :func:`varied_forms` (bench_all.py): exactly ``n`` forms with both kinds of variation (numbers,
  indicator and project names, agencies, years), yielded one at a time so that 10,000 forms can be
  written out without holding them all.

The scripts run as ``python bench/NAME.py``, so ``bench/`` is on ``sys.path`` and ``import synth``
works without a package.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

_NUM = re.compile(r"\d+(?:\.\d+)?")

DISTRICTS = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定",
             "浦东新", "金山", "松江", "青浦", "奉贤", "崇明"]
TOPICS = ["白蚁防治宣传资料发放", "962121热线接通率", "维修资金归集和使用", "机房供电稳定",
          "直管公房测绘建档", "物业服务调研报告", "市政配套工程建设进度", "住房状况信息查询",
          "写字楼空置率监测", "楼盘价格数据库", "网络设备故障率", "热线坐席人数", "危旧房摸底调查",
          "防伪专用纸采购", "居民满意度", "长效管理机制", "修缮工程安全检查", "房地产估价师注册",
          "课题研究成果", "政策宣传次数"]


def vary_number(rng: random.Random, text: str | None) -> str | None:
    """Every number in ``text`` scaled by a random factor in [0.8, 1.2], keeping its format."""
    if not text:
        return text

    def one(m: re.Match[str]) -> str:
        x = float(m.group(0))
        y = max(0.0, x * rng.uniform(0.8, 1.2))
        return f"{y:.2f}" if "." in m.group(0) else str(int(round(y)))

    return _NUM.sub(one, text)


def corpus_sources() -> list[tuple[str, list[Any]]]:
    """(file name, forms) for every file of the built-in corpus, read by the public reader."""
    from drafter.read import expand_paths, read_file
    from drafter.resources import corpus_dir

    return [(p.name, read_file(p)) for p in expand_paths([str(corpus_dir())])]


def _vary_indicators(rng: random.Random, form: Any, suffix: str) -> list[Any]:
    from drafter.values import parse_value

    inds = []
    for i in form.indicators:
        target = vary_number(rng, i.target_raw)
        v = parse_value(target)
        inds.append(i.model_copy(update={
            "name": f"{i.name}{suffix}", "target_raw": target, "op": v.op, "value": v.value,
            "unit": v.unit, "qualitative": v.qualitative,
            "actual_raw": vary_number(rng, i.actual_raw),
            "score": None if i.score is None else round(i.score * rng.uniform(0.9, 1.0), 2),
        }))
    return inds


def synthetic_batch(copies: int, seed: int = 7) -> list[tuple[str, list[Any]]]:
    """``copies`` copies of the corpus, numbers and indicator names varied, as (source, forms)."""
    base = corpus_sources()
    rng = random.Random(seed)
    batch = []
    for c in range(copies):
        for name, forms in base:
            new_forms = [form.model_copy(update={"indicators": _vary_indicators(rng, form, str(c)),
                                                 "project_name": f"{form.project_name}{c}"})
                         for form in forms]
            batch.append((f"{c:04d}_{name}", new_forms))
    return batch


def make_forms(n: int) -> list[Any]:
    """``n`` corpus forms with varied project names, agencies and years (indicators as they are)."""
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


def varied_forms(n: int, seed: int = 7) -> Iterator[Any]:
    """Exactly ``n`` forms, cycling over the corpus forms that have indicators.

    Copy ``c`` of a seed form gets: every number of its targets, actuals and scores varied,
    indicator names suffixed with ``c``, the project renamed to a district and period, the agency
    to that district's bureau, and a year from 2019–2024.
    """
    seeds = [f for _, forms in corpus_sources() for f in forms if f.indicators]
    rng = random.Random(seed)
    for i in range(n):
        form = seeds[i % len(seeds)]
        c = i // len(seeds)
        district = DISTRICTS[i % len(DISTRICTS)]
        yield form.model_copy(update={
            "indicators": _vary_indicators(rng, form, str(c)),
            "project_name": f"{district}区{form.project_name or '房屋管理'}（{c + 1}期）",
            "agency": f"上海市{district}区房屋管理局",
            "year": 2019 + i % 6,
        })


def write_files(forms: Iterable[Any], folder: Path, per_file: int) -> list[Path]:
    """Write forms as drafter JSON files (``parse --format json`` shape), ``per_file`` per file.

    Consumes ``forms`` lazily: only one file's forms are held at a time.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        path = folder / f"forms_{len(files):05d}.json"
        path.write_text(json.dumps({"source": path.name, "forms": chunk}, ensure_ascii=False), encoding="utf-8")
        files.append(path)
        chunk.clear()

    for f in forms:
        chunk.append(f.model_dump(mode="json"))
        if len(chunk) >= per_file:
            flush()
    if chunk:
        flush()
    return files


def write_batch(batch: list[tuple[str, list[Any]]], path: Path) -> None:
    """A whole (source, forms) batch as one drafter JSON file (a list of parse outputs)."""
    data = [{"source": src, "forms": [f.model_dump(mode="json") for f in fs]} for src, fs in batch]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile by nearest rank (no interpolation)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
