"""The workbench over HTTP: the contract, CSRF, the access token, upload limits, jobs.

Browser tests are in test_web_browser.py; these need no browser.
"""

from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from drafter.web.app import create_app
from drafter.web.settings import MB, WebSettings
from tests.conftest import SEEDS

TARGET = SEEDS["target_2024"]
SELF_EVAL = SEEDS["self_eval_2024"]


@pytest.fixture
def work(tmp_path):
    root = tmp_path / "jobs"
    root.mkdir()
    return root


def client(work: Path, **kw) -> TestClient:
    kw.setdefault("wait_seconds", 30.0)
    addr = kw.pop("client_addr", ("127.0.0.1", 5000))
    return TestClient(create_app(WebSettings(work_root=work, **kw)), client=addr)


def csrf_of(c: TestClient) -> str:
    c.get("/")
    token = c.cookies.get("drafter_csrf")
    assert token and len(token) >= 32
    return token


def leftovers(work: Path) -> list[Path]:
    return [p for p in work.rglob("*") if p.is_file()]


def codes(html: str) -> list[str]:
    return re.findall(r'<summary class="code"[^>]*>([TS]\d\d)<', html)


def test_healthz_and_the_front_page_contract(work):
    c = client(work)
    assert c.get("/healthz").status_code == 200
    html = c.get("/").text
    # The textarea is labelled 粘贴表格 and the form's button says 审核.
    m = re.search(r'<label for="(\w+)">粘贴表格</label>', html)
    assert m and f'<textarea id="{m.group(1)}"' in html
    assert re.search(r"<button[^>]*>审核</button>", html)
    assert "htmx.min.js" in html and "http://" not in html and "https://" not in html  # nothing external


def test_static_htmx_is_vendored_with_its_licence(work):
    js = client(work).get("/static/htmx.min.js")
    assert js.status_code == 200 and "Zero-Clause BSD" in js.text[:400] and "htmx" in js.text


def test_api_review_gives_the_same_json_as_the_cli(work, tmp_path, monkeypatch):
    from drafter.cli import app
    form = tmp_path / "cli"
    form.mkdir()
    (form / "申报表.txt").write_bytes(TARGET.read_bytes())
    monkeypatch.chdir(form)
    cli = CliRunner().invoke(app, ["review", "申报表.txt", "--format", "json", "--fail-on", "never"])
    assert cli.exit_code == 0, cli.output
    r = client(work).post("/api/review", files={"file": ("申报表.txt", TARGET.read_bytes(), "text/plain")})
    assert r.status_code == 200
    assert r.json() == json.loads(cli.stdout)
    assert r.json()["findings"] and r.json()["summary"]["sources"] == ["申报表.txt"]


def test_api_review_takes_pasted_text(work):
    r = client(work).post("/api/review", data={"text": TARGET.read_text(encoding="utf-8")})
    body = r.json()
    assert r.status_code == 200 and body["summary"]["sources"] == ["粘贴表格"]
    assert {"T06", "T07"} <= set(body["summary"]["by_code"])


