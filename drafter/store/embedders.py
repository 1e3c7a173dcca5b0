"""Embedders behind Chroma's EmbeddingFunction protocol, versioned by name.

Each embedder is registered with Chroma so a collection can be reopened from its persisted
config, and its name (plus the model for remote ones) names the collection: vectors from two
embedders never share a collection, and changing embedder starts a new one instead of mixing
incomparable vectors. We always hand Chroma one of these explicitly; its default embedder would
try to download an English model on first use, which fails offline.

This module imports chromadb; import it only inside commands.
"""

from __future__ import annotations

import os
import re
from typing import Any, Sequence

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from drafter.store import StoreError
from drafter.store import features

OFFLINE_ALIASES = {"", "offline", "zh-hash", f"zh-hash-{features.VERSION}"}


@register_embedding_function
class ZhHashEmbedding(EmbeddingFunction[Documents]):
    """Offline default: character 1–3-gram feature hashing, no model, no download."""

    def __init__(self, dim: int = features.DEFAULT_DIM) -> None:
        self.dim = int(dim)

    def __call__(self, input: Documents) -> Embeddings:
        return [features.vector(t, self.dim) for t in input]

    def embed_query(self, input: Documents) -> Embeddings:
        return self(input)

    def embed_fields(self, docs: Sequence[Sequence[tuple[str, float]]]) -> Embeddings:
        """Documents given as weighted fields: each field a unit vector, summed by weight.

        Normalising per field first keeps a long field (an annual goal) from drowning a short
        one (the indicator name) just by having more n-grams.
        """
        return [features.combine([(features.vector(t, self.dim), w) for t, w in fields])
                if fields else features.vector("", self.dim) for fields in docs]

    @staticmethod
    def name() -> str:
        return f"zh-hash-{features.VERSION}"

    @property
    def label(self) -> str:
        """Collection-name part: the name, plus the size when it is not the default."""
        return self.name() if self.dim == features.DEFAULT_DIM else f"{self.name()}-d{self.dim}"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "ZhHashEmbedding":
        return ZhHashEmbedding(dim=config.get("dim", features.DEFAULT_DIM))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        dim = config.get("dim", features.DEFAULT_DIM)
        if not isinstance(dim, int) or dim < 16:
            raise ValueError(f"zh-hash dim must be an integer ≥ 16, got {dim!r}")


