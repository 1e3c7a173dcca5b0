"""审核: paste or upload forms, see each finding beside its indicator, accept, download, next round."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from drafter.errors import InputError
from drafter.services import review as service
from drafter.services.sources import Sources, read_named
from drafter.web.download import XLSX, attachment
from drafter.web.forms import Refused, read_form, save_inputs
from drafter.web.jobs import Job

KIND_ZH = {"target": "绩效目标表", "self_eval": "绩效自评表"}


@dataclass
class ReviewOutcome:
    review: service.ReviewResult
    bad: list[str] = field(default_factory=list)
    previous: str | None = None
    number: int = 1
    # Per finding, against the previous round: "new" or "remaining"; empty in a first round.
    status: list[str] = field(default_factory=list)
    fixed: list[dict[str, str]] = field(default_factory=list)


def review_files(job: Job | None, files: list[tuple[Path, str]], suggest: bool,
                 previous: ReviewOutcome | None = None, previous_id: str | None = None,
                 accepted: dict[int, str] | None = None) -> ReviewOutcome:
    """Read every file (reporting progress), review them, compare with the previous round."""
    got = Sources()
    for k, item in enumerate(files):
        if job is not None:
            job.progress(k, len(files), f"读取文件 {k + 1}/{len(files)}")
        one = read_named([item])
        got.good.extend(one.good)
        got.bad.extend(one.bad)
    if job is not None:
        for line in got.bad:
            job.note(line)
    if not got.good:
        raise InputError("；".join(got.bad) if got.bad else "没有可读取的表单")
    if job is not None:
        job.progress(len(files), len(files), "审核中")
    outcome = ReviewOutcome(service.review(got.good, suggest=suggest), got.bad, previous_id)
    if previous is not None:
        carried = _compare(outcome, previous, accepted or {})
        if job is not None:
            job.accepted.update(carried)
    return outcome


def _compare(now: ReviewOutcome, before: ReviewOutcome, accepted: dict[int, str]) -> dict[int, str]:
    """Fixed, remaining and new findings, matched as `review --baseline` matches them.

    Returns the reasons of accepted findings that remain, by their index in ``now``: a finding
    accepted in one round stays accepted in the next.
    """
    from drafter.rules.rounds import compare

    result = compare(now.review.findings, before.review.findings)
    carried: dict[int, str] = {}
    for k, (f, old) in enumerate(zip(result.findings, result.previous)):
        now.status.append(f.status or "new")
        if old is not None and old in accepted:
            carried[k] = accepted[old]
    for f in result.fixed:
        now.fixed.append({"code": f.code, "indicator": f.indicator_name or "（整表）", "message": f.message})
    now.number = before.number + 1
    return carried


def review_json_bytes(result: service.ReviewResult) -> bytes:
    from drafter.render.review import findings_json
    return b"".join(findings_json(result.findings, result.summary))


def _rule_info() -> dict[str, dict[str, str]]:
    from drafter.rules.registry import section
    from drafter.services.rules import catalogue
    return {r.code: {"name": r.name, "summary": r.summary, "why": section(r.doc, "为什么重要") or "",
                     "fix": section(r.doc, "如何修改") or ""} for r in catalogue()}


def finding_view(k: int, f: Any, outcome: ReviewOutcome, job: Job, rules: dict[str, dict[str, str]]) -> dict[str, Any]:
    from drafter.rules.finding import SEVERITY_ZH
    return {"index": k, "code": f.code, "severity": f.severity, "severity_zh": SEVERITY_ZH[f.severity],
            "message": f.message, "suggestion": f.suggestion, "tags": f.tags, "rule": rules.get(f.code, {}),
            "accepted": job.accepted.get(k), "status": outcome.status[k] if k < len(outcome.status) else "",
            "job": job.id}


def review_view(job: Job) -> dict[str, Any]:
    """The result as the template shows it: each form's table, findings beside their indicators."""
    from drafter.render.review import place, value_cell
    outcome: ReviewOutcome = job.result
    rules = _rule_info()
    by_place: dict[tuple[str, int, int | None], list[dict[str, Any]]] = {}
    for k, f in enumerate(outcome.review.findings):
        by_place.setdefault((f.source, f.form_index, f.indicator_index), []).append(
            finding_view(k, f, outcome, job, rules))
    forms = []
    for source, form_list in outcome.review.batch:
        for i, form in enumerate(form_list):
            rows = []
            for j, ind in enumerate(form.indicators):
                rows.append({"level1": ind.level1 or "", "level2": ind.level2 or "", "name": ind.name,
                             "place": place(ind), "value": value_cell(form, ind),
                             "findings": by_place.get((source, i, j), [])})
            placed = {(source, i, j) for j in range(len(form.indicators))}
            loose = [fv for key, fvs in by_place.items() if key[:2] == (source, i) and key not in placed
                     for fv in fvs]
            forms.append({"title": f"{source} · 第{i + 1}张 · {KIND_ZH.get(form.kind, form.kind)}",
                          "project": form.project_name or "（未填项目名称）", "agency": form.agency or "",
                          "year": form.year, "rows": rows, "form_findings": loose})
    tags = sorted({t for f in outcome.review.findings for t in f.tags})
    return {"summary": outcome.review.summary, "forms": forms, "tags": tags, "outcome": outcome}


