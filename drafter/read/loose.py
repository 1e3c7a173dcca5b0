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
with no cell stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from drafter.model import Form, Indicator, Op
from drafter.read.clean import clean_cell, squash
from drafter.read.header import extract_fields, find_year, to_number
from drafter.read.labels import LEVEL1_WORDS, LEVEL2_WORDS, NOT_LEVELS
from drafter.read.rows import Row
from drafter.read.vocab import simplified
from drafter.values import parse_value, unit_in_name

# -- vocabulary ---------------------------------------------------------------------------------

# 一级/二级 names seen on other provinces' forms, beyond the tree the rules know (labels.py).
_EXTRA_L1 = ("项目决策", "项目管理", "项目效益", "项目产出", "效益指标", "产出指标",
             "满意度指标", "成本指标", "过程指标", "决策指标", "管理指标", "效果指标")
_EXTRA_L2 = ("产出数量", "产出质量", "产出时效", "产出成本", "项目完成指标", "效果指标", "进度指标",
             "数量指标(或建筑规模指标)", "预算(或投资规模)控制指标", "社会公众或服务对象满意度指标",
             "服务对象满意度", "社会公众满意度指标", "经济成本指标", "社会成本指标",
             "生态环境成本指标", "可持续性", "可持续影响", "满意度", "投入管理", "财务管理",
             "业务管理", "资金投入", "资金管理", "组织实施")


def _level_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for w in LEVEL2_WORDS:
        words[w] = 2
    for w in _EXTRA_L2:
        words[w] = 2
    for w in LEVEL1_WORDS:
        words[w] = 1
    for w in _EXTRA_L1:
        words.setdefault(w, 1)
    # 成本指标 and 满意度指标 are both; at the start of a group they are the 一级 of the new tree.
    words["成本指标"] = 1
    words["满意度指标"] = 1
    return words


_LEVELS = _level_words()
_LEVEL_BRACKETS = str.maketrans({"（": "(", "）": ")"})
# Labels found inside run-together text: short words (数量, 成本) are too often part of names.
_LEVEL_SCAN = re.compile("|".join(re.escape(w) for w in sorted(
    (w for w in _LEVELS if len(w) >= 4), key=len, reverse=True)))
_SCORE_MARK = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
_INDEX = re.compile(r"(?:指标|目标)\s*\d{1,2}\s*[:：.、．]?")
_STAR = "★☆*"

# Heading words by column role; roles beyond the structured reader's: 中期/长期 values are kept
# apart from the annual target, 指标解释 / 评分标准 are notes, 指标值类型 is the 指标性质 column.
_HEADINGS: list[tuple[str, tuple[str, ...]]] = [
    ("l1", ("一级指标", "一级目标", "指标类型", "一级")),
    ("l2", ("二级指标", "二级目标", "二级")),
    ("name", ("三级指标", "三级目标", "指标名称", "绩效指标名称", "指标内容", "三级")),
    ("other", ("中期指标值", "长期指标值", "中期目标值", "长期目标值", "中期目标", "长期目标")),
    ("op", ("指标值类型", "指标性质", "计算符号", "指标方向性", "指标方向")),
    ("actual", ("实际完成指标值", "全年实际完成值", "全年实际值", "项目完成指标值", "实际完成值", "实际完成情况",
                "实际完成", "实际值", "完成值", "实施进度", "完成情况")),
    ("target", ("年度指标值", "年初目标值", "预算设定指标值", "当年预期实现值", "预期实现值", "预期指标值", "年度目标值", "指标目标值",
                "预期目标值", "年度预期指标值", "目标值", "指标值", "计划值")),
    ("weight", ("指标分值", "分值", "权重")),
    ("score", ("自评得分", "得分")),
    ("deviation", ("偏差原因分析及改进措施", "未完成原因分析及改进措施", "未完成原因及改进措施",
                   "未完成原因和改进措施", "偏差原因分析", "未完成原因", "偏差原因", "原因分析及改进措施")),
    ("note", ("得分计算方法", "指标值说明", "指标描述", "绩效标准", "指标解释", "指标说明", "评(扣)分标准", "评分标准",
              "扣分标准", "备注", "度量单位说明")),
    ("unit", ("度量单位", "计量单位", "单位")),
]
_HEADING_WORDS = sorted(((w, r) for r, ws in _HEADINGS for w in ws), key=lambda x: -len(x[0]))
_HEADING_RE = re.compile("|".join(re.escape(w) for w, _ in _HEADING_WORDS))
# The same words with any spacing between characters ("年度 指标值", "分 值"), for headings that
# extraction ran together with the text around them.
_HEADING_SPACED = re.compile("|".join(r"\s*".join(re.escape(ch) for ch in w) for w, _ in _HEADING_WORDS))
_HEADING_ROLE = {w: r for w, r in _HEADING_WORDS}
_VALUE_ROLES = ("other", "op", "target", "actual", "weight", "score", "deviation", "note", "unit")

