"""The indicator table: rows of cells to Indicators with their 一级/二级 labels.

Extraction shifts cells between columns, so a row is read by what its cells are, not where they
sit: the value is found from the right (the last cell of a target row; the cells before the
分值/得分 pair of a self-evaluation row), labels from the left by vocabulary, and what lies
between is the indicator name. Merged 一级/二级 cells are printed once per group, at its top or in
its middle row, so labels are collected as events and assigned to rows afterwards
(:func:`assign_levels`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from drafter.model import Indicator
from drafter.read.clean import clean_cell_keep_spaces, squash
from drafter.read.header import join_fragments, to_number
from drafter.read.labels import (
    DEFAULT_LEVEL1, LEVEL1_WORDS, LEVEL2_WORDS, NOT_LEVELS, PARENTS, affinity, continues,
    match_label,
)
from drafter.read.pieces import INDEX_PREFIX
from drafter.read.rows import Row
from drafter.values import is_value_like, parse_value, unit_in_name

_HEADER_WORDS = {
    "l1": ("一级指标", "一级目标", "一级"),
    "l2": ("二级指标", "二级目标", "二级"),
    "name": ("三级指标", "三级目标", "三级", "指标名称", "绩效指标名称"),
    "target": ("年度指标值", "指标值", "年度(/项目)指标值", "指标目标值", "目标值", "年度目标值",
               "预期目标值", "年度预期指标值", "计划值"),
    "actual": ("实际完成值", "完成值", "实际值", "全年实际完成值", "实际完成"),
    "weight": ("分值", "权重", "指标分值"),
    "score": ("得分", "自评得分"),
    "deviation": ("偏差原因分析及改进措施", "偏差原因", "偏差原因分析", "未完成原因分析",
                  "原因分析及改进措施", "备注"),
    "op": ("指标性质", "计算符号", "符号", "指标方向"),
    "baseline": ("基线", "基线值", "历史值"),
    "basis": ("取值依据", "指标值设定依据", "设定依据"),
    "evidence": ("数据来源", "佐证材料", "评价依据"),
    "refs": ("参考来源", "参考表单"),
    "note": ("备注", "指标解释", "指标说明", "评分标准", "评(扣)分标准"),
    "unit": ("度量单位", "计量单位", "单位"),
}
_HEADER_BY_FIRST: dict[str, list[tuple[str, str]]] = {}
for _role, _words in _HEADER_WORDS.items():
    for _w in _words:
        _HEADER_BY_FIRST.setdefault(_w[0], []).append((_role, _w))
_SIDE_ROLES = ("baseline", "basis", "evidence", "refs", "note")
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_OPS_ONLY = {"≥", "≤", "=", ">", "<", ">=", "<=", "≥=", "＝", "正向", "反向", "定量", "定性"}
_UNIT_ONLY = re.compile(r"^\(?[^\d\s()=<>≥≤]{1,5}\)?$")
_STACK_PREFIX = re.compile(r"^(?:年度)?(?:指标值|完成值|实际完成值|分值|得分|改进措施)\s*")


@dataclass
class Header:
    roles: dict[str, list[int]]  # role → column indexes
    self_eval: bool

    def col(self, role: str) -> int | None:
        cols = self.roles.get(role)
        return cols[0] if cols else None


def header_role(cell: str) -> str | None:
    s = squash(cell).replace("（", "(").replace("）", ")")
    if not s:
        return None
    # Only words starting with the cell's first character can match; they are listed in
    # _HEADER_WORDS order, so the first hit is the role the full scan would have found.
    for role, w in _HEADER_BY_FIRST.get(s[0], ()):
        if s == w or (len(w) >= 3 and s.startswith(w)):
            return role
    if s.startswith("三级") and len(s) <= 6:  # OCR: 三级扫, 三级打, 三级扎 for 三级指标
        return "name"
    return None


def read_header(row: Row) -> Header | None:
    """The indicator-table heading row, or None if this row is not one."""
    # Every row is asked, so the cheap test on the row's text comes before classifying cells.
    text = row.text
    has_levels = sum(w in text for w in ("一级", "二级", "三级")) >= 2
    has_value = "指标值" in text or "目标值" in text
    if not (has_levels or (("三级" in text) and has_value)):
        return None
    filled = [(i, s) for i, s in enumerate(row.squashed) if s]
    if len(filled) < 2:
        return None
    roles: dict[str, list[int]] = {}
    hits = 0
    for i, s in filled:
        role = header_role(s)
        if role:
            roles.setdefault(role, []).append(i)
            hits += 1
    if hits < 3 or hits < 0.4 * len(filled):
        return None
    return Header(roles=roles, self_eval=bool(roles.get("actual") or roles.get("score")))


@dataclass
class LabelEvent:
    position: int  # index of the first indicator the label row touches
    level: int
    word: str
    col: int


@dataclass
class TableResult:
    indicators: list[Indicator] = field(default_factory=list)
    events: list[LabelEvent] = field(default_factory=list)
    mid_placed: bool = False


class TableReader:
    """Feed it the rows after the heading; read ``result`` when done.

    ``aligned`` rows (from a worksheet) keep every cell in its column, so they are read by the
    heading's columns; rows from extracted text are read by what their cells hold.
    """

    def __init__(self, header: Header, aligned: bool = False):
        self.header = header
        self.aligned = aligned
        self.result = TableResult()
        self._pending: dict[int, tuple[str, LabelEvent]] = {}  # col → label fragment so far
        self._stack: list[Row] = []
        self._l1_cols: set[int] = set()
        self._l2_cols: set[int] = set()
        self._first_row_had_l2: bool | None = None

    # -- rows ---------------------------------------------------------------------------------

    def feed(self, row: Row) -> None:
        if row.is_blank or read_header(row) is not None or _is_total_or_grade(row):
            if _is_total_or_grade(row):
                self._tail_text(row)
            return
        if self.header.self_eval and _is_stacked(row):
            self._stack.append(row)
            return
        if self.aligned:
            self._aligned_row(row)
            return
        if self._continuation(row):
            return
        self._indicator_row(row)

    def _aligned_row(self, row: Row) -> None:
        roles = {role: cols[0] for role, cols in self.header.roles.items()}
        starts = sorted(roles.values())

        def cell(role: str) -> str:
            c = roles.get(role)
            return row.cells[c].strip() if c is not None and c < len(row.cells) else ""

        name_col = roles.get("name")
        if name_col is None:
            return
        end = next((c for c in starts if c > name_col), len(row.cells))
        name = join_fragments(row.cells[name_col:end])
        labels = [(roles[r], "label", squash(cell(r))) for r in ("l1", "l2") if cell(r)]
        if not name and not (cell("target") or cell("weight")):
            return
        op = cell("op") if cell("op") not in ("定性", "定量", "正向", "反向", "正向指标", "反向指标") else ""
        target = "".join(x for x in (op, cell("target"), cell("unit")) if x) or None
        data: dict[str, object] = {"target_raw": target, "actual_raw": cell("actual") or None,
                                   "weight": to_number(cell("weight")), "score": to_number(cell("score")),
                                   "deviation": cell("deviation") or None}
        for role in ("baseline", "basis", "evidence"):
            data[role] = cell(role) or None
        if cell("refs"):
            data["refs"] = [r for r in re.split(r"[；;]", cell("refs")) if r.strip()]
        ind = _make_indicator(name, data)
        ind.source = row.place or f"row {row.line}"
        # Worksheet labels are exact: no vocabulary needed to know what the column holds.
        for col, _, text in labels:
            level = 1 if col == roles.get("l1") else 2
            self.result.events.append(LabelEvent(len(self.result.indicators), level, text, col))
        self.result.indicators.append(ind)

    def finish(self) -> TableResult:
        if self._stack:
            self._read_stack()
        self.result.mid_placed = self._first_row_had_l2 is False
        return self.result

    def _indicator_row(self, row: Row) -> None:
        cells = _dedupe_adjacent(row.filled)
        extras = {}
        side_cols = {c: role for role in _SIDE_ROLES for c in self.header.roles.get(role, [])}
        if side_cols:
            # Columns beside the value (基线, 取值依据, 数据来源, 备注…) are not the value.
            extras = {side_cols[c]: t for c, t in cells if c in side_cols}
            cells = [(c, t) for c, t in cells if c not in side_cols]
        if self.header.self_eval:
            tail = _self_eval_tail(cells)
        else:
            tail = _target_tail(cells, self.header)
        if tail is None:
            self._labels_only(row, cells)
            return
        head, data, cols = tail
        labels, name_parts = self._split_head(head, row)
        target = str(data.get("target_raw") or "")
        if self.header.self_eval and target and not is_value_like(target) and \
                _looks_like_name(target):
            # The 年度指标值 cell is empty: what sits there is the end of the name.
            name_parts.append((cols.get("target", -1), target))
            data["target_raw"] = None
        if not name_parts:
            last = labels[-1] if labels else None
            if last and not last[2].endswith("指标") and not self._in_label_column(last[0]) \
                    and not self._continues(last[0], last[2]):
                # A lone label-looking cell right before the value is the name ("满意度 | ≥90%").
                labels.pop()
                name_parts = [(last[0], last[2])]
            elif target and not is_value_like(target) and not self.header.self_eval:
                # The value cell is empty and the name slid into its place.
                name_parts = [(-1, target)]
                data["target_raw"] = None
        position = len(self.result.indicators)
        self._record_labels(labels, position)
        if self._first_row_had_l2 is None:
            self._first_row_had_l2 = any(ev.position == 0 and ev.level == 2
                                         for ev in self.result.events)
        raws = [row.raw[c] if 0 <= c < len(row.raw) else t for c, t in name_parts]
        if raws:
            raws[-1], trailing = _trailing_label_tokens(raws[-1])
            if trailing:
                self._record_labels([(name_parts[-1][0], "label", squash(t)) for t in trailing],
                                    position + 1)
        # A row with a value but no readable name is still an indicator: rules flag the gap.
        name = assemble_name(raws) if raws else ""
        for role in ("baseline", "basis", "evidence"):
            if extras.get(role):
                data[role] = extras[role]
        if extras.get("refs"):
            data["refs"] = [r for r in re.split(r"[；;]", extras["refs"]) if r.strip()]
        ind = _make_indicator(name, data)
        ind.source = row.place or f"line {row.line}"
        self.result.indicators.append(ind)
        cols["name"] = [c for c, _ in name_parts]
        self._cols = cols

    def _in_label_column(self, col: int) -> bool:
        label_cols = [c for c in (self.header.col("l1"), self.header.col("l2")) if c is not None]
        return bool(label_cols) and col <= max(label_cols)

    def _labels_only(self, row: Row, cells: list[tuple[int, str]]) -> None:
        labels, rest = self._split_head(cells, row)
        self._record_labels(labels, len(self.result.indicators))
        if rest and self.result.indicators:
            self._spill(rest)

    def _spill(self, cells: list[tuple[int, str]]) -> None:
        """Text left on a row without its own values continues the row above, column by column:
        the name wrapped ("…重大责" / "任事件数"), the actual wrapped ("部分达成指" / "标并具有一"),
        or the deviation note running down many rows."""
        last = self.result.indicators[-1]
        cols = getattr(self, "_cols", {})
        for col, text in cells:
            if col in cols.get("name", []) and not last.deviation and len(squash(text)) <= 12:
                last.name = join_fragments([last.name, text])
            elif col == cols.get("actual") and last.actual_raw:
                last.actual_raw = join_fragments([last.actual_raw, text])
            elif col == cols.get("target") and last.target_raw and not self.header.self_eval:
                last.target_raw = join_fragments([last.target_raw, text])
                _reparse(last)
            elif self.header.self_eval and (last.deviation or col >= cols.get("score", 99) or
                                            (last.score is not None and last.weight is not None
                                             and last.score < last.weight)):
                last.deviation = _join_text(last.deviation, text)

    def _continuation(self, row: Row) -> bool:
        """Rows that only carry the rest of the row above: "(幢)", or a long deviation note."""
        cells = row.filled
        if not cells or not self.result.indicators:
            return False
        last = self.result.indicators[-1]
        if all(re.fullmatch(r"\([^()]{1,6}\)", squash(t)) for _, t in cells):
            units = [squash(t) for _, t in cells]
            if last.target_raw:
                last.target_raw = last.target_raw + units[0]
                _reparse(last)
            if len(units) > 1 and last.actual_raw:
                last.actual_raw = last.actual_raw + units[1]
            return True
        if self.header.self_eval and len(cells) == 1:
            col, text = cells[0]
            cols = getattr(self, "_cols", {})
            beyond = col >= cols.get("score", 99) or (
                (dev := self.header.col("deviation")) is not None and col >= dev - 1)
            if (last.deviation or beyond) and match_label(squash(text)) is None and len(text) > 3 \
                    and col not in cols.get("name", []):
                last.deviation = _join_text(last.deviation, text)
                return True
        return False

    def _tail_text(self, row: Row) -> None:
        """A total row can carry the end of the last deviation note beside it."""
        if not self.header.self_eval or not self.result.indicators:
            return
        texts = [t for _, t in row.filled
                 if to_number(t) is None and len(squash(t)) > 8 and "总分" not in t]
        last = self.result.indicators[-1]
        if texts and last.deviation:
            last.deviation = _join_text(last.deviation, " ".join(texts))

    # -- labels -------------------------------------------------------------------------------

    def _split_head(self, cells: list[tuple[int, str]], row: Row):
        """Leading label cells (and OCR debris in label columns), then the name cells."""
        labels: list[tuple[int, str, str]] = []  # (col, kind, text)
        name_parts: list[tuple[int, str]] = []
        name_col = self.header.col("name")
        label_cols = [c for c in (self.header.col("l1"), self.header.col("l2")) if c is not None]
        last_label_col = max(label_cols) if label_cols else None
        for idx, (col, text) in enumerate(cells):
            s = squash(text)
            if not name_parts:
                if s in NOT_LEVELS or match_label(s) is not None or self._continues(col, s):
                    labels.append((col, "label", s))
                    continue
                raw = row.raw[col] if col < len(row.raw) else text
                peeled, rest = _peel_label_tokens(raw)
                if peeled and rest:
                    labels.extend((col, "label", p) for p in peeled)
                    name_parts.append((col, rest))
                    continue
                in_label_col = (last_label_col is not None and col <= last_label_col) or \
                    (name_col is not None and col < name_col)
                more = any(match_label(squash(t)) is None for _, t in cells[idx + 1:])
                if in_label_col and len(s) <= 6 and more:
                    continue  # debris such as "1日7小" where a label should be, before the name
            name_parts.append((col, text))
        return labels, name_parts

    def _continues(self, col: int, s: str) -> bool:
        for c in (col, col - 1, col + 1):
            pending = self._pending.get(c)
            if pending and continues(pending[0], s):
                return True
        return False

    def _record_labels(self, labels: list[tuple[int, str, str]], position: int) -> None:
        new: list[tuple[int, str]] = []
        for col, _, s in labels:
            if s in NOT_LEVELS:
                continue
            joined = None
            for c in (col, col - 1, col + 1):
                pending = self._pending.get(c)
                if pending:
                    joined = continues(pending[0], s)
                    if joined:
                        text, ev = pending
                        m = match_label(joined)
                        if m is not None:
                            ev.word = m.word
                        self._pending[c] = (joined, ev)
                        break
            if joined:
                continue
            new.append((col, s))
        levels = self._levels_for(new)
        for (col, s), level in zip(new, levels):
            m = match_label(s)
            if m is None:
                continue
            ev = LabelEvent(position=position, level=level, word=m.word, col=col)
            self.result.events.append(ev)
            self._pending[col] = (s, ev)
            (self._l1_cols if level == 1 else self._l2_cols).add(col)

    def _levels_for(self, new: list[tuple[int, str]]) -> list[int]:
        matches = [match_label(s) for _, s in new]
        levels = []
        for k, ((col, _), m) in enumerate(zip(new, matches)):
            if m is None:
                levels.append(2)
                continue
            if len(new) >= 2 and m.ambiguous:
                levels.append(1 if k == 0 else 2)
            elif m.ambiguous or (m.word in LEVEL1_WORDS and m.word in LEVEL2_WORDS):
                if col in self._l2_cols and col not in self._l1_cols:
                    levels.append(2)
                elif col in self._l1_cols:
                    levels.append(1)
                else:
                    levels.append(m.level)
            else:
                levels.append(m.level)
        return levels

    # -- stacked OCR rows ---------------------------------------------------------------------

    def _read_stack(self) -> None:
        """Rows where OCR stacked a whole column into one cell ("5 4 4 4"): zip the columns.

        Such a table repeats itself as it grows, one row per line, so the longest line holds
        every column; the shorter lines before it only help to find where names end.
        """
        best = max(self._stack, key=lambda r: sum(len(c) for c in r.raw))
        cols = [_STACK_PREFIX.sub("", clean_cell_keep_spaces(c)) for c in best.raw]
        cols = [c for c in cols if c.strip()]
        numeric = [c for c in cols if all(_PLAIN_NUMBER.match(t) for t in c.split())]
        if len(numeric) < 2:
            return
        weights, scores = numeric[0].split(), numeric[1].split()
        label_cols = [c for c in cols if c not in numeric and
                      all(match_label(squash(t)) for t in c.split())]
        text_cols = [c for c in cols if c not in numeric and c not in label_cols]
        name_col = max(text_cols, key=lambda c: len(squash(c)), default="")
        value_cols = [c for c in text_cols if c is not name_col and len(c.split()) > 1]
        names = _split_stacked_names(name_col, self._stack)
        targets = value_cols[0].split() if value_cols else []
        actuals = value_cols[1].split() if len(value_cols) > 1 else []
        # The ordinary rows read before the stack are earlier snapshots of the same table.
        covered = {squash(n) for n in names}
        self.result.indicators = [i for i in self.result.indicators if squash(i.name) not in covered
                                  and not any(squash(i.name) in c for c in covered)]
        base = len(self.result.indicators)
        self.result.events = [e for e in self.result.events if e.position < base]
        for k, name in enumerate(names):
            data = {
                "target_raw": targets[k] if k < len(targets) else None,
                "actual_raw": actuals[k] if k < len(actuals) else None,
                "weight": to_number(weights[k]) if k < len(weights) else None,
                "score": to_number(scores[k]) if k < len(scores) else None,
            }
            ind = _make_indicator(name, data)
            # Stacked columns: every row is printed in full only on the last snapshot line.
            last = self._stack[-1]
            ind.source = last.place or f"line {last.line}"
            self.result.indicators.append(ind)
        # Labels stacked in order ("数量指标 质量指标 时效指标"): each starts at the first name
        # that reads like it.
        pos = base
        for c in label_cols[-1:]:
            for t in c.split():
                m = match_label(squash(t))
                if m is None:  # never: label_cols holds only cells whose every token is a label
                    continue
                fam = LEVEL2_WORDS.get(m.word) if m.level == 2 else None
                if fam and pos > base:
                    pos = next((r for r in range(pos, len(self.result.indicators))
                                if affinity(fam, self.result.indicators[r].name) > 0), pos)
                self.result.events.append(LabelEvent(pos, m.level, m.word, 0))
                pos += 1 if pos == base else 0


def _split_stacked_names(cell: str, stack: list[Row]) -> list[str]:
    """Split a stacked name cell into names.

    A space in any snapshot line may end a name; a cut leaving a piece shorter than four
    characters is a line wrap inside one name ("完成物业管理实训基地日 常运营").
    """
    flat = squash(cell)
    if not flat:
        return []
    cuts: set[int] = set()
    for row in stack:
        for raw in row.raw:
            toks = _STACK_PREFIX.sub("", clean_cell_keep_spaces(raw)).split()
            if len(toks) < 2 or not flat.startswith(toks[0][:3]):
                continue
            p = 0
            for t in toks[:-1]:
                p += len(t)
                cuts.add(p)
    bounds = [0] + sorted(c for c in cuts if 0 < c < len(flat)) + [len(flat)]
    pieces = [flat[a:b] for a, b in zip(bounds, bounds[1:])]
    names: list[str] = []
    for piece in pieces:
        if names and len(piece) < 4:
            names[-1] += piece
        else:
            names.append(piece)
    return names


# -- names ------------------------------------------------------------------------------------

_LABEL_DEBRIS = {"指标", "标", "指", "总分"}
_STRAY_MARKS = re.compile(r"[》』」】〉]+$|^[《『「【〈]+|[』「」『]")


def _tokens(raw: str) -> list[str]:
    return clean_cell_keep_spaces(raw).split()


def _trailing_label_tokens(raw: str) -> tuple[str, list[str]]:
    """"宁成及时率 完成及时率 社会 対益": the next row's label ran into this name cell."""
    toks = _tokens(raw)
    trailing: list[str] = []
    while len(toks) > 1 and match_label(squash(toks[-1])) is not None:
        trailing.insert(0, toks.pop())
    if len(trailing) >= 2 or (trailing and len(trailing[0]) >= 3):
        return " ".join(toks), trailing
    return raw, []


