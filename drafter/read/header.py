"""Form header: project name, units, year, money blocks, totals. Found by label, not position.

Labels are matched on squashed text (all whitespace removed) so that OCR splits such as
"主管\t部门" or "项目\t 名称" still read as 主管部门 and 项目名称.
"""

from __future__ import annotations

import math
import re

from drafter.model import Budget, Funds
from drafter.read.clean import clean_cell_keep_spaces, squash
from drafter.read.rows import Row

FIELD_LABELS: list[tuple[str, tuple[str, ...]]] = [
    ("project_name", ("项目名称",)),
    ("department", ("主管部门", "主管单位", "主管预算部门", "主管预算单位")),
    ("agency", ("实施单位", "申报单位名称", "申报单位", "项目实施单位", "预算单位", "项目单位")),
    ("project_type", ("项目类别", "项目类型")),
    ("project_nature", ("项目性质",)),
    # Not "项目完成时间": that is also a common 时效 indicator name.
    ("planned_start", ("计划开始日期", "计划开始时间", "项目开始日期")),
    ("planned_end", ("计划完成日期", "计划完成时间", "计划结束日期", "计划结束时间", "项目完成日期",
                     "项目结束日期")),
]
# Labels that end a value: the next field on the same row.
_STOP_LABELS = tuple(
    w for _, ws in FIELD_LABELS for w in ws
) + ("项目负责人", "联系电话", "绩效类型", "是否含有政府购买服务",
     "项目期", "资金", "年度")
_ANY_LABEL = re.compile("|".join(re.escape(w) for _, ws in FIELD_LABELS for w in ws))
_YEAR_TITLE = re.compile(r"(?:19|20)\d\d(?=\s*\d?\s*年度)|(?<=\()\s*(?:19|20)\d\d(?=\s*年)")
_YEAR_ANY = re.compile(r"((?:19|20)\d\d)\s*(?:年|-\d\d-\d\d)")
_NUMBER = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_ORG_END = re.compile(r"(委员会|管理局|厅|局|办公室|中心|政府|街道)$")
_GRADES = ("优秀", "良好", "合格", "不合格", "优", "良", "中", "差")
# OCR reads 上 as "L _" or "_" at the start of Shanghai unit names.
_OCR_SHANG = re.compile(r"^(?:[Ll1|]?\s*_\s*|L\s+)(?=海)")


def extract_fields(rows: list[Row]) -> dict[str, str]:
    """Label → value for the header fields present in these rows (first occurrence wins)."""
    found: dict[str, str] = {}
    for row in rows:
        cells = row.cells
        sq = row.squashed
        i = 0
        while i < len(cells):
            hit = _label_at(sq, i)
            if hit is None:
                i += 1
                continue
            key, span, inline = hit
            if key in found and inline != "\x00":
                # First occurrence wins: reading the value again is wasted, and in a row of many
                # label cells (noise, a pasted list) it made reading the row quadratic.
                i += span
                continue
            if inline == "\x00":
                pairs = _fields_in_cell(row.raw[i])
            else:
                pairs = [(key, inline or _value_after(row.raw, sq, i + span))]
            for key, value in pairs:
                if value and key not in found:
                    found[key] = _repair_org(value) if key in ("department", "agency") else value
            i += span
    return found


def _label_at(sq: list[str], i: int) -> tuple[str, int, str] | None:
    """(field, cells the label spans, value written in the same cell after a colon)."""
    for span in (1, 2):
        text = "".join(sq[i:i + span])
        if span == 2 and (not sq[i] or i + 1 >= len(sq) or not sq[i + 1]):
            continue
        if not _ANY_LABEL.search(text):
            continue  # every test below needs a label inside the text; most cells hold none
        for key, labels in FIELD_LABELS:
            for label in labels:
                if text == label or text == label + ":" or text.rstrip(":：") == label:
                    return key, span, ""
                if span == 1 and re.match(rf"^{label}[:：]", text):
                    return key, 1, text.split(":", 1)[-1].split("：", 1)[-1]
                if span == 1 and text.startswith(label) and len(text) > len(label):
                    return key, 1, "\x00"  # "项目名称 房管… 主管部门 …": fields share a cell
                if span == 1 and re.search(rf"{label}[:：]", text):
                    # A title line that carries a field: "…目标表 (2020年度) 申报单位名称：…".
                    return key, 1, re.split(rf"{label}[:：]", text, maxsplit=1)[1]
    return None


