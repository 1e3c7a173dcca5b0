"""Author the deductions cassettes: drafter's real requests, hand-written answers.

No real model was called. The requests in ``cassettes/authored/deductions_*.yaml`` are exactly
what drafter sends (the scenario of ``tests/test_deductions_llm.py`` run against a local stand-in
server and recorded by vcrpy); the answers are the ones written below, in the shape an
OpenAI-compatible server returns. The recorded URIs are then rewritten to the provider's real
address, so the tests replay them under the real profile configuration.

Re-run after changing ``prompts/deductions*.j2`` or what a row sends (the tests match on the
request body and fail loudly until then)::

    /work/venv/bin/python cassettes/deductions/author.py

To record a real provider instead, run the test scenario under ``vcr_for("once")`` with a key
and delete the authored answers from here.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "cassettes" / "authored"

OWNER = "上海市房屋管理局"
GOOD = {"items": [
    {"id": 1, "category": "mechanism",
     "reason": "考核机制不够健全，结果运用不够",
     "measure": "完善责任体系，建立责任清单，强化考核监督",
     "measures": [
         {"action": "制定大型居住社区差价管理责任清单，明确审核、拨付、复核各环节的牵头处室和配合单位",
          "owner": OWNER, "deadline": "2025年6月底前",
          "target": "责任清单覆盖全部 3 个管理环节并印发执行", "indicator": "长效机制健全性"},
         {"action": "建立季度考核制度，考核结果书面通报并纳入年度绩效评价",
          "owner": OWNER, "deadline": "2025年起每季度",
          "target": "全年考核 4 次，考核问题整改率 100%", "indicator": "长效机制健全性"}]},
    {"id": 2, "category": "satisfaction_awareness",
     "reason": "部分信访人反映诉求在短时间内无法得到解决，对作出的信访处理意见表示不满",
     "measure": "加强市、区联动，建立联系机制，配合做好政策解释、心理疏导、人员稳控等工作",
     "measures": [
         {"action": "建立市、区两级信访联系机制，对诉求短期难以解决的重复信访事项每月联合会商",
          "owner": f"{OWNER}（会同各区房屋管理部门）", "deadline": "2025年3月底前建立，此后每月",
          "target": "重复信访事项会商率 100%", "indicator": "化解信访矛盾满意率"},
         {"action": "对出具处理意见的信访件开展政策解释和电话回访，记录不满意原因并逐项反馈",
          "owner": OWNER, "deadline": "2025年起每季度",
          "target": "回访率 100%，化解信访矛盾满意率 ≥70%", "indicator": "化解信访矛盾满意率"}]},
    {"id": 3, "category": "schedule",
     "reason": "原计划于4月底完成的年报审计工作，因需等待上级主管部门明确部分费用口径而晚于预期",
     "measure": "加强与上级主管部门沟通，及时向事务所明确相关审计口径",
     "measures": [
         {"action": "年报审计启动前向上级主管部门书面确认费用口径，并同步告知会计师事务所",
          "owner": OWNER, "deadline": "2025年2月底前",
          "target": "取得口径确认 1 份；年报审计 4 月底前完成率 100%",
          "indicator": "事业单位年报审计及专项工作完成及时率"}]},
]}
# First answer of the re-ask cassette: an unknown category, a vague deadline and a missing row.
BAD = {"items": [
    {**GOOD["items"][0], "category": "机制不健全"},
    {**GOOD["items"][2], "measures": [{**GOOD["items"][2]["measures"][0], "deadline": "尽快"}]},
]}

CASSETTES = {
    "deductions_deepseek.yaml": {"model": "deepseek-chat", "base": "https://api.deepseek.com",
                                 "answers": [GOOD]},
    "deductions_ollama_reask.yaml": {"model": "qwen2.5:7b", "base": "http://localhost:11434/v1",
                                     "answers": [BAD, GOOD]},
}


class _Stand_in(BaseHTTPRequestHandler):
    answers: list[dict] = []
    model = ""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        content = json.dumps(type(self).answers.pop(0), ensure_ascii=False)
        # Token counts are estimates (about 1.5 characters per token for Chinese): authored, not measured.
        body = {"id": f"chatcmpl-authored-{len(type(self).answers)}", "object": "chat.completion",
                "created": 1735689600, "model": type(self).model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1900, "completion_tokens": len(content) * 2 // 3,
                          "total_tokens": 1900 + len(content) * 2 // 3}}
        raw = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        # The marker every authored response carries (tests/conftest_llm.py, cassettes/README.md).
        self.send_header("x-drafter-authored", "hand-written answer, cassettes/deductions/author.py")
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


def _retarget(text: str, stand_in: str, base: str) -> str:
    """Point the recording at the provider, drop the stand-in's traces, keep Chinese readable."""
    import yaml
    from urllib.parse import urlsplit

    data = yaml.safe_load(text)
    host = urlsplit(base).netloc
    for item in data["interactions"]:
        item["request"]["uri"] = item["request"]["uri"].replace(stand_in, base)
        item["request"]["headers"]["host"] = [host]
        headers = item["response"]["headers"]
        for name in ("date", "server"):
            headers.pop(name, None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def author(name: str, spec: dict) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import test_deductions_llm as t

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stand_in)
    _Stand_in.answers, _Stand_in.model = list(spec["answers"]), spec["model"]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stand_in = f"http://127.0.0.1:{server.server_address[1]}"
    suffix = "/v1" if spec["base"].endswith("/v1") else ""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "DEEPSEEK_", "DRAFTER_"))}
    env.update(t.SCENARIOS[name])
    env["OPENAI_BASE_URL"] = stand_in + suffix
    env["DRAFTER_HTTP_RETRIES"] = "0"
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DRAFTER_HOME"] = tmp
            path = Path(tmp) / name
            with t.vcr_for("all").use_cassette(str(path)):
                report, _client = t.run_scenario(Path(tmp))
            assert report.engine == f"llm:{spec['model']}", report.notes
            text = _retarget(path.read_text(encoding="utf-8"), stand_in + suffix, spec["base"])
    finally:
        os.environ.clear()
        os.environ.update(old)
        server.shutdown()
    header = ("# hand-authored: requests recorded from drafter, answers written by hand "
              "(cassettes/deductions/author.py); no model was called.\n")
    (OUT / name).write_text(header + text, encoding="utf-8")
    print(f"wrote {OUT / name}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, spec in CASSETTES.items():
        author(name, spec)


if __name__ == "__main__":
    main()
