"""扣分分析: many self-evaluations (files or a .zip) in, lost points by cause, agency and level out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from drafter.errors import InputError
from drafter.services.sources import Sources, read_named
from drafter.web.download import XLSX, attachment
from drafter.web.forms import Refused, read_form, save_inputs
from drafter.web.jobs import Job


def analyse_files(job: Job, files: list[tuple[Path, str]], offline: bool) -> Any:
    from drafter.services.deductions import analyse_deductions
    got = Sources()
    for k, item in enumerate(files):
        job.progress(k, len(files), f"读取文件 {k + 1}/{len(files)}")
        one = read_named([item])
        got.good.extend(one.good)
        got.bad.extend(one.bad)
    for line in got.bad:
        job.note(line)
    if not got.good:
        raise InputError("没有可读取的自评表")
    job.progress(len(files), len(files), "分析扣分原因")
    report = analyse_deductions(got.good, offline=offline, note=job.note)
    if report.summary["forms"] == 0:
        raise InputError("输入中没有绩效自评表，无法分析扣分")
    return report


def deductions_view(job: Job) -> dict[str, Any]:
    """Summary tables, the two charts of the HTML report, and each category's deductions."""
    from drafter.render.deductions import engine_name, headline, project_label, pts
    from drafter.render.report_html import agency_chart, category_chart
    report = job.result
    s = report.summary
    names = {code: c["name"] for code, c in s["by_category"].items()}
    charts = [category_chart(s, names), agency_chart(s, names)] if report.deductions else []
    by_category: dict[str, list[dict[str, Any]]] = {}
    for d in report.deductions:
        by_category.setdefault(d.category, []).append({
            "agency": d.agency or "", "project": project_label(d), "indicator": d.indicator_name or "",
            "level": " / ".join(x for x in (d.level1, d.level2) if x), "lost": pts(d.lost),
            "reason": d.reason or "（无说明）", "measures": [m.action for m in d.improvement_measures]})
    return {"headline": headline(report), "engine": engine_name(report.engine), "s": s, "pts": pts,
            "charts": charts, "by_category": by_category}


def register(app: FastAPI, bench: Any) -> None:
    @app.get("/deductions")
    def page(request: Request, job: str | None = None) -> Response:
        found = bench.jobs.get(job, "deductions") if job else None
        return bench.render(request, "deductions.html", title="扣分分析", job=found)

    @app.post("/deductions")
    async def submit(request: Request) -> Response:
        try:
            form = await read_form(request, bench)
        except Refused as e:
            return bench.error(request, str(e), e.status)
        job = bench.jobs.new("deductions")
        try:
            files = await save_inputs(form, job.folder, bench)
        except Refused as e:
            bench.jobs.discard(job)
            return bench.error(request, str(e), e.status)
        offline = form.get("offline") is not None
        bench.jobs.start(job, lambda j: analyse_files(j, files, offline))
        import anyio
        await anyio.to_thread.run_sync(bench.jobs.wait, job, bench.settings.wait_seconds)
        return bench.job_panel(request, job, push="/deductions")

    @app.get("/jobs/{job_id}/deductions.{fmt}")
    def download(request: Request, job_id: str, fmt: str) -> Response:
        job = bench.jobs.get(job_id, "deductions")
        if job is None or job.status != "done":
            return bench.error(request, "分析结果不存在或已过期删除", 404)
        if fmt == "html":
            from drafter.render.report_html import report_html
            return attachment(report_html(job.result).encode(), "text/html; charset=utf-8",
                               "drafter-deductions.html")
        if fmt == "xlsx":
            from drafter.render.deductions import report_xlsx
            return attachment(report_xlsx(job.result),
                               XLSX,
                               "drafter-deductions.xlsx")
        return bench.error(request, "不支持的下载格式", 404)
