"""Input kinds: PDF, Word, old .doc/.xls, scans and images, standard input and folders all reach the
same table reader, so a form reads the same whatever file it came in."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS
from formfiles import (
    LAYOUTS,
    REALFORMS,
    WRITERS,
    Score,
    gold_forms,
    grid,
    write_pdf,
    write_scan,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from drafter.cli import app
from drafter.errors import InputError
from drafter.read import read_file
from drafter.read.ocr import available as ocr_available

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]

# A self-evaluation as form data: merged 一级/二级 runs, a name long enough to wrap in a PDF
# cell, Chinese text everywhere, a qualitative value and a lost point with its reason.
FORM = {
    "kind": "self_eval", "year": 2023, "project_name": "农村饮水安全巩固提升工程",
    "agency": "某县水利局",
    "indicators": [
        {"level1": "产出指标", "level2": "数量指标", "name": "新建集中供水工程处数",
         "target_raw": "≥12处", "op": "≥", "value": 12, "unit": "处", "actual_raw": "12处",
         "weight": 10, "score": 10},
        {"level1": "产出指标", "level2": "数量指标",
         "name": "改造提升老旧供水管网长度（含入户支管及配套阀门井、水表井等附属设施）",
         "target_raw": "≥35.5公里", "op": "≥", "value": 35.5, "unit": "公里", "actual_raw": "33公里",
         "weight": 10, "score": 8.5, "note": "部分村组冬季冻土无法施工，已顺延至次年4月"},
        {"level1": "产出指标", "level2": "质量指标", "name": "水质检测合格率",
         "target_raw": "≥95%", "op": "≥", "value": 95, "unit": "%", "actual_raw": "96%",
         "weight": 10, "score": 10},
        {"level1": "产出指标", "level2": "时效指标", "name": "工程完工及时率",
         "target_raw": "=100%", "op": "=", "value": 100, "unit": "%", "actual_raw": "100%",
         "weight": 10, "score": 10},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "农村饮水安全状况",
         "target_raw": "明显改善", "op": None, "value": None, "unit": None, "actual_raw": "明显改善",
         "weight": 20, "score": 20},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "受益群众满意度",
         "target_raw": "≥90%", "op": "≥", "value": 90, "unit": "%", "actual_raw": "93%",
         "weight": 10, "score": 10},
    ],
}


def _facts(forms):
    return [(i.level1, i.level2, i.name, i.op, i.value, i.unit, i.qualitative, i.actual_raw, i.weight,
             i.score, i.deviation) for f in forms for i in f.indicators]


def _expected(layout: str):
    out = []
    for g in FORM["indicators"]:
        out.append((g["level1"], g["level2"], g["name"],
                    g["op"], g["value"], g["unit"], None if g["value"] is not None else g["target_raw"],
                    g["actual_raw"], g["weight"], g["score"], g.get("note")))
    return out


def _write(kind: str, layout: str, tmp_path: Path, form=FORM, **kw) -> Path:
    path = tmp_path / f"form-{layout}.{kind}"
    WRITERS[kind](grid(form, layout), path, **kw) if kw else WRITERS[kind](grid(form, layout), path)
    return path


@pytest.mark.parametrize("kind", ["xlsx", "docx", "pdf", "xls"])  # .xls: an HTML table
@pytest.mark.parametrize("layout", ["merged", "split", "score_first"])
def test_office_kinds_read_every_field_of_every_row(tmp_path, kind, layout):
    (form,) = read_file(_write(kind, layout, tmp_path))
    assert (form.kind, form.year, form.project_name, form.agency) == \
        ("self_eval", 2023, "农村饮水安全巩固提升工程", "某县水利局")
    assert _facts([form]) == _expected(layout)


def test_pdf_joins_a_wrapped_chinese_name_without_spaces(tmp_path):
    import pdfplumber
    path = _write("pdf", "merged", tmp_path)
    with pdfplumber.open(path) as pdf:  # the name really is printed on two lines
        assert "改造提升老旧供水管网长度（含入户支管及配套阀门井、水表井等附属设施）" not in pdf.pages[0].extract_text()
    (form,) = read_file(path)
    assert form.indicators[1].name == "改造提升老旧供水管网长度（含入户支管及配套阀门井、水表井等附属设施）"


def test_pdf_merged_labels_reach_every_row_they_span(tmp_path):
    (form,) = read_file(_write("pdf", "merged", tmp_path))
    assert [i.level1 for i in form.indicators] == ["产出指标"] * 4 + ["效益指标", "满意度指标"]
    assert [i.level2 for i in form.indicators[:2]] == ["数量指标", "数量指标"]


def _long_form(n: int = 40):
    inds = []
    for k in range(n):
        name = (f"第{k + 1}批次农村集中供水工程管网改造提升及入户支管配套阀门井水表井等附属设施建设完成率"
                if k % 7 == 3 else f"第{k + 1}批次供水工程完成数")
        # No merged label cells: reportlab cannot split a table inside a span.
        inds.append({"level1": None, "level2": None, "name": name,
                     "target_raw": f"≥{k + 1}处", "op": "≥", "value": k + 1, "unit": "处",
                     "actual_raw": f"{k + 1}处", "weight": 2, "score": 2 if k % 5 != 2 else 1,
                     # Notes many lines tall: rows that a page break will cut through.
                     "note": "部分村组冬季冻土无法施工，管网铺设顺延至次年四月，已与施工单位签订补充协议。" * 4
                     if k % 5 == 2 else None})
    return {**FORM, "indicators": inds}


def test_pdf_heading_printed_on_every_page_is_not_read_as_rows(tmp_path):
    form_data = _long_form()
    path = tmp_path / "long.pdf"
    write_pdf(grid(form_data, "merged"), path, page_height=420, repeat_heading=True)
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 3 and all("三级指标" in p.extract_text() for p in pdf.pages)
    (form,) = read_file(path)
    assert [(i.name, i.value, i.score, i.deviation) for i in form.indicators] == \
        [(g["name"], g["value"], g["score"], g["note"]) for g in form_data["indicators"]]


def test_pdf_row_cut_by_a_page_break_is_one_row(tmp_path):
    form_data = _long_form()
    path = tmp_path / "long.pdf"
    # A short page and rows allowed to split inside: some rows are cut in two by a page break.
    # (Not with a repeated heading: reportlab then draws the heading over the cut row's rest.)
    write_pdf(grid(form_data, "merged"), path, split_in_row=True, page_height=300)
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) > 3
    (form,) = read_file(path)
    assert [(i.name, i.value, i.score, i.deviation) for i in form.indicators] == \
        [(g["name"], g["value"], g["score"], g["note"]) for g in form_data["indicators"]]


@pytest.mark.parametrize("frame", [False, True], ids=["bare", "framed"])
def test_pdf_without_ruled_table_falls_back_to_its_text_lines(tmp_path, frame):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "lines.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 10)
    lines = [["项目名称：社区养老服务补贴"], ["一级指标", "二级指标", "三级指标", "指标值"],
             ["产出指标", "数量指标", "补贴发放人数", "≥1200人"], ["", "质量指标", "服务合格率", "≥95%"],
             ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"]]
    for k, cells in enumerate(lines):
        for j, text in enumerate(cells):
            c.drawString(40 + 130 * j, 780 - 20 * k, text)
    if frame:  # a ruled box in two parts around everything: a table, but not the indicator table
        c.rect(30, 670, 540, 130)
        c.line(30, 770, 570, 770)
    c.save()
    (form,) = read_file(path)
    assert [(i.level2, i.name, i.op, i.value, i.unit) for i in form.indicators] == [
        ("数量指标", "补贴发放人数", "≥", 1200.0, "人"), ("质量指标", "服务合格率", "≥", 95.0, "%"),
        ("服务对象满意度指标", "老人满意度", "≥", 90.0, "%")]


def test_docx_horizontal_merge_is_not_read_twice(tmp_path):
    from docx import Document
    doc = Document()
    doc.add_paragraph("2024年度项目支出绩效目标申报表")
    t = doc.add_table(rows=4, cols=5)
    rows = [["项目名称", "社区养老服务补贴", "", "", ""], ["一级指标", "二级指标", "三级指标", "指标值", ""],
            ["产出指标", "数量指标", "补贴发放人数", "≥1200人", ""], ["", "", "上门服务次数", "≥5000次", ""]]
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            t.cell(r, c).text = text
    t.cell(0, 1).merge(t.cell(0, 4)).text = "社区养老服务补贴"
    t.cell(1, 3).merge(t.cell(1, 4)).text = "指标值"  # a heading over two columns
    for r in (2, 3):
        t.cell(r, 3).merge(t.cell(r, 4)).text = rows[r][3]
    t.cell(2, 0).merge(t.cell(3, 0)).text = "产出指标"
    t.cell(2, 1).merge(t.cell(3, 1)).text = "数量指标"
    path = tmp_path / "merged.docx"
    doc.save(str(path))
    (form,) = read_file(path)
    assert form.project_name == "社区养老服务补贴"
    assert [(i.level1, i.level2, i.name, i.target_raw) for i in form.indicators] == [
        ("产出指标", "数量指标", "补贴发放人数", "≥1200人"), ("产出指标", "数量指标", "上门服务次数", "≥5000次")]


# -- old Office files through LibreOffice ----------------------------------------------------

def _soffice_convert(src: Path, target: str, out: Path) -> Path:
    exe = shutil.which("soffice")
    profile = out / "profile"
    subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
                    target, "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180)
    return out / f"{src.stem}.{target}"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("modern,old", [("docx", "doc"), ("xlsx", "xls")])
def test_old_doc_and_xls_read_through_libreoffice(tmp_path, modern, old):
    src = _write(modern, "merged", tmp_path)
    if old == "doc":
        # LibreOffice drops python-docx's tables when it writes .doc straight from .docx; from
        # its own format it keeps them, as a .doc saved by Word has them.
        src = _soffice_convert(src, "odt", tmp_path)
    converted = _soffice_convert(src, old, tmp_path)
    assert converted.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert _facts(read_file(converted)) == _expected("merged")
    # WPS Office's own names for these compound files, in a folder with the rest.
    folder = tmp_path / "wps"
    folder.mkdir()
    shutil.copy(converted, folder / f"form.{'wps' if old == 'doc' else 'et'}")
    res = runner.invoke(app, ["parse", str(folder), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    assert "新建集中供水工程处数" in res.stdout


def test_old_office_file_without_libreoffice_says_so(tmp_path, monkeypatch):
    from drafter.read import convert
    monkeypatch.setattr(convert, "soffice", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le") + b"\x00\x00")
    with pytest.raises(InputError, match="LibreOffice") as e:
        read_file(path)
    assert "\n" not in str(e.value)


# -- scans and images -----------------------------------------------------------------------

def _scan(tmp_path: Path) -> Path:
    """A 'scanned' PDF of the first rows of the form: images only, no text layer."""
    out = tmp_path / "scan.pdf"
    write_scan(grid({**FORM, "indicators": FORM["indicators"][:4]}, "merged"), out)
    return out


def test_scanned_pdf_without_the_ocr_extra_says_how_to_enable_it(tmp_path, monkeypatch):
    from drafter.read import ocr
    monkeypatch.setattr(ocr, "available", lambda: False)
    scan = _scan(tmp_path)
    res = runner.invoke(app, ["parse", str(scan)])
    assert res.exit_code == 2
    line = res.stderr.strip()
    assert "\n" not in line and 'pip install "drafter[ocr]"' in line and "Traceback" not in res.output


def test_image_without_the_ocr_extra_is_reported_not_skipped(tmp_path, monkeypatch):
    from drafter.read import ocr
    monkeypatch.setattr(ocr, "available", lambda: False)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS["target_2024"], folder / "a.txt")
    from PIL import Image
    Image.new("L", (50, 20), 255).save(folder / "b.png")
    res = runner.invoke(app, ["parse", str(folder)])
    assert res.exit_code == 2
    assert "b.png" in res.stderr and "drafter[ocr]" in res.stderr
    assert "公房资产监管" in res.stdout  # the readable file is still printed


def _cjk_font() -> str | None:
    """A Chinese system font file. The generated PDF uses reportlab's STSong-Light, which is not
    embedded: rendering it into a 'scan' needs one."""
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False)
    files = sorted(line.split(":")[0].strip() for line in out.stdout.splitlines() if line.strip())
    return files[0] if files else None


@pytest.mark.skipif(not ocr_available(), reason='the OCR extra (pip install "drafter[ocr]") is not installed')
@pytest.mark.skipif(not _cjk_font(), reason="no Chinese font (fonts-wqy-zenhei) to render a scan with")
def test_scanned_pdf_is_read_by_ocr_and_marked(tmp_path):
    (form,) = read_file(_scan(tmp_path))
    assert form.ocr is True
    got = [(i.level2, i.name, i.op, i.value, i.unit) for i in form.indicators]
    assert got == [(g["level2"], g["name"], g["op"], g["value"], g["unit"]) for g in FORM["indicators"][:4]]
    res = runner.invoke(app, ["parse", str(_scan(tmp_path))])
    assert "OCR 识别结果" in res.stdout


# -- encrypted and broken files -------------------------------------------------------------

def test_encrypted_pdf_says_so(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canModify=0))
    c.drawString(100, 700, "locked")
    c.save()
    with pytest.raises(InputError, match="加密") as e:
        read_file(path)
    assert str(e.value).startswith(str(path)) and "\n" not in str(e.value)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_broken_pdf_and_docx_say_so_in_one_line(tmp_path, kind):
    good = _write(kind, "merged", tmp_path)
    cut = tmp_path / f"cut.{kind}"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    res = runner.invoke(app, ["parse", str(cut)])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert str(cut) in res.stderr


def test_password_protected_office_file_says_so(tmp_path):
    # Word and Excel save a password-protected .docx/.xlsx as a compound file holding an
    # "EncryptedPackage" stream, whatever the suffix says.
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 +
                     "EncryptedPackage".encode("utf-16-le") + b"\x00\x00" + b"\x00" * 300)
    with pytest.raises(InputError, match="加密"):
        read_file(path)


def test_pdf_named_txt_or_piped_is_still_a_pdf(tmp_path):
    pdf = _write("pdf", "merged", tmp_path)
    renamed = tmp_path / "form.txt"
    renamed.write_bytes(pdf.read_bytes())
    assert _facts(read_file(renamed)) == _expected("merged")


# -- standard input -------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["parse", "--format", "json"], ["review", "--offline", "--format", "json"],
                                     ["deductions", "--offline", "--format", "json"]])
def test_dash_reads_standard_input(command):
    text = SEEDS["self_eval_2024"].read_bytes()
    from_file = runner.invoke(app, [*command, str(SEEDS["self_eval_2024"])])
    from_stdin = runner.invoke(app, [*command, "-"], input=text)
    assert from_stdin.exit_code == from_file.exit_code
    assert from_stdin.stdout.replace('"-"', "S") == from_file.stdout.replace(
        f'"{SEEDS["self_eval_2024"]}"', "S")


def test_a_pdf_piped_into_parse(tmp_path):
    pdf = _write("pdf", "split", tmp_path)
    res = subprocess.run([sys.executable, "-m", "drafter.cli", "parse", "-", "--format", "json"],
                         input=pdf.read_bytes(), capture_output=True, cwd=REPO, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert res.returncode == 0, res.stderr.decode()
    assert "新建集中供水工程处数" in res.stdout.decode()


def test_empty_standard_input_is_one_clear_line():
    res = runner.invoke(app, ["parse", "-"], input=b"")
    assert res.exit_code == 2 and res.stderr.strip() == "drafter: -: 文件为空 (empty file)"


# -- folders --------------------------------------------------------------------------------

def test_folder_reads_pdf_word_and_workbooks_like_the_rest(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for kind in ("pdf", "docx", "xlsx"):
        _write(kind, "merged", folder)
    shutil.copy(SEEDS["self_eval_2024"], folder / "seed.txt")
    res = runner.invoke(app, ["parse", str(folder), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    import json
    sources = [Path(p["source"]).name for p in json.loads(res.stdout)]
    assert sources == ["form-merged.docx", "form-merged.pdf", "form-merged.xlsx", "seed.txt"]


# -- 8 labelled real forms as office files in their own layouts ------------------------------

needs_realforms = pytest.mark.skipif(not REALFORMS.is_dir(),
                                     reason="../shared/realforms (labelled real forms) is not present")


@needs_realforms
def test_real_forms_read_the_same_from_every_office_kind(tmp_path):
    """The file kind loses nothing: each form reads the same from .xlsx, .docx, PDF and an HTML
    "Excel export", and the
    set stays at least as right as measured when these readers were added (bench/bench_input_kinds.py;
    misses are the table reader's layouts, such as 中期/年度 value blocks)."""
    forms = gold_forms()
    assert len(forms) == 8
    scores = {kind: Score() for kind in WRITERS}
    for k, form in enumerate(forms):
        layout = LAYOUTS[k % len(LAYOUTS)]
        read = {}
        for kind, write in WRITERS.items():
            path = tmp_path / f"{k}-{layout}.{kind}"
            write(grid(form, layout), path)
            read[kind] = [i.model_dump(include={"name", "op", "value", "unit", "target_raw"})
                          for f in read_file(path) for i in f.indicators]
            scores[kind].add(form["indicators"], read[kind])
        assert read["docx"] == read["xlsx"] and read["pdf"] == read["xlsx"] and read["xls"] == read["xlsx"], \
            form["source"]
    for kind, s in scores.items():
        assert s.found == s.gold == 81, kind
        assert s.right >= 64 and s.precision >= 0.79, (kind, s)


@pytest.mark.parametrize("command", [["parse"], ["review", "--offline"], ["deductions", "--offline"]])
def test_folder_names_the_files_it_does_not_read(tmp_path, command):
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(SEEDS["self_eval_2024"], folder / "seed.txt")
    (folder / "archive.zip").write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    (folder / ".hidden").write_text("x")
    res = runner.invoke(app, [*command, str(folder)])
    assert "跳过 1 个不支持的文件类型" in res.stderr and "archive.zip" in res.stderr
    assert ".hidden" not in res.stderr


def test_pdf_with_a_scanned_page_and_no_table_in_its_text_says_which_page(tmp_path, monkeypatch):
    from PIL import Image
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    picture = tmp_path / "page.png"
    Image.new("L", (400, 300), 200).save(picture)
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "附件：2023年度项目支出绩效自评表（扫描件）")
    c.showPage()
    c.drawImage(str(picture), 72, 300, 400, 300)
    c.save()
    with pytest.raises(InputError, match="第 2 页是扫描图片") as e:
        read_file(path)
    assert "\n" not in str(e.value)


