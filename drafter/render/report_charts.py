"""Charts for the deductions report: horizontal bar charts written directly as inline SVG.

The text stays text (``<text>`` elements): the reader's browser draws it with its own Chinese
font, so nothing here reads a font file, and the charts come out the same on a server without any
CJK font installed. Layout therefore cannot measure glyphs; it estimates text widths by character
class instead (:func:`text_width`), erring wide: a Chinese or full-width character takes a full
em in every CJK font, Latin letters and digits well under one.

Every label is escaped as XML and nothing is interpreted: ``$x^2$`` in an agency name is printed
as typed (matplotlib, used here before, parsed it as mathtext and crashed on bad TeX).
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from html import escape
from typing import Sequence

# One colour per category code, shared by both charts and the HTML legend.
PALETTE = {
    "policy_change": "#4e79a7", "external_demand": "#59a14f", "indicator_design": "#edc948",
    "schedule": "#f28e2b", "satisfaction_awareness": "#e15759", "mechanism": "#76b7b2",
    "capacity_quality": "#b07aa1", "unexplained": "#9c9c9c",
}

# Simplified Chinese faces first: a CJK collection (Noto/Source Han .ttc) holds SC, TC, JP and
# KR faces, and naming the SC family is what keeps a browser from drawing 关 or 门 in the
# Japanese or Traditional shape.
FONT_FAMILY = ("'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Source Han Sans CN', "
               "'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'WenQuanYi Micro Hei', "
               "SimHei, sans-serif")

WIDTH = 800.0          # viewBox width; the SVG scales to the page
PAD = 10.0
TITLE_SIZE = 15.0
LABEL_SIZE = 12.0
NOTE_SIZE = 11.0
ROW = 30.0             # height of one bar's row
BAR = 19.0
MAX_LABEL_SHARE = 0.4  # labels never take more than this share of the width
GRID = "#dddddd"


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[str, float], ...]  # (category code, points) stacked left to right
    note: str = ""  # printed at the end of the bar


def char_width(ch: str) -> float:
    """Width of one character in em, rounded up for the widest font likely to draw it."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " ":
        return 0.32
    if ch in "il.,:;|!'`":
        return 0.32
    if ch.isupper() or ch in "mw%@MW#&":
        return 0.8
    if unicodedata.category(ch).startswith("M"):
        return 0.0  # combining marks sit on the previous character
    return 0.62


def text_width(text: str, size: float) -> float:
    """Estimated width of ``text`` at font size ``size`` (px), without reading any font."""
    return size * sum(char_width(ch) for ch in text)


def fit(text: str, size: float, room: float) -> str:
    """``text`` cut with an ellipsis so that its estimated width fits in ``room``."""
    if text_width(text, size) <= room:
        return text
    ell = text_width("…", size)
    used, cut = 0.0, 0
    for cut, ch in enumerate(text):
        used += size * char_width(ch)
        if used + ell > room:
            break
    return text[:cut] + "…" if cut else ""


