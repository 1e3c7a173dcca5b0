"""Structured LLM calls: openai SDK + instructor, one code path for every provider.

Every LLM call in drafter goes through :meth:`LLMClient.structured`. It

* builds ``OpenAI(base_url, api_key, timeout, max_retries=0)`` wrapped by
  ``instructor.from_openai(..., mode=<profile mode>)``: re-sending a request after a timeout,
  a dropped connection, a 429 or a 5xx is drafter's own policy (:mod:`drafter.llm.retry`), so
  every request is a logged attempt; re-asking after an unusable answer belongs to instructor
  (with the validator's message) and to this module (an empty ``choices``);
* serves identical requests from the cache (key: model + server + messages + schema + params);
* logs every attempt, including answers that failed validation and were re-asked with the
  validator's message, to ``DRAFTER_HOME/llm.db``;
* turns every failure into :class:`~drafter.llm.LLMError` with a scrubbed, one-line message, so
  callers can fall back to the offline engine.

openai and instructor are imported on first use: ``drafter --help`` must not pay for them.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from drafter.llm import LLMError, retry
from drafter.llm.gate import Gate, Stopped
from drafter.llm.log import CACHED, CallLog, CallRow, db_path
from drafter.llm.profiles import DOWNGRADE, Settings
from drafter.llm.recorder import EMPTY_ANSWER, AttemptRecorder
from drafter.llm.scrub import mask_url, register_secret, register_url_secrets, scrub

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR level, with the server's raw error text; the call
# log already keeps each attempt (scrubbed), so nothing of it should reach the terminal.
# A filter, not propagate=False: chromadb's logging.config call later resets propagate and
# handlers of existing loggers, but leaves their filters alone.
for _name in ("instructor", "instructor.v2.retry"):
    logging.getLogger(_name).addFilter(lambda record: False)
logger = logging.getLogger("drafter.llm")


@dataclass
class CallResult(Generic[T]):
    value: T
    attempts: int
    cache_hit: bool
    prompt_tokens: int | None
    completion_tokens: int | None
    total_tokens: int | None
    failures: list[str]
    # Answers that failed validation and were re-asked; requests re-sent after a timeout or a
    # 429 are not among them (they are in ``attempts`` and in the log).
    reasks: int = 0

    @property
    def retries(self) -> int:
        return self.reasks


class LLMClient:
    def __init__(self, settings: Settings, home: Path | None = None, use_cache: bool = True,
                 log: CallLog | None = None):
        self.settings = settings
        register_secret(settings.api_key)
        register_url_secrets(settings.base_url)
        logger.debug("LLM：profile=%s base_url=%s model=%s mode=%s timeout=%ss 重发≤%d 重问≤%d",
                  settings.profile, mask_url(settings.base_url), settings.model, settings.mode, settings.timeout_s,
                  settings.http_retries, settings.max_retries)
        if log is None:
            # Not home_dir(): an unusable home costs the call log (skipped, with a note), not the call.
            from drafter.resources import home_path
            log = CallLog(db_path(home or home_path()))
        self.log = log
        self.use_cache = use_cache
        # The mode in use; a server that rejects it moves this down the DOWNGRADE chain once,
        # and every later call of this client starts from the mode that worked.
        self.mode = settings.mode
        self._clients: dict[str, Any] = {}
        self.sleep = time.sleep
        # Shared by every thread calling this client: warm-up, 429 pauses, a dead server.
        self.gate = Gate(sleep=lambda seconds: self.sleep(seconds))

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
        row: dict[str, Any] = dict(run_id=run_id, task=task, profile=s.profile, model=s.model,
                   prompt_hash=prompt_hash(messages), template_hash=template_hash)

        if self.use_cache:
            cached = self._from_cache(key, response_model)
            if cached is not None:
                logger.debug("%s：命中缓存 %s", task, key[:12])
                self.log.record([CallRow(**row, mode=self.mode, attempt=1, status=CACHED, cache_hit=True,
                                         messages=messages, params=params,
                                         response=json.loads(cached.model_dump_json()))])
                return CallResult(cached, 0, True, None, None, None, [])

        try:
            self.gate.admit()
        except Stopped as e:
            raise LLMError(f"LLM 调用未发出（此前的调用已确认服务器不可用）：{e.reason}", attempts=0,
                           request_failed=True) from None
        try:
            value, recorder, earlier, sent = self._send(task, response_model, messages, retries, row)
        finally:
            # A probing call that ended some other way (a bug, Ctrl-C) must not block the rest.
            self.gate.unanswered()

        self._write_attempts(recorder, dict(row, mode=self.mode))
        logger.debug("%s：成功，%s 模式，本次 %d 个请求", task, self.mode, len(recorder.attempts))
        if self.use_cache:
            self.log.cache_put(key, task, s.model, value.model_dump_json())
        every = earlier + recorder.attempts
        return CallResult(value, len(every), False, *_sum_usage(every),
                          failures=[a.error for a in every if a.error],
                          reasks=sum(1 for a in every if a.error and not a.failed_request))

    def _send(self, task: str, response_model: type[T], messages: list[dict[str, Any]], retries: int,
              row: dict[str, Any]) -> tuple[T, AttemptRecorder, list[Any], int]:
        """Send until an answer validates; re-send after transient failures, step the mode down."""
        s = self.settings
        sent = 0
        empty_retries = http_retries = 0
        earlier: list[Any] = []
        while True:
            # Instructor's own re-asks go out inside _create: they wait out a 429 pause too.
            recorder = AttemptRecorder(before_send=self.gate.wait_pause)
            try:
                value = self._create(response_model, messages, retries, recorder)
            except Exception as e:  # noqa: BLE001 - narrowed just below
                self._write_attempts(recorder, dict(row, mode=self.mode))
                sent += len(recorder.attempts)
                earlier.extend(recorder.attempts)
                if any(not a.failed_request for a in recorder.attempts):
                    self.gate.answered()
                if not _is_call_failure(e):
                    raise
                weaker = DOWNGRADE.get(self.mode)
                if weaker and _rejects_mode(e):
                    logger.info("%s：服务器不接受 %s 模式，改用 %s", task, self.mode, weaker)
                    self.mode = weaker
                    continue
                if retry.is_transient(e) and http_retries < s.http_retries and not self.gate.stopped:
                    wait = retry.wait_before(e, http_retries)
                    if wait is not None:
                        http_retries += 1
                        logger.info("%s：%s，%.1f 秒后第 %d 次重发", task, _brief(e), wait, http_retries)
                        if retry.retry_after(retry.request_error(e)) is not None:
                            # The server named a time: every worker of this client waits for it.
                            self.gate.pause(wait)
                        else:
                            self.sleep(wait)
                        continue
                if _empty_answer(recorder) and empty_retries < retries:
                    # Nothing to feed back to the model, so the same request goes again; it
                    # spends the same re-ask budget as an answer that failed validation.
                    empty_retries += 1
                    logger.info("%s：模型返回空答案，重发同一请求", task)
                    continue
                error = _as_llm_error(e, recorder, sent, self.settings)
                if error.request_failed:
                    self.gate.stop(str(error))
                raise error from None
            self.gate.answered()
            return value, recorder, earlier, sent

    def _create(self, response_model: type[T], messages: list[dict[str, Any]], retries: int,
                recorder: AttemptRecorder) -> T:
        s = self.settings
        extra: dict[str, Any] = {}
        if self.mode == "JSON" and s.json_object_schema:
            # Plain json_object only promises *some* JSON; this server can enforce ours.
            extra["extra_body"] = {"response_format": {"type": "json_object",
                                                       "schema": json_schema(response_model)}}
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
        for a in recorder.attempts:
            logger.debug("%s 尝试：%s，%s ms%s", row["task"], a.status, a.latency_ms,
                      f"，{scrub(a.error)[:200]}" if a.error else "")  # type: ignore[index]
        self.log.record([
            CallRow(**row, attempt=i, status=a.status, messages=a.messages, params=a.params,
                    response=a.response, error=a.error, latency_ms=a.latency_ms, time=a.time,
                    prompt_tokens=a.usage.get("prompt_tokens"), completion_tokens=a.usage.get("completion_tokens"),
                    total_tokens=a.usage.get("total_tokens"))
            for i, a in enumerate(recorder.attempts, start=1)])

    def _instructor(self, mode: str) -> Any:
        if mode not in self._clients:
            import instructor
            import openai

            s = self.settings
            # Retries are ours (drafter.llm.retry), so that each request is a logged attempt.
            raw = openai.OpenAI(base_url=s.base_url, api_key=s.api_key, timeout=s.timeout_s,
                                max_retries=0)
            self._clients[mode] = instructor.from_openai(raw, mode=getattr(instructor.Mode, mode))
        return self._clients[mode]


def cache_key(model: str, messages: list[dict[str, Any]], response_model: type[BaseModel],
              params: dict[str, Any]) -> str:
    blob = json.dumps({"model": model, "messages": messages,
                       "schema": json_schema(response_model), "params": params},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=64)
def json_schema(response_model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, built once per class (for the cache key; read, never changed)."""
    return response_model.model_json_schema()


