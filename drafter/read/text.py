"""Read forms from text as users paste it or as PDF/spreadsheet extraction leaves it.

A file may hold several forms. Each form starts at its 项目名称 row (titles such as
"财政项目支出绩效目标申报表 (2024年度)" just above it belong to it); its header block is read by
label, its indicator table by :mod:`drafter.read.table`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from drafter.dates import parse_date
from drafter.model import Form, Indicator
from drafter.nature import nature_kind
from drafter.read.header import (
    extract_budget, extract_fields, extract_funds, extract_total_and_grade, find_year,
)
from drafter.read.rows import Row, merge_rows, to_rows
from drafter.read.clean import squash
from drafter.read.labels import match_label
from drafter.read.loose import has_cues, read_loose
from drafter.read.vocab import drop_glosses
from drafter.read.table import (
    Header, TableReader, assign_levels, header_role, read_header, read_subheading,
)

_TITLE = re.compile(r"绩效目标申报表|绩效目标表|自评表|汇总表|申报单位名称|^\(?(?:19|20)\d\d.{0,3}年度\)?$")
# 级 as strip_html's html.unescape would decode it: &#32423; or &#x7EA7; (";" optional).
_LEVEL_ENTITY = re.compile(r"&#(?:0*32423|[xX]0*7[eE][aA]7)")
_DIGIT = re.compile(r"\d")
_SIDE_COLUMNS = re.compile(r"指标值类型|计量单位|度量单位|指标解释|评\(扣\)分标准|评分标准|指标值说明|绩效标准|"
                           r"计算符号|指标性质|指标方向性|中期指标值|长期指标值|中期目标值|长期目标值")
_GOAL_LABELS = ("年度总体目标", "总目标及阶段性目标", "年度绩效目标", "年度目标", "绩效目标")


def read_text(text: str) -> list[Form]:
    """All forms in a text; an empty list when there is none."""
    if "级" not in text and not _LEVEL_ENTITY.search(text) and not has_cues(text):
        # A table is read under a heading naming 一级/二级/三级 (read_header) or, without one,
        # from 指标 labels and values (loose.py): a text with neither has no form, and a large
        # file of noise is refused at once instead of after every row was classified.
        return []
    return read_rows(to_rows(drop_glosses(text)))


def read_rows(rows: list[Row], aligned: bool = False) -> list[Form]:
    """All forms in rows of cells, wherever the rows came from (text, a worksheet).

    ``aligned``: every cell sits in its true column (a worksheet), so tables are read by column.
    """
    forms = _read_structured(rows if aligned else _unstream(rows), aligned)
    # The grid may be lost (no 一级/二级/三级 heading, rows run together, cells one per line,
    # another table read as indicators): read by what each piece of text is as well, and keep
    # the loose reading only when it found clearly more complete rows.
    strict = _complete(forms)
    if aligned and strict:
        return forms  # cells in their true columns under a heading: the columns say it all
    if not any(_DIGIT.search(r.text) for r in rows):
        return forms  # no number anywhere: no value, no score, so no table to read loosely
    side = any(_SIDE_COLUMNS.search(r.text) for r in rows)
    if strict >= 3 and strict >= 0.8 * sum(len(f.indicators) for f in forms) and not side:
        return forms  # a sound reading: the loose one is not needed (and would cost its time)
    loose = read_loose(rows).forms
    if _complete(loose) > max(strict * 1.3, strict + 2) or (strict == 0 and _complete(loose)):
        return loose
    # Columns beside the value (指标值类型, 计量单位, 指标解释…) shift with every missing cell of a
    # copied row: cells read by what they are beat cells read by where they are.
    if side and loose and _complete(loose) >= strict:
        return loose
    return forms


def _complete(forms: list[Form]) -> int:
    """Rows that read like indicators: a name, a value or a score, and 分值/得分 that fit."""
    return sum(1 for f in forms for i in f.indicators if _plausible(i))


def _plausible(ind: Indicator) -> bool:
    if not ind.name or len(ind.name) > 80 or not (ind.target_raw or ind.score is not None):
        return False
    w, s = ind.weight, ind.score
    if (w is not None and not 0 <= w <= 100) or (s is not None and not 0 <= s <= 100):
        return False
    return not (w is not None and s is not None and s > w + 0.01)


def _read_structured(rows: list[Row], aligned: bool) -> list[Form]:
    if not any(_could_head_table(rows, i) for i in range(len(rows))):
        # Forms without an indicator table are dropped at the end anyway; a file where no row
        # can be one (noise, prose) is answered before its header fields are read row by row.
        return []
    starts = [i for i, r in enumerate(rows) if _is_name_row(r)]
    if not starts:
        starts = [0]
    forms: list[Form] = []
    sure_years: list[bool] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(rows)
        pre_start = _preamble_start(rows, start, starts[k - 1] if k else 0)
        preamble = rows[pre_start:start] if k else rows[:start]
        body_end = _preamble_start(rows, end, start) if k + 1 < len(starts) else end
        read = _read_form(preamble, rows[start:body_end], aligned)
        if read is not None:
            forms.append(read[0])
            sure_years.append(read[1])
    _fill_from_siblings(forms, sure_years)
    return [f for f in forms if f.indicators]


def _is_name_row(row: Row) -> bool:
    sq = [s for s in row.squashed if s][:3]
    return any(s.startswith("项目名称") for s in sq) or "".join(sq[:2]).startswith("项目名称")


def _preamble_start(rows: list[Row], start: int, floor: int) -> int:
    """Walk back from a form's 项目名称 row over the title lines that head it."""
    i = start
    while i - 1 > floor and (rows[i - 1].is_blank or _TITLE.search(rows[i - 1].text)):
        i -= 1
    while i < start and rows[i].is_blank:
        i += 1
    return i


