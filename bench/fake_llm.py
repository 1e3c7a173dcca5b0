"""A loopback OpenAI-compatible server with a fixed latency, answering the deductions task.

It stands in for a provider when timing ``--jobs``: each ``/v1/chat/completions`` request sleeps
``latency`` seconds (in its own thread, as a provider serves requests in parallel), then answers
the deductions prompt with one valid item per id it asks for. The answer is derived from the
request alone (the reason and measure are cut from each row's note), so two runs that send the
same requests get the same answers in whatever order they arrive, and the reports of
``--jobs 1`` and ``--jobs 8`` must be byte-identical.

Binds 127.0.0.1 on port 0 (a free port); nothing leaves the machine.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DATA_OPEN, DATA_CLOSE = "<<<资料开始>>>", "<<<资料结束>>>"
_IDS = re.compile(r"对编号\s*([\d、,\s]+?)\s*各给出")


def deductions_answer(user_text: str) -> dict[str, Any]:
    """One valid DeductionBatch for the ids the prompt asks for, built from the rows' notes."""
    ids = [int(x) for x in re.split(r"[、,\s]+", _IDS.search(user_text).group(1)) if x]  # type: ignore[union-attr]
    start, end = user_text.index(DATA_OPEN) + len(DATA_OPEN), user_text.index(DATA_CLOSE)
    rows = {r["id"]: r for r in json.loads(user_text[start:end])}
    items = []
    for i in ids:
        row = rows.get(i, {})
        note = str(row.get("偏差原因分析及改进措施", ""))
        owner = str(row.get("实施单位", "实施单位"))
        items.append({
            "id": i, "category": "mechanism", "reason": note[:20], "measure": note[20:40],
            "measures": [{"action": f"针对“{str(row.get('三级指标', '该指标'))[:20]}”逐项核查偏差原因并制定整改台账",
                          "owner": owner, "deadline": "次年6月底前",
                          "target": "整改完成率100%", "indicator": str(row.get("三级指标", "该指标"))}]})
    return {"items": items}


def completion(content: str) -> dict[str, Any]:
    return {"id": "chatcmpl-bench", "object": "chat.completion", "created": 1735689600, "model": "bench",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 900, "completion_tokens": 300, "total_tokens": 1200}}


class FakeLLM:
    """``with FakeLLM(latency=0.5) as server: server.url`` → ``http://127.0.0.1:PORT/v1``."""

    def __init__(self, latency: float):
        self.latency = latency
        self.requests = 0
        self.in_flight = self.peak = 0
        # Monotonic times of the first request in and the last answer out: the LLM phase.
        self.first_in: float | None = None
        self.last_out: float | None = None
        lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                with lock:
                    fake.requests += 1
                    fake.in_flight += 1
                    if fake.first_in is None:
                        fake.first_in = time.monotonic()
                    fake.peak = max(fake.peak, fake.in_flight)
                try:
                    time.sleep(fake.latency)
                    user = next(m["content"] for m in reversed(body.get("messages", []))
                                if m.get("role") == "user")
                    data = json.dumps(completion(json.dumps(deductions_answer(user), ensure_ascii=False)),
                                      ensure_ascii=False).encode()
                finally:
                    with lock:
                        fake.in_flight -= 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                with lock:
                    fake.last_out = time.monotonic()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @property
    def phase(self) -> float:
        """Seconds from the first request received to the last answer sent."""
        return 0.0 if self.first_in is None or self.last_out is None else self.last_out - self.first_in

    def __enter__(self) -> "FakeLLM":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def self_eval_forms(notes: int, per_form: int = 10) -> list[Any]:
    """Self-evaluations with ``notes`` lost-point rows, each with a different deviation note."""
    from drafter.model import Form, Indicator

    causes = ["受疫情影响部分工作延期", "项目前期论证不充分导致进度滞后", "采购流程较长，合同签订时间推迟",
              "部分服务对象对服务质量不满意", "资金拨付不及时影响项目推进", "绩效目标设置偏高，实际完成未达预期"]
    fixes = ["下一步将加强进度管理，按月调度", "今后将完善前期论证，细化实施方案", "将优化采购流程，提前启动招标",
             "将开展满意度回访并整改", "将建立资金拨付台账，按季度通报", "将科学合理设置绩效目标"]
    forms = []
    for f in range((notes + per_form - 1) // per_form):
        inds = []
        for k in range(min(per_form, notes - f * per_form)):
            n = f * per_form + k
            inds.append(Indicator(level1="产出指标", level2="数量指标", name=f"第{n + 1}项服务完成数量",
                                  target_raw="≥100次", op="≥", value=100, unit="次", actual_raw=f"{80 + n % 15}次",
                                  weight=10, score=8, deviation=f"{causes[n % 6]}（第{n + 1}项）。{fixes[(n // 6) % 6]}。"))
        forms.append(Form(kind="self_eval", year=2024, project_name=f"基层服务项目{f + 1}",
                          agency=f"第{f % 9 + 1}区服务中心", indicators=inds))
    return forms
