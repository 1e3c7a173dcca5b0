"""The indicator library: curated indicators by sector and project type, shipped with drafter.

``library/library.jsonl`` (inside the wheel: ``drafter/_data/library``) holds one indicator a line:
sector, project type, 一级/二级/三级, a typical op/value/unit, explanation, data source, basis,
keywords (words of a project name or goal where the row fits), the source address and whether the
row was found in a published form (``provenance: published``) or is common practice (``practice``).
Users add their own rows as ``*.jsonl`` files under ``DRAFTER_HOME/library/`` (same fields; a
row's id defaults to ``<file>:<line>``); their rows are read after the shipped ones.

``sectors.json`` and ``types.json`` beside it are the words that place a project in a sector or a
project type (:mod:`drafter.draft.classify`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from drafter.errors import InputError

COMMON_SECTOR = "共性(跨行业)"
SHIPPED_SOURCE = "library/library.jsonl"
_REQUIRED = ("sector", "project_type", "level1", "level2", "name")
# A user's library file is data like a form: bounded, so a wrong path cannot hang a draft.
MAX_USER_FILE_BYTES = 5_000_000


@dataclass(frozen=True)
class LibraryRow:
    id: str
    sector: str
    project_type: str
    level1: str
    level2: str
    name: str
    op: str | None = None
    value: float | None = None
    unit: str | None = None
    explanation: str = ""
    data_source: str = ""
    basis: str = ""
    keywords: tuple[str, ...] = ()
    source: str = ""
    provenance: str = "published"
    curation: str = ""
    origin: str = SHIPPED_SOURCE

    @property
    def measurable(self) -> bool:
        return self.value is not None and bool(self.unit)

    @property
    def target_text(self) -> str:
        if self.value is None:
            return ""
        v = int(self.value) if float(self.value).is_integer() else self.value
        return f"{self.op or ''}{v}{self.unit or ''}"

    @property
    def common(self) -> bool:
        return self.sector == COMMON_SECTOR

    @property
    def citation(self) -> str:
        """Where the row came from, as a draft's refs print it (has '#' like a form reference)."""
        where = "实践通行做法" if self.provenance == "practice" else self.source
        return f"{self.origin}#{self.id} {self.name}（指标库：{where}）"

    def to_json(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in ("id", "sector", "project_type", "level1", "level2", "name", "op",
                                           "value", "unit", "explanation", "data_source", "basis",
                                           "source", "provenance", "curation", "origin")}
        d["keywords"] = list(self.keywords)
        return d


@dataclass
class Library:
    rows: list[LibraryRow] = field(default_factory=list)
    sector_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    types: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def sectors(self) -> list[str]:
        return sorted({r.sector for r in self.rows} | set(self.sector_words))

    def by_id(self) -> dict[str, LibraryRow]:
        return {r.id: r for r in self.rows}


def library_dir() -> Path:
    from drafter.resources import library_dir as d
    return d()


def user_library_files(home: Path | None = None) -> list[Path]:
    env = os.environ.get("DRAFTER_HOME")
    base = home or (Path(env).expanduser() if env else None)
    if base is None:
        from drafter.resources import home_dir
        base = home_dir()
    folder = base / "library"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def load(home: Path | None = None, extra: Iterable[Path] = ()) -> Library:
    """The shipped library plus the user's own files (``DRAFTER_HOME/library/*.jsonl``, ``extra``)."""
    shipped = _shipped()
    files = [*user_library_files(home), *extra]
    if not files:
        return shipped
    rows = list(shipped.rows)
    seen = {r.id for r in rows}
    for path in files:
        for row in read_rows(path):
            if row.id not in seen:
                seen.add(row.id)
                rows.append(row)
    return Library(rows, shipped.sector_words, shipped.types)


def load_shipped() -> Library:
    return _shipped()


@lru_cache(maxsize=1)
def _shipped() -> Library:
    return from_dir(library_dir())


def from_dir(d: Path) -> Library:
    """A library laid out as the shipped one (library.jsonl, sectors.json, types.json in ``d``)."""
    rows = read_rows(d / "library.jsonl", origin=SHIPPED_SOURCE)
    sectors = _read_json(d / "sectors.json")
    types = _read_json(d / "types.json")
    return Library(rows, {k: tuple(v) for k, v in sectors.items() if not k.startswith("_")},
                   {k: v for k, v in types.items() if not k.startswith("_")})


def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def read_rows(path: Path, origin: str | None = None) -> list[LibraryRow]:
    """Rows of one JSONL library file; a malformed line is an InputError naming the line."""
    src = str(path)
    try:
        if path.stat().st_size > MAX_USER_FILE_BYTES:
            raise InputError(f"指标库文件超过 {MAX_USER_FILE_BYTES // 1_000_000} MB", src)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("指标库文件不存在", src) from None
    except UnicodeDecodeError:
        raise InputError("指标库文件不是 UTF-8 编码的 JSONL", src) from None
    except OSError as e:
        raise InputError(f"无法读取指标库文件：{e.strerror or e}", src) from None
    origin = origin or src
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError:
            raise InputError(f"第 {n} 行不是 JSON 对象", src) from None
        if not isinstance(d, dict) or any(not isinstance(d.get(k), str) or not d.get(k) for k in _REQUIRED):
            raise InputError(f"第 {n} 行缺少字段（需要 {'、'.join(_REQUIRED)}）", src)
        out.append(_row(d, origin, f"{Path(src).stem}:{n}"))
    return out


def _row(d: dict[str, Any], origin: str, default_id: str) -> LibraryRow:
    value = d.get("value")
    value = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    raw = d.get("keywords")
    keywords = tuple(k for k in raw if isinstance(k, str) and k.strip()) if isinstance(raw, list) else ()
    source = str(d.get("source") or "")
    provenance = str(d.get("provenance") or ("practice" if source in ("", "practice") else "published"))
    return LibraryRow(
        id=str(d.get("id") or default_id), sector=d["sector"], project_type=d["project_type"],
        level1=d["level1"], level2=d["level2"], name=d["name"], op=d.get("op") or None, value=value,
        unit=d.get("unit") or None, explanation=str(d.get("explanation") or ""),
        data_source=str(d.get("data_source") or ""), basis=str(d.get("basis") or ""), keywords=keywords,
        source=source, provenance=provenance, curation=str(d.get("curation") or ""), origin=origin)


def search(library: Library, query: str | None = None, sector: str | None = None,
           project_type: str | None = None, limit: int | None = None) -> list[LibraryRow]:
    """Rows for ``drafter library``: filtered by sector/type, ranked by how well ``query`` fits."""
    rows = [r for r in library.rows
            if (not sector or sector in r.sector) and (not project_type or project_type in r.project_type)]
    if query and query.strip():
        q = query.strip()
        # A plain substring counts first ("满意度" is a measuring word, not an object).
        scored = [(fit_text(r, q) + sum(3.0 for t in q.split() if t in r.name or t in r.keywords
                                        or t in r.explanation), r) for r in rows]
        rows = [r for s, r in sorted(scored, key=lambda x: -x[0]) if s > 0]
    return rows[:limit] if limit else rows


def fit_text(row: LibraryRow, text: str) -> float:
    """How well ``row`` fits a project described by ``text``: its keywords and name words in it."""
    from drafter.draft.words import shared_words

    score: float = sum(len(k) for k in row.keywords if k in text and not _generic_keyword(k))
    score += 1.5 * len(shared_words(row.name, text))
    return float(score)


def _generic_keyword(word: str) -> bool:
    # 共性 rows carry type words ("培训", "工程") as keywords; they place the type, not the object.
    return len(word) < 2