def _read_form(preamble: list[Row], body: list[Row], aligned: bool = False) -> tuple[Form, bool] | None:
    """The form in these rows and whether its year was printed as such (title or dates)."""
    header_at, header, header_rows = _find_header(body)
    head_rows = preamble + (body[:header_at] if header_at is not None else body)
    fields = extract_fields(head_rows)
    title = " ".join(r.text for r in preamble + body[:3])
    # A heading OCR garbled may lose its 实际完成值/得分 cells; the 执行数 block still says
    # this is a self-evaluation.
    self_eval = bool(header and header.self_eval) or "自评" in title or \
        any("全年执行" in r.text or "执行率" in r.text for r in head_rows)
    if header is not None and self_eval:
        header.self_eval = True
    indicators = []
    total = grade = None
    if header is not None and header_at is not None:
        reader = TableReader(header, aligned=aligned)
        for row in body[header_at + header_rows:]:
            reader.feed(row)
        result = reader.finish()
        assign_levels(result)
        indicators = result.indicators
        total, grade = extract_total_and_grade(body[header_at + header_rows:])
    if not indicators and not fields.get("project_name"):
        return None
    year, sure = find_year(preamble + body[:12])
    form = Form(
        kind="self_eval" if self_eval else "target",
        year=year,
        project_name=fields.get("project_name"),
        department=fields.get("department"),
        agency=fields.get("agency"),
        **header_fields(head_rows, fields, self_eval),
        indicators=indicators,
        total_score=total if self_eval else None,
        grade=grade if self_eval else None,
    )
    return form, sure


def header_fields(head_rows: list[Row], fields: dict[str, str], self_eval: bool) -> dict[str, Any]:
    """The form fields read above the indicator table, beyond name and units (both readers)."""
    return {
        "project_type": fields.get("project_type"),
        "project_nature": _nature(fields),
        "planned_start": parse_date(fields.get("planned_start")),
        "planned_end": parse_date(fields.get("planned_end"), end=True),
        "annual_goal": _annual_goal(head_rows, self_eval),
        "funds": None if self_eval else extract_funds(head_rows),
        "budget": extract_budget(head_rows) if self_eval else None,
    }


def _nature(fields: dict[str, str]) -> str | None:
    """项目性质; the 2020 Shanghai layout prints it under 项目类别 ("项目类别：其他一次性项目")."""
    if fields.get("project_nature"):
        return fields["project_nature"]
    category = fields.get("project_type")
    return category if nature_kind(category) is not None else None


def _could_head_table(rows: list[Row], i: int) -> bool:
    """Whether _find_header could find the heading at row i, alone or merged with the next."""
    nxt = rows[i + 1] if i + 1 < len(rows) else None
    return read_header(rows[i]) is not None or (nxt is not None and _merged_header(rows[i], nxt) is not None)


def _merged_header(row: Row, nxt: Row) -> Header | None:
    # A heading names 一级/二级/三级 (read_header); merging cells cannot create a 级 that neither
    # row holds, and most pairs hold none: skip building the merged row for them.
    if "级" not in row.text and "级" not in nxt.text:
        return None
    return read_header(merge_rows(row, nxt))