# Values inside run-together text: operator, number, unit, suffix; dates; known statements.
_OPS = (r"(?:≥=|>=|=>|≥|≤=|<=|=<|≤|==|=|>|<|不低于|不少于|不小于|不超过|不高于|不多于|不大于|至少|"
        r"大于等于|小于等于|大于|小于|低于|高于|达到)")
_UNITS = ("平方米|立方米|平方公里|平方千米|公里|千米|厘米|毫米|公斤|千克|万亩|万株|万元|亿元|元/人|元/株|元/亩|元|万人次|人次|万人|人|个百分点|百分点|"
          "百分比|百分之|%|‰|个月|个|次|件|米|亩|株|户|年|天|月|日|小时|分钟|所|名|种|例|起|台|套|场|项|家|"
          "批|期|篇|份|册|辆|吨|公顷|处|座|栋|间|本|张|棵|头|只|周岁|岁|万|KVA|kva")
_NUMERIC = re.compile(rf"{_OPS}?\s*\d+(?:\.\d+)?\s*(?:{_UNITS})?(?:/[\u4e00-\u9fff]{{1,2}})?"
                      r"(?:及以上|以上|以内|及以下|以下)?")
_DATE = re.compile(r"\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:底|末|前|全年|之前|以前|年底)*"
                   r"|\d{4}\.\d{1,2}(?:\.\d{1,2})?\s*[-—~至]\s*\d{1,2}(?:\.\d{1,2})+|\d{1,2}\s*[-—]\s*\d{1,2}月")
# Set statements that are values wherever they stand in run-together text.
_SET_PHRASE = re.compile(r"达成预期指标|达成预期目标|达到预期目标|已完成|全部完成|不超过预算|专款专用|应保尽保")
# 是/否 as a value only where the next cell visibly starts ("…是否明显提高是达成预期指标").
_YES_NO = re.compile(r"[是否](?=达成预期|达到预期|已完成|\s*$|[,，;；。])")
_PHRASE = re.compile(
    r"达成预期指标|达成预期目标|达到预期目标|已完成|全部完成|按时完成|专款专用|不超过预算|应保尽保|合格|达标|"
    r"(?:显著|有效|持续|稳步|不断|逐步|明显|进一步|基本|大幅|逐年)(?:提高|提升|改善|增强|减轻|巩固|保障|加强|降低|减少)")
_SEPARATORS = ",，;；。:：、"
# "一、" "(二)" "3." heading numbers of a notice or a report, not cells.
_BRACKET_LABELS = re.compile(r"[【\[]([^】\]]{2,40})[】\]]")
# A target written in brackets at the end of the name: "设备数量(≥20台)" (not a "(≥**台)" template).
_VALUE_IN_NAME = re.compile(rf"[(（]({_OPS}\s*\d+(?:\.\d+)?\s*[^()（）\d]{{0,6}})[)）]$")
_ENUM = re.compile(r"[(（]?[一二三四五六七八九十]{1,3}[)）、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]")
_EMPTY = {"", "-", "—", "/", "／", "--", "——", "…", "……", "………", "无"}
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_OP_CELL = {"≥", "≤", "=", ">", "<", ">=", "<=", "定量", "定性", "正向", "反向", "正向指标", "反向指标"}
_UNIT_ONLY = re.compile(rf"(?:{_UNITS})")
_UNIT_CELL = re.compile(rf"^\(?(?:{_UNITS}|[^\d\s()=<>≥≤%]{{1,3}})\)?$")
# Rows that end the indicator table: totals, notes, another table's heading.
_TABLE_END = re.compile(r"^(?:总分|合计|注[:：]|注\s*\d|附件|附表|说明[:：]|序号|填报人|联系电话|审核人)")
_ROLE_ZH = {"l1": "一级", "l2": "二级", "name": "三级(名称)", "target": "指标值", "actual": "完成值",
            "weight": "分值", "score": "得分", "deviation": "偏差原因", "note": "说明", "unit": "单位",
            "op": "指标性质", "other": "中期/长期值"}
