"""The LLM call log and response cache: one SQLite file, ``DRAFTER_HOME/llm.db``.

Like simonw/llm's ``logs.db``, the log is a feature: every attempt (including attempts whose
answer failed validation and was re-asked) is a row with the messages sent, the raw response,
tokens, latency and the error fed back, so that ``drafter logs`` can answer "what did the model
see, what did it cost, why did it fall back". Rows are written already scrubbed of keys.

Schema changes are numbered migrations tracked in ``PRAGMA user_version``, never edits of old
ones, so an older log file upgrades in place.

The log serves the run, never the other way round: a corrupt file is moved aside (kept, renamed
``llm.db.corrupt-…``) and a new one started; a log that cannot be opened at all (an unwritable
home) is skipped. Either way ``notes`` says so in one line, and only ``drafter logs`` (``strict``)
turns an unusable log into an error.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from drafter.llm.scrub import scrub, scrub_obj

DB_NAME = "llm.db"
_MIGRATING = threading.Lock()

MIGRATIONS = (
    """
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        run_id TEXT,
        time TEXT NOT NULL,
        task TEXT NOT NULL,
        profile TEXT,
        model TEXT NOT NULL,
        mode TEXT,
        prompt_hash TEXT,
        template_hash TEXT,
        attempt INTEGER NOT NULL,
        retries INTEGER NOT NULL,
        status TEXT NOT NULL,
        cache_hit INTEGER NOT NULL DEFAULT 0,
        messages TEXT,
        params TEXT,
        response TEXT,
        error TEXT,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        total_tokens INTEGER,
        latency_ms INTEGER
    );
    CREATE INDEX calls_run ON calls(run_id);
    CREATE TABLE cache (
        key TEXT PRIMARY KEY,
        task TEXT NOT NULL,
        model TEXT NOT NULL,
        created TEXT NOT NULL,
        output TEXT NOT NULL
    );
    """,
)

# Status of one attempt: the answer validated, failed validation (and was re-asked or given up),
# the request itself failed, or the answer came from the cache without a request.
OK, INVALID, ERROR, CACHED = "ok", "invalid", "error", "cached"


@dataclass
class CallRow:
    run_id: str | None
    task: str
    profile: str | None
    model: str
    mode: str | None
    prompt_hash: str | None
    template_hash: str | None
    attempt: int
    status: str
    cache_hit: bool = False
    messages: Any = None
    params: Any = None
    response: Any = None
    error: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    latency_ms: int | None = None
    time: str = ""

    @property
    def retries(self) -> int:
        return max(self.attempt - 1, 0)


def db_path(home: Path) -> Path:
    return home / DB_NAME


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


R = TypeVar("R")


class LogError(Exception):
    """The call log cannot be read (``drafter logs``); printed as one line."""


def _corrupt(e: sqlite3.DatabaseError) -> bool:
    text = str(e).lower()
    return not isinstance(e, sqlite3.OperationalError) or "malformed" in text or "not a database" in text


class CallLog:
    def __init__(self, path: Path, strict: bool = False):
        self.path = Path(path)
        self.strict = strict
        # One line per problem met (moved aside, skipped), for the command to show.
        self.notes: list[str] = []
        self._disabled = False

    def _guard(self, op: Callable[[], R], fallback: R) -> R:
        """``op()``; a corrupt file is moved aside and ``op`` tried once more on a new one."""
        if self._disabled:
            return fallback
        for attempt in (1, 2):
            try:
                return op()
            except sqlite3.DatabaseError as e:
                if attempt == 1 and _corrupt(e) and self._move_aside():
                    continue
                problem = f"LLM 调用日志 {self.path} 无法使用（{' '.join(str(e).split())[:120]}）"
            except OSError as e:  # the home's directory cannot be created
                problem = f"LLM 调用日志 {self.path} 无法使用（{e.strerror}）"
            if self.strict:
                raise LogError(problem) from None
            self._disabled = True
            self.notes.append(problem + "，本次不记录调用日志 (call log skipped)")
            return fallback
        return fallback  # pragma: no cover - the loop returns

    def _move_aside(self) -> bool:
        import os
        import uuid
        aside = self.path.with_name(f"{self.path.name}.corrupt-{uuid.uuid4().hex[:8]}")
        try:
            os.replace(self.path, aside)
        except OSError:
            return False
        for suffix in ("-wal", "-shm", "-journal"):  # SQLite's own side files belong to the old one
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        self.notes.append(f"LLM 调用日志 {self.path} 已损坏，已移到 {aside.name}，新建日志 (corrupt log moved aside)")
        return True

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Several drafter processes may share one home (a batch script, a test run); wait for
        # the writer instead of failing with "database is locked".
        conn = sqlite3.connect(str(self.path), timeout=30)
        conn.row_factory = sqlite3.Row
        # A log and a cache, not a ledger: no fsync per commit. With --jobs the workers would
        # otherwise queue behind each other's fsync for SQLite's write lock. An OS crash can at
        # worst leave a corrupt file, which is moved aside like any other (above).
        conn.execute("PRAGMA synchronous=OFF")
        # Concurrent calls (--jobs) of one process would otherwise race to create the tables.
        with _MIGRATING:
            _migrate(conn)
        return conn

    def record(self, rows: list[CallRow]) -> None:
        if rows:
            self._guard(lambda: self._record(rows), None)

    def _record(self, rows: list[CallRow]) -> None:
        with closing(self._connect()) as conn, conn:
            for r in rows:
                conn.execute(
                    "INSERT INTO calls (run_id, time, task, profile, model, mode, prompt_hash,"
                    " template_hash, attempt, retries, status, cache_hit, messages, params, response,"
                    " error, prompt_tokens, completion_tokens, total_tokens, latency_ms)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (r.run_id, r.time or now(), r.task, r.profile, r.model, r.mode, r.prompt_hash,
                     r.template_hash, r.attempt, r.retries, r.status, int(r.cache_hit),
                     _json(r.messages), _json(r.params), _json(r.response), scrub(r.error),
                     r.prompt_tokens, r.completion_tokens, r.total_tokens, r.latency_ms))

    def cache_get(self, key: str) -> str | None:
        if not self.path.exists():
            return None
        return self._guard(lambda: self._cache_get(key), None)

    def _cache_get(self, key: str) -> str | None:
        with closing(self._connect()) as conn:
            row = conn.execute("SELECT output FROM cache WHERE key = ?", (key,)).fetchone()
        return row["output"] if row else None

    def cache_put(self, key: str, task: str, model: str, output: str) -> None:
        self._guard(lambda: self._cache_put(key, task, model, output), None)

    def _cache_put(self, key: str, task: str, model: str, output: str) -> None:
        with closing(self._connect()) as conn, conn:
            conn.execute("INSERT OR REPLACE INTO cache (key, task, model, created, output)"
                         " VALUES (?,?,?,?,?)", (key, task, model, now(), scrub(output)))

    def rows(self, n: int | None = None, run_id: str | None = None) -> list[dict[str, Any]]:
        """The latest ``n`` attempts (all when None), oldest first."""
        if not self.path.exists():
            return []
        sql = "SELECT * FROM calls"
        args: list[Any] = []
        if run_id:
            sql += " WHERE run_id = ?"
            args.append(run_id)
        sql += " ORDER BY id DESC"
        if n is not None:
            sql += " LIMIT ?"
            args.append(n)

        def read() -> list[dict[str, Any]]:
            with closing(self._connect()) as conn:
                return [_decode(dict(r)) for r in conn.execute(sql, args)]
        none: list[dict[str, Any]] = []
        return list(reversed(self._guard(read, none)))

    def usage(self, run_id: str | None = None) -> dict[str, Any]:
        """Totals over the log: attempts, requests, cache hits, tokens, per model and per run."""
        if not self.path.exists():
            return _empty_usage()
        return self._guard(lambda: self._usage(run_id), _empty_usage())

    def _usage(self, run_id: str | None) -> dict[str, Any]:
        where, args = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
        with closing(self._connect()) as conn:
            total = dict(conn.execute(_USAGE_SQL.format(select="", where=where, group=""), args).fetchone())
            models = [dict(r) for r in conn.execute(
                _USAGE_SQL.format(select="model,", where=where, group="GROUP BY model ORDER BY model"), args)]
            runs = [dict(r) for r in conn.execute(
                _USAGE_SQL.format(select="run_id, MIN(time) AS started, GROUP_CONCAT(DISTINCT task) AS tasks,",
                                  where=where or "WHERE run_id IS NOT NULL",
                                  group="GROUP BY run_id ORDER BY started"), args)]
        return {"total": total, "by_model": models, "by_run": runs}


# A "request" is an attempt that went over the wire; cached answers cost nothing. SUM over an
# all-NULL column stays NULL: a server that reports no usage must not look like zero tokens.
_USAGE_SQL = """
    SELECT {select}
        COUNT(*) AS attempts,
        SUM(CASE WHEN cache_hit = 0 THEN 1 ELSE 0 END) AS requests,
        SUM(cache_hit) AS cache_hits,
        SUM(CASE WHEN status = 'invalid' THEN 1 ELSE 0 END) AS invalid,
        SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors,
        SUM(prompt_tokens) AS prompt_tokens,
        SUM(completion_tokens) AS completion_tokens,
        SUM(total_tokens) AS total_tokens,
        SUM(latency_ms) AS latency_ms
    FROM calls {where} {group}
"""


def _empty_usage() -> dict[str, Any]:
    keys = ("attempts", "requests", "cache_hits", "invalid", "errors", "prompt_tokens",
            "completion_tokens", "total_tokens", "latency_ms")
    return {"total": {k: 0 if k in ("attempts", "requests", "cache_hits", "invalid", "errors") else None
                      for k in keys}, "by_model": [], "by_run": []}


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return
    with conn:
        for i, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {i}")


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return scrub(value)
    return json.dumps(scrub_obj(value), ensure_ascii=False, default=str)


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for k in ("messages", "params", "response"):
        if row.get(k):
            try:
                row[k] = json.loads(row[k])
            except ValueError:
                continue  # a response that was not JSON is shown as logged
    row["cache_hit"] = bool(row.get("cache_hit"))
    return row

