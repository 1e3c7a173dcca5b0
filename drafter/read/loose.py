"""Indicator tables that lost their grid: read by what each piece of text is.

The structured reader (:mod:`drafter.read.table`) needs a heading row naming 一级/二级/三级 and
cells that stay in rows. Forms met on the web often have neither: cells separated by single
spaces, one cell per line, whole rows (or whole tables) run together without separators,
traditional characters, a heading flattened into one line, or targets written as prose in a
notice. This reader turns the rows into one stream of classified pieces (level label, 指标N
prefix, value, plain number, text) and cuts the stream into indicator rows:

- a level label or an ``指标N:`` prefix starts a new row;
- a row from a line of several cells ends with its line;
- a row ends when it holds as many cells as the heading has value columns;
- inside run-together text, text after a value starts the next row.

The cells after the name are then given to the heading's columns by what they are (a plain number
can be a 分值 or 得分, ``定量`` is a 指标性质, ``%`` alone a unit). Nothing is invented: a column
with no cell stays empty. What each piece is: :mod:`drafter.read.pieces`; the heading and its
columns: :mod:`drafter.read.columns`. Every line is also given a role for ``parse --explain``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from drafter.model import Form, Indicator, Op
from drafter.read.clean import clean_cell, squash
from drafter.read.columns import HEADING_RE, ROLE_ZH, VALUE_ROLES, find_heading
from drafter.read.header import extract_fields, find_year, to_number
from drafter.read.pieces import (
    BRACKET_LABELS,
    EMPTY,
    LEVEL_SCAN,
    LEVELS,
    OP_CELL,
    PLAIN,
    SCORE_MARK,
    SEPARATORS,
    UNIT_CELL,
    VALUE_IN_NAME,
    Piece,
    fused_text,
    level_of,
    line_pieces,
)
from drafter.read.rows import Row
from drafter.read.vocab import simplified
from drafter.values import Value, parse_value, unit_in_name

# Rows that end the indicator table: totals, notes, another table's heading.
_TABLE_END = re.compile(r"^(?:总分|合计|注[:：]|注\s*\d|附件|附表|说明[:：]|序号|填报人|联系电话|审核人)")
_ANY_DIGIT = re.compile(r"\d")
_FORM_START = re.compile(r"^项目名称")
_FORM_START_ANY = re.compile(r"项目名称")
_CHUNK = re.compile(r"^\d{1,3}、")
_FUNDS = re.compile(r"资金|预算数|执行数|执行率|拨款")


@dataclass
class LooseRow:
    labels: list[Piece] = field(default_factory=list)
    name: list[Piece] = field(default_factory=list)
    cells: list[Piece] = field(default_factory=list)
    line: int = 0
    index: bool = False


@dataclass
class Explained:
    """What the reader took one line for, and why (``parse --explain``)."""

    line: int
    text: str
    role: str
    why: str


@dataclass
class LooseResult:
    forms: list[Form]
    lines: list[Explained]
    stage: int = 0  # how far a form that was not read got: see REASONS

    @property
    def reason(self) -> str:
        return REASONS[self.stage]


# Why nothing was read, by how far the reading got (Chinese for the user, English in brackets).
REASONS = {
    0: "没有指标表表头，也没有像指标的行 (no table heading and no indicator-like rows)",
    1: "有表头或层级标签，但没有指标值列 (a heading but no value column)",
    2: "有指标名称，但没有指标值或分值 (rows found but no values)",
    3: "",
}


# -- entry point --------------------------------------------------------------------------------

def has_cues(text: str, numbers: bool = True) -> bool:
    """Cheap test: could this text hold an indicator table at all (with values: a number)?"""
    s = simplified(text)
    return ("指标" in s or "目标值" in s or "三级" in s) and (not numbers or _ANY_DIGIT.search(s) is not None)


def read_loose(rows: list[Row]) -> LooseResult:
    """Forms from rows whose table the structured reader could not find."""
    result = LooseResult(forms=[], lines=[])
    for block in _split_forms(rows):
        form = _read_block(block, result)
        if form is not None:
            result.forms.append(form)
            result.stage = 3
    return result


def _unfold(rows: list[Row]) -> list[Row]:
    """Run-together documents: rejoin the chunks a preview cut with "2、" "3、" markers (they cut
    mid-row, even mid-name), and cut the text before each 项目名称 so that each form is apart."""
    joined: list[Row] = []
    for row in rows:
        if joined and _CHUNK.match(row.text) and _run_together(joined[-1]):
            prev = joined[-1]
            body = squash(prev.raw[0] if len(prev.raw) == 1 else prev.text) + _CHUNK.sub("", row.text, count=1)
            joined[-1] = Row(cells=[body], raw=[body], line=prev.line, place=prev.place)
            continue
        joined.append(row)
    out: list[Row] = []
    for row in joined:
        if not _run_together(row):
            out.append(row)
            continue
        text = squash(" ".join(c for c in row.raw if c.strip()))
        cuts = [m.start() for m in _FORM_START_ANY.finditer(simplified(text)) if m.start() > 0]
        for a, b in zip([0] + cuts, cuts + [len(text)]):
            out.append(Row(cells=[text[a:b]], raw=[text[a:b]], line=row.line, place=row.place))
    return out


def _run_together(row: Row) -> bool:
    """A line that is one cell of run-together text (a few stray spaces at most)."""
    filled = [c for c in row.raw if c and c.strip().strip("|").strip()]
    return len(filled) == 1 and fused_text(filled[0])


def _split_forms(rows: list[Row]) -> list[list[Row]]:
    """A file may hold several forms: each 项目名称 row after a table starts the next."""
    blocks: list[list[Row]] = [[]]
    seen_table = False
    for row in _unfold(rows):
        key = simplified(row.text)
        if _FORM_START.match(key) and seen_table:
            blocks.append([])
            seen_table = False
        if "三级" in key or "指标值" in key or "目标值" in key:
            seen_table = True
        blocks[-1].append(row)
    return [b for b in blocks if b]


# -- one form -----------------------------------------------------------------------------------

def _read_block(rows: list[Row], result: LooseResult) -> Form | None:
    explained = result.lines
    lines = _join_split_labels([(r.line, _cells_of(r)) for r in rows])
    head_at, columns, head_end, rest = find_heading(lines)
    start: int | None
    if head_at is not None:
        start = head_end
        if rest:  # the heading ran into the table on one line: the table starts after it
            lines = lines[:start] + [(lines[head_at][0], rest)] + lines[start:]
    else:
        start = _first_label_line(lines)
    if start is None:
        for n, cells in lines:
            explained.append(Explained(n, " ".join(cells), "ignored", "未找到指标表表头或层级标签"))
        return None
    result.stage = max(result.stage, 1)
    pre = rows[: head_at if head_at is not None else start]
    pre_text = "".join(simplified(r.text) for r in pre)
    self_eval = any(c in columns for c in ("actual", "score", "weight")) or "自评" in pre_text
    value_cols = [c for c in columns if c in VALUE_ROLES] or (
        ["target", "actual", "weight", "score"] if self_eval else ["target"])
    places = {r.line: r.place for r in rows if r.place}
    marks: dict[int, tuple[str, str]] = {}
    for n, cells in lines[:start]:
        text = simplified(" ".join(cells))
        if head_at is not None and n >= lines[head_at][0]:
            marks[n] = ("header", "表头，列: " + "/".join(ROLE_ZH.get(c, c) for c in columns))
        elif _FUNDS.search(text):
            marks[n] = ("funds", "资金或预算执行情况")
        else:
            marks[n] = ("title", "表格之前的文字（标题、项目信息）")
    pieces: list[Piece] = []
    end = len(lines)
    for k in range(start, len(lines)):
        n, cells = lines[k]
        first = simplified(squash(cells[0])) if cells else ""
        if first and _TABLE_END.match(first):
            end = k
            break
        if not cells:
            continue  # a blank line separates cells as often as rows: the pieces decide
        pieces.extend(line_pieces(cells, n))
        pieces.append(Piece("eol", "", line=n, fused=len(cells) == 1))
    for n, _ in lines[end:]:
        marks.setdefault(n, ("note", "表格结束之后（合计、注、另一张表）"))
    rows_read = _cut_rows(pieces, value_cols, two_levels="l2" not in columns and "name" in columns
                          and "l1" in columns)
    indicators = []
    l1: Piece | None = None
    l2: Piece | None = None
    for p in pieces:
        if p.kind == "label":
            marks.setdefault(p.line, ("level", f"层级标签「{_label_text(p)}」"))
    for lr in rows_read:
        for lab in lr.labels:
            if lab.level == 1:
                l1, l2 = lab, None
            else:
                l2 = lab
        if lr.name:
            has_values = head_at is None or any(c in columns for c in ("target", "actual", "weight", "score"))
            result.stage = max(result.stage, 2 if has_values else 1)
        ind = _indicator(lr, value_cols, self_eval, prose=head_at is None)
        if ind is None:
            continue
        ind.level1 = _label_text(l1)
        ind.level2 = _label_text(l2)
        ind.source = places.get(lr.line) or f"line {lr.line}"
        indicators.append(ind)
        marks[lr.line] = ("indicator", f"指标「{ind.name[:20]}」，指标值 {ind.target_raw or '（空）'}")
        for c in lr.cells + lr.name:
            if c.line != lr.line:
                marks.setdefault(c.line, ("indicator", f"上方指标「{ind.name[:20]}」的一格"))
    for n, cells in lines[start:end]:
        if n not in marks:
            marks[n] = ("ignored", "没有指标名称和值" if cells else "空行")
    for n, cells in lines:
        if n in marks:
            role, why = marks.pop(n)
            explained.append(Explained(n, " ".join(cells), role, why))
    if not indicators:
        return None
    head_rows = rows[: head_at if head_at is not None else start]
    fields = extract_fields(head_rows)
    year, _ = find_year(head_rows[:12] or rows[:12])
    from drafter.read.text import header_fields  # text.py imports this module
    return Form(kind="self_eval" if self_eval else "target", year=year,
                project_name=fields.get("project_name"), department=fields.get("department"),
                agency=fields.get("agency"), **header_fields(head_rows, fields, self_eval),
                indicators=indicators)



def _join_split_labels(lines: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """"可持续影" / "响指标": a label cell wrapped over two lines is one label."""
    out: list[tuple[int, list[str]]] = []
    for n, cells in lines:
        if out and len(cells) >= 1 and len(out[-1][1]) == 1:
            prev = out[-1][1][0]
            joint = squash(simplified(prev + cells[0])).replace("（", "(").replace("）", ")")
            if joint in LEVELS and squash(simplified(prev)) not in LEVELS:
                out[-1] = (out[-1][0], [prev + cells[0]] + cells[1:])
                continue
        out.append((n, cells))
    return out




def _cells_of(row: Row) -> list[str]:
    """A row's cells. A line that came as one cell is split at its spaces (space-separated
    copy), unless it is run-together text with a few stray spaces (then it stays one cell)."""
    filled = [c.strip().strip("|").strip() for c in row.raw if c and c.strip()]
    filled = [c for c in filled if c]
    if len(filled) == 1:
        if fused_text(filled[0]):
            return [squash(filled[0])]
        return _join_spaced_letters([p for p in re.split(r"\s+", filled[0]) if p])
    return filled


def _join_spaced_letters(parts: list[str]) -> list[str]:
    """"产 出 指 标 培训人数": a run of single characters is one word spaced out, not cells."""
    out: list[str] = []
    run: list[str] = []
    for p in parts + [""]:
        if len(p) == 1 and "\u4e00" <= p <= "\u9fff":
            run.append(p)
            continue
        if run:
            out.extend(["".join(run)] if len(run) >= 2 else run)
            run = []
        if p:
            out.append(p)
    return out


def _first_label_line(lines: list[tuple[int, list[str]]]) -> int | None:
    for k, (_, cells) in enumerate(lines):
        for c in cells[:2]:
            key = simplified(squash(c)).replace("（", "(").replace("）", ")")
            if LEVEL_SCAN.match(key) or level_of(key.rstrip(":：")) or BRACKET_LABELS.match(key):
                return k
    return None


# -- rows ---------------------------------------------------------------------------------------

_AMBIGUOUS = {"成本指标", "满意度指标"}


def _ambiguous_level(pieces: list[Piece], k: int, cur: LooseRow, last_level: int) -> int:
    """成本指标 / 满意度指标 name a 一级 group in the 2021 tree and a 二级 one in older forms."""
    nxt = next((q for q in pieces[k + 1:] if q.kind not in ("eol", "empty", "mark")), None)
    if nxt is not None and nxt.kind == "label" and len(nxt.key) > 3:
        return 1  # a label follows: this one is the group above it
    if cur.labels and cur.labels[-1].level == 1:
        return 2
    return 2 if last_level == 2 else 1


def _cut_rows(pieces: list[Piece], columns: list[str], two_levels: bool = False) -> list[LooseRow]:
    # Rows not bounded by lines end when their cells fill the columns that are always printed;
    # with 分值/得分 columns, at a number (the 得分), so that it is not the next row's name.
    width = max(1, len([c for c in columns if c in ("target", "actual", "weight", "score")]))
    numeric = "weight" in columns or "score" in columns
    rows: list[LooseRow] = []
    cur = LooseRow()

    def close() -> None:
        nonlocal cur
        if cur.labels or cur.name or cur.cells:
            rows.append(cur)
        cur = LooseRow()

    last_level = 0
    for k, p in enumerate(pieces):
        if p.kind == "mark":
            continue
        if p.kind == "eol":
            # A line of several cells is a row; a line that was one cell may be one cell of a row.
            if not p.fused and (cur.name or cur.cells):
                close()
            continue
        if p.kind == "label" and p.key in _AMBIGUOUS:
            p.level = _ambiguous_level(pieces, k, cur, last_level)
        if p.kind == "label" and p.level == 2 and not cur.name and (two_levels or (
                cur.labels and cur.labels[-1].level == 2 and len(p.key) <= 3)):
            # A heading of two levels (指标类型 | 指标名称 | 指标值) names its rows with 二级 words;
            # "成本指标 | 成本 | 10万元": a short category word under its 二级 is the 三级 name.
            p = Piece("text", p.text, p.key, line=p.line, fused=p.fused, solo=p.solo)
        if p.kind == "label":
            last_level = p.level
            if cur.name or cur.cells:
                close()
            if cur.labels and cur.labels[-1].level == p.level:
                cur.labels[-1] = p  # the same level again: the later one holds
            else:
                cur.labels.append(p)
            cur.line = cur.line or p.line
            continue
        if p.kind == "heading":
            # "经济效益" / "指标": a label split over two lines.
            if cur.labels and not cur.name and not cur.labels[-1].key.endswith("指标") and p.key == "指标":
                last = cur.labels[-1]
                cur.labels[-1] = Piece("label", last.text + "指标", last.key + "指标", last.level, last.line)
            continue
        if p.kind == "index":
            if cur.name or cur.cells:
                close()
            cur.index = True
            cur.line = p.line
            continue
        if p.kind == "sep":
            if cur.cells:
                close()
            continue
        if not cur.name and p.kind == "text" and p.key in OP_CELL and cur.labels and \
                cur.labels[-1].level == 2 and len(cur.labels) >= 2:
            # "成本指标 | 社会成本指标 | 定量 | 100": a 二级 word printed in the 三级 column.
            last = cur.labels.pop()
            cur.name.append(Piece("text", last.text, last.key, line=last.line, solo=last.solo))
            cur.line = last.line
        if cur.name and not cur.cells and p.kind == "text" and len(p.key) == 1 and not p.solo:
            cur.name.append(p)  # "…事件报告 数": a wrap left one character of the name apart
            continue
        if not cur.name:
            if p.kind == "empty":
                continue
            if p.kind in ("value", "number") and (p.fused or p.solo) and not cur.labels and \
                    not cur.index and rows and rows[-1].name and rows[-1].cells:
                rows[-1].cells.append(p)  # the row above was cut at its width; this is its last cell
                continue
            cur.name.append(p)
            cur.line = p.line
            continue
        if p.kind == "text" and (p.fused or p.solo) and \
                any(c.kind in ("value", "number") for c in cur.cells):
            # Run-together text: text after the values is the next row's name.
            close()
            cur.name.append(p)
            cur.line = p.line
            continue
        cur.cells.append(p)
        if cur.name[0].solo and len(cur.cells) >= width and (not numeric or p.kind == "number"):
            close()
    close()
    return rows


def _indicator(row: LooseRow, columns: list[str], self_eval: bool, prose: bool = False) -> Indicator | None:
    name = "".join(squash(p.text) for p in row.name)
    name = name.strip(SEPARATORS).strip()
    cells = [c for c in row.cells if c.kind != "sep"]
    if not name or name in ("……", "…") or set(name) <= set("…./-—") or ";" in name or "；" in name:
        return None
    vm = VALUE_IN_NAME.search(simplified(name)) if not cells else None
    if vm:
        value = Piece("value", name[vm.start(1):vm.end(1)], squash(vm.group(1)), line=row.line)
        name, cells = name[:vm.start()], [value]
    if not cells:
        # Prose ("生态效益指标:生态修复功能提高。"): a short statement under a label is a row
        # whose target was not printed.
        if prose and row.labels and len(name) <= 20:
            return Indicator(name=name)
        return None
    if _TABLE_END.match(simplified(name)):
        return None  # "总分 100 98" run into the table: the total, not a row
    if row.name[0].solo and not any(c.kind in ("value", "number") for c in cells):
        return None  # one piece per line and nothing value-like: paragraphs, not a table row
    if len(name) > 80 or HEADING_RE.fullmatch(simplified(name)) or \
            len(HEADING_RE.findall(simplified(name))) >= 2 or \
            any(c.kind == "text" and HEADING_RE.match(simplified(c.key)) for c in cells):
        return None  # heading words or a page of text run together: not a row of the table
    data = _assign(cells, columns)
    if not any(data.get(k) for k in ("target", "actual", "weight", "score")):
        return None
    for k in ("weight", "score"):
        x = to_number(data[k]) if data.get(k) else None
        if x is not None and x > 100:
            # 分值 and 得分 are at most 100: "2018" is 分值 and 得分 run together. Cut only where
            # one cut alone gives a 分值 of at most 100 and a 得分 not above it (20 | 18);
            # otherwise the number is left out, not guessed.
            other = "score" if k == "weight" else "weight"
            cut = split_fused_scores(data[k]) if not data.get(other) and \
                "weight" in columns and "score" in columns else None
            data.pop(k)
            if cut is not None:
                data["weight"], data["score"] = cut
    if not any(data.get(k) for k in ("target", "actual", "weight", "score")):
        return None
    target = data.get("target")
    if target is not None and squash(target) in EMPTY:
        target = None
    op = data.get("op")
    unit = data.get("unit")
    if target is not None:
        if op and squash(op) in ("≥", "≤", "=", ">", "<", ">=", "<="):
            target = squash(op) + target
        if unit and PLAIN.match(squash(target).lstrip("≥≤=<>")):
            target = target + squash(unit)
    ind = Indicator(name=name, target_raw=target,
                    actual_raw=data.get("actual") if data.get("actual") not in EMPTY else None,
                    weight=to_number(data["weight"]) if data.get("weight") else None,
                    score=to_number(data["score"]) if data.get("score") else None,
                    deviation=data.get("deviation") if data.get("deviation") not in EMPTY else None,
                    longterm_raw=data.get("other") if data.get("other") not in EMPTY else None)
    v = _parse_printed(target)
    ind.op = cast(Op, v.op)
    ind.value, ind.unit, ind.qualitative = v.value, v.unit, v.qualitative
    if ind.value is not None and ind.unit is None:
        ind.unit = unit_in_name(name)
    return ind


def split_fused_scores(text: str) -> tuple[str, str] | None:
    """"2018" → ("20", "18"): the one way to read a 分值 and a 得分 printed without a gap, or None
    when there is none or more than one (numbers without leading zeros, 0 < 分值 ≤ 100, 得分 ≤ 分值)."""
    digits = squash(text)
    if not digits.isdigit():
        return None
    cuts = []
    for k in range(1, len(digits)):
        w, s = digits[:k], digits[k:]
        if (w[0] == "0") or (s[0] == "0" and len(s) > 1):
            continue
        if 0 < int(w) <= 100 and int(s) <= int(w):
            cuts.append((w, s))
    return cuts[0] if len(cuts) == 1 else None


def _parse_printed(target: str | None) -> Value:
    """parse_value, also for a value in traditional characters ("不低於95%", "28.8萬元"): the
    operator is read on the simplified copy, the unit kept as printed."""
    v = parse_value(target)
    if target is None or v.is_numeric:
        return v
    simple = simplified(target)
    if simple == target:
        return v
    vs = parse_value(simple)
    if not vs.is_numeric:
        return v
    unit = vs.unit
    if unit:
        at = simple.rfind(unit)
        unit = target[at:at + len(unit)] if at >= 0 else unit
    return Value(op=vs.op, value=vs.value, unit=unit)


def _assign(cells: list[Piece], columns: list[str]) -> dict[str, str]:
    """Give the cells after a name to the heading's value columns, by what each cell is."""
    out: dict[str, str] = {}
    cols = list(columns)
    texts = [c.text for c in cells]
    kinds = [c.kind for c in cells]
    # 分值 and 得分 are plain numbers side by side: find them from the right, so that a target
    # or actual missing on the left does not shift them.
    if "score" in cols:
        k = len(cells) - 1
        while k >= 0 and kinds[k] not in ("number",):
            k -= 1
        if k >= 0 and (len(cells) - 1 - k) <= (1 if "deviation" in cols or "note" in cols else 0) + 1:
            pair = "weight" in cols and k >= 1 and kinds[k - 1] == "number"
            trailing = [t for t in texts[k + 1:] if squash(t) not in EMPTY]
            wi, si = cols.index("weight") if "weight" in cols else None, cols.index("score")
            if pair and wi is not None and wi < si:
                out["weight"], out["score"] = texts[k - 1], texts[k]
                rest = cells[: k - 1]
            else:
                out["score"] = texts[k]
                rest = cells[:k]
                if wi is not None and "target" in cols and wi < cols.index("target") and \
                        len(rest) >= 2 and rest[0].kind == "number":
                    # 分值 printed before 年度指标值: the first number is the 分值.
                    out["weight"] = rest[0].text
                    rest = rest[1:]
            if trailing:
                out["deviation"] = " ".join(trailing)
            before = [c for c in cols if c not in ("weight", "score", "deviation", "note")
                      and cols.index(c) < si]
            _left_to_right(rest, before, out)
            return out
    _left_to_right(cells, [c for c in cols if c not in ("weight", "score")], out)
    return out


def _left_to_right(cells: list[Piece], cols: list[str], out: dict[str, str]) -> None:
    ci = 0
    for c in cells:
        sq = c.key or squash(c.text)
        while ci < len(cols):
            role = cols[ci]
            ci += 1
            if role == "op" and sq not in OP_CELL:
                continue
            if role == "unit" and not UNIT_CELL.match(sq):
                continue
            if role in ("target", "actual", "other") and sq in OP_CELL - {"≥", "≤", "=", ">", "<"}:
                continue
            if role in out:
                out[role] += " " + c.text
            else:
                out[role] = c.text
            break
        else:
            role = cols[-1] if cols else "deviation"
            if role in ("deviation", "note"):
                out[role] = (out.get(role, "") + " " + c.text).strip()


def _label_text(p: Piece | None) -> str | None:
    if p is None:
        return None
    return SCORE_MARK.sub("", squash(clean_cell(p.text))).rstrip(":：") or None
