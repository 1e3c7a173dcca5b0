"""Capture every attempt of one structured call through instructor's hooks.

instructor retries inside one ``create`` call, so the only way to see each request (including
the re-ask that carries the validator's message) and each raw answer is to listen to its hooks:
``completion:kwargs`` fires with the exact arguments of each attempt, ``completion:response``
with each raw completion, ``parse:error`` when the answer failed validation and
``completion:error`` when the request itself failed.

Everything is copied at hook time: instructor extends the same ``messages`` list in place when it
re-asks, and overwrites ``response.usage`` with the running total after the hook has fired.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable


EMPTY_ANSWER = "模型返回了空答案（choices 为空）"


@dataclass
class Attempt:
    messages: list[dict[str, Any]]
    params: dict[str, Any]
    started: float
    time: str = ""
    latency_ms: int | None = None
    response: dict[str, Any] | None = None
    usage: dict[str, int | None] = field(default_factory=dict)
    error: str | None = None
    failed_request: bool = False

    @property
    def status(self) -> str:
        from drafter.llm.log import ERROR, INVALID, OK
        if self.failed_request:
            return ERROR
        return INVALID if self.error else OK


class AttemptRecorder:
    def __init__(self, before_send: Callable[[], None] | None = None) -> None:
        self.attempts: list[Attempt] = []
        # Runs before each request instructor sends (first ask and re-asks): a shared pause.
        self.before_send = before_send

    def hooks(self) -> Any:
        from instructor.core.hooks import Hooks

        hooks = Hooks()
        hooks.on("completion:kwargs", self._on_kwargs)
        hooks.on("completion:response", self._on_response)
        hooks.on("parse:error", self._on_parse_error)
        hooks.on("completion:error", self._on_request_error)
        return hooks

    def _on_kwargs(self, *args: Any, **kwargs: Any) -> None:
        if self.before_send is not None:
            self.before_send()
        messages = _plain(kwargs.get("messages") or [])
        params = {k: _plain(v) for k, v in kwargs.items() if k != "messages"}
        from drafter.llm.log import now
        self.attempts.append(Attempt(messages=messages, params=params, started=time.perf_counter(), time=now()))

    def _on_response(self, response: Any) -> None:
        a = self._current()
        a.latency_ms = int((time.perf_counter() - a.started) * 1000)
        a.response = _plain(response)
        usage = getattr(response, "usage", None)
        a.usage = {k: getattr(usage, k, None) for k in ("prompt_tokens", "completion_tokens", "total_tokens")}
        choices = getattr(response, "choices", None) or []
        if not choices:
            # instructor fails on choices[0] without a parse:error hook, and without re-asking.
            a.error = EMPTY_ANSWER
        elif getattr(choices[0], "finish_reason", None) == "length":
            # instructor raises IncompleteOutputException without a parse:error hook.
            a.error = "输出被截断（finish_reason=length），请调大 DRAFTER_MAX_TOKENS"

    def _on_parse_error(self, error: Exception, **meta: Any) -> None:
        a = self._current()
        if a.error != EMPTY_ANSWER:  # instructor's wording for it names its internals, not the fault
            a.error = str(error)

    def _on_request_error(self, error: Exception, **meta: Any) -> None:
        a = self._current()
        a.latency_ms = int((time.perf_counter() - a.started) * 1000)
        a.error = f"{type(error).__name__}: {error}"
        a.failed_request = True

    def _current(self) -> Attempt:
        if not self.attempts:  # a hook out of order would be an instructor change; keep a row
            self.attempts.append(Attempt(messages=[], params={}, started=time.perf_counter()))
        return self.attempts[-1]


def _plain(value: Any) -> Any:
    """A JSON-safe deep copy: pydantic objects dumped, everything else via JSON round trip."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_none=False)
    try:
        return json.loads(json.dumps(value, ensure_ascii=False, default=_default))
    except (TypeError, ValueError):
        return repr(value)


def _default(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if isinstance(obj, type):
        return obj.__name__
    return repr(obj)
