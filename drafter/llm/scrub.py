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

# Query parameters whose values are credentials (``?key=…``, ``&access_token=…``, ``&sig=…``).
_SECRET_PARAM = (r"[A-Za-z0-9_.\-]*(?:key|token|secret|password|passwd|pwd|sig|signature|auth|"
                 r"credential|session)[A-Za-z0-9_.\-]*")
_PATTERNS = (
    re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-*.]{6,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]{6,}"),
    re.compile(r"(?i)((?:api[_-]?key|authorization|x-api-key)[\"']?\s*[:=]\s*[\"']?)[^\"'\s,}&]{6,}"),
    # user:password@ (or a bare token@) in any URL, e.g. a base URL with credentials in it.
    re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://)[^/\s?#@\"'<>]+(?=@)"),
    re.compile(rf"(?i)([?&;]{_SECRET_PARAM}=)[^&#\s\"'<>]+"),
)
# What drafter itself passes as a key to servers that need none (profiles.py): not secrets, and
# common words ("ollama" is also a profile name).
PLACEHOLDERS = frozenset({"unused", "ollama", "none", "empty", "dummy", "no-key"})
# Shorter keys are still masked, but only as whole tokens: "abc" must not eat "abcdef".
_SHORT = 8
_MIN = 3
_secrets: set[str] = set()
_short: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember a key so that it is removed wherever it appears, whatever its shape."""
    if not secret or len(secret) < _MIN or secret.lower() in PLACEHOLDERS:
        return
    (_secrets if len(secret) >= _SHORT else _short).add(secret)


def register_url_secrets(url: str | None) -> None:
    """The credentials inside a URL: the password (or a lone user token), secret query values and
    the Basic header built from the userinfo."""
    import base64
    from urllib.parse import parse_qsl, unquote, urlsplit

    if not url or "://" not in url:
        return
    try:
        parts = urlsplit(url.strip())
        username, password = parts.username, parts.password
    except ValueError:
        return
    # With no password the user part is the credential (``https://TOKEN@host``).
    secret = password if password else username
    if secret:
        register_secret(secret)
        register_secret(unquote(secret))
    if username is not None and (username or password):
        # httpx sends URL credentials as "Authorization: Basic base64(user:password)".
        pair = f"{unquote(username)}:{unquote(password or '')}"
        register_secret(base64.b64encode(pair.encode("utf-8")).decode("ascii"))
    for name, value in parse_qsl(parts.query, keep_blank_values=False):
        if re.fullmatch(_SECRET_PARAM, name, flags=re.IGNORECASE):
            register_secret(value)


def mask_url(url: str | None) -> str:
    """``url`` as it may be printed or stored: userinfo and secret query values masked."""
    return scrub(url) or ""


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
        elif "://" in value:  # OPENAI_BASE_URL=https://user:pass@host/v1?key=…, and the like
            register_url_secrets(value)


def scrub(text: str | None) -> str | None:
    if not text:
        return text
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for secret in sorted(_short, key=len, reverse=True):
        if secret in text:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", REDACTED, text)
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
