"""Shared fixtures for the LLM and draft tests: cassettes, a fake key, fixed retrieval, a stub server.

Not a conftest.py (tests/conftest.py belongs to the reader's tests): test modules import what they
need from here (``from conftest_llm import …``), and pytest registers imported fixtures.

Cassettes (cassettes/README.md):

* ``cassettes/recorded/<module>/`` hold real chat completions recorded from a llama.cpp server
  (llama-cpp-python serving gemma-3-270m) at :data:`RECORDED_URL`;
* ``cassettes/authored/<module>/`` hold hand-written responses for paths a real model cannot be
  made to hit on demand. They are produced by running the test against :class:`StubServer` at
  :data:`AUTHORED_URL`, which serves the responses written in the test, so the *requests* in these
  cassettes are still exactly what drafter sends. Every authored response carries the header
  ``x-drafter-authored``.

Replay matches the request body, so a changed prompt, schema or parameter fails loudly. Tests run
with ``--record-mode=none`` (pytest-recording's default): no network, no key.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
# A key that looks real enough for every scrubber; tests grep cassettes and logs for it.
FAKE_KEY = "sk-test-not-a-real-key"
RECORDED_URL = "http://127.0.0.1:8765/v1"
AUTHORED_URL = "http://127.0.0.1:8766/v1"
MODEL = "gemma-3-270m"
AUTHORED_HEADER = "x-drafter-authored"


def _scrub_request(request: Any) -> Any:
    body = request.body
    if isinstance(body, bytes) and FAKE_KEY.encode() in body:
        request.body = body.replace(FAKE_KEY.encode(), b"REDACTED")
    elif isinstance(body, str) and FAKE_KEY in body:
        request.body = body.replace(FAKE_KEY, "REDACTED")
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes) and FAKE_KEY.encode() in body:
        response["body"]["string"] = body.replace(FAKE_KEY.encode(), b"REDACTED")
    elif isinstance(body, str) and FAKE_KEY in body:
        response["body"]["string"] = body.replace(FAKE_KEY, "REDACTED")
    # Servers echo nothing secret in headers, but a proxy might set cookies.
    for name in list(response.get("headers", {})):
        if name.lower() in ("set-cookie", "authorization"):
            response["headers"][name] = ["REDACTED"]
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(h, "REDACTED") for h in (
            "authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie")],
        "decode_compressed_response": True,
        # Body included: a prompt or schema change must not replay a stale answer.
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "before_record_request": _scrub_request,
        "before_record_response": _scrub_response,
    }


def cassette_dir(kind: str, module_file: str) -> str:
    return str(CASSETTES / kind / Path(module_file).stem)


def set_llm_env(monkeypatch: pytest.MonkeyPatch, url: str, **extra: str) -> None:
    """Point drafter at ``url`` as a llama.cpp profile with the fake key and test-sized limits."""
    values = {
        "OPENAI_API_KEY": FAKE_KEY,
        "OPENAI_BASE_URL": url,
        "DRAFTER_PROFILE": "llamacpp",
        "DRAFTER_MODEL": MODEL,
        # A cassette miss must fail at once, not after the SDK's backoff.
        "DRAFTER_HTTP_RETRIES": "0",
        "DRAFTER_MAX_RETRIES": "1",
        "DRAFTER_MAX_TOKENS": "2500",
        "DRAFTER_CONTEXT_TOKENS": "600",
        "DRAFTER_TIMEOUT": "900",
    }
    values.update(extra)
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("DRAFTER_MODE", raising=False)


# Two past forms, written out here rather than read from corpus/ or the store, so that a change in
# the reader or the store's ranking cannot change the prompt and break every cassette at once.
PAST_FORMS = [
    ("corpus/000_695c4e6a2653faf7.txt", {
        "kind": "target", "year": 2024, "project_name": "物业事务管理", "agency": "上海市物业管理事务中心",
        "annual_goal": "开展物业管理业务实务培训；围绕物业费调价、物业服务合同开展研究分析；做实物业管理监督检查。",
        "funds": {"total": 235000.0, "unit": "元"},
        "indicators": [
            {"level1": "产出指标", "level2": "数量指标", "name": "物业服务市场化调研报告", "target_raw": "=1.00(份)",
             "op": "=", "value": 1.0, "unit": "份"},
            {"level1": "产出指标", "level2": "数量指标", "name": "完成相关业务培训", "target_raw": "=1.00(次)",
             "op": "=", "value": 1.0, "unit": "次"},
            {"level1": "产出指标", "level2": "质量指标", "name": "物业服务市场化调研报告验收合格率",
             "target_raw": "=100.00(%)", "op": "=", "value": 100.0, "unit": "%"},
            {"level1": "产出指标", "level2": "时效指标", "name": "相关业务培训完成及时率", "target_raw": "=100.00(%)",
             "op": "=", "value": 100.0, "unit": "%"},
            {"level1": "效益指标", "level2": "社会效益指标", "name": "业务水平", "target_raw": "提升",
             "qualitative": "提升"},
            {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "居民满意度", "target_raw": "提升",
             "qualitative": "提升"},
        ]}),
    ("corpus/001_307eddae529147f6.txt", {
        "kind": "target", "year": 2020, "project_name": "房屋物业管理监督管理", "agency": "上海市房屋管理局",
        "annual_goal": "全市物业行业管理规范有序。962121热线电话接通率95%，投诉处置率100%。",
        "funds": {"total": 26470288.0, "unit": "元"},
        "indicators": [
            {"level1": "产出目标", "level2": "数量", "name": "全市物业管理行业公众满意度测评报告", "target_raw": "=1",
             "op": "=", "value": 1.0},
            {"level1": "效果目标", "level2": "社会效益", "name": "投诉处理及时率", "target_raw": ">93%",
             "op": ">", "value": 93.0, "unit": "%"},
            {"level1": "效果目标", "level2": "满意度", "name": "居民满意度", "target_raw": ">85%",
             "op": ">", "value": 85.0, "unit": "%"},
            {"level1": "影响力目标", "level2": "长效管理", "name": "有责投诉率", "target_raw": "≤5%",
             "op": "≤", "value": 5.0, "unit": "%"},
        ]}),
]


def fixed_retrieval(query: str = "", k: int = 6, **_: Any) -> Any:
    from drafter.draft.retrieve import PastForm, Retrieval
    from drafter.model import Form

    forms = [PastForm(f"R{i}", src, Form.model_validate(data), round(0.5 - 0.1 * i, 2))
             for i, (src, data) in enumerate(PAST_FORMS[:k], start=1)]
    return Retrieval(forms=forms)


@pytest.fixture
def fixed_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retrieval returns :data:`PAST_FORMS`, whatever the store holds (and without opening it).

    The prompt's library rows are fixed too (none): the recorded sessions predate the indicator
    library, and a change to the library's data must not change these prompts either. Tests of the
    library in the prompt use :func:`fixed_library`.
    """
    monkeypatch.setattr("drafter.draft.pipeline.retrieve", fixed_retrieval)
    monkeypatch.setattr("drafter.draft.pipeline.llm_library_rows", lambda *a, **k: [])


