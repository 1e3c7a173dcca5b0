"""起草: a project's name, goal and funds in, a drafted indicator table out; edit, re-review, download."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from drafter.errors import InputError
from drafter.web.download import XLSX, attachment
from drafter.web.forms import Refused, read_form
from drafter.web.jobs import Job

FIELDS = ("name", "goal", "funds", "year", "project_type", "agency", "department", "nature")


def _text(form: Any, key: str) -> str | None:
    value = form.get(key)
    return value.strip() or None if isinstance(value, str) else None


def build(form: Any) -> Any:
    """The draft request from the page's fields; InputError names the field to fix."""
    from drafter.draft.request import build_request
    year_text = _text(form, "year")
    year = None
    if year_text:
        if not year_text.isdigit():
            raise InputError("年度应为四位数字，如 2025")
        year = int(year_text)
    request = build_request(_text(form, "name"), _text(form, "goal"), _text(form, "funds"),
                            _text(form, "agency"), year, _text(form, "department"), _text(form, "nature"))
    kind = _text(form, "project_type")
    return request.model_copy(update={"project_type": kind[:40]}) if kind else request


def current_form(job: Job) -> Any:
    """The drafted form with the reviewer's edits, if any were submitted."""
    return job.extra.get("edited") or job.result.form


def draft_view(job: Job, clean: Any) -> dict[str, Any]:
    from drafter.render.draft import short_ref, engine_label
    form = current_form(job)
    rows = [{"level1": i.level1 or "", "level2": i.level2 or "", "name": i.name, "target": i.target_raw or "",
             "baseline": i.baseline or "", "basis": i.basis or "", "evidence": i.evidence or "",
             "refs": [clean(short_ref(r)) for r in i.refs or []]} for i in form.indicators]
    return {"engine": engine_label(job.result.engine), "form": form, "rows": rows,
            "notes": [clean(n) for n in job.result.notes]}


def edited(job: Job, form: Any) -> Any:
    """The draft with the names and values typed into the table, values parsed as a reader would."""
    from drafter.values import parse_value
    base = job.result.form
    indicators = []
    for k, ind in enumerate(base.indicators):
        name = form.get(f"name-{k}")
        target = form.get(f"target-{k}")
        name = " ".join(name.split())[:200] if isinstance(name, str) and name.strip() else ind.name
        target = " ".join(target.split())[:200] if isinstance(target, str) else ind.target_raw
        v = parse_value(target)
        indicators.append(ind.model_copy(update={"name": name, "target_raw": target or None, "op": v.op,
                                                 "value": v.value, "unit": v.unit,
                                                 "qualitative": v.qualitative}))
    return base.model_copy(update={"indicators": indicators})


def register(app: FastAPI, bench: Any) -> None:
    @app.get("/draft")
    def page(request: Request, job: str | None = None) -> Response:
        found = bench.jobs.get(job, "draft") if job else None
        return bench.render(request, "draft.html", title="起草", job=found)

    @app.post("/draft")
    async def submit(request: Request) -> Response:
        try:
            form = await read_form(request, bench)
            draft_request = build(form)
        except Refused as e:
            return bench.error(request, str(e), e.status)
        except InputError as e:
            return bench.error(request, str(e), 400)
        offline = form.get("offline") is not None
        job = bench.jobs.new("draft")
        from drafter.services.draft import run_draft

        def work(j: Job) -> Any:
            j.progress(0, 1, "检索相似的历史项目并起草")
            return run_draft(draft_request, offline=offline, announce=j.note)

        bench.jobs.start(job, work)
        import anyio
        await anyio.to_thread.run_sync(bench.jobs.wait, job, bench.settings.wait_seconds)
        return bench.job_panel(request, job, push="/draft")

    @app.post("/draft/{job_id}/review")
    async def rereview(request: Request, job_id: str) -> Response:
        try:
            form = await read_form(request, bench)
        except Refused as e:
            return bench.error(request, str(e), e.status)
        job = bench.jobs.get(job_id, "draft")
        if job is None or job.status != "done":
            return bench.error(request, "草稿不存在或已过期删除，请重新起草", 404)
        job.extra["edited"] = edited(job, form)
        from drafter.services import review as service
        from drafter.web.review import ReviewOutcome
        checked = bench.jobs.new("review")
        name = f"草稿：{job.extra['edited'].project_name or '未命名项目'}"
        checked.result = ReviewOutcome(service.review([(name, [job.extra["edited"]])], suggest=True))
        checked.status, checked.stage = "done", "完成"
        checked.extra["draft"] = job.id  # its result offers the draft's downloads, not a next round
        return bench.job_panel(request, checked)

    @app.get("/jobs/{job_id}/draft.{fmt}")
    def download(request: Request, job_id: str, fmt: str) -> Response:
        job = bench.jobs.get(job_id, "draft")
        if job is None or job.status != "done":
            return bench.error(request, "草稿不存在或已过期删除", 404)
        form = current_form(job)
        if fmt == "xlsx":
            from drafter.render.xlsx import forms_to_xlsx
            return attachment(forms_to_xlsx([form]),
                               XLSX,
                               "drafter-draft.xlsx")
        if fmt == "json":
            import json
            body = {"engine": job.result.engine, "form": form.model_dump(mode="json"), "notes": job.result.notes}
            return attachment(json.dumps(body, ensure_ascii=False, indent=2).encode(), "application/json",
                               "drafter-draft.json")
        return bench.error(request, "不支持的下载格式", 404)