def _peel_label_tokens(raw: str) -> tuple[list[str], str]:
    """"质量 社区满意度测评区分报告验收合 指标 格": OCR merged the label into the name cell."""
    toks = _tokens(raw)
    peeled = []
    while len(toks) > 1 and match_label(toks[0]) is not None:
        peeled.append(toks.pop(0))
    if not peeled:
        return [], ""
    return peeled, " ".join(toks)


def assemble_name(parts: list[str]) -> str:
    """One indicator name from the cells (and wrapped lines) extraction split it into."""
    pieces: list[str] = []
    tails: list[str] = []
    for k, raw in enumerate(parts):
        toks = [t for t in _tokens(raw) if t not in _LABEL_DEBRIS]
        # A cell wrapped over two lines may carry its second line's last characters after a
        # space ("公建配套设施建设 率" + "及质量验收合格"): they end the whole name.
        if k < len(parts) - 1 and len(toks) >= 2 and len(toks[-1]) <= 2:
            tails.insert(0, toks.pop())
        pieces.extend(t.rstrip("。，,；;") for t in toks)
    pieces = _drop_repeats(pieces + tails)
    name = join_fragments(pieces)
    return _STRAY_MARKS.sub("", name).strip()


def _drop_repeats(pieces: list[str]) -> list[str]:
    """A cut name printed again in full ("调研报告" + "调研报告完成率"), or twice with one
    character misread ("宁成及时率 完成及时率"): keep one."""
    out: list[str] = []
    for p in pieces:
        if out:
            prev = out[-1]
            if len(prev) >= 3 and (p.startswith(prev) or p.startswith(prev[:-1])) and len(p) > len(prev):
                out[-1] = p
                continue
            if len(prev) == len(p) >= 4 and sum(a != b for a, b in zip(prev, p)) == 1:
                out[-1] = p
                continue
        out.append(p)
    return out