@register_embedding_function
class OpenAICompatEmbedding(EmbeddingFunction[Documents]):
    """Any OpenAI-compatible ``/v1/embeddings`` endpoint (OpenAI, DashScope, Zhipu, vLLM, Ollama)."""

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 dimensions: int | None = None, batch_size: int = 10, timeout: float = 60.0) -> None:
        self.model = model
        self.base_url = base_url
        self._api_key = api_key
        self.dimensions = dimensions
        # DashScope's text-embedding-v3/v4 accept at most 10 inputs per request; larger batches
        # only help endpoints known to take them, so they are opt-in.
        self.batch_size = max(1, int(batch_size))
        self.timeout = timeout
        self._client: Any = None

    def __call__(self, input: Documents) -> Embeddings:
        client = self._openai()
        import openai
        out: list[np.ndarray] = []
        texts = [t if t.strip() else " " for t in input]  # endpoints reject empty strings
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start:start + self.batch_size]
            kwargs: dict[str, Any] = {"model": self.model, "input": batch,
                                      # The SDK asks for base64 unless told; several compatible
                                      # servers only speak float.
                                      "encoding_format": "float"}
            if self.dimensions:
                kwargs["dimensions"] = self.dimensions
            try:
                resp = client.embeddings.create(**kwargs)
            except openai.APIError as e:
                from drafter.llm.scrub import scrub
                raise StoreError(f"嵌入服务调用失败 (embedding endpoint error: {scrub(_one_line(e))})") from None
            data = sorted(resp.data, key=lambda d: d.index)
            if len(data) != len(batch):
                raise StoreError(f"嵌入服务返回的向量数不符 (expected {len(batch)} embeddings, got {len(data)})")
            out.extend(np.asarray(d.embedding, dtype=np.float32) for d in data)
        return out

    def embed_query(self, input: Documents) -> Embeddings:
        return self(input)

    def _openai(self) -> Any:
        if self._client is None:
            try:
                import openai
            except ImportError:  # pragma: no cover - openai is a dependency
                raise StoreError("需要 openai 包 (pip install openai)") from None
            key = self._api_key or os.environ.get("DRAFTER_EMBED_API_KEY") or os.environ.get("OPENAI_API_KEY")
            from drafter.llm.scrub import register_secret, register_url_secrets
            register_secret(key)
            register_url_secrets(self.base_url)
            if not key and not self.base_url:
                raise StoreError("已设置 DRAFTER_EMBED_MODEL，但缺少 OPENAI_API_KEY 或 OPENAI_BASE_URL "
                                 "(embedding model set but no key or base URL)")
            # Local servers (Ollama, vLLM) ignore the key but the SDK insists on one.
            self._client = openai.OpenAI(base_url=self.base_url, api_key=key or "unused",
                                         timeout=self.timeout, max_retries=2)
        return self._client

    @staticmethod
    def name() -> str:
        return "drafter-openai-v1"

    @property
    def label(self) -> str:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.model).strip("-._") or "model"
        dims = f"-d{self.dimensions}" if self.dimensions else ""
        return f"openai-{slug}{dims}"[:200]

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "l2", "ip"]

    def get_config(self) -> dict[str, Any]:
        # Never the key, nor credentials inside the URL: Chroma persists this config with the
        # collection.
        from drafter.llm.scrub import mask_url
        return {"model": self.model, "base_url": mask_url(self.base_url) or None, "dimensions": self.dimensions,
                "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "OpenAICompatEmbedding":
        return OpenAICompatEmbedding(model=config["model"], base_url=config.get("base_url"),
                                     dimensions=config.get("dimensions"),
                                     batch_size=config.get("batch_size", 10))

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if not config.get("model"):
            raise ValueError("model is required")


def embedder_from_env(env: dict[str, str] | None = None) -> EmbeddingFunction[Documents]:
    """The embedder configuration asks for.

    DRAFTER_EMBED_MODEL unset (or ``zh-hash``/``offline``) means the offline embedder; any other
    value is a model name on an OpenAI-compatible endpoint: DRAFTER_EMBED_BASE_URL or
    OPENAI_BASE_URL, key from DRAFTER_EMBED_API_KEY or OPENAI_API_KEY. Separate variables exist
    because chat and embeddings often live on different services (DeepSeek has no embeddings).
    """
    env = dict(os.environ if env is None else env)
    model = env.get("DRAFTER_EMBED_MODEL", "").strip()
    if model.lower() in OFFLINE_ALIASES:
        return ZhHashEmbedding()
    base_url = env.get("DRAFTER_EMBED_BASE_URL") or env.get("OPENAI_BASE_URL") or None
    api_key = env.get("DRAFTER_EMBED_API_KEY") or env.get("OPENAI_API_KEY") or None
    return OpenAICompatEmbedding(model=model, base_url=base_url, api_key=api_key,
                                 dimensions=_int(env, "DRAFTER_EMBED_DIMENSIONS"),
                                 batch_size=_int(env, "DRAFTER_EMBED_BATCH") or 10)


def embed_docs(ef: EmbeddingFunction[Documents], docs: Sequence[Any]) -> Embeddings:
    """Vectors for store documents: by weighted fields when the embedder can, else by text."""
    if not docs:
        return []
    if hasattr(ef, "embed_fields"):
        return ef.embed_fields([d.fields for d in docs])
    return ef([d.text for d in docs])


def _int(env: dict[str, str], name: str) -> int | None:
    from drafter.envvars import EnvError, number

    high = {"DRAFTER_EMBED_DIMENSIONS": 65536, "DRAFTER_EMBED_BATCH": 2048}[name]
    try:
        value = number(env, name, 0, low=1, high=high, integer=True)
    except EnvError as e:
        raise StoreError(str(e)) from None
    return int(value) or None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300]
