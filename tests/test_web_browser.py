"""The workbench in a real browser: Chromium from the distribution, driven by Playwright.

Launched with ``executable_path`` (never ``playwright install``, which needs the internet); skipped
with a reason when Chromium or the playwright package is absent. A screenshot of every page is kept
under tests/output/screenshots/ (gitignored; CI keeps it as an artefact).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.webserver import live_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="playwright (python package) is not installed"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Each test's DRAFTER_HOME (conftest's _isolated_home) is read per request, so every test
    # has its own store.
    from drafter.web.settings import WebSettings
    with live_server(WebSettings(work_root=tmp_path_factory.mktemp("jobs"), wait_seconds=1.0)) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, tmp_path):
    context = browser.new_context(base_url=server, accept_downloads=True, viewport={"width": 1360, "height": 900},
                                  locale="zh-CN")
    # The workbench must never reach the internet: any request elsewhere fails the test.
    outside: list[str] = []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:\d+/).*"), lambda route: (outside.append(route.request.url),
                                                                             route.abort()))
    pg = context.new_page()
    pg.set_default_timeout(60_000)  # a hang guard; offline drafting first fills the store
    yield pg
    context.close()
    assert outside == [], f"requests outside the workbench: {outside}"


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def visible_codes(pg) -> list[str]:
    return [c.strip() for c in pg.locator(".finding:visible summary.code").all_inner_texts()]


def expect(locator):
    from playwright.sync_api import expect as pw_expect
    return pw_expect(locator)


def test_paste_a_form_and_see_its_findings(page):
    page.goto("/")
    page.get_by_label("粘贴表格").fill(SEEDS["target_2024"].read_text(encoding="utf-8"))
    page.get_by_role("button", name="审核", exact=True).click()
    page.locator(".result").wait_for()
    codes = visible_codes(page)
    assert "T07" in codes and "T06" in codes
    assert page.get_by_text("公房资产监管").first.is_visible()
    # The rule's explanation opens on click, with its basis.
    page.locator("summary.code", has_text="T07").first.click()
    expect(page.locator(".explain:visible", has_text="依据").first).to_be_visible()
    shot(page, "review")
    # Filter out warnings: exactly the other findings stay visible.
    every = page.locator(".finding").evaluate_all("els => els.map(e => e.dataset.severity)")
    assert "warning" in every
    page.locator("[data-filter-severity=warning]").uncheck()
    shown = page.locator(".finding:visible").evaluate_all("els => els.map(e => e.dataset.severity)")
    assert sorted(shown) == sorted(s for s in every if s != "warning")
    page.locator("[data-filter-severity=warning]").check()
    # Filter by tag: only findings about unmeasurable values, and rows without one hidden on request.
    page.locator("[data-filter-tag]").select_option("unmeasurable")
    tags = page.locator(".finding:visible").evaluate_all("els => els.map(e => e.dataset.tags)")
    assert tags and all("unmeasurable" in t.split() for t in tags)
    assert len(tags) < len(every)
    page.locator("[data-filter-only]").check()
    assert page.locator("table.indicators tbody tr:visible").count() == page.locator(
        "table.indicators tbody tr:has(.finding:not(.hidden-by-filter))").count()
    page.locator("[data-filter-tag]").select_option("")
    page.locator("[data-filter-only]").uncheck()
    # A reload keeps the result (the address names the job).
    assert "job=" in page.url
    page.reload()
    assert "T07" in visible_codes(page)


def test_accept_a_finding_with_a_reason(page):
    page.goto("/")
    page.get_by_label("粘贴表格").fill(SEEDS["target_2024"].read_text(encoding="utf-8"))
    page.get_by_role("button", name="审核", exact=True).click()
    first = page.locator(".finding").first
    first.locator("details.accept summary").click()
    first.get_by_label("理由").fill("按主管部门统一口径填写")
    first.get_by_role("button", name="确认接受").click()
    expect(page.get_by_text("已接受：按主管部门统一口径填写")).to_be_visible()


def test_upload_an_xlsx(page, tmp_path):
    from drafter.read import read_file
    from drafter.render.xlsx import forms_to_xlsx
    book = tmp_path / "目标申报表.xlsx"
    book.write_bytes(forms_to_xlsx(read_file(SEEDS["target_2023"])))
    page.goto("/")
    page.locator("#files").set_input_files(str(book))
    page.get_by_role("button", name="审核", exact=True).click()
    page.locator(".result").wait_for()
    assert page.get_by_text("目标申报表.xlsx · 第1张").first.is_visible()
    assert visible_codes(page)
    shot(page, "review-xlsx")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_upload_a_pdf_and_a_docx(page, tmp_path, kind):
    if importlib.util.find_spec(f"drafter.read.{kind}") is None:
        pytest.skip(f"this build has no .{kind} reader (drafter.read.{kind})")
    try:
        from tests import formfiles
    except ImportError:
        pytest.skip("tests/formfiles.py (the office-file writers) is not in this build")
    from drafter.read import read_file
    form = read_file(SEEDS["target_2024"])[0].model_dump(mode="json")
    path = tmp_path / f"申报表.{kind}"
    getattr(formfiles, f"write_{kind}")(formfiles.grid(form, "merged"), path)
    page.goto("/")
    page.locator("#files").set_input_files(str(path))
    page.get_by_role("button", name="审核", exact=True).click()
    page.locator(".result").wait_for()
    assert page.get_by_text(f"申报表.{kind} · 第1张").first.is_visible()
    assert "T07" in visible_codes(page)
    shot(page, f"review-{kind}")


def test_draft_edit_rereview_and_download(page, tmp_path):
    page.goto("/draft")
    page.get_by_label("项目名称").fill("社区养老服务补助")
    page.get_by_label("项目目标").fill("为辖区老年人提供日间照料和助餐服务，提升老年人生活质量")
    page.get_by_label("项目资金").fill("120")
    page.get_by_label("年度").fill("2025")
    page.get_by_label("项目类型").fill("专项补助")
    page.get_by_label("不调用大模型").check()
    page.get_by_role("button", name="起草", exact=True).click()
    table = page.locator("table.draft-table")
    table.wait_for()
    assert page.get_by_text("离线引擎").first.is_visible()
    heads = table.locator("th").all_inner_texts()
    assert {"基线", "取值依据", "数据来源", "参考来源"} <= set(heads)
    rows = table.locator("tbody tr").count()
    assert rows >= 6
    shot(page, "draft")
    # Turn one target into a vague one and re-review: the rules see the edit.
    page.get_by_label("指标值 1", exact=True).fill("逐步提升")
    page.get_by_role("button", name="重新审核").click()
    page.locator("#recheck .result").wait_for()
    expect(page.locator("#recheck summary.code", has_text="T07").first).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_role("link", name="Excel", exact=True).click()
    saved = tmp_path / "draft.xlsx"
    dl.value.save_as(saved)
    from drafter.read import read_file
    back = read_file(saved)[0]
    assert back.project_name == "社区养老服务补助" and back.indicators[0].target_raw == "逐步提升"


def test_deductions_over_several_files_with_charts(page, tmp_path):
    page.goto("/deductions")
    page.locator("#files").set_input_files([str(SEEDS["self_eval_2024"]), str(SEEDS["self_eval_ocr"]),
                                            str(SEEDS["target_2024"])])
    page.get_by_label("不调用大模型").check()
    page.get_by_role("button", name="分析扣分").click()
    page.locator(".result.deductions").wait_for()
    charts = page.locator(".charts svg")
    assert charts.count() == 2 and charts.first.is_visible()
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    # The target form in the batch is skipped with a note, as on the command line.
    assert page.get_by_text("跳过绩效目标表").first.is_visible()
    cat = page.locator("details.category").first
    cat.locator("summary").click()
    assert cat.locator("tbody tr").count() >= 1 and cat.locator("td").first.is_visible()
    shot(page, "deductions")
    with page.expect_download() as dl:
        page.get_by_role("link", name="HTML 报告").click()
    html = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "绩效自评扣分原因分析" in html and "<svg" in html


def test_search_and_rules_pages(page):
    from typer.testing import CliRunner
    from drafter.cli import app
    assert CliRunner().invoke(app, ["ingest"]).exit_code == 0
    page.goto("/rules")
    assert page.locator("tr#T07").is_visible()
    page.locator("tr#T07 summary").click()
    expect(page.locator("tr#T07").get_by_text("为什么重要")).to_be_visible()
    shot(page, "rules")
    page.goto("/search")
    page.get_by_label("查找内容").fill("满意度")
    page.get_by_role("button", name="检索").click()
    page.locator("table.hits").wait_for()
    assert page.locator("table.hits tbody tr").count() >= 1
    shot(page, "search")


def test_a_second_review_round_in_the_page(page):
    text = SEEDS["target_2024"].read_text(encoding="utf-8")
    page.goto("/")
    page.get_by_label("粘贴表格").fill(text)
    page.get_by_role("button", name="审核", exact=True).click()
    page.locator(".result").wait_for()
    before = visible_codes(page).count("T07")
    page.get_by_label("粘贴修改后的表格").fill(re.sub(r"(?<=[\s|])提升(?=[\s|])", "≥5%", text))
    page.get_by_role("button", name="对比上一轮审核").click()
    expect(page.get_by_text("审核结果（第 2 轮）")).to_be_visible()
    fixed = int(page.locator(".fixed-count").inner_text())
    assert fixed >= 1 and visible_codes(page).count("T07") < before
    assert page.locator(".round.remaining").count() >= 1
    shot(page, "review-round-2")