# -- damaged files: forms or one InputError, nothing else -------------------------------------

_EDITS = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["flip", "delete", "insert"]),
                            st.binary(min_size=0, max_size=12)), min_size=1, max_size=6)


def _mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for where, op, chunk in edits:
        i = min(int(where * len(out)), max(len(out) - 1, 0))
        if op == "flip" and out:
            out[i] ^= (chunk[:1] or b"\x01")[0] or 1
        elif op == "delete":
            del out[i:i + 1 + len(chunk)]
        else:
            out[i:i] = chunk
    return bytes(out)


@pytest.fixture(scope="module")
def office_bytes(tmp_path_factory):
    d = tmp_path_factory.mktemp("office")
    return {kind: _write(kind, "merged", d).read_bytes() for kind in ("pdf", "docx")}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=st.sampled_from(["pdf", "docx"]), edits=_EDITS, suffix=st.sampled_from([".pdf", ".docx", ".txt"]))
def test_damaged_pdf_and_docx_give_forms_or_one_line(office_bytes, tmp_path_factory, kind, edits, suffix):
    path = tmp_path_factory.mktemp("damaged") / f"form{suffix}"
    path.write_bytes(_mutate(office_bytes[kind], edits))
    try:
        forms = read_file(path)
    except InputError as e:
        assert str(e).startswith(str(path)) and "\n" not in str(e)
        return
    assert all(f.indicators for f in forms)


