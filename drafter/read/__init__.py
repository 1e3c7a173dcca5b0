"""Readers: every input kind becomes the same :class:`drafter.model.Form` list.

``read_file`` picks the reader by content: PDF, Word and Excel files, scans and images become rows
of cells for the one table reader (drafter/read/kinds.py); drafter's own JSON (``parse --format
json`` output, so every command accepts its own output); otherwise text as pasted or extracted.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from drafter.errors import InputError
from drafter.model import Form
from drafter.read.clean import strip_controls
from drafter.read.decode import decode_bytes

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".tsv", ".csv", ".text", ".json", ".html", ".htm", ""}
# Kinds read by converting them to rows of cells (drafter/read/kinds.py); a folder holds them too.
# .wps and .et (WPS Office, 金山) are compound files like .doc and .xls and go through LibreOffice
# the same way; what LibreOffice cannot open is refused in one line.
OFFICE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".docx", ".doc", ".pdf", ".wps", ".et"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
MAX_BYTES = 50 * 1024 * 1024
STDIN = "-"


def read_file(path: str | Path) -> list[Form]:
    """Forms in one file (``-``: standard input), or InputError with a one-line reason.

    The kind is told by content first (a PDF or workbook saved as .txt, or piped in, still
    reads), by suffix only where content cannot tell (an old .xls and .doc share one format).
    """
    source = str(path)
    if source == STDIN:
        data = read_stdin()
        p = Path("stdin")
    else:
        p = Path(path)
        data = read_bytes(p, source)
    from drafter.read.kinds import read_office
    forms = read_office(data, p.suffix.lower(), source)
    if forms is not None:
        return forms
    text = decode_bytes(data, source)
    stripped = text.lstrip("\ufeff \t\r\n")
    from drafter.read.text import read_text
    if stripped.startswith("{"):
        forms = _read_json(stripped, source)
    elif stripped.startswith("["):
        try:
            forms = _read_json(stripped, source)
        except InputError as e:
            # "[2023]…" or "【…】": a form that starts with a bracket is JSON only if it parses.
            forms = read_text(text)
            if not forms:
                raise e from None
    elif (forms := _read_html(text)):
        return forms
    else:
        forms = read_text(text)
    if not forms:
        from drafter.read.explain import why_nothing
        raise InputError(f"未找到绩效目标表或自评表：{why_nothing(text)}", source)
    return forms


def _read_html(text: str) -> list[Form]:
    """Forms from the HTML tables of a saved page or an "Excel export" that is HTML; none when
    the text holds no table (or no form in its tables: then it is read as text)."""
    from drafter.read.html import html_rows, looks_like_html_table
    if not looks_like_html_table(text):
        return []
    from drafter.read.text import read_rows
    return read_rows(html_rows(text), aligned=True)


def read_stdin() -> bytes:
    """Standard input as bytes, bounded like a file: a paste, a pipe, or a PDF piped in."""
    import sys
    if sys.stdin is None:
        raise InputError("没有标准输入 (no standard input)", STDIN)
    with_tty = False
    try:
        with_tty = sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        pass
    if with_tty:
        sys.stderr.write("从标准输入读取表单，粘贴后按 Ctrl-D 结束 (reading stdin; end with Ctrl-D)\n")
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # replaced by a text stream (tests, embedding)
        data = sys.stdin.read(MAX_BYTES + 1).encode("utf-8", "surrogateescape")
    else:
        data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InputError("输入过大 (larger than 50 MB)", STDIN)
    return data


def read_bytes(p: Path, source: str) -> bytes:
    """The file's bytes, or InputError: missing, a directory, unreadable, or too large.

    Opened rather than stat'ed first, so that pipes (``<(pdftotext …)``) work and a device such as
    /dev/zero cannot make us read forever: at most MAX_BYTES + 1 bytes are read.
    """
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError("文件不存在 (no such file)", source) from None
    except IsADirectoryError:
        raise InputError("是目录而不是文件 (is a directory)", source) from None
    except OSError as e:  # permissions, a name too long for the file system, an I/O error
        raise InputError(f"无法读取文件 (cannot read: {e.strerror or type(e).__name__})", source) from None
    except ValueError:  # a NUL byte in the name
        raise InputError("文件名无效 (invalid file name)", source) from None
    if len(data) > MAX_BYTES:
        raise InputError("文件过大 (larger than 50 MB)", source)
    return data


def expand_paths(paths: list[str], skipped: list[Path] | None = None) -> list[Path]:
    """Files named, and the readable files inside directories named (sorted, recursive).

    Files in a directory whose type no reader takes (.zip, .exe, …) are left out, and added to
    ``skipped`` when a list is given, so that the caller can say so rather than skip silently.
    """
    out: list[Path] = []
    readable = TEXT_SUFFIXES | OFFICE_SUFFIXES | IMAGE_SUFFIXES
    for raw in paths:
        p = Path(raw)
        if raw == STDIN:  # standard input: read_file knows the name
            out.append(p)
            continue
        try:
            is_dir = p.is_dir()
        except (OSError, ValueError):  # e.g. a name too long: read_file says so for this path
            is_dir = False
        if is_dir:
            for f in sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(".")):
                if f.suffix.lower() in readable:
                    out.append(f)
                elif skipped is not None:
                    skipped.append(f)
        else:
            out.append(p)
    return out


def skipped_note(skipped: list[Path]) -> str | None:
    """One line naming the files a directory held that no reader takes."""
    if not skipped:
        return None
    from drafter.errors import quote_name
    names = ", ".join(quote_name(p) for p in skipped[:5]) + (" …" if len(skipped) > 5 else "")
    return f"跳过 {len(skipped)} 个不支持的文件类型 (skipped {len(skipped)} files of unsupported types): {names}"


def _read_json(text: str, source: str) -> list[Form]:
    try:
        data = json.loads(text, parse_constant=_non_finite, parse_float=_finite_float)
    except json.JSONDecodeError as e:
        raise InputError(f"JSON 格式错误 (invalid JSON at line {e.lineno})", source) from None
    except _NonFinite:
        raise InputError("JSON 中有非有限数值 NaN/Infinity (non-finite number in JSON)", source) from None
    except (RecursionError, ValueError):
        # Nesting deeper than the parser's stack, or an integer longer than int() accepts.
        raise InputError("JSON 嵌套过深或数字过长 (JSON nested too deeply or number too long)",
                         source) from None
    data = _without_controls(data)
    items = data if isinstance(data, list) else [data]
    forms: list[Form] = []
    try:
        for item in items:
            if not isinstance(item, dict):
                raise InputError("JSON 中没有表单 (no forms in JSON)", source)
            if "forms" in item:  # parse output: {"source", "forms": [...]}
                if not isinstance(item["forms"], list):
                    raise InputError("JSON 字段不符合表单格式 (invalid form field forms)", source)
                forms.extend(Form.model_validate(f) for f in item["forms"])
            elif "form" in item:  # draft output: {"engine", "form", "notes"}
                forms.append(Form.model_validate(item["form"]))
            elif "indicators" in item:  # a bare Form
                forms.append(Form.model_validate(item))
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise InputError(f"JSON 字段不符合表单格式 (invalid form field {where})", source) from None
    for form in forms:
        # Pydantic turns the strings "NaN" and "inf" into floats; no rule can compute with them.
        if not all(math.isfinite(x) for x in _floats(form.model_dump())):
            raise InputError("JSON 中有非有限数值 NaN/Infinity (non-finite number in JSON)", source)
    return forms


def _floats(value: Any):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


class _NonFinite(Exception):
    pass


def _non_finite(name: str) -> float:
    # Python's json accepts NaN and Infinity, which no form holds and arithmetic cannot use.
    raise _NonFinite(name)


def _finite_float(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):  # 1e999
        raise _NonFinite(text)
    return x


def _without_controls(value: Any) -> Any:
    """Strings without control characters, as the text reader leaves cells (see clean.py)."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_controls(v) for k, v in value.items()}
    return value
