"""The FastAPI application: guards, shared page rendering, /healthz and the feature routers."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, AsyncIterator, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from drafter.web import safety
from drafter.web.jobs import Job, Jobs
from drafter.web.settings import WebSettings

HERE = Path(__file__).resolve().parent
PAGES = (("/", "审核"), ("/draft", "起草"), ("/deductions", "扣分分析"), ("/search", "检索"), ("/rules", "规则"))


class Workbench:
    """What every route needs: settings, the job list, templates, and the paths pages must not show."""

    def __init__(self, settings: WebSettings) -> None:
        from drafter.resources import home_dir
        self.settings = settings
        hidden = [str(HERE.parent.parent), os.getcwd()]
        with contextlib.suppress(Exception):
            hidden.append(str(home_dir()))
        self.jobs = Jobs(settings.keep_seconds, settings.workers, settings.work_root,
                         clean=lambda m: safety.clean_message(m, self.hidden))
        self.hidden = hidden + [str(self.jobs.root), str(Path(self.jobs.root).resolve())]
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals["pages"] = PAGES
        self.templates.env.globals["keep_minutes"] = max(1, settings.keep_seconds // 60)
        from drafter.web.deductions import deductions_view
        from drafter.web.draft import draft_view
        from drafter.web.review import review_view
        self.templates.env.globals.update(review_view=review_view, deductions_view=deductions_view,
                                          draft_view=lambda job: draft_view(job, self.clean))

    def clean(self, message: str) -> str:
        return safety.clean_message(message, self.hidden)

    def render(self, request: Request, template: str, status: int = 200, **data: Any) -> HTMLResponse:
        data.setdefault("title", "")
        data["csrf"] = safety.csrf_token(request)
        data["path"] = request.url.path
        response = self.templates.TemplateResponse(request, template, data, status_code=status)
        safety.remember_csrf(request, response)
        return response

    def error(self, request: Request, message: str, status: int = 400) -> Response:
        return safety.error_response(request.scope, self.clean(message), status)

    def job_panel(self, request: Request, job: Job, push: str | None = None) -> Response:
        status = job.error_status if job.status == "failed" else 200
        response = self.render(request, "_job.html", status=status, job=job)
        if push and request.headers.get("hx-request"):
            # The address bar names the job, so a reload shows its progress or result again.
            response.headers["HX-Push-Url"] = f"{push}?job={job.id}"
        return response


def create_app(settings: WebSettings | None = None,
               on_ready: Callable[[], None] = lambda: None) -> FastAPI:
    """The workbench; ``on_ready`` runs once start-up (the slow imports) is over."""
    settings = settings or WebSettings()
    bench = Workbench(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import anyio
        await anyio.to_thread.run_sync(warm_up)
        on_ready()
        yield
        bench.jobs.shutdown()

    app = FastAPI(title="drafter", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.bench = bench
    app.middleware("http")(safety.token_guard(settings.token))

    @app.middleware("http")
    async def server_timing(request: Request, call_next: Any) -> Response:
        # How long the server spent on the request (the bench reads it; browsers show it).
        import time
        started = time.perf_counter()
        response: Response = await call_next(request)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    app.add_middleware(safety.BodyLimit, limit=settings.max_request_bytes)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @app.get("/jobs/{job_id}")
    def job_panel(request: Request, job_id: str) -> Response:
        job = bench.jobs.get(job_id)
        if job is None:
            return bench.error(request, "结果不存在或已过期删除，请重新提交", 404)
        return bench.job_panel(request, job)

    @app.get("/api/jobs/{job_id}")
    def job_status(job_id: str) -> JSONResponse:
        job = bench.jobs.get(job_id)
        if job is None:
            return JSONResponse({"error": "结果不存在或已过期删除"}, status_code=404)
        body: dict[str, Any] = {"id": job.id, "kind": job.kind, "status": job.status, "done": job.done,
                                "total": job.total, "stage": job.stage, "notes": job.notes}
        if job.status == "failed":
            body["error"] = job.error
        if job.status == "done" and job.kind == "review":
            import json
            from drafter.web.review import review_json_bytes
            body["result"] = json.loads(review_json_bytes(job.result.review))
        return JSONResponse(body)

    from drafter.web import deductions, draft, review, search
    for module in (review, draft, deductions, search):
        module.register(app, bench)
    return app


def warm_up() -> None:
    """Slow imports and caches once at start-up, so no request pays for them."""
    from drafter.rules import all_rules
    all_rules()
    with contextlib.suppress(Exception):
        from drafter.suggest import corpus_examples
        corpus_examples()
    for name in ("openpyxl", "drafter.read.xlsx", "drafter.render.xlsx", "drafter.deductions.analyse",
                 "drafter.render.report_html", "drafter.draft.pipeline", "drafter.store.search", "chromadb"):
        with contextlib.suppress(Exception):
            __import__(name)
