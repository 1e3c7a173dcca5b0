"""The HTML report's charts: text a browser draws, a layout that reads no font, and a real browser.

The charts must come out whole on a machine without any Chinese font (a fresh server, CI): the
labels are SVG ``<text>``, so the reader's browser draws them, and the layout estimates widths
instead of measuring glyphs. The browser test needs Debian's ``chromium`` package
(``apt-get install -y chromium``) and is skipped, saying why, without it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SEEDS
from drafter.cli import app

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/root/.fonts", "/root/.local/share/fonts")


def _browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def _seed_html() -> str:
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file
    from drafter.render.report_html import report_html
    report = analyse([(str(p), read_file(p)) for p in (SEEDS["self_eval_2024"], SEEDS["self_eval_ocr"])])
    return report_html(report)


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def _texts(svg: str) -> list[tuple[float, str, str, float]]:
    """(x, text-anchor, shown text, font size) of every <text> in a chart, tooltips left out."""
    out = []
    for attrs, body in re.findall(r"<text\b([^>]*)>(.*?)</text>", svg, flags=re.DOTALL):
        body = re.sub(r"<title>.*?</title>", "", body, flags=re.DOTALL)
        x = float(re.search(r'\bx="([^"]+)"', attrs).group(1))
        anchor = re.search(r'text-anchor="([^"]+)"', attrs).group(1)
        size = float(re.search(r'font-size="([^"]+)"', attrs).group(1))
        out.append((x, anchor, unescape(body), size))
    return out


def _narrowest_width(text: str, size: float) -> float:
    """A lower bound on the drawn width in any font a browser may pick: a Chinese character is a
    full em in every CJK font; other characters are counted at a third of one."""
    return size * sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.33 for ch in text)


def test_charts_are_text_a_browser_draws_in_chinese_without_a_font_lookup():
    html = _seed_html()
    charts = _svgs(html)
    assert len(charts) == 2
    shown = [t for svg in charts for _x, _a, t, _s in _texts(svg)]
    # Titles, bar labels, notes and the legend are there as Chinese text, whatever fonts exist.
    assert "按原因类别的失分" in shown and "按实施单位的失分（按原因类别分段）" in shown
    assert "扣分无说明" in shown and "上海市房屋管理局" in shown and "失分（分）" in shown
    assert any(t.strip() == "12.57 分 · 6 处" for t in shown)
    # No glyph outlines standing in for text (what matplotlib's svg.fonttype=path wrote).
    assert "<path" not in "".join(charts)


def test_no_label_runs_off_the_chart_or_into_the_bars():
    for svg in _svgs(_seed_html()):
        width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
        bars_start = min(float(x) for x in re.findall(r'<rect x="([\d.]+)"[^>]*>\s*<title>', svg))
        for x, anchor, text, size in _texts(svg):
            w = _narrowest_width(text, size)
            start = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
            assert start >= 0 and start + w <= width, (text, start, w, width)
            if anchor == "end":  # a bar label: it ends before the bars begin
                assert x <= bars_start, text


def test_long_labels_are_cut_with_an_ellipsis_and_keep_the_full_name_as_a_tooltip():
    from drafter.render.report_charts import Bar, bar_chart
    name = "上海市某某区某某街道某某社区某某服务中心某某管理办公室" * 3
    svg = bar_chart("标题", [Bar(name, (("schedule", 2.0),), "2 分")], {"schedule": "进度"})
    label = next(t for _x, a, t, _s in _texts(svg) if a == "end")
    assert label.endswith("…") and name.startswith(label[:-1]) and len(label) < len(name)
    assert f"<title>{name}</title>" in svg


def test_absurd_figures_do_not_stretch_the_chart_to_infinity():
    from drafter.render.report_charts import Bar, bar_chart
    svg = bar_chart("标题", [Bar("甲", (("schedule", 1e308), ("mechanism", 1e308))), Bar("乙", (("schedule", 3.0),))],
                    {})
    assert "inf" not in svg and "nan" not in svg
    assert svg.count("<rect") == 2  # the overflowing segment is left out, the others drawn


def _json_form_with_agency(tmp_path: Path, agency: str) -> Path:
    r = CliRunner().invoke(app, ["parse", str(SEEDS["self_eval_2024"]), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    for form in doc["forms"]:
        form["agency"] = agency
    path = tmp_path / "forms.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("agency", ["$\\frac{1}{$区$x^2$局", "$$", "\\$ & <b>局</b> $_"])
def test_dollar_signs_and_markup_in_a_name_are_printed_as_typed(tmp_path, agency):
    out = tmp_path / "report.html"
    r = CliRunner().invoke(app, ["deductions", str(_json_form_with_agency(tmp_path, agency)),
                                 "--format", "html", "-o", str(out), "--offline"])
    assert r.exit_code == 0, r.stderr
    agency_chart = _svgs(out.read_text(encoding="utf-8"))[1]
    assert agency in [t for _x, _a, t, _s in _texts(agency_chart)]
    assert "<b>局</b>" not in agency_chart


def test_the_report_names_the_simplified_chinese_face_and_warns_about_nothing(tmp_path):
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "drafter.cli", "deductions", *map(str, (SEEDS["self_eval_2024"],
                           SEEDS["self_eval_ocr"])), "--format", "html", "-o", str(out), "--offline"],
                          capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONWARNINGS": "always"})
    assert proc.returncode == 0, proc.stderr
    # Notes only (offline engine, skipped forms, the file written): no font or glyph warnings.
    assert all(line.startswith("drafter: ") for line in proc.stderr.splitlines()), proc.stderr
    assert not re.search(r"font|glyph|字体", proc.stderr, flags=re.IGNORECASE), proc.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for svg in _svgs(html):
        families = [f.strip(" '\"") for f in re.search(r'font-family="([^"]+)"', svg).group(1).split(",")]
        assert families[0].endswith(" SC"), families
        assert not any(f.endswith((" JP", " KR", " TC", " HK")) for f in families), families
        assert 'lang="zh-CN"' in svg


def _can_hide_fonts() -> str | None:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return "needs Linux and unshare(1) to hide the system fonts"
    if os.geteuid() != 0:
        return "needs root to mount a private, empty /usr/share/fonts (unshare -m)"
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], capture_output=True)
    return None if probe.returncode == 0 else "unshare -m is not permitted here"


@pytest.mark.skipif(_can_hide_fonts() is not None, reason=str(_can_hide_fonts()))
def test_the_report_is_the_same_with_and_without_any_font_installed(tmp_path):
    cmd = [sys.executable, "-m", "drafter.cli", "deductions", str(SEEDS["self_eval_2024"]),
           str(SEEDS["self_eval_ocr"]), "--format", "html", "--offline", "-o"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONPATH": os.pathsep.join(sys.path)}
    with_fonts = subprocess.run([*cmd, str(tmp_path / "fonts.html")], capture_output=True, text=True,
                                cwd=ROOT, env=env, timeout=300)
    assert with_fonts.returncode == 0, with_fonts.stderr
    hide = "; ".join(f"mount -t tmpfs none {d}" for d in FONT_DIRS if Path(d).is_dir())
    script = f"{hide}; exec \"$@\""
    bare = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh",
                           *cmd, str(tmp_path / "bare.html")], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)
    assert bare.returncode == 0, bare.stderr
    assert bare.stderr == with_fonts.stderr.replace("fonts.html", "bare.html")
    assert (tmp_path / "bare.html").read_bytes() == (tmp_path / "fonts.html").read_bytes()


@pytest.mark.skipif(_browser() is None, reason="headless Chromium not installed (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow (in the test extra) reads the screenshot")
    page = tmp_path / "report.html"
    page.write_text(_seed_html(), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run([_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run",
                    f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000, "Chromium wrote no screenshot"

    img = Image.open(shot).convert("RGB")
    assert img.size == (1200, 1600)
    small = img.resize((300, 400))
    raw = small.tobytes()
    pixels = [tuple(raw[i:i + 3]) for i in range(0, len(raw), 3)]
    not_white = sum(1 for p in pixels if sum(p) < 720)
    assert not_white / len(pixels) > 0.05, "screenshot is (nearly) blank"
    assert len(set(pixels)) > 200, "screenshot has almost no distinct colours"
    # The charts are there: bars in the category colours (red = 满意度, teal = 机制) are painted.
    def near(p, rgb, tol=40):
        return all(abs(a - b) <= tol for a, b in zip(p, rgb))
    assert sum(1 for p in pixels if near(p, (0xE1, 0x57, 0x59))) > 100
    assert sum(1 for p in pixels if near(p, (0x76, 0xB7, 0xB2))) > 100
