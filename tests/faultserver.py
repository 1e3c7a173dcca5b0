"""A loopback OpenAI-compatible server that misbehaves on purpose.

Each request to ``/v1/chat/completions`` or ``/v1/embeddings`` takes the next scripted
:class:`Fault` (or the ``default`` one when the script runs out) and answers with it: a slow
answer that trips the client's timeout, a 429 with ``Retry-After``, a 500, a body cut off in the
middle, content that is not JSON or does not fit the schema, an empty ``choices`` list. It runs
live in a thread on 127.0.0.1 with port 0, so the real openai SDK, httpx and instructor are
exercised, nothing is recorded and no network beyond loopback is touched.

Every request is kept (arrival time, path, headers, JSON body) so tests can count retries, check
the back-off honoured ``Retry-After`` and grep what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable


@dataclass
class Fault:
    status: int = 200
    body: Any = None                  # dict → JSON; str/bytes → sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0                # seconds before answering (timeouts)
    cut: int | None = None            # send only this many body bytes, then close (truncated)


@dataclass
class Seen:
    at: float
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


def chat(content: str | None, finish_reason: str = "stop", model: str = "fault-model") -> dict[str, Any]:
    """A chat.completion body with one choice (``content`` None → a choice without content)."""
    return {
        "id": "chatcmpl-fault", "object": "chat.completion", "created": 1735689600, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def no_choices(model: str = "fault-model") -> dict[str, Any]:
    body = chat("", model=model)
    body["choices"] = []
    return body


def embeddings(n: int, dim: int = 8) -> dict[str, Any]:
    return {"object": "list", "model": "fault-embed",
            "data": [{"object": "embedding", "index": i,
                      "embedding": [((i + j) % 7 + 1) / 10 for j in range(dim)]} for i in range(n)],
            "usage": {"prompt_tokens": n, "total_tokens": n}}


def error(status: int, message: str, **headers: str) -> Fault:
    return Fault(status, {"error": {"message": message, "type": "server_error", "code": status}},
                 dict(headers))


class FaultServer:
    def __init__(self, script: list[Fault] | None = None,
                 default: Fault | Callable[[dict[str, Any]], Fault] | None = None):
        self.script = list(script or [])
        self.default = default or error(500, "fault server: script exhausted")
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with server._lock:
                    server.seen.append(Seen(time.monotonic(), self.path,
                                            {k.lower(): v for k, v in self.headers.items()}, body))
                    fault = server.script.pop(0) if server.script else server.default
                if callable(fault):
                    fault = fault(body)
                if fault.delay:
                    time.sleep(fault.delay)
                data = fault.body if isinstance(fault.body, bytes) else (
                    fault.body.encode() if isinstance(fault.body, str) else json.dumps(fault.body).encode())
                try:
                    self.send_response(fault.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in fault.headers.items():
                        self.send_header(k, v)
                    if fault.cut is not None:
                        self.send_header("connection", "close")
                    self.end_headers()
                    self.wfile.write(data if fault.cut is None else data[:fault.cut])
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): that is the point of a slow fault
                if fault.cut is not None:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> "FaultServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def chat_requests(self) -> list[Seen]:
        return [s for s in self.seen if s.path.endswith("/chat/completions")]