_ANY_DIGIT = re.compile(r"\d")
_FORM_START = re.compile(r"^项目名称")
_FORM_START_ANY = re.compile(r"项目名称")
_CHUNK = re.compile(r"^\d{1,3}、")
_FUNDS = re.compile(r"资金|预算数|执行数|执行率|拨款")


@dataclass
class Piece:
    kind: str  # label | index | value | number | text | empty | heading | sep
    text: str  # as printed
    key: str = ""  # simplified, squashed: what vocabulary is matched on
    level: int = 0
    line: int = 0
    fused: bool = False  # cut out of run-together text
    solo: bool = False  # its line held one cell (one cell per line, or a run-together row)


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
    return len(filled) == 1 and _fused_text(filled[0])


def _fused_text(text: str) -> bool:
    """Spaces in this text are wraps, not cell borders: a long stretch without one, or a long
    text whose pieces between spaces are long ("(2020 年度)项目名称…主管部门…")."""
    parts = text.split()
    if any(len(p) > _RUN_TOGETHER for p in parts):
        return True
    return len(text) > 200 and len(text) / max(len(parts), 1) > 15


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
    head_at, columns, head_end, rest = _find_heading(lines)
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
    value_cols = [c for c in columns if c in _VALUE_ROLES] or (
        ["target", "actual", "weight", "score"] if self_eval else ["target"])
    places = {r.line: r.place for r in rows if r.place}
    marks: dict[int, tuple[str, str]] = {}
    for n, cells in lines[:start]:
        text = simplified(" ".join(cells))
        if head_at is not None and n >= lines[head_at][0]:
            marks[n] = ("header", "表头，列: " + "/".join(_ROLE_ZH.get(c, c) for c in columns))
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
        pieces.extend(_pieces(cells, n))
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



