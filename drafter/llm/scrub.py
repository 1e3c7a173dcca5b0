"""Keep API keys out of logs, cassettes, notes and error messages.

Provider SDKs echo keys back in error text ("Incorrect API key provided: sk-…"), request dumps
carry them in headers, and a traceback may print a settings object. Everything drafter writes
down or shows about an LLM call goes through :func:`scrub` first. Exact keys seen at runtime are
registered so that keys of any shape (Zhipu's ``id.secret``, a local server's token) are removed,
not only the ``sk-`` ones the patterns know.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

_PATTERNS = (
    re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-*.]{6,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{6,}"),
    re.compile(r"(?i)((?:api[_-]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,}]{6,}"),
)
_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a key so that it is removed wherever it appears, whatever its shape."""
    # Very short "keys" (ollama's "ollama", "unused") are placeholders, and scrubbing them would
    # mangle ordinary words in prompts.
    if secret and len(secret) >= 8:
        _secrets.add(secret)


def register_env_secrets(env: dict[str, str] | None = None) -> None:
    """Register every credential-looking environment variable (…_API_KEY, …_TOKEN, …_SECRET).

    Called before anything can be logged, so a key given for one provider is masked even in
    text about another (an embedding endpoint's error quoting the chat key, a debug dump).
    """
    import os

    for name, value in (os.environ if env is None else env).items():
        upper = name.upper()
        if upper.endswith(("_API_KEY", "_KEY", "_TOKEN", "_SECRET", "_PASSWORD")):
            register_secret(value.strip())


def scrub(text: str | None) -> str | None:
    if not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pat in _PATTERNS:
        text = pat.sub(lambda m: (m.group(1) if m.groups() else "") + REDACTED, text)
    return text


def scrub_obj(obj: Any) -> Any:
    """A copy of a JSON-like value with every string scrubbed and auth headers dropped."""
    if isinstance(obj, str):
        return scrub(obj)
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if isinstance(k, str) and k.lower() in ("authorization", "api-key", "x-api-key", "api_key"):
                out[k] = REDACTED
            else:
                out[k] = scrub_obj(v)
        return out
    if isinstance(obj, (list, tuple)):
        return [scrub_obj(v) for v in obj]
    return obj
