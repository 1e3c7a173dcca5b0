"""The deductions report as one self-contained HTML file: inline CSS, inline SVG charts.

Nothing is fetched when the file is opened (no scripts, fonts, images or styles from elsewhere),
so it can be mailed around and read offline. Charts are drawn by
:mod:`drafter.render.report_charts`; tables and quotes reuse the wording of the Markdown report.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING

from drafter.deductions.records import NO_INDICATOR_NAME, Report
from drafter.render.deductions import (
    NO_PROJECT,
    SOURCE_NAMES,
    flag_names,
    headline,
    project_label,
    pts,
)
from drafter.render.report_charts import PALETTE, Bar, bar_chart

if TYPE_CHECKING:
    from drafter.deductions.stream import SpooledReport

MAX_AGENCIES = 15
AGENCY_LABEL_CHARS = 18

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
"WenQuanYi Zen Hei",sans-serif;margin:24px auto;max-width:1100px;color:#222;line-height:1.55;padding:0 16px}
h1{font-size:24px;margin:0 0 8px}h2{font-size:19px;margin:28px 0 10px;border-bottom:2px solid #e5e5e5;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}
.lead{color:#444}.lead li{margin:2px 0}
.kpis{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.kpi{flex:1 1 160px;border:1px solid #e1e1e1;border-radius:8px;padding:10px 14px;background:#fafafa}
.kpi b{display:block;font-size:24px}.kpi span{color:#666;font-size:13px}
.charts{display:grid;grid-template-columns:1fr;gap:16px}
figure{margin:0;border:1px solid #e1e1e1;border-radius:8px;padding:8px;background:#fff}
figcaption{font-size:13px;color:#666;margin:4px 8px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 10px}
th,td{border:1px solid #ddd;padding:5px 7px;vertical-align:top;text-align:left}
th{background:#eef3fa}td.n,th.n{text-align:right;white-space:nowrap}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}
blockquote{margin:6px 0 6px 4px;padding:4px 12px;border-left:4px solid #ccd;background:#f7f7fb;color:#333}
.cues{color:#555;font-size:13px}.flag{display:inline-block;background:#fff3e0;color:#8a4b00;border-radius:4px;
padding:0 5px;margin:1px 2px;font-size:12px}
ul.m{margin:0;padding-left:18px}ul.m li{margin:2px 0}.src{color:#777;font-size:12px}
footer{margin-top:30px;color:#888;font-size:12px}
"""


def report_html(report: Report | SpooledReport) -> str:
    return "".join(report_html_chunks(report))


def report_html_chunks(report: Report | SpooledReport) -> Iterator[str]:
    """The page in pieces: the summary and charts first, then one table row per deduction."""
    for lines in _html_parts(report):
        for line in lines:
            yield line + "\n"


