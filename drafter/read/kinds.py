"""Input kinds that are not text: told apart by their first bytes, turned into rows of cells.

Every kind (PDF, Word, Excel, old binary Office files through LibreOffice, scans and images
through the OCR extra) ends in :func:`drafter.read.text.read_rows`, the one table reader, so a
layout handled for one kind is handled for all of them.
"""

from __future__ import annotations

import io
import re

from drafter.errors import InputError
from drafter.model import Form
from drafter.read.extracted import Extracted
from drafter.read.rows import Row

# Every zip archive, so every .xlsx and .docx, starts with a local file header; "PK" alone can
# begin a text.
_ZIP_MAGIC = b"PK\x03\x04"
# Compound File Binary: .doc, .xls, and also .docx/.xlsx saved with a password (the package is
# then an "EncryptedPackage" stream inside it).
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")


def read_office(data: bytes, suffix: str, source: str) -> list[Form] | None:
    """Forms from a non-text file, InputError saying why none, or None when the bytes are text."""
    kind = sniff(data, suffix, source)
    if kind is None:
        return None
    if kind == "encrypted":
        raise InputError("文件已加密，请去掉密码后再读取 (password-protected file)", source)
    if kind == "pdf":
        from drafter.read.pdf import pdf_rows
        read = pdf_rows(data, source)
        none_found = "PDF 中没有找到指标表 (no indicator table in PDF)"
        if read.scanned:
            pages = "、".join(str(n) for n in read.scanned[:5]) + ("…" if len(read.scanned) > 5 else "")
            none_found = (f"PDF 中没有找到指标表；第 {pages} 页是扫描图片，未识别 "
                          f"(no indicator table in the text; pages {pages} are scans)")
        return _read(read, source, none_found)
    if kind == "image":
        from drafter.read.ocr import image_rows
        return _read(image_rows(data, source), source,
                     "图片中没有识别出指标表 (no indicator table recognised in image)")
    if kind in ("doc", "xls"):
        from drafter.read.convert import convert
        data = convert(data, kind, source)
        kind = "docx" if kind == "doc" else "xlsx"
    if kind == "docx":
        from drafter.read.docx import docx_rows
        none_found = "Word 文件中没有找到指标表 (no indicator table in Word file)"
        try:
            return _forms(docx_rows(data, source), source, none_found)
        except InputError:
            return _docx_pictures(data, source, none_found)
    from drafter.read.xlsx import read_xlsx
    forms = read_xlsx(io.BytesIO(data), source)
    if not forms:
        raise InputError("工作簿中没有指标表 (no indicator table in workbook)", source)
    return forms


def office_rows(data: bytes, suffix: str, source: str) -> list[tuple[str, list[Row], bool]] | None:
    """What each part of a non-text file hands the table reader, for ``parse --explain``:
    (part name, rows, aligned) per sheet, document or PDF; None when the bytes are text."""
    kind = sniff(data, suffix, source)
    if kind is None:
        return None
    if kind == "encrypted":
        raise InputError("文件已加密，请去掉密码后再读取 (password-protected file)", source)
    if kind == "pdf":
        from drafter.read.pdf import pdf_rows
        ext = pdf_rows(data, source)
        from drafter.read.text import read_rows
        if ext.text_rows and not read_rows(ext.rows, aligned=ext.aligned):
            # The tables gave nothing, so the text lines are what was read (see _read).
            return [("PDF 表格 (tables)", ext.rows, ext.aligned), ("PDF 文字行 (text lines)", ext.text_rows, False)]
        return [("PDF", ext.rows, ext.aligned)]
    if kind == "image":
        from drafter.read.ocr import image_rows
        ext = image_rows(data, source)
        return [("OCR", ext.rows, ext.aligned)]
    if kind in ("doc", "xls"):
        from drafter.read.convert import convert
        data = convert(data, kind, source)
        kind = "docx" if kind == "doc" else "xlsx"
    if kind == "docx":
        from drafter.read.docx import docx_rows
        return [("Word", docx_rows(data, source), True)]
    from drafter.read.xlsx import workbook_rows
    return [(sheet, rows, True) for sheet, rows in workbook_rows(io.BytesIO(data), source)]


def _docx_pictures(data: bytes, source: str, none_found: str) -> list[Form]:
    """A Word file whose form is a pasted scan: its pictures read by OCR (with the extra)."""
    from drafter.read.docx import docx_images
    from drafter.read.ocr import available, image_rows
    images = docx_images(data)
    if not images:
        raise InputError(none_found, source)
    if not available():
        from drafter.read.ocr import HOW_TO_ENABLE
        raise InputError(f"Word 文件中的表是图片；{HOW_TO_ENABLE}", source)
    forms: list[Form] = []
    for image in images:
        try:
            forms.extend(_read(image_rows(image, source), source, none_found))
        except InputError:
            continue  # a logo or a signature, not the form
    if not forms:
        raise InputError(none_found, source)
    return forms


def sniff(data: bytes, suffix: str, source: str | None = None) -> str | None:
    """pdf, xlsx, docx, doc, xls, image, encrypted; None for text (and text named .xls or .doc:
    many systems "export to Excel" as an HTML or tab-separated page)."""
    head = data[:1024]
    if re.search(rb"%PDF-\d", head):
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        return "docx" if _zip_has(data, "word/document.xml") else "xlsx"
    if data.startswith(_OLE_MAGIC):
        if _ole_has(data, "EncryptedPackage"):
            return "encrypted"
        if _ole_has(data, "WordDocument"):
            return "doc"
        if _ole_has(data, "Workbook") or _ole_has(data, "Book"):
            return "xls"
        return "doc" if suffix in (".doc", ".wps") else "xls"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"  # not a zip: the workbook reader says so in its words
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or \
            (suffix == ".bmp" and data.startswith(b"BM")):
        return "image"
    if suffix == ".pdf":
        raise InputError("不是有效的 PDF 文件 (not a PDF)", source)
    if suffix == ".docx":
        raise InputError("不是有效的 Word 文件 (not a .docx document)", source)
    return None


def _zip_has(data: bytes, member: str) -> bool:
    import zipfile
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return member in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _ole_has(data: bytes, stream: str) -> bool:
    # Directory entries hold stream names in UTF-16LE; a name is followed by its NUL terminator.
    return (stream.encode("utf-16-le") + b"\x00\x00") in data


def _read(ext: Extracted, source: str, none_found: str) -> list[Form]:
    """Forms from the extracted rows; when their cells gave none, from the text lines alone.

    Ruled boxes that are not the indicator table (a frame, the header block only), or a scan's
    faint rules that merged cells wrongly, leave the table reader nothing it can use, while the
    same text read line by line may still hold the form."""
    try:
        return _forms(ext.rows, source, none_found, aligned=ext.aligned, ocr=ext.ocr)
    except InputError:
        if not ext.text_rows:
            raise
    return _forms(ext.text_rows, source, none_found, aligned=False, ocr=ext.ocr)


def _forms(rows: list[Row], source: str, none_found: str, aligned: bool = True,
           ocr: bool = False) -> list[Form]:
    """``aligned``: cells sit in their true columns (a ruled table); rows from text lines or OCR
    are read by what their cells hold instead."""
    from drafter.read.text import read_rows
    forms = read_rows(rows, aligned=aligned)
    if not forms:
        raise InputError(none_found, source)
    if ocr:
        for form in forms:
            form.ocr = True
    return forms
