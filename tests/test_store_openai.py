"""The OpenAI-compatible embedder against a local fake /v1/embeddings server (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from test_store_support import corpus_files, invoke, invoke_json, offline_home  # noqa: F401


class _FakeEmbeddings(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        if body.get("model") == "broken":
            self._send(400, {"error": {"message": "model not found", "type": "invalid_request_error"}})
            return
        # Reuse the offline embedder at a small size, so that retrieval through this fake still
        # means something; reversed order checks that we sort by index.
        from drafter.store.embedders import ZhHashEmbedding
        vectors = ZhHashEmbedding(dim=64)(body["input"])
        data = [{"object": "embedding", "index": i, "embedding": [float(x) for x in v]}
                for i, v in enumerate(vectors)][::-1]
        self._send(200, {"object": "list", "data": data, "model": body["model"],
                         "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    def _send(self, status: int, payload: dict) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def fake_endpoint():
    _FakeEmbeddings.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeEmbeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_remote_embedder_gets_its_own_collection(offline_home: Path, fake_endpoint: str, monkeypatch):
    monkeypatch.setenv("DRAFTER_EMBED_MODEL", "fake/embed-1")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_endpoint)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("DRAFTER_EMBED_BATCH", "16")
    out = invoke_json("ingest", str(corpus_files()[0]))
    assert out["collection"] == "forms__openai-fake-embed-1"
    reqs = _FakeEmbeddings.requests
    assert reqs and all(r["path"] == "/v1/embeddings" and r["model"] == "fake/embed-1" for r in reqs)
    assert all(r["encoding_format"] == "float" and 1 <= len(r["input"]) <= 16 for r in reqs)
    assert reqs[0]["auth"] == "Bearer sk-test-secret"
    assert sum(len(r["input"]) for r in reqs) == out["documents"]

    top = invoke_json("search", "962121电话接通率", "-k", "3")["results"]
    assert top[0]["indicator"]["name"] == "962121电话接通率"

    # The key is not persisted with the collection.
    assert not any(b"sk-test-secret" in p.read_bytes() for p in (offline_home / "chroma").rglob("*")
                   if p.is_file())

    # The offline embedder still sees its own (empty) collection, not the remote vectors.
    monkeypatch.delenv("DRAFTER_EMBED_MODEL")
    res = invoke("search", "维修资金")
    assert res.exit_code == 2 and "forms__openai-fake-embed-1" in res.stderr
    assert invoke_json("ingest", str(corpus_files()[0]))["collection"] == "forms__zh-hash-v1"


def test_endpoint_error_is_one_line(offline_home: Path, fake_endpoint: str, monkeypatch):
    monkeypatch.setenv("DRAFTER_EMBED_MODEL", "broken")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_endpoint)
    res = invoke("ingest", str(corpus_files()[0]))
    assert res.exit_code == 2
    assert "model not found" in res.stderr and len(res.stderr.strip().splitlines()) == 1