def register(app: FastAPI, bench: Any) -> None:
    def previous_of(form: Any) -> Job | None:
        prev_id = form.get("previous")
        if not isinstance(prev_id, str) or not prev_id:
            return None
        prev = bench.jobs.get(prev_id, "review")
        if prev is None or prev.status != "done":
            raise Refused("上一轮审核结果不存在或已过期删除，请重新提交", 404)
        return prev

    @app.get("/")
    def page(request: Request, job: str | None = None) -> Response:
        found = bench.jobs.get(job, "review") if job else None
        return bench.render(request, "review.html", title="审核", job=found,
                            view=review_view(found) if found and found.status == "done" else None)

    @app.post("/review")
    async def submit(request: Request) -> Response:
        try:
            form = await read_form(request, bench)
            prev = previous_of(form)
        except Refused as e:
            return bench.error(request, str(e), e.status)
        job = bench.jobs.new("review")
        try:
            files = await save_inputs(form, job.folder, bench)
        except Refused as e:
            bench.jobs.discard(job)
            return bench.error(request, str(e), e.status)
        suggest = form.get("suggest") is not None
        if prev is None:
            bench.jobs.start(job, lambda j: review_files(j, files, suggest))
        else:
            accepted = dict(prev.accepted)
            bench.jobs.start(job, lambda j: review_files(j, files, suggest, prev.result, prev.id, accepted))
        await anyio.to_thread.run_sync(bench.jobs.wait, job, bench.settings.wait_seconds)
        return bench.job_panel(request, job, push="/")

    @app.post("/jobs/{job_id}/accept/{index}")
    async def accept(request: Request, job_id: str, index: int) -> Response:
        try:
            form = await read_form(request, bench)
        except Refused as e:
            return bench.error(request, str(e), e.status)
        job = bench.jobs.get(job_id, "review")
        if job is None or job.status != "done" or not 0 <= index < len(job.result.review.findings):
            return bench.error(request, "审核结果不存在或已过期删除", 404)
        reason = form.get("reason")
        reason = " ".join(reason.split())[:500] if isinstance(reason, str) else ""
        if not reason:
            return bench.error(request, "请填写接受该问题的理由", 400)
        job.accepted[index] = reason
        f = job.result.review.findings[index]
        return bench.render(request, "_finding.html",
                            f=finding_view(index, f, job.result, job, _rule_info()))

    @app.get("/jobs/{job_id}/review.{fmt}")
    def download(request: Request, job_id: str, fmt: str) -> Response:
        job = bench.jobs.get(job_id, "review")
        if job is None or job.status != "done":
            return bench.error(request, "审核结果不存在或已过期删除", 404)
        result: service.ReviewResult = job.result.review
        if fmt == "json":
            data = json.loads(review_json_bytes(result))
            if job.accepted:
                data["accepted"] = [{"index": k, "code": result.findings[k].code, "reason": r}
                                    for k, r in sorted(job.accepted.items())]
            body = json.dumps(data, ensure_ascii=False, indent=2).encode()
            return attachment(body, "application/json", "drafter-review.json")
        if fmt == "md":
            from drafter.render.review import findings_markdown
            text = findings_markdown(result.findings, result.batch, result.summary)
            return attachment(text.encode(), "text/markdown; charset=utf-8", "drafter-review.md")
        if fmt == "xlsx":
            return attachment(service.review_xlsx(result.batch, result.findings),
                               XLSX,
                               "drafter-review.xlsx")
        return bench.error(request, "不支持的下载格式", 404)

    @app.post("/api/review")
    async def api_review(request: Request) -> Response:
        """The same JSON as `drafter review --format json`, for scripts and other systems."""
        folder = bench.jobs.scratch()
        try:
            form = await read_form(request, bench)
            files = await save_inputs(form, folder, bench)
        except Refused as e:
            shutil.rmtree(folder, ignore_errors=True)
            return JSONResponse({"error": str(e)}, status_code=e.status)
        suggest = form.get("suggest") not in (None, "", "0", "false")
        try:
            outcome = await anyio.to_thread.run_sync(lambda: review_files(None, files, suggest))
        except InputError as e:
            return JSONResponse({"error": bench.clean(str(e))}, status_code=400)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        body = review_json_bytes(outcome.review)
        if outcome.bad:  # the good files' JSON as the CLI prints it, plus what could not be read
            data = json.loads(body)
            data["unreadable"] = [bench.clean(b) for b in outcome.bad]
            body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return Response(body, media_type="application/json")

    @app.post("/api/jobs/review")
    async def api_review_job(request: Request) -> Response:
        """A review as a background job: ``{"job": id}``; poll GET /api/jobs/{id}."""
        try:
            form = await read_form(request, bench)
        except Refused as e:
            return JSONResponse({"error": str(e)}, status_code=e.status)
        job = bench.jobs.new("review")
        try:
            files = await save_inputs(form, job.folder, bench)
        except Refused as e:
            bench.jobs.discard(job)
            return JSONResponse({"error": str(e)}, status_code=e.status)
        suggest = form.get("suggest") not in (None, "", "0", "false")
        bench.jobs.start(job, lambda j: review_files(j, files, suggest))
        return JSONResponse({"job": job.id}, status_code=202)

