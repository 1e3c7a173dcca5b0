"""Form text inside Markdown output, shown as text.

A Markdown viewer renders raw HTML, so a form whose indicator is named ``<img src=x onerror=…>``
would run script in whoever opens the report. Every piece of form, draft or model text that goes
into a Markdown report passes through :func:`md_text`: HTML's ``& < >`` become entities (shown as
typed), ``|`` cannot end a table cell and a newline cannot end a table row.
"""

from __future__ import annotations

import html
from typing import Any


def md_text(text: Any, newline: str = " ") -> str:
    """``text`` (None → "") safe inside a Markdown table cell or paragraph; newlines → ``newline``."""
    s = html.escape("" if text is None else str(text), quote=False)
    s = s.replace("|", "\\|").replace("\r\n", "\n").replace("\r", "\n")
    return s.replace("\n", newline)