# -- row anatomy ------------------------------------------------------------------------------

def _target_tail(cells: list[tuple[int, str]], header: Header):
    """Split a target-form row into (head cells, value data); None if it has no value."""
    if len(cells) < 2:
        return None
    cells = list(cells)
    data: dict[str, object] = {}
    wcol = header.col("weight")
    if wcol is not None and _PLAIN_NUMBER.match(squash(cells[-1][1])) and len(cells) >= 3:
        data["weight"] = to_number(cells[-1][1])
        cells = cells[:-1]
    # Separate 指标性质 / 指标值 / 度量单位 columns: glue them back into one value.
    value_col = cells[-1][0]
    parts = [cells.pop()[1]]
    if len(cells) >= 2 and _UNIT_ONLY.match(squash(parts[0])) and \
            _PLAIN_NUMBER.match(squash(cells[-1][1])):
        parts.insert(0, cells.pop()[1])
    if len(cells) >= 2 and squash(cells[-1][1]) in _OPS_ONLY:
        op = squash(cells.pop()[1])
        parts.insert(0, op if op not in ("正向", "反向", "定量", "定性") else "")
    value = "".join(squash(p) if len(parts) > 1 else p for p in parts).strip()
    if not cells:
        return None
    data["target_raw"] = value
    return cells, data, {"target": value_col}


