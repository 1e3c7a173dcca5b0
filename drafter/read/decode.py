"""Bytes to text: UTF-8 (with or without BOM), UTF-16 and GB18030/GBK read the same.

Government offices still save text as GBK, Excel "Unicode text" exports are UTF-16, and web copy
is UTF-8; users should not need to know which one they have.
"""

from __future__ import annotations

import codecs

from drafter.errors import InputError

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode_bytes(data: bytes, source: str | None = None) -> str:
    """Decode a text file or raise InputError saying why it is not one."""
    if not data.strip():
        raise InputError("文件为空 (empty file)", source)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return _strict(data, enc, source)
    if _looks_utf16(data):
        enc = "utf-16-le" if data[1::2].count(0) > data[0::2].count(0) else "utf-16-be"
        return _strict(data, enc, source)
    if b"\x00" in data:
        raise InputError("不是文本文件，无法读取 (binary file)", source)
    for enc in ("utf-8", "gb18030"):
        try:
            text = _decode(data, enc)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text
        break
    raise InputError("无法识别文件编码，请另存为 UTF-8 (unreadable encoding)", source)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    if len(sample) < 4:
        return False
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    half = len(sample) / 2
    # ASCII-heavy UTF-16 has a zero in every other byte; CJK-heavy UTF-16 has few zeros but
    # then decodes cleanly, which _strict checks.
    return max(zeros_even, zeros_odd) > 0.3 * half and min(zeros_even, zeros_odd) < 0.05 * half


# What codecs say when the bytes stop inside a character rather than hold a wrong one.
_CUT_SHORT = {"unexpected end of data", "truncated data", "incomplete multibyte sequence"}


def _decode(data: bytes, enc: str) -> str:
    """Decode; a file cut off inside its last character (a copy or download stopped part-way)
    loses that character instead of being refused as a whole."""
    try:
        return data.decode(enc)
    except UnicodeDecodeError as e:
        if e.reason in _CUT_SHORT and e.end == len(data) and len(data) - e.start < 4:
            return data[: e.start].decode(enc)
        raise


def _strict(data: bytes, enc: str, source: str | None) -> str:
    try:
        text = _decode(data, enc)
    except UnicodeDecodeError:
        raise InputError(f"文件编码 {enc} 无法解码 (corrupt text)", source) from None
    if not _mostly_text(text):
        raise InputError("不是文本文件，无法读取 (binary file)", source)
    return text


def _mostly_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad <= max(2, len(sample) // 200)