def _fields_in_cell(raw: str) -> list[tuple[str, str]]:
    """Several "label value" pairs OCR ran into one cell, split at the labels."""
    words = clean_cell_keep_spaces(raw).split(" ")
    pairs: list[tuple[str, str]] = []
    key: str | None = None
    value: list[str] = []
    for w in words:
        hit = next((k for k, labels in FIELD_LABELS for lbl in labels if squash(w).rstrip(":：") == lbl), None)
        if hit:
            if key and value:
                pairs.append((key, join_fragments(value)))
            key, value = hit, []
        elif key:
            value.append(w)
    if key and value:
        pairs.append((key, join_fragments(value)))
    return pairs


def _value_after(raw_cells: list[str], sq: list[str], start: int) -> str:
    parts: list[str] = []
    # Cells are cleaned only up to the next label, and never sliced: a row of many cells (noise,
    # a pasted list) would otherwise cost its full length once per label in it.
    for j in range(start, min(len(raw_cells), len(sq))):
        s = sq[j]
        if not s:
            continue
        if any(s.startswith(lbl) for lbl in _STOP_LABELS):
            break
        c = clean_cell_keep_spaces(raw_cells[j])
        # OCR may run the next fields into this cell: "房屋管理经费 上海市住房…委员会 实施单位 …".
        words = c.split(" ")
        cut = next((k for k, w in enumerate(words) if k and (
            any(squash(w).startswith(lbl) for lbl in _STOP_LABELS) or _ORG_END.search(squash(w)))), None)
        if cut is not None and parts == []:
            parts.append(" ".join(words[:cut]))
            break
        parts.append(c)
    # Leading one-character cells are OCR debris of the label ("实施单位\t位\tL\t_海市…").
    while len(parts) > 1 and len(squash(parts[0])) == 1:
        parts.pop(0)
    return join_fragments(parts)