def _self_eval_tail(cells: list[tuple[int, str]]):
    """Split a self-evaluation row at its 分值/得分 pair; None if it has none."""
    n = len(cells)
    for k in range(n - 1, 0, -1):
        weight_text = squash(cells[k - 1][1])
        score_first = _leading_numbers(cells[k][1])
        if _PLAIN_NUMBER.match(weight_text) and score_first:
            weight = to_number(weight_text)
            nums, rest = score_first
            # OCR can stack the scores of the rows below into this cell ("5.00 5.00 4.00 实际…"):
            # the first is this row's own.
            score = nums[0]
            deviation_parts = ([rest] if rest else []) + [t for _, t in cells[k + 1:]]
            before = cells[: k - 1]
            break
    else:
        return None
    data: dict[str, object] = {"weight": weight, "score": score}
    cols = {"score": cells[k][0], "weight": cells[k - 1][0]}
    dev = " ".join(p for p in deviation_parts if squash(p) not in ("", "-", "—", "/"))
    data["deviation"] = dev.strip() or None
    if len(before) >= 3 or (len(before) == 2 and is_value_like(before[0][1]) is False):
        data["actual_raw"] = before[-1][1]
        data["target_raw"] = before[-2][1]
        cols.update(actual=before[-1][0], target=before[-2][0])
        head = before[:-2]
        if len(before) == 2:
            head = before[:1]
            data["target_raw"] = before[1][1]
            data["actual_raw"] = None
            cols.update(target=before[1][0], actual=-1)
    elif len(before) == 2:
        data["target_raw"], data["actual_raw"] = before[0][1], before[1][1]
        cols.update(actual=before[1][0], target=before[0][0])
        head = []
    else:
        return None
    return head, data, cols


