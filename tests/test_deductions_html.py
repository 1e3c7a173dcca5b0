"""The HTML report in a real browser: headless Chromium renders it, and the screenshot is not blank.

Needs Debian's ``chromium`` package (``apt-get install -y chromium``) and a CJK font for the
charts (``fonts-noto-cjk``); without Chromium the browser test is skipped and says why.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SEEDS

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _browser() -> str | None:
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


def _seed_html(**kw) -> str:
    from drafter.deductions.analyse import analyse
    from drafter.read import read_file
    from drafter.render.report_html import report_html
    report = analyse([(str(p), read_file(p)) for p in (SEEDS["self_eval_2024"], SEEDS["self_eval_ocr"])])
    return report_html(report, **kw)


@pytest.mark.skipif(_browser() is None, reason="headless Chromium not installed (apt-get install -y chromium)")
def test_report_renders_in_headless_chromium(tmp_path):
    Image = pytest.importorskip("PIL.Image", reason="Pillow (installed with matplotlib) reads the screenshot")
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


def test_charts_fall_back_to_codes_without_a_cjk_font(monkeypatch):
    import drafter.render.report_charts as charts
    import drafter.render.report_html as report_html
    monkeypatch.setattr(report_html, "cjk_font", lambda: None)
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    warnings: list[str] = []
    html = _seed_html(warn=warnings.append)
    assert warnings and "fonts-noto-cjk" in warnings[0]
    assert "<th>图中编号</th>" in html and "<td>A1</td>" in html
    assert html.count("<svg") == 2


def test_a_cjk_font_is_found_when_installed():
    from drafter.render.report_charts import cjk_font
    if not any(Path(d).exists() for d in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/wqy")):
        pytest.skip("no CJK font package installed (apt-get install -y fonts-noto-cjk)")
    assert cjk_font() is not None
