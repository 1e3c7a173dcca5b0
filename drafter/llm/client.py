"""Structured LLM calls: openai SDK + instructor, one code path for every provider.

Every LLM call in drafter goes through :meth:`LLMClient.structured`. It

* builds ``OpenAI(base_url, api_key, timeout, max_retries=<small>)`` wrapped by
  ``instructor.from_openai(..., mode=<profile mode>)``: HTTP retries belong to the SDK and stay
  small so a dead server fails fast; validation retries belong to instructor and are explicit;
* serves identical requests from the cache (key: model + server + messages + schema + params);
* logs every attempt, including answers that failed validation and were re-asked with the
  validator's message, to ``DRAFTER_HOME/llm.db``;
* turns every failure into :class:`~drafter.llm.LLMError` with a scrubbed, one-line message, so
  callers can fall back to the offline engine.

openai and instructor are imported on first use: ``drafter --help`` must not pay for them.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from drafter.llm import LLMError
from drafter.llm.log import CACHED, CallLog, CallRow, db_path
from drafter.llm.profiles import DOWNGRADE, Settings
from drafter.llm.recorder import AttemptRecorder
from drafter.llm.scrub import register_secret, scrub

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR level, with the server's raw error text; the call
# log already keeps each attempt (scrubbed), so nothing of it should reach the terminal.
# A filter, not propagate=False: chromadb's logging.config call later resets propagate and
# handlers of existing loggers, but leaves their filters alone.
for _name in ("instructor", "instructor.v2.retry"):
    logging.getLogger(_name).addFilter(lambda record: False)


@dataclass
class CallResult(Generic[T]):
    value: T
    attempts: int
    cache_hit: bool
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    failures: list[str]

    @property
    def retries(self) -> int:
        return max(self.attempts - 1, 0)


class LLMClient:
    def __init__(self, settings: Settings, home: Path | None = None, use_cache: bool = True,
                 log: CallLog | None = None):
        self.settings = settings
        register_secret(settings.api_key)
        if log is None:
            from drafter.resources import home_dir
            log = CallLog(db_path(home or home_dir()))
        self.log = log
        self.use_cache = use_cache
        # The mode in use; a server that rejects it moves this down the DOWNGRADE chain once,
        # and every later call of this client starts from the mode that worked.
        self.mode = settings.mode
        self._clients: dict[str, Any] = {}

    @property
    def engine(self) -> str:
        return self.settings.engine

    def structured(self, *, task: str, response_model: type[T], messages: list[dict[str, Any]],
                   run_id: str | None = None, max_retries: int | None = None,
                   template_hash: str | None = None) -> CallResult[T]:
        """One validated answer of type ``response_model``, or LLMError.

        ``max_retries`` counts re-asks after the first attempt (instructor ≥1.15 semantics):
        2 means at most three requests.
        """
        s = self.settings
        retries = s.max_retries if max_retries is None else max_retries
        # The configured mode, not the downgraded one: the cache answers "this question to this
        # server", however the structure had to be asked for.
        params = {"temperature": s.temperature, "max_tokens": s.max_tokens, "max_retries": retries,
                  "mode": s.mode, "base_url": s.base_url}
        key = cache_key(s.model, messages, response_model, params)
        row = dict(run_id=run_id, task=task, profile=s.profile, model=s.model,
                   prompt_hash=prompt_hash(messages), template_hash=template_hash)

        if self.use_cache:
            cached = self._from_cache(key, response_model)
            if cached is not None:
                self.log.record([CallRow(**row, mode=self.mode, attempt=1, status=CACHED, cache_hit=True,
                                         messages=messages, params=params,
                                         response=json.loads(cached.model_dump_json()))])
                return CallResult(cached, 0, True, None, None, None, [])

        sent = 0
        while True:
            recorder = AttemptRecorder()
            try:
                value = self._create(response_model, messages, retries, recorder)
            except Exception as e:  # noqa: BLE001 - narrowed just below
                self._write_attempts(recorder, dict(row, mode=self.mode))
                sent += len(recorder.attempts)
                if not _is_call_failure(e):
                    raise
                weaker = DOWNGRADE.get(self.mode)
                if weaker and _rejects_mode(e):
                    self.mode = weaker
                    continue
                raise _as_llm_error(e, recorder, sent) from None
            break

        self._write_attempts(recorder, dict(row, mode=self.mode))
        if self.use_cache:
            self.log.cache_put(key, task, s.model, value.model_dump_json())
        return CallResult(value, sent + len(recorder.attempts), False,
                          *_sum_usage(recorder), failures=[a.error for a in recorder.attempts if a.error])

    def _create(self, response_model: type[T], messages: list[dict[str, Any]], retries: int,
                recorder: AttemptRecorder) -> T:
        s = self.settings
        extra: dict[str, Any] = {}
        if self.mode == "JSON" and s.json_object_schema:
            # Plain json_object only promises *some* JSON; this server can enforce ours.
            extra["extra_body"] = {"response_format": {"type": "json_object",
                                                       "schema": response_model.model_json_schema()}}
        value, _completion = self._instructor(self.mode).create_with_completion(
            messages=copy.deepcopy(messages),
            response_model=response_model,
            max_retries=retries,
            # Small local models write "95" for 95.0; lax mode coerces, validators still judge.
            strict=False,
            hooks=recorder.hooks(),
            model=s.model,
            temperature=s.temperature,
            max_tokens=s.max_tokens,
            **extra,
        )
        return value

    def _from_cache(self, key: str, response_model: type[T]) -> T | None:
        raw = self.log.cache_get(key)
        if raw is None:
            return None
        try:
            return response_model.model_validate_json(raw)
        except ValidationError:
            # The validators changed since this answer was cached; ask again.
            return None

    def _write_attempts(self, recorder: AttemptRecorder, row: dict[str, Any]) -> None:
        self.log.record([
            CallRow(**row, attempt=i, status=a.status, messages=a.messages, params=a.params,
                    response=a.response, error=a.error, latency_ms=a.latency_ms, time=a.time, **a.usage)
            for i, a in enumerate(recorder.attempts, start=1)])

    def _instructor(self, mode: str) -> Any:
        if mode not in self._clients:
            import instructor
            import openai

            s = self.settings
            raw = openai.OpenAI(base_url=s.base_url, api_key=s.api_key, timeout=s.timeout_s,
                                max_retries=s.http_retries)
            self._clients[mode] = instructor.from_openai(raw, mode=getattr(instructor.Mode, mode))
        return self._clients[mode]


def cache_key(model: str, messages: list[dict[str, Any]], response_model: type[BaseModel],
              params: dict[str, Any]) -> str:
    blob = json.dumps({"model": model, "messages": messages,
                       "schema": response_model.model_json_schema(), "params": params},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def prompt_hash(messages: list[dict[str, Any]]) -> str:
    blob = json.dumps(messages, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _sum_usage(recorder: AttemptRecorder) -> tuple[int | None, int | None, int | None]:
    out: list[int | None] = []
    for k in ("prompt_tokens", "completion_tokens", "total_tokens"):
        values = [a.usage.get(k) for a in recorder.attempts]
        # Unknown stays unknown: one attempt without usage makes the total unknown, not smaller.
        out.append(None if not values or any(v is None for v in values) else sum(values))  # type: ignore[arg-type]
    return out[0], out[1], out[2]


def _is_call_failure(e: BaseException) -> bool:
    try:
        import openai
        from instructor.core.exceptions import InstructorError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(e, (InstructorError, openai.OpenAIError, ValidationError, ValueError))


_REJECTION_WORDS = ("response_format", "json_schema", "json_object", "tool_choice", "tools", "grammar")


def _rejects_mode(e: BaseException) -> bool:
    """Did the server refuse the request shape (not the content, not its own health)?"""
    import openai

    cause = e.__cause__ or e
    if not isinstance(cause, openai.APIStatusError) or cause.status_code not in (400, 404, 422, 500, 501):
        return False
    text = f"{cause.message} {cause.body}".lower()
    return any(w in text for w in _REJECTION_WORDS)


def _as_llm_error(e: BaseException, recorder: AttemptRecorder, sent: int) -> LLMError:
    attempts = len(recorder.attempts)
    last = next((a.error for a in reversed(recorder.attempts) if a.error), None)
    cause = e.__cause__ or e
    kind = type(cause).__name__
    if any(a.failed_request for a in recorder.attempts) or attempts == 0:
        what = "请求失败"
    elif last and "finish_reason=length" in last:
        what = "输出被截断"
    else:
        what = f"{attempts} 次尝试均未通过校验"
    detail = " ".join(str(cause).split())[:300]
    return LLMError(scrub(f"LLM 调用失败（{what}）：{kind}: {detail}") or "", attempts=sent,
                    last_error=scrub(last))