def _looks_like_name(text: str) -> bool:
    s = squash(text)
    return len(s) >= 4 and s.endswith(("率", "数", "数量", "性", "度", "情况"))


def _leading_numbers(text: str) -> tuple[list[float], str] | None:
    """"5.00" → ([5.0], ""); OCR-merged "5.00 5.00 4.00 实际申请…" → ([5, 5, 4], "实际申请…")."""
    m = re.match(r"^\s*((?:\d+(?:\.\d+)?\s*)+)(.*)$", text, re.S)
    if not m:
        return None
    nums = [float(x) for x in m.group(1).split()]
    if not all(math.isfinite(x) for x in nums):  # hundreds of digits: noise, not a score
        return None
    return nums, m.group(2).strip()


def _is_stacked(row: Row) -> bool:
    numeric_stacks = [c for c in row.raw
                      if len(c.split()) >= 2 and all(_PLAIN_NUMBER.match(t) for t in c.split())]
    return len(numeric_stacks) >= 1 and any(len(c.split()) >= 3 for c in row.raw if c.strip())


def _is_total_or_grade(row: Row) -> bool:
    text = row.text
    # OCR may merge the 总分 row into a repeat of the row above ("化解信访矛盾满意率 总分").
    if any("总分" in c.split() for c in row.raw if c):
        return True
    return any(s.startswith(("总分", "合计")) for s in row.squashed if s) or \
        "评分等级" in text or "评价等级" in text or text.startswith(("评分等", "等级"))