@pytest.mark.parametrize("text,check", [
    ("tolerance: 0.05\ngrade_bands: {优: 80, 良: 70, 中: 60, 差: 0}\n", lambda c: c.grade_for(85) == "优"),
    # TOML opening with a [table]: no suffix tells it from a JSON list on standard input.
    ("[review]\ncost_required = true\n", lambda c: c.cost_required is True),
])
def test_config_from_standard_input(monkeypatch, text, check):
    from drafter.config import load_config
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))
    assert check(load_config(Path("-")))


def test_draft_request_from_standard_input(tmp_path):
    request = "name: 社区养老服务补贴\ngoal: 为1200名老人提供上门服务，满意度不低于90%\n"
    f = tmp_path / "req.yaml"
    f.write_text(request, encoding="utf-8")
    from_file = runner.invoke(app, ["draft", "--from", str(f), "--offline", "--format", "json"])
    from_stdin = runner.invoke(app, ["draft", "--from", "-", "--offline", "--format", "json"],
                               input=request.encode("utf-8"))
    assert from_file.exit_code == from_stdin.exit_code == 0, from_stdin.stderr
    import json
    assert json.loads(from_stdin.stdout)["form"] == json.loads(from_file.stdout)["form"]


def test_docx_table_inside_a_content_control_is_read(tmp_path):
    from docx import Document
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    src = _write("docx", "merged", tmp_path)
    doc = Document(str(src))
    tbl = doc.tables[0]._tbl
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    tbl.addprevious(sdt)
    sdt.append(content)
    content.append(tbl)  # moves the table into the control
    assert doc.element.body.find(qn("w:tbl")) is None
    path = tmp_path / "control.docx"
    doc.save(str(path))
    assert _facts(read_file(path)) == _expected("merged")


