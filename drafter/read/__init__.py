"""Readers: every input kind becomes the same :class:`drafter.model.Form` list.

``read_file`` picks the reader by content: drafter's own JSON (``parse --format json`` output,
so every command accepts its own output), otherwise text as extracted from PDFs and spreadsheets.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from drafter.errors import InputError
from drafter.model import Form
from drafter.read.decode import decode_bytes

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".tsv", ".csv", ".text", ".json", ""}
MAX_BYTES = 50 * 1024 * 1024


def read_file(path: str | Path) -> list[Form]:
    """Forms in one file, or InputError with a one-line reason."""
    p = Path(path)
    source = str(path)
    if not p.exists():
        raise InputError("文件不存在 (no such file)", source)
    if p.is_dir():
        raise InputError("是目录而不是文件 (is a directory)", source)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"无法读取文件 (cannot read: {e.strerror})", source) from None
    if len(data) > MAX_BYTES:
        raise InputError("文件过大 (larger than 50 MB)", source)
    if data[:2] == b"PK" or p.suffix.lower() in (".xlsx", ".xlsm"):
        from drafter.read.xlsx import read_xlsx
        forms = read_xlsx(p, source)
        if not forms:
            raise InputError("工作簿中没有指标表 (no indicator table in workbook)", source)
        return forms
    if p.suffix.lower() == ".xls":
        raise InputError("不支持旧版 .xls，请另存为 .xlsx (save as .xlsx)", source)
    text = decode_bytes(data, source)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "{[":
        forms = _read_json(stripped, source)
    else:
        from drafter.read.text import read_text
        forms = read_text(text)
    if not forms:
        raise InputError("未找到绩效目标表或自评表 (no form found)", source)
    return forms


def expand_paths(paths: list[str]) -> list[Path]:
    """Files named, and the readable files inside directories named (sorted, recursive)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")
                              and f.suffix.lower() in TEXT_SUFFIXES | {".xlsx"}))
        else:
            out.append(p)
    return out


def _read_json(text: str, source: str) -> list[Form]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"JSON 格式错误 (invalid JSON at line {e.lineno})", source) from None
    items = data if isinstance(data, list) else [data]
    forms: list[Form] = []
    try:
        for item in items:
            if not isinstance(item, dict):
                raise InputError("JSON 中没有表单 (no forms in JSON)", source)
            if "forms" in item:  # parse output: {"source", "forms": [...]}
                forms.extend(Form.model_validate(f) for f in item["forms"])
            elif "form" in item:  # draft output: {"engine", "form", "notes"}
                forms.append(Form.model_validate(item["form"]))
            elif "indicators" in item:  # a bare Form
                forms.append(Form.model_validate(item))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"JSON 字段不符合表单格式 (invalid form field {where})", source) from None
    return forms