def _find_header(body: list[Row]) -> tuple[int | None, Header | None, int]:
    """(index, heading, rows it spans): OCR often breaks the heading over two rows."""
    for i, row in enumerate(body):
        single = read_header(row)
        nxt = body[i + 1] if i + 1 < len(body) else None
        merged = _merged_header(row, nxt) if nxt is not None else None
        if single is not None:
            sub = read_subheading(single, nxt) if nxt is not None else None
            if sub is not None:
                return i, sub, 2
            # "一级 | 二级 | … 偏差原因" over "指标 | 指标 | 三级指标 | 年度指标值 | …".
            if merged is not None and len(merged.roles) > len(single.roles):
                return i, merged, 2
            return i, single, 1
        if merged is not None and nxt is not None and read_header(nxt) is None:
            return i, merged, 2
    return None, None, 0


def _annual_goal(rows: list[Row], self_eval: bool) -> str | None:
    """The 年度总体目标 text: beside its label, or on the rows under it."""
    for i, row in enumerate(rows):
        for j, s in enumerate(row.squashed):
            if not any(s.startswith(lbl) for lbl in _GOAL_LABELS):
                continue
            rest = [c for c in row.cells[j + 1:] if c and squash(c) not in _GOAL_LABELS]
            inline = s.split(":", 1)[1] if ":" in s else ""
            if inline:
                return inline
            if rest and not self_eval:
                return " ".join(rest)
            below = []
            for r in rows[i + 1:]:
                texts = [c for c in r.cells if len(squash(c)) > 4]
                if not texts:
                    continue
                below.append(texts[0] if self_eval else " ".join(texts))
            if below:
                return " ".join(below)
            if rest:
                return " ".join(rest)
    return None


def _fill_from_siblings(forms: list[Form], sure_years: list[bool]) -> None:
    """Forms of one file share a template and a year: what OCR lost in one form, or what only
    its free text hinted at, is taken from the siblings."""
    units = Counter(f.budget.unit for f in forms if f.budget and f.budget.unit)
    sure = Counter(f.year for f, ok in zip(forms, sure_years) if ok and f.year)
    hinted = Counter(f.year for f in forms if f.year)
    for f, ok in zip(forms, sure_years):
        if f.budget and not f.budget.unit and units:
            f.budget.unit = units.most_common(1)[0][0]
        if not ok:
            votes = sure or hinted
            if votes:
                f.year = votes.most_common(1)[0][0]


def _unstream(rows: list[Row]) -> list[Row]:
    """Text with one cell per line (web copy): rebuild rows after the indicator heading.

    Recognised when the heading itself arrives one cell per line ("一级指标", "二级指标", …);
    cells are then regrouped into rows of the heading's width.
    """
    filled = [r for r in rows if not r.is_blank]
    if filled and sum(len(r.cells) == 1 for r in filled) >= 0.8 * len(filled):
        rows = filled  # blank lines only separate cells here
    out: list[Row] = []
    i = 0
    while i < len(rows):
        width = _stream_header_width(rows, i)
        if not width:
            out.append(rows[i])
            i += 1
            continue
        cells = [rows[i + k].cells[0] for k in range(width)]
        out.append(Row(cells=cells, raw=cells, line=rows[i].line))
        i += width
        buffer: list[Row] = []
        while i < len(rows) and len([c for c in rows[i].cells if c]) <= 1:
            if _is_name_row(rows[i]):
                break
            if not rows[i].is_blank:
                buffer.append(rows[i])
            i += 1
        out.extend(_regroup(buffer, width))
    return out


def _stream_header_width(rows: list[Row], i: int) -> int:
    roles = []
    k = i
    while k < len(rows) and len(rows[k].cells) == 1 and header_role(rows[k].cells[0]):
        roles.append(header_role(rows[k].cells[0]))
        k += 1
    if len(roles) >= 3 and "name" in roles:
        return len(roles)
    return 0


def _regroup(cells: list[Row], width: int) -> list[Row]:
    """Group single cells into indicator rows: labels, then a name, then the value columns."""
    rows: list[Row] = []
    current: list[str] = []
    tail = 1 if width <= 4 else 4  # target: value; self-evaluation: target, actual, 分值, 得分
    seen_name = False
    after_name = 0
    for r in cells:
        text = r.cells[0]
        s = squash(text)
        if not seen_name and match_label(s):
            current.append(text)
            continue
        if not seen_name:
            current.append(text)
            seen_name = True
            continue
        current.append(text)
        after_name += 1
        if after_name >= tail:
            rows.append(Row(cells=current, raw=current, line=r.line))
            current, seen_name, after_name = [], False, 0
    if current:
        rows.append(Row(cells=current, raw=current, line=cells[-1].line if cells else 0))
    return rows