def _picture_docx(tmp_path: Path) -> Path:
    """A Word file holding the form only as a pasted picture (a scan)."""
    import pypdfium2 as pdfium
    from docx import Document
    from docx.shared import Cm
    scan = _scan(tmp_path)
    png = tmp_path / "scan.png"
    pdfium.PdfDocument(str(scan))[0].render(scale=1).to_pil().save(png)
    doc = Document()
    doc.add_paragraph("附件：绩效自评表")
    doc.add_picture(str(png), width=Cm(25))
    path = tmp_path / "picture.docx"
    doc.save(str(path))
    return path


@pytest.mark.skipif(not _cjk_font(), reason="no Chinese font (fonts-wqy-zenhei) to render a scan with")
def test_docx_with_the_form_as_a_picture_without_ocr_says_so(tmp_path, monkeypatch):
    from drafter.read import ocr
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError, match=r"Word 文件中的表是图片.*drafter\[ocr\]"):
        read_file(_picture_docx(tmp_path))


@pytest.mark.skipif(not ocr_available(), reason='the OCR extra (pip install "drafter[ocr]") is not installed')
@pytest.mark.skipif(not _cjk_font(), reason="no Chinese font (fonts-wqy-zenhei) to render a scan with")
def test_docx_with_the_form_as_a_picture_is_read_by_ocr(tmp_path):
    (form,) = read_file(_picture_docx(tmp_path))
    assert form.ocr is True
    assert [(i.name, i.value) for i in form.indicators] == [(g["name"], g["value"]) for g in FORM["indicators"][:4]]