def bar_chart(title: str, bars: Sequence[Bar], names: dict[str, str], unit: str = "分",
              chart_id: str = "c", legend: bool = False) -> str:
    """A horizontal (stacked) bar chart as an ``<svg>`` element ready to inline in HTML.

    ``legend`` puts the category colours under the plot, for bars stacked by category.
    ``chart_id`` prefixes the element ids, so two charts on one page never share one.
    """
    rows = [_finite_segments(b) for b in bars]
    ends = [sum(v for _c, v in segs) for segs in rows]
    top_end = max(ends, default=0.0) or 1.0

    label_room = WIDTH * MAX_LABEL_SHARE
    labels = [fit(b.label, LABEL_SIZE, label_room) for b in bars]
    left = PAD + max((text_width(t, LABEL_SIZE) for t in labels), default=0.0) + 8.0
    right = WIDTH - PAD
    plot_w = max(right - left, 1.0)
    # One scale for all bars, chosen so that every bar plus its note fits inside the plot.
    notes = [f" {b.note}" if b.note else "" for b in bars]
    scale = plot_w / top_end
    for end, note in zip(ends, notes):
        if end > 0:
            scale = min(scale, max(plot_w - text_width(note, NOTE_SIZE) - 4.0, plot_w * 0.3) / end)
    ticks = _ticks(plot_w / scale)

    title_h = TITLE_SIZE + 14.0
    plot_top = PAD + title_h
    plot_h = ROW * max(len(bars), 1)
    axis_y = plot_top + plot_h
    y = axis_y + 6.0 + NOTE_SIZE  # tick labels
    parts: list[str] = []
    parts.append(_text(PAD, PAD + TITLE_SIZE, fit(title, TITLE_SIZE, WIDTH - 2 * PAD), TITLE_SIZE,
                       weight="bold"))
    for t in ticks:
        x = left + t * scale
        parts.append(f'<line x1="{x:.1f}" y1="{plot_top:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" '
                     f'stroke="{GRID}" stroke-width="0.8"/>')
        parts.append(_text(x, y, _num(t), NOTE_SIZE, anchor="middle", fill="#555"))
    parts.append(f'<line x1="{left:.1f}" y1="{axis_y:.1f}" x2="{right:.1f}" y2="{axis_y:.1f}" '
                 'stroke="#888" stroke-width="1"/>')
    parts.append(f'<line x1="{left:.1f}" y1="{plot_top:.1f}" x2="{left:.1f}" y2="{axis_y:.1f}" '
                 'stroke="#888" stroke-width="1"/>')
    y += 8.0 + LABEL_SIZE
    parts.append(_text(left + plot_w / 2, y, f"失分（{unit}）", LABEL_SIZE, anchor="middle", fill="#444"))

    used: list[str] = []
    for k, (bar, label, segs, note) in enumerate(zip(bars, labels, rows, notes)):
        mid = plot_top + ROW * k + ROW / 2
        parts.append(_text(left - 8.0, mid + LABEL_SIZE * 0.35, label, LABEL_SIZE, anchor="end",
                           hover=bar.label if label != bar.label else ""))
        x = left
        for code, value in segs:
            w = value * scale
            if code not in used:
                used.append(code)
            tip = f"{bar.label} · {names.get(code, code)}：{_num(value)} {unit}"
            parts.append(f'<rect x="{x:.2f}" y="{mid - BAR / 2:.1f}" width="{w:.2f}" height="{BAR:.1f}" '
                         f'fill="{PALETTE.get(code, "#888888")}" stroke="#ffffff" stroke-width="0.6">'
                         f"<title>{escape(tip)}</title></rect>")
            x += w
        if note:
            room = right - x
            parts.append(_text(x, mid + NOTE_SIZE * 0.35, fit(note, NOTE_SIZE, room), NOTE_SIZE, fill="#333"))

    height = y + PAD
    if legend and used:
        height = _legend(parts, used, names, y + LABEL_SIZE + 16.0) + PAD
    return (f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" width="100%" '
            f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" role="img" lang="zh-CN" '
            f'font-family="{FONT_FAMILY}" aria-label="{escape(title)}">'
            f"<title>{escape(title)}</title>" + "".join(parts) + "</svg>")


def _finite_segments(bar: Bar) -> list[tuple[str, float]]:
    """The bar's positive segments; absurd figures (a weight of 1e308) that would overflow the
    stacked total are left out of the chart rather than stretch it to infinity."""
    out: list[tuple[str, float]] = []
    total = 0.0
    for code, value in bar.segments:
        if not value > 0 or not math.isfinite(total + value):
            continue
        out.append((code, value))
        total += value
    return out


def _ticks(span: float) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) from 0 to ``span``, about five of them."""
    if not (span > 0 and math.isfinite(span)):
        return [0.0]
    raw = span / 5
    base = 10 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 5, 10) if m * base >= raw)
    count = int(span // step) if math.isfinite(span / step) else 0
    return [k * step for k in range(min(count, 10) + 1)]


def _num(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") if abs(v) < 1e9 else f"{v:.3g}"


def _text(x: float, y: float, text: str, size: float, anchor: str = "start", weight: str = "",
          fill: str = "#222", hover: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    tip = f"<title>{escape(hover)}</title>" if hover else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.0f}" text-anchor="{anchor}" '
            f'fill="{fill}"{bold}>{tip}{escape(text)}</text>')


def _legend(parts: list[str], codes: list[str], names: dict[str, str], y: float) -> float:
    """Swatches and category names in rows under the plot; returns the bottom edge."""
    x = PAD
    for code in codes:
        name = names.get(code, code)
        w = 12.0 + 6.0 + text_width(name, LABEL_SIZE) + 18.0
        if x + w > WIDTH - PAD and x > PAD:
            x, y = PAD, y + LABEL_SIZE + 10.0
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" '
                     f'fill="{PALETTE.get(code, "#888888")}"/>')
        parts.append(_text(x + 18.0, y, name, LABEL_SIZE))
        x += w
    return y + 4.0