def _dedupe_adjacent(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for col, text in cells:
        # A name printed twice by a shifted merge ("防伪专用纸验收合格率" × 2); never numbers.
        if out and squash(out[-1][1]) == squash(text) and len(squash(text)) > 4 and \
                to_number(text) is None and not is_value_like(text):
            continue
        out.append((col, text))
    return out


def _join_text(a: str | None, b: str) -> str:
    return b if not a else join_fragments([a, b])


def _make_indicator(name: str, data: dict) -> Indicator:
    m = INDEX_PREFIX.match(name)
    if m and m.end() < len(name):
        name = name[m.end():].lstrip()  # "指标1:巡查次数": the number is the form's, not the name's
    ind = Indicator(name=name, **{k: v for k, v in data.items() if v is not None})
    _reparse(ind)
    return ind


def _reparse(ind: Indicator) -> None:
    v = parse_value(ind.target_raw)
    ind.op, ind.value, ind.unit, ind.qualitative = v.op, v.value, v.unit, v.qualitative
    if ind.value is not None and ind.unit is None:
        ind.unit = unit_in_name(ind.name)  # "任务完成时限(月)" | "10"


# -- level assignment -------------------------------------------------------------------------

def assign_levels(result: TableResult) -> None:
    """Give every indicator its 一级 and 二级 from the label events of its table."""
    inds = result.indicators
    if not inds:
        return
    l2_events = sorted((e for e in result.events if e.level == 2), key=lambda e: e.position)
    l2_of = _segment(inds, l2_events, result.mid_placed)
    style_suffix = _style(result.events)
    for ind, ev in zip(inds, l2_of):
        ind.level2 = _styled(ev.word, style_suffix) if ev else None
    l1_events = [e for e in result.events if e.level == 1]
    families = [LEVEL2_WORDS.get(ev.word) if ev else None for ev in l2_of]
    # Each run of rows with one 二级 takes the compatible 一级 printed nearest to it.
    start = 0
    while start < len(inds):
        end = start
        while end + 1 < len(inds) and l2_of[end + 1] is l2_of[start]:
            end += 1
        fam = families[start]
        l1 = _level1_for(fam, start, end, l1_events, inds)
        for k in range(start, end + 1):
            inds[k].level1 = _styled(l1, style_suffix) if l1 else None
        start = end + 1


def _segment(inds: list[Indicator], events: list[LabelEvent], mid: bool):
    n = len(inds)
    owner: list[LabelEvent | None] = [None] * n
    if not events:
        return owner
    # Merge events at the same position: the later one wins (a split label restarted).
    evs: list[LabelEvent] = []
    for e in events:
        if evs and evs[-1].position == e.position:
            evs[-1] = e
        else:
            evs.append(e)
    for k in range(min(evs[0].position + 1, n)):
        owner[k] = evs[0]
    for a, b in zip(evs, evs[1:]):
        i, j = a.position, min(b.position, n)
        fa, fb = LEVEL2_WORDS.get(a.word, ""), LEVEL2_WORDS.get(b.word, "")
        # Rows strictly between the two label rows belong to a or b: pick the split point that
        # best fits the names, defaulting to the layout (top-placed or mid-placed labels).
        default = i + 1 + (j - i) // 2 if mid else j
        # Only rows between the two labels are looked at: scoring every row per label pair
        # made long forms quadratic.
        def gain(r: int, fa: str = fa, fb: str = fb) -> float:
            return affinity(fb, inds[r].name, inds[r].unit) - affinity(fa, inds[r].name, inds[r].unit)
        best_k = default
        # Move the boundary only over rows whose names clearly belong to the other side.
        k = default
        while k - 1 > i and gain(k - 1) > 0:
            k -= 1
        if k < default:
            best_k = k
        else:
            k = default
            while k < j and gain(k) < 0:
                k += 1
            best_k = k
        for r in range(i, j):
            owner[r] = a if r < best_k else b
    last = evs[-1]
    for r in range(min(last.position, n), n):
        owner[r] = last
    return owner


def _level1_for(fam, start, end, l1_events, inds):
    parents = PARENTS.get(fam or "", ())
    inside = [e for e in l1_events if start <= e.position <= end]
    for e in inside:
        if not parents or LEVEL1_WORDS.get(e.word) in parents:
            return e.word
    compatible = [e for e in l1_events if LEVEL1_WORDS.get(e.word) in parents]
    if compatible:
        return min(compatible, key=lambda e: (abs(e.position - start), e.position > start)).word
    if not parents and l1_events:
        before = [e for e in l1_events if e.position <= start]
        return (before[-1] if before else l1_events[0]).word
    if parents:
        return DEFAULT_LEVEL1.get(parents[0])
    return None


def _style(events: list[LabelEvent]) -> str:
    """Forms write either "数量指标" or "数量": keep the style the form uses for its labels."""
    with_suffix = sum(e.word.endswith(("指标", "目标")) for e in events)
    return "指标" if with_suffix * 2 >= len(events) and events else ""


_STYLED_L2 = {"数量": "数量指标", "质量": "质量指标", "时效": "时效指标", "成本": "成本指标",
              "社会效益": "社会效益指标", "经济效益": "经济效益指标", "生态效益": "生态效益指标",
              "环境效益": "环境效益指标", "可持续影响": "可持续影响指标",
              "服务对象满意度": "服务对象满意度指标", "满意度": "满意度指标"}


def _styled(word: str, suffix: str) -> str:
    if suffix and word in _STYLED_L2:
        return _STYLED_L2[word]
    return word
