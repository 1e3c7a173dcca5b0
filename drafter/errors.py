"""Errors a user can act on. The CLI prints their message as one line and exits 2."""

from __future__ import annotations

import json
import unicodedata


def quote_name(name: object) -> str:
    """A file name as it can appear inside a one-line message.

    A name may contain a newline or an escape sequence (any byte but ``/`` and NUL is allowed);
    printed raw it would split the error line or drive the terminal, so such names are quoted
    with their control characters escaped. Ordinary names are shown as they are.
    """
    text = str(name)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return json.dumps(text, ensure_ascii=False)
    return text


def one_line(text: str) -> str:
    """``text`` with every control character escaped, so that it prints as exactly one line."""
    if not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        return text
    return json.dumps(text, ensure_ascii=False)[1:-1]


class InputError(Exception):
    """Bad input: missing file, binary, empty, undecodable, or no form in it."""

    def __init__(self, message: str, source: str | None = None):
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        msg = self.args[0]
        return f"{quote_name(self.source)}: {msg}" if self.source else msg


class HomeError(InputError):
    """DRAFTER_HOME is a file, unwritable or cannot be created: the store and the log live there."""
