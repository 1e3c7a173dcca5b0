"""Calendar dates as forms print them: project periods (计划开始日期) and deadlines in values.

Forms write dates as ``2024-01-01``, ``2024/1/1``, ``2024.01.01``, ``2024年1月1日`` or just
``2024年12月``; deadlines inside indicator values add ``12月31日前``, ``6月底前`` and ``年底前``,
which need the form's year. A date without a day means the first day of the month for a start and
the last day for an end ("2024年12月" as a completion date is the end of December).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

# "2024-01-01", "2024/1/1", "2024.01.01", "2024-01"; "2024年1月1日", "2024年12月" (月 required:
# "2024年12项" is no date).
_FULL = re.compile(r"((?:19|20)\d\d)(?:[-/.．](\d{1,2})[-/.．](\d{1,2})(?!\d)|[-/](\d{1,2})(?![\d.])"
                   r"|\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号])?)")
_COMPACT = re.compile(r"^((?:19|20)\d\d)(\d\d)(\d\d)$")
# Deadlines without a year: "12月31日前", "6月底前", "6月30日之前".
_MONTH_DAY = re.compile(r"(?<![\d年])(?<!年\s)(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|(底|末))")
_YEAR_END = re.compile(r"年底|年末|年终")


def _make(year: int, month: int, day: int | None, end: bool) -> dt.date | None:
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if day is None:
        day = last if end else 1
    if not 1 <= day <= last:
        return None
    return dt.date(year, month, day)


def parse_date(text: str | None, end: bool = False) -> dt.date | None:
    """The one date a cell holds ("2024-01-01", "2024年1月"), or None.

    ``end``: a date printed without its day is the month's last day (a completion date).
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    m = _COMPACT.match(s.replace(" ", ""))
    if m:
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), end)
    m = _FULL.search(s)
    return None if m is None else _from_match(m, end)


def _from_match(m: re.Match[str], end: bool) -> dt.date | None:
    month = m.group(2) or m.group(4) or m.group(5)
    day = m.group(3) or m.group(6)
    return _make(int(m.group(1)), int(month), int(day) if day else None, end)


def deadlines(text: str | None, year: int | None) -> list[dt.date]:
    """Every date an indicator value sets as a deadline, the form's ``year`` filling in for
    "12月31日前" and "年底前". Dates that name their own year keep it."""
    if not text:
        return []
    s = text
    out: list[dt.date] = []
    for m in _FULL.finditer(s):
        d = _from_match(m, True)
        if d is not None:
            out.append(d)
    if year is not None:
        rest = _FULL.sub("", s)
        for m in _MONTH_DAY.finditer(rest):
            d = _make(year, int(m.group(1)), int(m.group(2)) if m.group(2) else None, True)
            if d is not None:
                out.append(d)
        if _YEAR_END.search(rest):
            out.append(dt.date(year, 12, 31))
    return out
