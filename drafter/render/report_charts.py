"""Charts for the deductions report: matplotlib figures as inline SVG, text drawn as paths.

Text becomes glyph outlines (``svg.fonttype = "path"``), so the chart looks the same in any browser
whatever fonts the reader has; only matplotlib needs a font with Chinese glyphs, at render time.
:func:`cjk_font` looks for one: ``DRAFTER_CJK_FONT`` (a font file), then well-known families
(Noto Sans CJK from Debian's ``fonts-noto-cjk``, WenQuanYi from ``fonts-wqy-zenhei``, Source Han,
SimHei, Microsoft YaHei, PingFang), then font files on the system that matplotlib's cached list
has not seen yet. Without one, Chinese would be drawn as empty boxes; the charts then label bars
with category codes and agency numbers instead, and the caller says so.

matplotlib is imported here and nowhere else, on first use: `drafter --help` must not pay for it.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

PREFERRED_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK TC", "Noto Sans CJK JP",
    "Noto Serif CJK SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "STHeiti",
    "Hiragino Sans GB", "Arial Unicode MS",
)
_FILE_HINTS = re.compile(r"NotoSansCJK|NotoSansSC|SourceHanSans|wqy|simhei|msyh|PingFang|STHeiti|"
                         r"Hiragino|NotoSerifCJK", re.IGNORECASE)

# One colour per category code, shared by both charts and the HTML legend.
PALETTE = {
    "policy_change": "#4e79a7", "external_demand": "#59a14f", "indicator_design": "#edc948",
    "schedule": "#f28e2b", "satisfaction_awareness": "#e15759", "mechanism": "#76b7b2",
    "capacity_quality": "#b07aa1", "unexplained": "#9c9c9c",
}


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[tuple[str, float], ...]  # (category code, points) stacked left to right
    note: str = ""  # printed at the end of the bar


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs, or None.

    A family name rather than a file: one .ttc file holds the SC, TC, JP and KR faces, and only
    the family tells matplotlib which face to draw with.
    """
    from matplotlib import font_manager as fm

    env = os.environ.get("DRAFTER_CJK_FONT", "").strip()
    if env and os.path.isfile(env):
        fm.fontManager.addfont(env)
        return fm.FontProperties(fname=env).get_name()
    names = {f.name for f in fm.fontManager.ttflist}
    for family in PREFERRED_FAMILIES:
        if family in names:
            return family
    # Fonts installed after matplotlib built its cache are not in its list yet.
    for path in sorted(fm.findSystemFonts()):
        if _FILE_HINTS.search(os.path.basename(path)):
            try:
                fm.fontManager.addfont(path)
                return fm.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def bar_chart(title: str, bars: Sequence[Bar], names: dict[str, str], unit: str = "分",
              chart_id: str = "c", legend: bool = False) -> str:
    """A horizontal (stacked) bar chart as an ``<svg>`` element ready to inline in HTML.

    ``legend`` puts the category colours under the plot, for bars stacked by category.
    """
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    import matplotlib

    family = cjk_font()
    font = FontProperties(family=family) if family else None
    rc = {"svg.fonttype": "path", "svg.hashsalt": chart_id, "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        codes = {code for b in bars for code, v in b.segments if v > 0}
        legend_rows = -(-len(codes) // 3) if legend else 0
        legend_h = 0.3 * legend_rows + (0.25 if legend_rows else 0.0)
        height = 1.4 + 0.42 * max(len(bars), 1) + legend_h
        fig = Figure(figsize=(8.0, height), dpi=100)
        FigureCanvasSVG(fig)
        ax = fig.add_subplot(1, 1, 1)
        ys = list(range(len(bars)))[::-1]  # first bar on top
        used: list[str] = []
        ends: list[float] = []
        for y, bar in zip(ys, bars):
            left = 0.0
            for code, value in bar.segments:
                # Absurd figures in a form (a weight of 1e308) overflow when stacked, and
                # matplotlib refuses infinite limits: such a segment is left out of the chart.
                if not value > 0 or not math.isfinite(left + value * 1.28):
                    continue
                label = None if code in used else (names.get(code, code) if font else code)
                if label:
                    used.append(code)
                ax.barh(y, value, left=left, color=PALETTE.get(code, "#888888"), label=label,
                        height=0.62, edgecolor="white", linewidth=0.6)
                left += value
            ax.text(left, y, f"  {bar.note}", va="center", ha="left", fontsize=9, fontproperties=font)
            ends.append(left)
        ax.set_yticks(ys)
        ax.set_yticklabels([b.label for b in bars], fontproperties=font, fontsize=10)
        ax.set_xlabel(f"失分（{unit}）" if font else "points lost", fontproperties=font)
        ax.set_title(title if font else "", fontproperties=font, fontsize=12, loc="left")
        widest = max(ends, default=1.0) or 1.0
        ax.set_xlim(0, widest * 1.28)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        if legend and used:
            # In a strip of its own under the plot, never over the bars.
            box = fig.legend(loc="lower center", ncol=3, fontsize=9, frameon=False, prop=font)
            for text in box.get_texts():
                if font:
                    text.set_fontproperties(font)
                text.set_fontsize(9)
        fig.tight_layout(rect=(0, legend_h / height, 1, 1))
        buf = io.StringIO()
        fig.savefig(buf, format="svg", bbox_inches="tight")
    return _inline(buf.getvalue(), chart_id)


def _inline(svg: str, prefix: str) -> str:
    """Strip the XML prolog and metadata, and make ids unique per chart within one page."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    # Scale with the page instead of a fixed size in points.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1 width="100%"', svg, count=1)
    return svg.strip()