def test_api_review_refuses_nothing_to_read_with_one_chinese_line(work):
    c = client(work)
    r = c.post("/api/review", data={"text": "   "})
    assert r.status_code == 400 and "粘贴" in r.json()["error"]
    r = c.post("/api/review", files={"file": ("图片.png", b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")})
    assert r.status_code == 400 and "图片.png" in r.json()["error"]
    assert str(work) not in r.text
    assert leftovers(work) == []


def test_page_posts_need_the_csrf_token(work):
    c = client(work)
    text = TARGET.read_text(encoding="utf-8")
    token = csrf_of(c)
    assert c.post("/review", data={"text": text}).status_code == 403
    assert c.post("/review", data={"text": text, "csrf_token": "x" * 43}).status_code == 403
    ok = c.post("/review", data={"text": text, "csrf_token": token})
    assert ok.status_code == 200 and "T07" in codes(ok.text)
    assert c.post("/review", data={"text": text}, headers={"X-CSRF-Token": token}).status_code == 200
    # Another site's page posting to the API is told apart by its Origin.
    r = c.post("/api/review", data={"text": text}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "其他网站" in r.json()["error"]


def test_access_token_for_other_machines_only(work, monkeypatch):
    monkeypatch.setenv("DRAFTER_WEB_TOKEN", "s3cret-token")
    remote = client(work, client_addr=("10.1.2.3", 5000))
    assert remote.get("/healthz").status_code == 200
    assert remote.get("/").status_code == 401
    r = remote.post("/api/review", data={"text": "x"})
    assert r.status_code == 401 and "DRAFTER_WEB_TOKEN" in r.json()["error"]
    assert remote.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert remote.get("/", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
    # A link with ?token= opens the workbench and leaves a cookie for the pages after it.
    assert remote.get("/rules?token=s3cret-token").status_code == 200
    assert remote.get("/search").status_code == 200
    local = client(work, client_addr=("127.0.0.1", 5000))
    assert local.get("/").status_code == 200


def test_upload_names_cannot_leave_the_job_folder(work, tmp_path):
    c = client(work, keep_seconds=3600)
    token = csrf_of(c)
    body = TARGET.read_bytes()
    names = ["../../escape.txt", "..\\..\\win.txt", "/etc/passwd", "....//x.txt", ".hidden.txt"]
    r = c.post("/review", data={"csrf_token": token},
               files=[("files", (n, body, "text/plain")) for n in names])
    assert r.status_code == 200, r.text
    assert not (tmp_path / "escape.txt").exists() and not (work.parent / "escape.txt").exists()
    for p in tmp_path.rglob("*"):
        if p.is_file() and p.suffix == ".txt":
            assert work in p.parents
    # What the page shows is the bare file name, never a path.
    for shown in ("escape.txt", "win.txt", "passwd", "x.txt", "hidden.txt"):
        assert shown + " · 第1张" in r.text
    assert "../" not in r.text and str(work) not in r.text


def test_a_50_mb_upload_is_refused_and_leaves_nothing(work):
    c = client(work)
    token = csrf_of(c)
    big = io.BytesIO(b"a" * (50 * MB))
    r = c.post("/review", data={"csrf_token": token}, files={"files": ("大文件.txt", big, "text/plain")})
    assert r.status_code == 413
    assert "大文件.txt" in r.text and "文件过大" in r.text and "20 MB" in r.text
    assert leftovers(work) == []
    # The same file is accepted when the operator raises the limit (drafter serve --max-upload-mb 60).
    roomy = client(work, max_file_bytes=60 * MB)
    r = roomy.post("/api/review", files={"file": ("大文件.txt", b"a" * (50 * MB), "text/plain")})
    assert r.status_code == 400 and "大文件.txt" in r.json()["error"]  # read, and found to hold no form


def test_a_request_body_over_the_limit_is_refused_before_parsing(work):
    c = client(work, max_request_bytes=1 * MB)
    r = c.post("/api/review", files={"file": ("a.txt", b"x" * (2 * MB), "text/plain")})
    assert r.status_code == 413 and "过大" in r.json()["error"]
    assert leftovers(work) == []


def test_too_many_files(work):
    c = client(work, max_files=3)
    files = [("files", (f"f{k}.txt", TARGET.read_bytes(), "text/plain")) for k in range(4)]
    r = c.post("/api/review", files=files)
    assert r.status_code == 413 and "文件过多" in r.json()["error"]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_files_of_the_same_name_stay_apart(work):
    archive = _zip({"2023/自评表.txt": SELF_EVAL.read_bytes(), "2024/自评表.txt": SELF_EVAL.read_bytes()})
    files = [("files", ("自评表.txt", TARGET.read_bytes(), "text/plain")),
             ("files", ("自评表.txt", SELF_EVAL.read_bytes(), "text/plain")),
             ("files", ("报送.zip", archive, "application/zip"))]
    body = client(work).post("/api/review", files=files).json()
    assert body["summary"]["sources"] == ["自评表.txt", "自评表（2）.txt", "报送.zip/2023/自评表.txt",
                                          "报送.zip/2024/自评表.txt"]
    # Each file's findings are its own: the same as reviewing that file alone.
    from collections import Counter
    from drafter.read import read_file
    from drafter.services.review import review
    alone = {path: Counter(f.code for f in review([("x", read_file(path))]).findings) for path in (TARGET, SELF_EVAL)}
    got = {name: Counter(f["code"] for f in body["findings"] if f["source"] == name)
           for name in body["summary"]["sources"]}
    assert got["自评表.txt"] == alone[TARGET] and got["自评表（2）.txt"] == alone[SELF_EVAL]
    assert got["报送.zip/2023/自评表.txt"] == got["报送.zip/2024/自评表.txt"] == alone[SELF_EVAL]


def test_a_zip_bomb_is_refused(work):
    c = client(work)
    bomb = _zip({"forms/报表.txt": bytes(100 * MB)})
    assert len(bomb) < MB
    r = c.post("/api/review", files={"file": ("forms.zip", bomb, "application/zip")})
    assert r.status_code == 413 and "压缩炸弹" in r.json()["error"]
    assert leftovers(work) == []
    # Many members that each look innocent still add up past the unpacked limit.
    small = client(work, max_unpacked_bytes=2 * MB)
    spread = _zip({f"f{k}.txt": TARGET.read_bytes() * 8 for k in range(40)})
    r = small.post("/api/review", files={"file": ("many.zip", spread, "application/zip")})
    assert r.status_code == 413 and "解压后过大" in r.json()["error"]
    assert leftovers(work) == []


def test_a_zip_of_forms_is_read_member_by_member(work):
    archive = _zip({"../上级/目标表.txt": TARGET.read_bytes(), "__MACOSX/._目标表.txt": b"junk",
                    "自评表.txt": SELF_EVAL.read_bytes()})
    r = client(work).post("/api/review", files={"file": ("报送.zip", archive, "application/zip")})
    assert r.status_code == 200
    assert r.json()["summary"]["sources"] == ["报送.zip/上级/目标表.txt", "报送.zip/自评表.txt"]
    damaged = client(work).post("/api/review", files={"file": ("坏.zip", b"PK\x03\x04broken", "application/zip")})
    assert damaged.status_code == 400 and "坏.zip" in damaged.json()["error"]


def test_eight_concurrent_jobs_keep_their_own_results(work):
    from drafter.read import read_file
    from drafter.services.review import review
    from tests.webserver import live_server
    import httpx

    files = sorted(SEEDS.values())
    jobs = [(f"表{k}.txt", files[k % len(files)]) for k in range(8)]
    expected = {name: review([(name, read_file(path))]).summary for name, path in jobs}
    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    with live_server(WebSettings(work_root=work, workers=4)) as base:
        def one(name: str, path: Path) -> None:
            try:
                with httpx.Client(base_url=base, timeout=60) as h:
                    r = h.post("/api/jobs/review", files={"file": (name, path.read_bytes(), "text/plain")})
                    assert r.status_code == 202
                    job = r.json()["job"]
                    for _ in range(1200):  # a hang guard of 60 s
                        s = h.get(f"/api/jobs/{job}").json()
                        if s["status"] in ("done", "failed"):
                            break
                        threading.Event().wait(0.05)
                    assert s["status"] == "done", s
                    results[name] = s["result"]
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=one, args=job) for job in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
    assert not errors, errors
    assert set(results) == set(expected)
    for name, result in results.items():
        assert result["summary"] == expected[name]
        assert {f["source"] for f in result["findings"]} == {name}


def _panel(c: TestClient, token: str, **data) -> str:
    r = c.post("/review", data={"csrf_token": token, **data}, headers={"HX-Request": "true"})
    assert r.status_code == 200, r.text
    return r.text


def test_jobs_survive_a_reload_and_expire(work):
    c = client(work, keep_seconds=3600)
    token = csrf_of(c)
    r = c.post("/review", data={"csrf_token": token, "text": TARGET.read_text(encoding="utf-8")},
               headers={"HX-Request": "true"})
    job = r.headers["HX-Push-Url"].split("job=")[1]
    again = c.get(f"/?job={job}")
    assert again.status_code == 200 and codes(again.text) == codes(r.text) and codes(r.text)
    gone = client(work, keep_seconds=0)
    token = csrf_of(gone)
    r = gone.post("/review", data={"csrf_token": token, "text": TARGET.read_text(encoding="utf-8")},
                  headers={"HX-Request": "true"})
    job = r.headers["HX-Push-Url"].split("job=")[1]
    assert (work / job).is_dir()
    assert "已过期" in gone.get(f"/jobs/{job}").text
    assert not (work / job).exists()


def test_accept_a_finding_and_download_the_result(work):
    from openpyxl import load_workbook
    c = client(work)
    token = csrf_of(c)
    html = _panel(c, token, text=TARGET.read_text(encoding="utf-8"))
    job = re.search(r'data-job="([^"]+)"', html).group(1)
    assert c.post(f"/jobs/{job}/accept/0", data={"reason": "x"}).status_code == 403  # no token
    assert c.post(f"/jobs/{job}/accept/0", data={"csrf_token": token, "reason": " "}).status_code == 400
    r = c.post(f"/jobs/{job}/accept/0", data={"csrf_token": token, "reason": "按上级文件口径填写"})
    assert r.status_code == 200 and "已接受：按上级文件口径填写" in r.text
    data = c.get(f"/jobs/{job}/review.json").json()
    assert data["accepted"] == [{"index": 0, "code": data["findings"][0]["code"], "reason": "按上级文件口径填写"}]
    assert "drafter 审核报告" in c.get(f"/jobs/{job}/review.md").text
    wb = load_workbook(io.BytesIO(c.get(f"/jobs/{job}/review.xlsx").content))
    assert "审核意见" in wb.sheetnames
    assert any(cell.comment for ws in wb.worksheets for row in ws.iter_rows() for cell in row)


def test_a_second_round_shows_fixed_remaining_and_new(work):
    c = client(work)
    token = csrf_of(c)
    text = TARGET.read_text(encoding="utf-8")
    first = _panel(c, token, text=text)
    job = re.search(r'data-job="([^"]+)"', first).group(1)
    n_t07 = codes(first).count("T07")
    assert n_t07 >= 2
    # The reviewer quantifies every 提升 target: those T07 findings are fixed.
    fixed_text = re.sub(r"(?<=[\s|])提升(?=[\s|])", "≥5%", text)
    assert fixed_text != text
    # T06 (no cost indicator) is accepted in round one and stays unfixed: it stays accepted.
    t06 = [k for k, f in enumerate(c.get(f"/jobs/{job}/review.json").json()["findings"]) if f["code"] == "T06"]
    assert t06
    c.post(f"/jobs/{job}/accept/{t06[0]}", data={"csrf_token": token, "reason": "成本指标另行报送"})
    second = _panel(c, token, text=fixed_text, previous=job)
    assert second.count("已接受：成本指标另行报送") == 1
    assert "第 2 轮" in second
    fixed = int(re.search(r'class="fixed-count">(\d+)<', second).group(1))
    assert fixed >= 1 and codes(second).count("T07") < n_t07
    assert "仍存在" in second
    missing = c.post("/review", data={"csrf_token": token, "text": text, "previous": "nope"})
    assert missing.status_code == 404 and "已过期" in missing.text


def test_no_key_or_server_path_reaches_the_page(work, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefghijklmnopqrstuvwxyz123456")
    c = client(work)
    token = csrf_of(c)
    r = c.post("/review", data={"csrf_token": token}, files={"files": ("坏.xlsx", b"PK\x03\x04xx", "application/zip")})
    assert "坏.xlsx" in r.text
    for page in ("/", "/draft", "/deductions", "/search", "/rules"):
        text = c.get(page).text + r.text
        assert "sk-test" not in text and str(work) not in text and str(Path.cwd()) not in text


def _serve(*args: str):
    import os
    import subprocess
    import sys
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen([sys.executable, "-m", "drafter.cli", "serve", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_drafter_serve_starts_on_the_port_it_names():
    import httpx
    proc = _serve("--port", "0")
    try:
        line = ""
        for line in proc.stderr:  # the address line comes before the server blocks
            if "http://" in line:
                break
        url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert url, line
        assert httpx.get(url.group(0) + "healthz", timeout=60).json() == {"status": "ok"}
        front = httpx.get(url.group(0), timeout=60).text
        assert "粘贴表格" in front
    finally:
        proc.terminate()
        proc.wait(60)


def test_drafter_serve_on_a_busy_port_says_so():
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = _serve("--port", str(busy.getsockname()[1]))
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert "无法监听" in err and "Traceback" not in err


def _finished(c: TestClient, response) -> str:
    """The job's final panel: follow the polling the page would do (a hang guard of 60 s)."""
    html = response.text
    for _ in range(600):
        m = re.search(r'hx-get="/jobs/([^"]+)" hx-trigger', html)
        if not m:
            return html
        threading.Event().wait(0.1)
        html = c.get(f"/jobs/{m.group(1)}").text
    raise AssertionError("job did not finish")


def test_deductions_from_a_zip_of_self_evaluations(work):
    c = client(work, wait_seconds=0.0)
    token = csrf_of(c)
    archive = _zip({"2024/自评A.txt": SELF_EVAL.read_bytes(), "2024/自评B.txt": SEEDS["self_eval_ocr"].read_bytes()})
    r = c.post("/deductions", data={"csrf_token": token, "offline": "1"},
               files={"files": ("自评表.zip", archive, "application/zip")}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and "/deductions?job=" in r.headers["HX-Push-Url"]
    html = _finished(c, r)
    assert "扣分原因分析" in html and html.count("<svg") == 2
    job = r.headers["HX-Push-Url"].split("job=")[1]
    report = c.get(f"/jobs/{job}/deductions.html").text
    from drafter.cli import app
    cli = CliRunner().invoke(app, ["deductions", str(SELF_EVAL), str(SEEDS["self_eval_ocr"]), "--offline",
                                   "--format", "json"])
    total = json.loads(cli.stdout)["summary"]["total_lost"]
    assert f"{total:.2f}" in html and f"{total:.2f}" in report  # the same analysis as the CLI's


def test_deductions_without_self_evaluations_says_so(work):
    c = client(work)
    token = csrf_of(c)
    r = c.post("/deductions", data={"csrf_token": token, "offline": "1"},
               files={"files": ("目标表.txt", TARGET.read_bytes(), "text/plain")})
    assert r.status_code == 400 and "没有绩效自评表" in r.text


def test_an_llm_failure_drafts_offline_with_a_visible_note(work, monkeypatch):
    from faultserver import FaultServer, error
    key = "sk-web-fault-secret-0123456789abcdef"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("DRAFTER_MODE", "JSON")
    monkeypatch.setenv("DRAFTER_MODEL", "fault-model")
    monkeypatch.setenv("DRAFTER_TIMEOUT", "0.3")
    monkeypatch.setenv("DRAFTER_HTTP_RETRIES", "0")
    monkeypatch.setenv("DRAFTER_MAX_RETRIES", "0")
    c = client(work, wait_seconds=0.0)
    token = csrf_of(c)
    with FaultServer(default=error(500, "internal error")) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        r = c.post("/draft", data={"csrf_token": token, "name": "老旧小区物业服务测评", "goal": "完成测评报告1份",
                                   "funds": "120", "year": "2025"}, headers={"HX-Request": "true"})
        html = _finished(c, r)
    assert "起草失败，已改用离线引擎" in html and "起草引擎：离线引擎" in html
    assert "draft-table" in html and key not in html and server.url not in html
    job = r.headers["HX-Push-Url"].split("job=")[1]
    from drafter.read import read_file
    book = work / "draft.xlsx"
    book.write_bytes(c.get(f"/jobs/{job}/draft.xlsx").content)
    assert read_file(book)[0].project_name == "老旧小区物业服务测评"
    book.unlink()


def test_draft_form_errors_name_the_field(work):
    c = client(work)
    token = csrf_of(c)
    r = c.post("/draft", data={"csrf_token": token, "name": "某项目", "goal": ""})
    assert r.status_code == 400 and "项目目标" in r.text
    r = c.post("/draft", data={"csrf_token": token, "name": "某项目", "goal": "完成某项工作", "funds": "很多"})
    assert r.status_code == 400 and "资金" in r.text


def test_expired_jobs_are_swept_without_a_visit(work):
    from drafter.web.jobs import Jobs
    jobs = Jobs(keep_seconds=1, workers=1, root=work)
    try:
        job = jobs.start(jobs.new("review"), lambda j: "done")
        jobs.wait(job, 60)
        for _ in range(600):  # the janitor runs every second here; a hang guard of 60 s
            if not job.folder.exists():
                break
            threading.Event().wait(0.1)
        assert not job.folder.exists()
        assert job.id not in jobs._jobs
    finally:
        jobs.shutdown()


def test_search_on_an_empty_store_says_how_to_fill_it_and_then_finds(work):
    c = client(work)
    r = c.get("/search", params={"q": "满意度"})
    assert r.status_code == 200 and "存储库为空" in r.text and "起草" in r.text
    from drafter.cli import app
    assert CliRunner().invoke(app, ["ingest"]).exit_code == 0
    r = c.get("/search", params={"q": "满意度", "level1": "满意度指标"}, headers={"HX-Request": "true"})
    assert '<table class="hits">' in r.text and "<html" not in r.text  # the fragment only
    rows = re.findall(r"<tr><td>(指标|项目)</td>", r.text)
    assert rows and set(rows) == {"指标"}
    assert "满意度指标 /" in r.text and str(work) not in r.text


def test_scrubbing_server_paths_leaves_file_names_alone():
    from drafter.web.safety import clean_message
    line = clean_message("/srv/drafter/jobs/ab12/001_报送.zip/2023/自评表.txt: 未找到表单",
                         ["/", "/srv", "/srv/drafter/jobs", ""])
    assert line == "…/ab12/001_报送.zip/2023/自评表.txt: 未找到表单"
