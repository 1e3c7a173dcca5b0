"""Drafts for people (a Rich table, Markdown) and for programs (the ``draft`` JSON contract)."""

from __future__ import annotations

import json
from typing import Any

from drafter.render.forms import form_summary

ENGINE_ZH = {"offline": "离线引擎"}


def draft_json(result: Any) -> str:
    """``{"engine": "offline" | "llm:<model>", "form": Form, "notes": [...]}``."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2)


def engine_label(engine: str) -> str:
    return ENGINE_ZH.get(engine, engine.replace("llm:", "大模型 "))


def print_draft_table(result: Any, console: Any) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    form = result.form
    console.print(f"[bold]{escape(form.project_name or '')}[/bold] · 绩效目标草稿 · {escape(engine_label(result.engine))}",
                  highlight=False)
    console.print(form_summary(form), highlight=False)
    if form.annual_goal:
        console.print(f"年度目标：{escape(form.annual_goal)}", highlight=False)
    table = Table(box=box.SIMPLE_HEAVY)
    for col in ("一级指标", "二级指标", "三级指标", "指标值", "基线", "取值依据", "数据来源", "参考表单"):
        table.add_column(col, overflow="fold")
    for ind in form.indicators:
        table.add_row(*(escape(x) for x in (
            ind.level1 or "", ind.level2 or "", ind.name, ind.target_raw or "", ind.baseline or "",
            ind.basis or "", ind.evidence or "", "\n".join(short_ref(r) for r in ind.refs or []))))
    console.print(table)
    for note in result.notes:
        console.print(f"· {escape(note)}", highlight=False)


def draft_markdown(result: Any) -> str:
    form = result.form
    lines = [f"# {_md(form.project_name or '')} 绩效目标草稿", "",
             f"- 起草引擎：{_md(engine_label(result.engine))}"]
    for label, value in (("年度", form.year), ("实施单位", form.agency), ("主管部门", form.department),
                         ("项目类型", form.project_type), ("项目性质", form.project_nature)):
        if value:
            lines.append(f"- {label}：{_md(value)}")
    if form.funds and form.funds.total is not None:
        lines.append(f"- 项目资金：{form.funds.total:g}{_md(form.funds.unit or '')}")
    lines += ["", "## 年度绩效目标", "", _md(form.annual_goal or ""), "", "## 绩效指标", "",
              "| 一级指标 | 二级指标 | 三级指标 | 指标值 | 基线 | 取值依据 | 数据来源 | 参考表单 |",
              "|---|---|---|---|---|---|---|---|"]
    for ind in form.indicators:
        cells = (ind.level1 or "", ind.level2 or "", ind.name, ind.target_raw or "", ind.baseline or "",
                 ind.basis or "", ind.evidence or "")
        refs = "<br>".join(_md(r) for r in ind.refs or [])
        lines.append("| " + " | ".join(_md(c) for c in cells) + f" | {refs} |")
    if result.notes:
        lines += ["", "## 说明", ""] + [f"- {_md(n)}" for n in result.notes]
    return "\n".join(lines) + "\n"


def short_ref(ref: str) -> str:
    # "corpus/000_….txt#公房资产监管（2024年目标表）" → the part a reader recognises.
    return ref.split("#", 1)[1] if "#" in ref else ref


def _md(text: Any) -> str:
    from drafter.render.markdown import md_text
    return md_text(text)


# The LLM call log (`drafter logs`): drafts are what make LLM calls, so their log renders here.

def logs_json(rows: list[dict[str, Any]], usage: dict[str, Any]) -> str:
    return json.dumps({"calls": rows, "usage": usage}, ensure_ascii=False, indent=2, default=str)


def print_logs_table(rows: list[dict[str, Any]], usage: dict[str, Any], console: Any,
                     usage_only: bool = False) -> None:
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    if not usage_only:
        table = Table(box=box.SIMPLE_HEAVY, title="LLM 调用记录（每次尝试一行）", title_justify="left")
        for col, right in (("#", True), ("时间", False), ("任务", False), ("模型", False), ("尝试", True),
                           ("状态", False), ("输入/输出词元", True), ("耗时", True), ("错误", False)):
            table.add_column(col, overflow="fold", justify="right" if right else "left")
        for r in rows:
            tokens = "—" if r.get("prompt_tokens") is None else f"{r['prompt_tokens']}/{r.get('completion_tokens')}"
            latency = "—" if r.get("latency_ms") is None else f"{r['latency_ms'] / 1000:.1f}s"
            error = " ".join((r.get("error") or "").split())
            table.add_row(str(r["id"]), (r.get("time") or "")[:19].replace("T", " "), escape(r["task"]),
                          escape(r["model"]), str(r["attempt"]), _STATUS_ZH.get(r["status"], r["status"]),
                          tokens, latency, escape(error[:80] + ("…" if len(error) > 80 else "")))
        console.print(table)
    t = usage["total"]
    console.print(f"合计：尝试 {t['attempts'] or 0} 次 · 请求 {t['requests'] or 0} 次 · 缓存命中 {t['cache_hits'] or 0} 次"
                  f" · 未通过校验 {t['invalid'] or 0} 次 · 失败 {t['errors'] or 0} 次"
                  f" · 词元 {_tok(t['prompt_tokens'])} 输入 + {_tok(t['completion_tokens'])} 输出"
                  f" = {_tok(t['total_tokens'])}", highlight=False)
    runs = usage.get("by_run") or []
    if runs:
        per = [r for r in runs if r.get("requests")]
        if per:
            calls = sum(r["requests"] for r in per) / len(per)
            known = [r["total_tokens"] for r in per if r.get("total_tokens") is not None]
            avg = f"{sum(known) / len(known):.0f}" if known else "—"
            console.print(f"每次起草：平均请求 {calls:.1f} 次 · 平均词元 {avg}（{len(per)} 次起草）", highlight=False)


_STATUS_ZH = {"ok": "通过", "invalid": "未通过校验", "error": "请求失败", "cached": "缓存"}


def _tok(x: Any) -> str:
    return "—" if x is None else str(x)