def _html_parts(report: Report | SpooledReport) -> Iterator[list[str]]:
    s = report.summary
    agencies = list(s["by_agency"].items())
    names = {code: c["name"] for code, c in s["by_category"].items()}

    out = ["<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>绩效自评扣分原因分析</title>", f"<style>{_CSS}</style></head><body>",
           "<h1>绩效自评扣分原因分析</h1>", '<ul class="lead">']
    out += [f"<li>{escape(line)}</li>" for line in headline(report) + report.notes]
    out.append("</ul>")
    unexplained = s["by_category"].get("unexplained", {}).get("count", 0)
    out.append('<div class="kpis">')
    for value, label in ((pts(s["total_lost"]), "合计失分"), (s["count"], "扣分处数"),
                         (f"{s['forms_with_deductions']} / {s['forms']}", "有扣分的自评表"),
                         (len(agencies), "涉及实施单位"), (unexplained, "扣分无说明")):
        out.append(f'<div class="kpi"><b>{escape(str(value))}</b><span>{label}</span></div>')
    out.append("</div>")

    if s["count"]:
        out += ['<h2>图表</h2><div class="charts">', category_chart(s, names), agency_chart(s, names),
                "</div>"]

    out += ["<h2>按原因类别</h2>", "<table><tr><th>类别</th><th>代码</th><th class=n>处数</th>"
            "<th class=n>失分</th><th class=n>占比</th></tr>"]
    for code, c in s["by_category"].items():
        out.append(f"<tr><td>{_swatch(code)}{escape(c['name'])}</td><td><code>{code}</code></td>"
                   f"<td class=n>{c['count']}</td><td class=n>{pts(c['lost'])}</td><td class=n>{c['share']:.1f}%</td></tr>")
    out.append(f"<tr><th>合计</th><th></th><th class=n>{s['count']}</th><th class=n>{pts(s['total_lost'])}</th>"
               "<th class=n>100%</th></tr></table>")

    out += ["<h2>按实施单位</h2>", "<table><tr><th>实施单位</th><th class=n>项目数</th><th class=n>处数</th><th class=n>失分</th><th>失分构成</th></tr>"]
    for name, a in agencies:
        parts = "；".join(f"{names.get(c, c)} {pts(v)}" for c, v in a["by_category"].items())
        out.append(f"<tr><td>{escape(name)}</td><td class=n>{a['projects']}</td><td class=n>{a['count']}</td>"
                   f"<td class=n>{pts(a['lost'])}</td><td>{escape(parts)}</td></tr>")
    out.append("</table>")

    out += ["<h2>按指标层级</h2>", "<table><tr><th>一级指标</th><th>二级指标</th><th class=n>处数</th>"
            "<th class=n>失分</th></tr>"]
    for l1, v in s["by_level"].items():
        out.append(f"<tr><th>{escape(l1)}</th><th>小计</th><th class=n>{v['count']}</th><th class=n>{pts(v['lost'])}</th></tr>")
        for l2, w in v["level2"].items():
            out.append(f"<tr><td></td><td>{escape(l2)}</td><td class=n>{w['count']}</td><td class=n>{pts(w['lost'])}</td></tr>")
    out.append("</table>")

    out.append("<h2>常见原因</h2>")
    for k, cause in enumerate(s["top_causes"], start=1):
        out.append(f"<h3>{k}. {_swatch(cause['category'])}{escape(cause['name'])}"
                   f"（{cause['count']} 处，失分 {pts(cause['lost'])}）</h3>")
        if cause["cues"]:
            out.append(f'<p class="cues">常见说法：{escape("、".join(cause["cues"]))}</p>')
        for ex in cause["examples"]:
            where = f"{ex['project_name'] or NO_PROJECT} · {ex['indicator_name'] or NO_INDICATOR_NAME}，失分 {pts(ex['lost'])}"
            out.append(f"<blockquote>“{escape(ex['quote'])}”<br><span class=src>{escape(where)}</span></blockquote>")

    if s["flags"]:
        out += ["<h2>偏差说明的问题</h2>", "<table><tr><th>问题</th><th class=n>处数</th></tr>"]
        out += [f"<tr><td>{escape(f['name'])}</td><td class=n>{f['count']}</td></tr>" for f in s["flags"].values()]
        out.append("</table>")

    out += ["<h2>扣分明细与改进措施</h2>", "<table><tr><th>#</th><th>项目 / 指标</th><th class=n>分值</th>"
            "<th class=n>得分</th><th class=n>失分</th><th>类别</th><th>偏差原因</th><th>改进措施</th></tr>"]
    yield out
    out = []
    for k, d in enumerate(report.deductions, start=1):
        flags = "".join(f'<span class="flag">{escape(f)}</span>' for f in flag_names(d))
        measures = "".join(f"<li>{escape(m.action)}<br><span class=src>【{SOURCE_NAMES[m.source]}】责任："
                           f"{escape(m.owner or '待明确')}；时限：{escape(m.deadline or '待明确')}；"
                           f"目标：{escape(m.target or '待明确')}</span></li>" for m in d.improvement_measures)
        out.append(
            f"<tr><td class=n>{k}</td><td>{escape(d.agency or '')}<br><b>{escape(project_label(d))}</b><br>"
            f"{escape(' / '.join(dict.fromkeys(x for x in (d.level1, d.level2, d.indicator_label) if x)))}</td>"
            f"<td class=n>{pts(d.weight)}</td><td class=n>{pts(d.score)}</td><td class=n><b>{pts(d.lost)}</b></td>"
            f"<td>{_swatch(d.category)}{escape(d.category_name)}<br>{flags}</td>"
            f"<td>{escape(d.reason or '—')}</td><td><ul class=m>{measures}</ul></td></tr>")
        if len(out) >= 64:
            yield out
            out = []
    out.append("</table>")
    out.append("<footer>由 drafter deductions 生成；图表为内嵌 SVG，文件不引用任何外部资源。</footer>")
    out.append("</body></html>")
    yield out


def _swatch(code: str) -> str:
    return f'<span class="sw" style="background:{PALETTE.get(code, "#888")}"></span>'


def category_chart(s: dict, names: dict[str, str]) -> str:
    bars = [Bar(c["name"], ((code, c["lost"]),), f"{pts(c['lost'])} 分 · {c['count']} 处")
            for code, c in s["by_category"].items()]
    svg = bar_chart("按原因类别的失分", bars, names, chart_id="cat")
    return f"<figure>{svg}<figcaption>按原因类别汇总的失分（分）与扣分处数。</figcaption></figure>"


def agency_chart(s: dict, names: dict[str, str]) -> str:
    items = list(s["by_agency"].items())
    shown, rest = items[:MAX_AGENCIES], items[MAX_AGENCIES:]
    bars = [Bar(_shorten(name), tuple(a["by_category"].items()), f"{pts(a['lost'])} 分 · {a['count']} 处")
            for name, a in shown]
    if rest:
        merged: dict[str, float] = {}
        for _name, a in rest:
            for code, v in a["by_category"].items():
                merged[code] = merged.get(code, 0.0) + v
        total = sum(a["lost"] for _n, a in rest)
        bars.append(Bar(f"其他 {len(rest)} 个单位", tuple(merged.items()), f"{pts(total)} 分"))
    svg = bar_chart("按实施单位的失分（按原因类别分段）", bars, names, chart_id="agency", legend=True)
    return f"<figure>{svg}<figcaption>按实施单位汇总的失分，颜色表示原因类别。</figcaption></figure>"


def _shorten(name: str) -> str:
    return name if len(name) <= AGENCY_LABEL_CHARS else name[:AGENCY_LABEL_CHARS - 1] + "…"