REQUEST = {"name": "老旧小区物业服务测评", "goal": "完成老旧小区物业服务测评报告1份，开展物业企业培训4次",
           "funds": "120", "year": 2025, "agency": "上海市物业管理事务中心"}


def request_obj() -> Any:
    from drafter.draft.request import build_request

    return build_request(REQUEST["name"], REQUEST["goal"], REQUEST["funds"], REQUEST["agency"],
                         REQUEST["year"])


class StubServer:
    """An OpenAI-compatible endpoint that answers with the responses a test scripted, in order.

    Only used while recording authored cassettes (``--record-mode=rewrite``); in replay the
    cassette answers and no server runs.
    """

    def __init__(self, port: int, responses: list[tuple[int, dict[str, Any]]], note: str):
        self.responses = list(responses)
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", 0))
                stub.requests.append(json.loads(self.rfile.read(length) or b"{}"))
                status, body = stub.responses.pop(0) if stub.responses else (
                    500, {"error": {"message": "stub: no scripted response left"}})
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.send_header(AUTHORED_HEADER, note)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "StubServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(content: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    """A chat.completion body as llama.cpp returns it, with usage."""
    return {
        "id": "chatcmpl-authored", "object": "chat.completion", "created": 1735689600, "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


@pytest.fixture
def stub(record_mode: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``stub(responses)`` serves ``responses`` at AUTHORED_URL while recording; no-op on replay."""
    servers: list[StubServer] = []

    def start(responses: list[tuple[int, dict[str, Any]]]) -> StubServer | None:
        if record_mode == "none":
            return None
        note = f"hand-written response scripted in tests/{Path(request.node.fspath).name}::{request.node.name}"
        server = StubServer(8766, responses, note).__enter__()
        servers.append(server)
        return server

    yield start
    for s in servers:
        s.__exit__(None, None, None)


def log_rows(home: Path) -> list[dict[str, Any]]:
    from drafter.llm.log import CallLog, db_path

    return CallLog(db_path(home)).rows()


def assert_no_key(*paths: Path) -> None:
    """The fake key appears in no file under ``paths`` (cassettes, log database)."""
    for base in paths:
        files = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        for f in files:
            assert FAKE_KEY.encode() not in f.read_bytes(), f"API key leaked into {f}"