def join_fragments(parts: list[str]) -> str:
    """Join cells that one text was split into; drop the character OCR repeats at a cut."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and p[0] == out[-1] and not p[0].isdigit() and p[0] not in "()（）":
            p = p[1:]
        if out and (out[-1].isascii() and out[-1].isalnum()) and (p[:1].isascii() and p[:1].isalnum()):
            out += " "
        out += p
    return squash_cjk(out)


def squash_cjk(text: str) -> str:
    return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", text).strip()


# Phrases that recur in the names of government units; OCR inserts a stray character into them
# at cell cuts ("住房异和城乡建设"), which one deletion repairs.
_ORG_PHRASES = ("住房和城乡建设管理委员会", "住房和城乡建设委员会", "住房和城乡建设局", "住房和城乡建设厅",
                "发展和改革委员会", "人力资源和社会保障局", "规划和自然资源局", "房屋管理局", "财政局")


def _repair_org(value: str) -> str:
    value = _OCR_SHANG.sub("上", value.strip())
    if value.startswith("_海"):
        value = "上" + value[1:]
    value = value.rstrip(".。,，")
    for phrase in _ORG_PHRASES:
        if phrase in value:
            continue
        n = len(phrase)
        for i in range(len(value) - n):
            window = value[i:i + n + 1]
            if any(window[:k] + window[k + 1:] == phrase for k in range(1, n)):
                value = value[:i] + phrase + value[i + n + 1:]
                break
    return value


def find_year(rows: list[Row]) -> tuple[int | None, bool]:
    """(year, sure): from a title "(2024年度)" or a date such as 2024-01-01 (sure), else from a
    year mentioned in the text (a hint only: goals cite other years)."""
    for row in rows:
        text = " ".join(c for c in row.cells if c)
        if len(text) < 40:
            m = _YEAR_TITLE.search(text)
            if m:
                return int(re.sub(r"\D", "", m.group(0))[:4]), True
        m = re.search(r"((?:19|20)\d\d)-\d\d-\d\d", text)
        if m:
            return int(m.group(1)), True
    for row in rows:
        text = " ".join(c for c in row.cells if c)
        m = _YEAR_TITLE.search(text) or _YEAR_ANY.search(text)
        if m:
            return int(re.sub(r"\D", "", m.group(0))[:4]), False
    return None, False


def to_number(text: str) -> float | None:
    t = squash(text).rstrip("%").replace("，", ",").strip("()")
    if not _NUMBER.match(t):
        return None
    x = float(t.replace(",", ""))
    return x if math.isfinite(x) else None  # 400 digits make float() infinite, not an error


_FUND_ROWS = [
    ("total", ("年度资金申请总额", "年度资金总额", "项目当年预算", "资金总额", "项目资金总额")),
    ("fiscal", ("当年财政拨款", "财政拨款", "财政资金")),
    ("carryover", ("上年结转资金", "上年结转")),
    ("other", ("其他资金",)),
]


def money_unit(rows: list[Row]) -> str | None:
    """元 or 万元 from labels such as "项目资金 (元)" or OCR-cut "项目 (万"."""
    text = "".join(r.text for r in rows)
    if "万元" in text or "(万" in text:
        return "万元"
    if "(元)" in text or "(元" in text:
        return "元"
    if "元)" in text:
        return None  # the label was cut; the caller may infer from sibling forms
    return None


def extract_funds(rows: list[Row]) -> Funds | None:
    """Money block of a target form: the last number on each labelled row."""
    values: dict[str, float] = {}
    for row in rows:
        numbers = [(i, n) for i, c in row.filled if (n := to_number(c)) is not None]
        if not numbers:
            continue
        for key, labels in _FUND_ROWS:
            # A row may hold two labels ("项目资金总额 … 年度资金申请总额 836,000"): the label
            # nearest to the left of the number names it.
            label_pos = [i for i, s in enumerate(row.squashed) if any(lbl in s for lbl in labels)]
            if label_pos and key not in values:
                pos = max(label_pos)
                after = [n for i, n in numbers if i > pos]
                if after:
                    values[key] = after[-1] if key != "total" else after[0]
    for row in rows:  # 2020 layout: "项目当年预算(元)：\t260,000,000"
        for i, s in enumerate(row.squashed):
            if s.startswith("项目当年预算") and "total" not in values:
                nums = [to_number(c) for c in row.cells[i + 1:i + 2]]
                if nums and nums[0] is not None:
                    values["total"] = nums[0]
    if not values:
        return None
    return Funds(**values, unit=money_unit(rows) or "元")


_BUDGET_COLUMNS = [
    ("initial", ("年初预算",)),
    ("adjusted", ("全年预算", "调整后预算", "预算数")),
    ("executed", ("全年执行", "执行数", "实际支出")),
    ("weight", ("分值", "分数", "权重")),
    ("rate_pct", ("执行率",)),
    ("score", ("得分",)),
]


def extract_budget(rows: list[Row]) -> Budget | None:
    """Budget-execution block of a self-evaluation, columns ordered as its header row says."""
    order: list[str] = []
    for row in rows:
        keys = []
        for s in row.squashed:
            for key, labels in _BUDGET_COLUMNS:
                if s and any(s.startswith(lbl) for lbl in labels) and key not in keys:
                    keys.append(key)
                    break
        if len(keys) >= 4:
            order = keys
            break
    if not order:
        return None
    for row in rows:
        if not any("资金总额" in s or s.startswith("合计") for s in row.squashed):
            continue
        nums = [c for c in row.cells if to_number(c) is not None and c.strip() not in ("-",)]
        nums = _mend_split_number(nums, order)
        if len(nums) < len(order) - 1:
            continue
        values = dict(zip(order, (to_number(c) for c in nums)))
        return Budget(**values, unit=money_unit(rows))
    return None


def _mend_split_number(cells: list[str], order: list[str]) -> list[str]:
    """OCR cuts "2,594.84" into "2,594.8" + "4": rejoin the pair that makes the rate add up."""
    if len(cells) != len(order) + 1:
        return cells
    best, best_err = cells, float("inf")
    for k in range(len(cells) - 1):
        merged = cells[:k] + [cells[k] + cells[k + 1]] + cells[k + 2:]
        vals = dict(zip(order, (to_number(c) for c in merged)))
        if any(v is None for v in vals.values()):
            continue
        adj, exe, rate = vals.get("adjusted"), vals.get("executed"), vals.get("rate_pct")
        err = abs(exe / adj * 100 - rate) if adj and exe is not None and rate is not None else 1e6
        if err < best_err:
            best, best_err = merged, err
    return best


def extract_total_and_grade(rows: list[Row]) -> tuple[float | None, str | None]:
    total = grade = None
    for row in rows:
        text = row.text
        if "总分" in text or text.startswith("合计"):
            nums = [to_number(c) for c in row.cells if to_number(c) is not None]
            if nums:
                total = nums[-1]
        if "等级" in text or "评价结论" in text or text.startswith("评分等"):
            for s in row.squashed:
                for g in _GRADES:
                    if s == g:
                        grade = g
                        break
    return total, grade
