"""When a failed request is sent again, and after how long.

drafter retries requests itself instead of leaving it to the openai SDK (whose client is built
with ``max_retries=0``), so that every request that goes out is one logged attempt and the
policy is written down in one place:

* transient failures (timeout, connection dropped or cut mid-body, HTTP 408/409/429/5xx) are
  sent again up to ``DRAFTER_HTTP_RETRIES`` times;
* the wait honours the server's ``Retry-After`` (seconds or HTTP date) or ``retry-after-ms``;
  without one it backs off 1 s, 2 s, 4 s … up to 8 s;
* a server asking for more than :data:`MAX_WAIT` seconds is not waited for: the call fails at
  once (and the caller falls back to the offline engine) rather than stalling a batch for an hour;
* anything else (400, 401, 404, a rejected mode) is not transient and is not retried here.

Answers that arrive but are unusable (invalid JSON, schema violations, an empty ``choices``)
are a different budget, ``DRAFTER_MAX_RETRIES``, spent by re-asking (client.py).
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

MAX_WAIT = 60.0
BACKOFF_BASE, BACKOFF_MAX = 1.0, 8.0
TRANSIENT_STATUS = frozenset({408, 409, 429}) | frozenset(range(500, 600))


def request_error(e: BaseException) -> BaseException | None:
    """The openai error behind ``e`` (instructor wraps it), or None when it is not one."""
    import openai

    seen = 0
    while e is not None and seen < 5:
        if isinstance(e, openai.APIError):
            return e
        e = e.__cause__ or e.__context__  # type: ignore[assignment]
        seen += 1
    return None


def is_transient(e: BaseException) -> bool:
    import openai

    cause = request_error(e)
    if isinstance(cause, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    return isinstance(cause, openai.APIStatusError) and cause.status_code in TRANSIENT_STATUS


def wait_before(e: BaseException, retry: int) -> float | None:
    """Seconds to wait before retry number ``retry`` (0-based); None when the server asks too much."""
    asked = retry_after(request_error(e))
    if asked is None:
        return min(BACKOFF_BASE * 2 ** retry, BACKOFF_MAX)
    return asked if asked <= MAX_WAIT else None


def retry_after(e: Any) -> float | None:
    """The server's requested delay in seconds, from an openai.APIStatusError's response."""
    response = getattr(e, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    ms = _number(headers.get("retry-after-ms"))
    if ms is not None:
        return max(ms / 1000, 0.0)
    raw = headers.get("retry-after")
    if not raw:
        return None
    seconds = _number(raw)
    if seconds is not None:
        return max(seconds, 0.0)
    parsed = email.utils.parsedate_tz(raw)  # the other form the header allows: an HTTP date
    if parsed is None:
        return None
    return max(email.utils.mktime_tz(parsed) - time.time(), 0.0)


def _number(raw: str | None) -> float | None:
    try:
        return float(raw) if raw else None
    except ValueError:
        return None