# Run-together text is cut character by character; a longer line is no table row (noise, a page
# of prose) and is kept whole, so that reading stays linear in the size of the input.
_MAX_SCAN = 20_000
def _join_split_labels(lines: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """"可持续影" / "响指标": a label cell wrapped over two lines is one label."""
    out: list[tuple[int, list[str]]] = []
    for n, cells in lines:
        if out and len(cells) >= 1 and len(out[-1][1]) == 1:
            prev = out[-1][1][0]
            joint = squash(simplified(prev + cells[0])).translate(_LEVEL_BRACKETS)
            if joint in _LEVELS and squash(simplified(prev)) not in _LEVELS:
                out[-1] = (out[-1][0], [prev + cells[0]] + cells[1:])
                continue
        out.append((n, cells))
    return out


_RUN_TOGETHER = 80  # a piece this long between spaces: the spaces are wraps, not cell borders


def _cells_of(row: Row) -> list[str]:
    """A row's cells. A line that came as one cell is split at its spaces (space-separated
    copy), unless it is run-together text with a few stray spaces (then it stays one cell)."""
    filled = [c.strip().strip("|").strip() for c in row.raw if c and c.strip()]
    filled = [c for c in filled if c]
    if len(filled) == 1:
        if _fused_text(filled[0]):
            return [squash(filled[0])]
        return [p for p in re.split(r"\s+", filled[0]) if p]
    return filled


def _heading_key(text: str) -> str:
    key = simplified(text).translate(_LEVEL_BRACKETS)
    return re.sub(r"\((?:[A-Za-z/+\-]|\s){1,6}\)", lambda m: " " * len(m.group(0)), key)


def _heading_span(text: str, first: bool = True) -> tuple[int, int, list[str]] | None:
    """The heading inside a line: (start, end, roles), the longest run of heading words with at
    most a few characters between them ("年初目标值 (A)"). A line may hold the whole table."""
    key = _heading_key(text)
    best: tuple[int, int, list[str]] | None = None
    run: list[re.Match[str]] = []

    def consider() -> None:
        nonlocal best
        if not run:
            return
        roles: list[str] = []
        for m in run:
            r = _HEADING_ROLE[re.sub(r"\s+", "", m.group(0))]
            if first and not roles and r not in ("l1", "l2", "name"):
                continue  # a heading starts with its level or name columns ("…完成情况" before it)
            if r not in roles:
                roles.append(r)
        if best is None or len(roles) > len(best[2]):
            best = (run[0].start(), run[-1].end(), roles)

    for m in _HEADING_SPACED.finditer(key):
        if run and len(key[run[-1].end():m.start()].strip()) > 3:
            consider()
            run = []
        run.append(m)
    consider()
    return best


def _good_heading(roles: list[str]) -> bool:
    named = "name" in roles or ("l2" in roles and "target" in roles)
    return named and len(roles) >= 3 and any(r in roles for r in ("target", "actual", "l2"))


def _find_heading(lines: list[tuple[int, list[str]]]) -> tuple[int | None, list[str], int, list[str]]:
    """(line index, column roles, index of the first table line, table text left on the
    heading's line). A heading may be broken over several lines, one cell per line."""
    for k, (_, cells) in enumerate(lines):
        text = " ".join(cells)
        span = _heading_span(text)
        if span is None:
            continue
        roles = span[2]
        end = k + 1
        # Heading cells continued on the next lines ("一级指标" / "二级指标" / …, or "指标").
        while end < len(lines) and _heading_only(lines[end][1]):
            more = _heading_span(" ".join(lines[end][1]), first=False)
            for r in (more[2] if more else []):
                if r not in roles:
                    roles.append(r)
            end += 1
        key = squash(_heading_key(text))
        scattered = {_HEADING_ROLE[m.group(0)] for m in _HEADING_RE.finditer(key)} - set(roles)
        spread = bool(scattered & {"target", "actual"}) and "name" in roles
        if spread:
            # Heading words spread over the line (a scrambled copy): the usual column order, and
            # rows may sit between them.
            roles = [r for r in _CANONICAL if r in set(roles) | scattered]
        if not _good_heading(roles):
            continue
        rest: list[str] = []
        if spread:
            rest = cells
        elif len(cells) == 1:
            tail = text[span[1]:].strip()
            rest = [tail] if tail else []
        else:
            at = 0
            for c in cells:
                if at >= span[1]:
                    rest.append(c)
                at += len(c) + 1
        return k, roles, end, rest
    # A heading scrambled by extraction (its words spread over a line, between the rows): the
    # line naming the most columns, in the usual column order.
    best: tuple[int, list[str]] | None = None
    for k, (_, cells) in enumerate(lines):
        key = squash(_heading_key(" ".join(cells)))
        found = {_HEADING_ROLE[m.group(0)] for m in _HEADING_RE.finditer(key)}
        if "name" in found and len(found & {"target", "actual", "weight", "score"}) >= 2 and \
                (best is None or len(found) > len(best[1])):
            best = (k, [r for r in _CANONICAL if r in found])
    if best is not None:
        return best[0], best[1], best[0] + 1, lines[best[0]][1]
    return None, [], 0, []


_CANONICAL = ("l1", "l2", "name", "target", "actual", "weight", "score", "deviation")


def _heading_only(cells: list[str]) -> bool:
    if not cells:
        return False
    for c in cells:
        key = squash(_heading_key(c))
        if key in NOT_LEVELS or key in ("指标", "绩效指标", "标"):
            continue
        if not _HEADING_RE.fullmatch(key):
            return False
    return True


def _first_label_line(lines: list[tuple[int, list[str]]]) -> int | None:
    for k, (_, cells) in enumerate(lines):
        for c in cells[:2]:
            key = simplified(squash(c)).translate(_LEVEL_BRACKETS)
            if _LEVEL_SCAN.match(key) or _level_of(key.rstrip(":：")) or _BRACKET_LABELS.match(key):
                return k
    return None


def _level_of(key: str) -> int:
    return _LEVELS.get(_SCORE_MARK.sub("", key).rstrip(":："), 0)


# -- pieces -------------------------------------------------------------------------------------

def _pieces(cells: list[str], line: int) -> list[Piece]:
    out: list[Piece] = []
    solo = len(cells) == 1
    for cell in cells:
        sq = squash(simplified(cell))
        if out and _UNIT_ONLY.fullmatch(sq) and out[-1].kind in ("value", "number") and \
                out[-1].key[-1:].isdigit():
            # "不少于12 种": a space split the unit from its number.
            last = out[-1]
            out[-1] = Piece("value", last.text + cell.strip(), last.key + sq, line=line)
            continue
        out.extend(_cell_pieces(cell, line, solo or len(squash(cell)) > 30))
    for p in out:
        p.solo = solo
    return out


def _cell_pieces(cell: str, line: int, scan: bool) -> list[Piece]:
    text = cell.strip()
    key = simplified(text).translate(_LEVEL_BRACKETS)
    sq = squash(key)
    if _SCORE_MARK.fullmatch(sq) or _ENUM.fullmatch(sq):
        return [Piece("mark", text, sq, line=line)]  # "(50分)", "三、": no cell of the table
    if sq in _EMPTY:
        return [Piece("empty", text, sq, line=line)]
    out: list[Piece] = []
    after_index = False
    bm = _BRACKET_LABELS.match(key)
    if bm and all(_level_of(squash(p)) for p in re.split(r"[-—－]", bm.group(1))):
        # 【产出指标-数量指标】: the levels of the rows that follow, in one bracket.
        at = 1
        for part in re.split(r"([-—－])", bm.group(1)):
            if part and part not in "-—－":
                out.append(Piece("label", text[at:at + len(part)], squash(part), _level_of(squash(part)), line))
            at += len(part)
        text, key = text[bm.end():].lstrip(), key[bm.end():].lstrip()
        if not text:
            return out
    # Leading 指标N: and level labels are peeled off whole cells as well as run-together ones.
    while True:
        m = _INDEX.match(key)
        if m:
            out.append(Piece("index", text[: m.end()], line=line))
            text, key = text[m.end():].lstrip(), key[m.end():].lstrip()
            after_index = True
            continue
        lvl = _peel_level(key)
        whole = squash(key).rstrip(":：")
        if not after_index and whole.endswith("指标") and 4 < len(whole) <= 14 and whole not in _LEVELS \
                and whole not in NOT_LEVELS and not any(ch.isdigit() for ch in whole) and not scan \
                and not _SET_PHRASE.search(whole) and not _PHRASE.search(whole):
            # A 二级 name the vocabulary lacks ("可持续性发展影响指标"): a label, not cut at a known prefix.
            out.append(Piece("label", text, whole, 2, line))
            return out
        if lvl and after_index and not _name_follows(key, lvl[0]):
            break  # "指标1:服务对象满意度": after the number comes the name, even a label word
        if lvl:
            word_len, level = lvl
            out.append(Piece("label", text[:word_len], squash(key[:word_len]), level, line))
            text, key = text[word_len:].lstrip(" :："), key[word_len:].lstrip(" :：")
            sm = _SCORE_MARK.match(key)
            if sm:
                text, key = text[sm.end():].lstrip(), key[sm.end():].lstrip()
            continue
        break
    if not text:
        return out
    sq = squash(key)
    if sq in _EMPTY:
        out.append(Piece("empty", text, sq, line=line))
    elif sq in NOT_LEVELS or sq in ("指标", "标"):
        out.append(Piece("heading", text, sq, line=line))
    elif scan and len(key) <= _MAX_SCAN:
        out.extend(_scan(text, key, line))
    else:
        out.append(_whole(text, sq, line))
    return out


def _name_follows(key: str, j: int) -> bool:
    """Text (not a value, not the end) right after a label: "成本指标演出设备成本" is a label and
    a name; "服务对象满意度" alone or before "90%" is the name itself."""
    rest = key[j:].lstrip(" :：")
    return bool(rest) and _value_at(rest, 0) is None and not _INDEX.match(rest)


def _peel_level(key: str) -> tuple[int, int] | None:
    """(length, level) of a level label at the start of the text, if it is one."""
    m = _LEVEL_SCAN.match(key)
    if m:
        return m.end(), _LEVELS[m.group(0)]
    sq = squash(_SCORE_MARK.sub("", key)).rstrip(":：")
    if sq in _LEVELS and sq not in NOT_LEVELS:
        return len(key), _LEVELS[sq]
    return None


def _whole(text: str, sq: str, line: int) -> Piece:
    if _PLAIN.match(sq):
        return Piece("number", text, sq, line=line)
    if parse_value(text).is_numeric or _DATE.fullmatch(sq) or _PHRASE.fullmatch(sq) or sq in ("是", "否"):
        return Piece("value", text, sq, line=line)
    return Piece("text", text, sq, line=line)


def _scan(text: str, key: str, line: int) -> list[Piece]:
    """Cut run-together text into labels, 指标N prefixes, values and text."""
    out: list[Piece] = []
    i, n, buf = 0, len(key), 0

    def flush(upto: int) -> None:
        chunk = text[buf:upto].strip()
        if chunk.strip(_SEPARATORS + " "):
            out.append(Piece("text", chunk, squash(key[buf:upto]), line=line, fused=True))

    while i < n:
        ch = key[i]
        if ch.isspace():
            i += 1
            continue
        m = _INDEX.match(key, i)
        if m:
            flush(i)
            out.append(Piece("index", text[i:m.end()], line=line, fused=True))
            i = buf = m.end()
            continue
        lm = _LEVEL_SCAN.match(key, i)
        if lm and out and out[-1].kind == "index" and buf == i and not _name_follows(key, lm.end()):
            lm = None
        if lm and (i == 0 or not key[i - 1].isalnum() or _boundary_before(out, key, buf, i)):
            flush(i)
            word = lm.group(0)
            end = lm.end()
            sm = _SCORE_MARK.match(key, end)
            if sm:
                end = sm.end()
            out.append(Piece("label", text[i:lm.end()], word, _LEVELS[word], line, True))
            i = buf = end
            continue
        vm = _value_at(key, i)
        after_value = bool(out) and out[-1].kind in ("value", "number") and buf == i
        # Right after a value, the next value (an actual, a score) starts at once: "…率100%100%库存…".
        if vm and (_ends_value(key, vm, i) or after_value):
            flush(i)
            out.append(Piece("value" if not _PLAIN.match(squash(key[i:vm])) else "number",
                             text[i:vm].strip(), squash(key[i:vm]), line=line, fused=True))
            i = buf = vm
            continue
        if ch in _SEPARATORS and out and out[-1].kind in ("value", "number") and buf == i:
            out.append(Piece("sep", ch, ch, line=line, fused=True))
            i += 1
            buf = i
            continue
        i += 1
    flush(n)
    if len(out) == 1:
        out[0].fused = False  # nothing was cut out: the cell is whole
    elif out and len(text) <= 30 and all(p.kind in ("value", "number") for p in out):
        return [Piece("value", text, squash(key), line=line)]  # "已完成100%": one value
    return out


def _boundary_before(out: list[Piece], key: str, buf: int, i: int) -> bool:
    # A label right after a value, a label or a separator starts a group; inside a name it does not.
    return buf == i or key[i - 1] in _SEPARATORS


def _value_at(key: str, i: int) -> int | None:
    best = None
    yn = _YES_NO.match(key, i)
    if yn:
        return yn.end()
    for rx in (_DATE, _NUMERIC, _PHRASE):
        m = rx.match(key, i)
        if m and m.end() > i and (best is None or m.end() > best):
            if rx is _NUMERIC and not any(c.isdigit() for c in m.group(0)):
                continue
            best = m.end()
    return best


def _ends_value(key: str, j: int, i: int = -1) -> bool:
    """A value inside run-together text must end where something else begins (another value, a
    label, a separator, the end): digits inside names ("6小时内扑灭率") are followed by more name.
    Long set statements (达成预期指标) are values wherever they stand."""
    if i >= 0 and _SET_PHRASE.fullmatch(key, i, j):
        return True
    while j < len(key) and key[j].isspace():
        j += 1
    if j >= len(key) or key[j] in _SEPARATORS or key[j].isdigit() or key[j] in "≥≤=><":
        return True
    if _LEVEL_SCAN.match(key, j) or _PHRASE.match(key, j) or _INDEX.match(key, j):
        return True
    m = _NUMERIC.match(key, j)
    return bool(m and any(c.isdigit() for c in m.group(0)))


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
        if not cur.name and p.kind == "text" and p.key in _OP_CELL and cur.labels and \
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
    name = name.strip(_SEPARATORS).strip()
    cells = [c for c in row.cells if c.kind != "sep"]
    if not name or name in ("……", "…") or set(name) <= set("…./-—") or ";" in name or "；" in name:
        return None
    vm = _VALUE_IN_NAME.search(simplified(name)) if not cells else None
    if vm:
        value = Piece("value", name[vm.start(1):vm.end(1)], squash(vm.group(1)), line=row.line)
        name, cells = name[:vm.start()], [value]
    if not cells:
        # Prose ("生态效益指标:生态修复功能提高。"): a short statement under a label is a row
        # whose target was not printed.
        if prose and row.labels and len(name) <= 20:
            return Indicator(name=name)
        return None
    if row.name[0].solo and not any(c.kind in ("value", "number") for c in cells):
        return None  # one piece per line and nothing value-like: paragraphs, not a table row
    if len(name) > 80 or _HEADING_RE.fullmatch(simplified(name)) or \
            len(_HEADING_RE.findall(simplified(name))) >= 2 or \
            any(c.kind == "text" and _HEADING_RE.match(simplified(c.key)) for c in cells):
        return None  # heading words or a page of text run together: not a row of the table
    data = _assign(cells, columns)
    if not any(data.get(k) for k in ("target", "actual", "weight", "score")):
        return None
    for k in ("weight", "score"):
        x = to_number(data[k]) if data.get(k) else None
        if x is not None and x > 100:
            # 分值 and 得分 are at most 100: "2020" is 分值 20 and 得分 20 run together, which
            # cannot be cut with certainty. Left out, not guessed.
            data.pop(k)
    if not any(data.get(k) for k in ("target", "actual", "weight", "score")):
        return None
    target = data.get("target")
    if target is not None and squash(target) in _EMPTY:
        target = None
    op = data.get("op")
    unit = data.get("unit")
    if target is not None:
        if op and squash(op) in ("≥", "≤", "=", ">", "<", ">=", "<="):
            target = squash(op) + target
        if unit and _PLAIN.match(squash(target).lstrip("≥≤=<>")):
            target = target + squash(unit)
    ind = Indicator(name=name, target_raw=target,
                    actual_raw=data.get("actual") if data.get("actual") not in _EMPTY else None,
                    weight=to_number(data["weight"]) if data.get("weight") else None,
                    score=to_number(data["score"]) if data.get("score") else None,
                    deviation=data.get("deviation") if data.get("deviation") not in _EMPTY else None,
                    longterm_raw=data.get("other") if data.get("other") not in _EMPTY else None)
    v = parse_value(target)
    ind.op = cast(Op, v.op)
    ind.value, ind.unit, ind.qualitative = v.value, v.unit, v.qualitative
    if ind.value is not None and ind.unit is None:
        ind.unit = unit_in_name(name)
    return ind


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
            trailing = [t for t in texts[k + 1:] if squash(t) not in _EMPTY]
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
            if role == "op" and sq not in _OP_CELL:
                continue
            if role == "unit" and not _UNIT_CELL.match(sq):
                continue
            if role in ("target", "actual", "other") and sq in _OP_CELL - {"≥", "≤", "=", ">", "<"}:
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
    return _SCORE_MARK.sub("", squash(clean_cell(p.text))).rstrip(":：") or None
