"""Which Chroma to talk to, and which collection inside it.

A persistent store under DRAFTER_HOME/chroma by default; a Chroma server when DRAFTER_CHROMA_URL
is set (``chroma run --path DIR --port 8000``). Telemetry is off either way. This module imports
chromadb; import it only inside commands.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings
from chromadb.errors import NotFoundError

from drafter.store import StoreError, generations

COLLECTION_PREFIX = "forms__"
SCHEMA_VERSION = 1


def chroma_url() -> str | None:
    return os.environ.get("DRAFTER_CHROMA_URL", "").strip() or None


def persist_dir(home: Path) -> Path | None:
    """The local store's current generation, None when nothing was ingested (generations.py)."""
    return generations.current(home)


def location(home: Path) -> str:
    """Where the store is, for summaries and messages."""
    from drafter.llm.scrub import mask_url
    url = chroma_url()
    return mask_url(url) if url else str(generations.root(home))


def settings() -> Settings:
    # A copy of one built once: construction reads the environment (~10 ms per search), and a
    # copy because chromadb's clients write their own fields into the object they are given.
    return _settings().model_copy()


@lru_cache(maxsize=1)
def _settings() -> Settings:
    return Settings(anonymized_telemetry=False)


def open_client(home: Path) -> Any:
    url = chroma_url()
    if url:
        host, port, ssl = _parse_url(url)
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings())
        except Exception as e:
            raise StoreError(f"无法连接 Chroma 服务器 {_masked(url)} (cannot reach Chroma server: "
                             f"{type(e).__name__})") from None
    path = persist_dir(home)
    if path is None:
        from drafter.store.search import EMPTY_STORE
        raise StoreError(EMPTY_STORE)
    return open_path(path)


def open_path(path: Path) -> Any:
    """A persistent client on one generation directory (readers: :func:`open_client`)."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings())
    except Exception as e:
        raise StoreError(f"无法打开存储库 {path} (cannot open store: {_brief(e)})") from None


def close(db: Any) -> None:
    """Let go of a local store's files (a generation about to be switched to or removed)."""
    if chroma_url() is None:
        with contextlib.suppress(Exception):  # nothing left to release is fine
            db.close()


def collection_name(ef: EmbeddingFunction[Documents]) -> str:
    """One collection per embedder identity; Chroma allows [A-Za-z0-9._-], 3–512 characters."""
    label = getattr(ef, "label", None) or ef.name()
    return f"{COLLECTION_PREFIX}{label}"


def create_collection(client: Any, ef: EmbeddingFunction[Documents]) -> Any:
    try:
        return client.get_or_create_collection(
            collection_name(ef),
            embedding_function=ef,
            # Cosine because every embedder here returns directions, not magnitudes; the space
            # is fixed at creation and cannot be changed later.
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedder": ef.name(), "drafter_schema": SCHEMA_VERSION},
        )
    except Exception as e:
        raise StoreError(f"无法创建集合 (cannot create collection {collection_name(ef)}: {_brief(e)})") from None


def find_collection(client: Any, ef: EmbeddingFunction[Documents]) -> Any | None:
    """The embedder's collection, or None when nothing was ingested with this embedder."""
    try:
        return client.get_collection(collection_name(ef), embedding_function=ef)
    except NotFoundError:
        return None
    except ValueError as e:  # older servers report a missing collection this way
        if "does not exist" in str(e):
            return None
        raise StoreError(f"无法打开集合 (cannot open collection: {_brief(e)})") from None


def other_collections(client: Any, ef: EmbeddingFunction[Documents]) -> list[str]:
    """drafter collections built by other embedders: a hint when the current one is empty."""
    try:
        names = [getattr(c, "name", c) for c in client.list_collections()]
    except Exception:
        return []
    mine = collection_name(ef)
    return sorted(n for n in names if n.startswith(COLLECTION_PREFIX) and n != mine)


def _parse_url(url: str) -> tuple[str, int, bool]:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"DRAFTER_CHROMA_URL 格式不对，应为 http://主机:端口 (bad URL: {_masked(url)})")
    ssl = parts.scheme == "https"
    try:
        port = parts.port or (443 if ssl else 8000)
    except ValueError:
        raise StoreError(f"DRAFTER_CHROMA_URL 端口不对 (bad port: {_masked(url)})") from None
    return parts.hostname, port, ssl


def _masked(url: str) -> str:
    # Messages end up in a draft's notes and -o files, not only on stderr (which scrubs anyway).
    from drafter.llm.scrub import mask_url
    return mask_url(url)


def _brief(e: BaseException) -> str:
    return " ".join(str(e).split())[:200] or type(e).__name__