def prompt_hash(messages: list[dict[str, Any]]) -> str:
    blob = json.dumps(messages, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def _sum_usage(attempts: list[Any]) -> tuple[int | None, int | None, int | None]:
    out: list[int | None] = []
    for k in ("prompt_tokens", "completion_tokens", "total_tokens"):
        values = [a.usage.get(k) for a in attempts if not a.failed_request]
        # Unknown stays unknown: one attempt without usage makes the total unknown, not smaller.
        out.append(None if not values or any(v is None for v in values) else sum(values))
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


def _empty_answer(recorder: AttemptRecorder) -> bool:
    return bool(recorder.attempts) and recorder.attempts[-1].error == EMPTY_ANSWER


def _as_llm_error(e: BaseException, recorder: AttemptRecorder, sent: int, settings: Settings) -> LLMError:
    attempts = len(recorder.attempts)
    last = next((a.error for a in reversed(recorder.attempts) if a.error), None)
    # Inside one instructor loop every unusable answer but the last was sent back to the model.
    reasks = sum(1 for a in recorder.attempts[:-1] if a.error and not a.failed_request)
    cause = e.__cause__ or e
    if any(a.failed_request for a in recorder.attempts) or attempts == 0:
        what = f"{_request_failure(cause, settings)}，共发出 {sent} 次请求"
        return LLMError(scrub(f"LLM 调用失败（{what}）：{type(cause).__name__}: {_brief(cause)}") or "",
                        attempts=sent, last_error=scrub(last), request_failed=True, reasks=reasks)
    elif last and "finish_reason=length" in last:
        what = "输出被截断，请调大 DRAFTER_MAX_TOKENS"
    elif last == EMPTY_ANSWER:
        # The exception is instructor tripping over the empty list: noise for the user.
        return LLMError(f"LLM 调用失败（{sent} 次请求均返回空答案）", attempts=sent, last_error=last,
                        reasks=reasks)
    else:
        what = f"{attempts} 次尝试均未通过校验"
    return LLMError(scrub(f"LLM 调用失败（{what}）：{type(cause).__name__}: {_brief(cause)}") or "",
                    attempts=sent, last_error=scrub(last), reasks=reasks)


def _brief(e: BaseException) -> str:
    return " ".join(str(e).split())[:300]


def _request_failure(cause: BaseException, settings: Settings) -> str:
    """What went wrong with the request, in the words a user can act on."""
    import openai

    if isinstance(cause, openai.APITimeoutError):
        return f"请求超时（DRAFTER_TIMEOUT={settings.timeout_s:g} 秒）"
    if isinstance(cause, openai.RateLimitError):
        return "服务器限流（HTTP 429），请稍后再试"
    if isinstance(cause, openai.APIStatusError):
        return f"服务器返回 HTTP {cause.status_code}"
    if isinstance(cause, openai.APIConnectionError):
        return f"无法连接 {mask_url(settings.base_url)} 或连接中断"
    if isinstance(cause, ValueError):  # json.JSONDecodeError: a proxy's HTML page, a cut body
        return "服务器返回的不是合法的 JSON"
    return "请求失败"
