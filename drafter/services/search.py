"""The search job: similar past indicators and projects from the store."""

from __future__ import annotations

from typing import Any, cast

from drafter.errors import InputError


def store_failures() -> tuple[type[BaseException], ...]:
    """Errors from Chroma or the network that deserve one line, not a traceback."""
    import httpx  # always installed: chromadb's HTTP client depends on it
    from chromadb.errors import ChromaError
    return (ChromaError, OSError, httpx.HTTPError)


def search(query: str, k: int = 10, *, kind: str | None = None, level1: list[str] | None = None,
           level2: list[str] | None = None, agency: list[str] | None = None,
           year: list[int] | None = None) -> list[Any]:
    """Hits, best first. InputError for an empty query; StoreError when the store fails."""
    from drafter.store import StoreError
    from drafter.store.search import Filters, search_store

    if not query.strip():
        raise InputError("查询内容为空 (empty query)")
    if kind not in (None, "indicator", "project", "library"):
        raise InputError(f"未知的结果类型 (unknown kind): {kind}")
    filters = Filters(kind=cast(Any, kind), level1=level1 or [], level2=level2 or [], agency=agency or [],
                      year=year or [])
    try:
        return search_store(query, k, filters)
    except StoreError:
        raise
    except store_failures() as e:
        raise StoreError(f"查询存储库失败 (search failed: {type(e).__name__}: "
                         f"{' '.join(str(e).split())[:200]})") from None
