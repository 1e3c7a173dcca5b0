"""Cell-level text cleanup shared by every reader.

Real forms reach us through PDF extraction, OCR, spreadsheet export and web copy, so one cell can
carry HTML tags, LaTeX maths, full-width symbols, Japanese kanji variants picked by OCR and spaces
dropped between every other Chinese character. These functions undo that noise without
guessing at content.
"""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^<>]*>")
_LATEX_SPAN = re.compile(r"\$([^$]{0,200})\$")
_LATEX_CMDS = {
    r"\geqslant": "≥", r"\leqslant": "≤", r"\geq": "≥", r"\leq": "≤", r"\ge": "≥", r"\le": "≤",
    r"\neq": "≠", r"\times": "×", r"\cdot": "·", r"\%": "%", r"\,": "", r"\;": "", r"\ ": " ",
}
_LATEX_WRAPPERS = re.compile(r"\\(?:text|mathrm|mathbf|textbf|rm)\s*\{([^{}]*)\}")

# Symbols NFKC leaves alone but forms use for comparison operators.
_SYMBOLS = str.maketrans({
    "≧": "≥", "≦": "≤", "⩾": "≥", "⩽": "≤", "═": "=", "﹦": "=", "＝": "=", "＞": ">", "＜": "<",
    "％": "%", "\u3000": " ", "\xa0": " ", "﹪": "%",
})
_FULLWIDTH_DIGITS = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"．": "."})

# Japanese shinjitai forms that OCR engines return for simplified characters in these forms.
_KANJI_VARIANTS = str.maketrans({
    "対": "对", "満": "满", "続": "续", "価": "价", "関": "关", "効": "效", "総": "总",
    "実": "实", "務": "务", "査": "查", "証": "证", "経": "经", "済": "济", "営": "营",
    "検": "检", "険": "险", "単": "单", "収": "收", "応": "应", "発": "发", "処": "处",
    "縁": "缘", "録": "录", "様": "样", "画": "画", "歩": "步", "転": "转", "達": "达",
})

# One pass instead of three: the tables share no keys, and none maps a character to a key of
# another (only 画 to itself), so applying them in turn and at once give the same text.
_NORMALIZE = _SYMBOLS | _FULLWIDTH_DIGITS | _KANJI_VARIANTS

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"，。、；：！？（）《》“”‘’【】—…·"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}{_CJK_PUNCT}])\s+(?=[{_CJK}{_CJK_PUNCT}])")
_SPACE_AROUND_CJK = re.compile(rf"(?<=[{_CJK}])\s+(?=[\d(%])|(?<=[\d%)])\s+(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")
_ANY_SPACE = re.compile(r"\s")
_MULTISPACE = re.compile(r"[ \t\r\f\v]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# Vertical tab and form feed (a PDF page break) separate words; the others are dropped. Lone
# surrogates (JSON "\ud800") cannot be written as UTF-8 at all, so they become U+FFFD.
_CONTROL_MAP = ({c: None for c in (*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f)}
                | {0x0b: " ", 0x0c: " "} | {c: "\ufffd" for c in range(0xD800, 0xE000)})


def strip_controls(text: str) -> str:
    """Drop control characters (not tab or newline): extraction debris that means nothing in a
    form, and that Excel and XML refuse to store; replace lone surrogates."""
    return text.translate(_CONTROL_MAP) if _CONTROLS.search(text) else text


def strip_html(text: str) -> str:
    """Drop tags and decode entities; block tags become spaces so words do not run together."""
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def latex_to_text(text: str) -> str:
    r"""Turn inline LaTeX such as ``$\geq 95\%$`` into what was meant (``≥95%``)."""
    if "$" not in text and "\\" not in text:
        return text

    def one(m: re.Match[str]) -> str:
        return _latex_body(m.group(1))

    text = _LATEX_SPAN.sub(one, text)
    return _latex_body(text) if "\\" in text else text


def _latex_body(body: str) -> str:
    body = _LATEX_WRAPPERS.sub(r"\1", body)
    for cmd in sorted(_LATEX_CMDS, key=len, reverse=True):
        body = body.replace(cmd, _LATEX_CMDS[cmd])
    body = body.replace("{", "").replace("}", "")
    # Inside maths, spaces only separate tokens: "≥ 95%" is "≥95%".
    return re.sub(r"\s+", "", body) if len(body) < 40 else body


def normalize_symbols(text: str) -> str:
    """Full-width digits and operator look-alikes to their plain forms; OCR kanji variants fixed."""
    return text.translate(_NORMALIZE)


def squash(text: str) -> str:
    """Remove all whitespace: for labels and names, where spaces are only extraction noise."""
    return _WHITESPACE.sub("", text)


def tidy(text: str) -> str:
    """Collapse whitespace, and remove spaces that extraction put between Chinese characters."""
    if not _ANY_SPACE.search(text):
        return text  # most cells hold no space: one search instead of three substitutions
    text = _MULTISPACE.sub(" ", text).strip()
    text = _SPACE_BETWEEN_CJK.sub("", text)
    return _SPACE_AROUND_CJK.sub("", text)


def clean_cell(raw: str) -> str:
    """Everything a cell needs before anyone reads it."""
    return tidy(normalize_symbols(latex_to_text(strip_html(strip_controls(raw)))))


def clean_cell_keep_spaces(raw: str) -> str:
    """Like :func:`clean_cell` but keeps the spaces: they show where OCR wrapped a line."""
    return _MULTISPACE.sub(" ", normalize_symbols(latex_to_text(strip_html(strip_controls(raw))))).strip()