@pytest.mark.skipif(not ocr_available(), reason='the OCR extra (pip install "drafter[ocr]") is not installed')
@pytest.mark.skipif(not _cjk_font(), reason="no Chinese font (fonts-wqy-zenhei) to render a scan with")
def test_image_of_a_form_without_ruling_lines_is_read_as_text_lines(tmp_path):
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(_cjk_font(), 28)
    img = Image.new("L", (1400, 360), 255)
    draw = ImageDraw.Draw(img)
    lines = [["项目名称：社区养老服务补贴"], ["一级指标", "二级指标", "三级指标", "指标值"],
             ["产出指标", "数量指标", "补贴发放人数", "≥1200人"], ["", "质量指标", "服务合格率", "≥95%"],
             ["满意度指标", "服务对象满意度指标", "老人满意度", "≥90%"]]
    for k, cells in enumerate(lines):
        for j, text in enumerate(cells):
            draw.text((30 + 330 * j, 30 + 60 * k), text, font=font, fill=0)
    path = tmp_path / "photo.jpg"
    img.save(path, quality=85)
    (form,) = read_file(path)
    assert form.ocr and form.project_name == "社区养老服务补贴"
    assert [(i.name, i.op, i.value, i.unit) for i in form.indicators] == [
        ("补贴发放人数", "≥", 1200.0, "人"), ("服务合格率", "≥", 95.0, "%"), ("老人满意度", "≥", 90.0, "%")]


def test_html_table_saved_as_xls_with_spans(tmp_path):
    page = """<html><head><title>x</title><style>td {border: 1px}</style></head><body>
<p>2024年度项目支出绩效目标申报表</p>
<table>
<tr><td>项目名称</td><td colspan="3">社区养老服务补贴</td></tr>
<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>指标值</th></tr>
<tr><td rowspan="3">产出指标</td><td rowspan="2">数量指标</td><td>补贴发放人数</td><td>&ge;1200人</td></tr>
<tr><td>上门服务<br>次数</td><td>≥5000次</td></tr>
<tr><td>质量指标</td><td>服务合格率</td><td>≥95%</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>老人满意度</td><td>≥90%</td></tr>
</table></body></html>"""
    path = tmp_path / "export.xls"
    path.write_bytes(page.encode("gb18030"))  # GBK, as these exports usually are
    (form,) = read_file(path)
    assert (form.year, form.project_name) == (2024, "社区养老服务补贴")
    assert [(i.level1, i.level2, i.name, i.op, i.value, i.unit) for i in form.indicators] == [
        ("产出指标", "数量指标", "补贴发放人数", "≥", 1200.0, "人"),
        ("产出指标", "数量指标", "上门服务次数", "≥", 5000.0, "次"),
        ("产出指标", "质量指标", "服务合格率", "≥", 95.0, "%"),
        ("满意度指标", "服务对象满意度指标", "老人满意度", "≥", 90.0, "%")]


def test_html_with_hostile_spans_is_bounded(tmp_path):
    cell = '<td rowspan="100000" colspan="100000">x</td>'
    path = tmp_path / "spans.html"
    path.write_text("<table>" + "<tr>" + cell * 2000 + "</tr>" * 50 + "</table>", encoding="utf-8")
    with pytest.raises(InputError):
        read_file(path)


@pytest.mark.parametrize("kind", ["pdf", "docx", "xlsx"])
def test_explain_shows_the_rows_each_kind_gave_the_reader(tmp_path, kind):
    path = _write(kind, "merged", tmp_path)
    res = runner.invoke(app, ["parse", "--explain", str(path)])
    assert res.exit_code == 0, res.stderr
    indicator_lines = [ln for ln in res.stdout.splitlines() if "(indicator)" in ln]
    assert len(indicator_lines) == len(FORM["indicators"])
    assert "新建集中供水工程处数" in indicator_lines[0]
