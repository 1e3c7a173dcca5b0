"""Pieces of form text and what each one is: level label, 指标N prefix, value, number or text.

A cell of a copied table is one piece, or several when extraction ran cells together
("产出指标数量指标改造公厕座数12座"): run-together text is cut at level labels, 指标N prefixes and
values, where a value must end where something else visibly begins (digits inside names such as
"6小时内扑灭率" are followed by more name). Vocabulary is matched on a simplified copy of the text
(:mod:`drafter.read.vocab`); pieces keep the text as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.read.clean import squash
from drafter.read.labels import LEVEL1_WORDS, LEVEL2_WORDS, NOT_LEVELS
from drafter.read.vocab import simplified
from drafter.values import parse_value

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


LEVELS = _level_words()
# Labels found inside run-together text: short words (数量, 成本) are too often part of names.
LEVEL_SCAN = re.compile("|".join(re.escape(w) for w in sorted(
    (w for w in LEVELS if len(w) >= 4), key=len, reverse=True)))
SCORE_MARK = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]")
INDEX = re.compile(r"(?:指标|目标)\s*\d{1,2}\s*[:：.、．]?")
# The same with its separator, where a name may go on with digits ("目标100%完成率" is no prefix).
INDEX_PREFIX = re.compile(r"(?:指标|目标)\s*\d{1,2}\s*[:：.、．]")

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
SEPARATORS = ",，;；。:：、"
# 【产出指标-数量指标】: the levels of the rows after it, in one bracket.
BRACKET_LABELS = re.compile(r"[【\[]([^】\]]{2,40})[】\]]")
# A target written in brackets at the end of the name: "设备数量(≥20台)" (not a "(≥**台)" template).
VALUE_IN_NAME = re.compile(rf"[(（]({_OPS}\s*\d+(?:\.\d+)?\s*[^()（）\d]{{0,6}})[)）]$")
# "一、" "(二)" "3." heading numbers of a notice or a report, not cells.
_ENUM = re.compile(r"[(（]?[一二三四五六七八九十]{1,3}[)）、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]")
EMPTY = {"", "-", "—", "/", "／", "--", "——", "…", "……", "………", "无"}
PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
OP_CELL = {"≥", "≤", "=", ">", "<", ">=", "<=", "定量", "定性", "正向", "反向", "正向指标", "反向指标"}
_UNIT_ONLY = re.compile(rf"(?:{_UNITS})")
UNIT_CELL = re.compile(rf"^\(?(?:{_UNITS}|[^\d\s()=<>≥≤%]{{1,3}})\)?$")

# Run-together text is cut character by character; a longer line is no table row (noise, a page
# of prose) and is kept whole, so that reading stays linear in the size of the input.
_MAX_SCAN = 20_000

_RUN_TOGETHER = 80  # a piece this long between spaces: the spaces are wraps, not cell borders


@dataclass
class Piece:
    kind: str  # label | index | value | number | text | empty | heading | sep
    text: str  # as printed
    key: str = ""  # simplified, squashed: what vocabulary is matched on
    level: int = 0
    line: int = 0
    fused: bool = False  # cut out of run-together text
    solo: bool = False  # its line held one cell (one cell per line, or a run-together row)


def level_of(key: str) -> int:
    return LEVELS.get(SCORE_MARK.sub("", key).rstrip(":："), 0)


def fused_text(text: str) -> bool:
    """Spaces in this text are wraps, not cell borders: a long stretch without one, or a long
    text whose pieces between spaces are long ("(2020 年度)项目名称…主管部门…")."""
    parts = text.split()
    if any(len(p) > _RUN_TOGETHER for p in parts):
        return True
    return len(text) > 200 and len(text) / max(len(parts), 1) > 15


# -- pieces -------------------------------------------------------------------------------------

def line_pieces(cells: list[str], line: int) -> list[Piece]:
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
    key = simplified(text).replace("（", "(").replace("）", ")")
    sq = squash(key)
    if SCORE_MARK.fullmatch(sq) or _ENUM.fullmatch(sq):
        return [Piece("mark", text, sq, line=line)]  # "(50分)", "三、": no cell of the table
    if sq in EMPTY:
        return [Piece("empty", text, sq, line=line)]
    out: list[Piece] = []
    after_index = False
    bm = BRACKET_LABELS.match(key)
    if bm and all(level_of(squash(p)) for p in re.split(r"[-—－]", bm.group(1))):
        # 【产出指标-数量指标】: the levels of the rows that follow, in one bracket.
        at = 1
        for part in re.split(r"([-—－])", bm.group(1)):
            if part and part not in "-—－":
                out.append(Piece("label", text[at:at + len(part)], squash(part), level_of(squash(part)), line))
            at += len(part)
        text, key = text[bm.end():].lstrip(), key[bm.end():].lstrip()
        if not text:
            return out
    # Leading 指标N: and level labels are peeled off whole cells as well as run-together ones.
    while True:
        m = INDEX.match(key)
        if m:
            out.append(Piece("index", text[: m.end()], line=line))
            text, key = text[m.end():].lstrip(), key[m.end():].lstrip()
            after_index = True
            continue
        lvl = _peel_level(key)
        whole = squash(key).rstrip(":：")
        if not after_index and whole.endswith("指标") and 4 < len(whole) <= 14 and whole not in LEVELS \
                and whole not in NOT_LEVELS and not any(ch.isdigit() for ch in whole) and not scan \
                and not _SET_PHRASE.search(whole) and not _PHRASE.search(whole) \
                and not (lvl and _peel_level(key[lvl[0]:].lstrip(" :："))):
            # A 二级 name the vocabulary lacks ("可持续性发展影响指标"): a label, not cut at a known prefix.
            out.append(Piece("label", text, whole, 2, line))
            return out
        if lvl and after_index and not _name_follows(key, lvl[0]):
            break  # "指标1:服务对象满意度": after the number comes the name, even a label word
        if lvl:
            word_len, level = lvl
            out.append(Piece("label", text[:word_len], squash(key[:word_len]), level, line))
            text, key = text[word_len:].lstrip(" :："), key[word_len:].lstrip(" :：")
            sm = SCORE_MARK.match(key)
            if sm:
                text, key = text[sm.end():].lstrip(), key[sm.end():].lstrip()
            continue
        break
    if not text:
        return out
    sq = squash(key)
    if sq in EMPTY:
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
    return bool(rest) and _value_at(rest, 0) is None and not INDEX.match(rest)


def _peel_level(key: str) -> tuple[int, int] | None:
    """(length, level) of a level label at the start of the text, if it is one."""
    m = LEVEL_SCAN.match(key)
    if m:
        return m.end(), LEVELS[m.group(0)]
    sq = squash(SCORE_MARK.sub("", key)).rstrip(":：")
    if sq in LEVELS and sq not in NOT_LEVELS:
        return len(key), LEVELS[sq]
    return None


def _whole(text: str, sq: str, line: int) -> Piece:
    if PLAIN.match(sq):
        return Piece("number", text, sq, line=line)
    if parse_value(simplified(text)).is_numeric or _DATE.fullmatch(sq) or _PHRASE.fullmatch(sq) \
            or sq in ("是", "否"):
        return Piece("value", text, sq, line=line)
    return Piece("text", text, sq, line=line)


def _scan(text: str, key: str, line: int) -> list[Piece]:
    """Cut run-together text into labels, 指标N prefixes, values and text."""
    out: list[Piece] = []
    i, n, buf = 0, len(key), 0

    def flush(upto: int) -> None:
        chunk = text[buf:upto].strip()
        if chunk.strip(SEPARATORS + " "):
            out.append(Piece("text", chunk, squash(key[buf:upto]), line=line, fused=True))

    while i < n:
        # Jump to the next place where a prefix, a label, a value or a separator can start:
        # elsewhere the loop below would only step on, one Python iteration per character.
        nxt = _CUT_AT.search(key, i)
        if nxt is None:
            break
        i = nxt.start()
        ch = key[i]
        if ch.isspace():
            i += 1
            continue
        m = INDEX.match(key, i)
        if m:
            flush(i)
            out.append(Piece("index", text[i:m.end()], line=line, fused=True))
            i = buf = m.end()
            continue
        lm = LEVEL_SCAN.match(key, i)
        if lm and out and out[-1].kind == "index" and buf == i and not _name_follows(key, lm.end()):
            lm = None
        if lm and (i == 0 or not key[i - 1].isalnum() or _boundary_before(out, key, buf, i)):
            flush(i)
            word = lm.group(0)
            end = lm.end()
            sm = SCORE_MARK.match(key, end)
            if sm:
                end = sm.end()
            out.append(Piece("label", text[i:lm.end()], word, LEVELS[word], line, True))
            i = buf = end
            continue
        vm = _value_at(key, i)
        after_value = bool(out) and out[-1].kind in ("value", "number") and buf == i
        # Right after a value, the next value (an actual, a score) starts at once: "…率100%100%库存…".
        if vm and (_ends_value(key, vm, i) or after_value):
            flush(i)
            out.append(Piece("value" if not PLAIN.match(squash(key[i:vm])) else "number",
                             text[i:vm].strip(), squash(key[i:vm]), line=line, fused=True))
            i = buf = vm
            continue
        if ch in SEPARATORS and out and out[-1].kind in ("value", "number") and buf == i:
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


# Everywhere _scan may cut: any of the patterns it tries, or a separator.
_CUT_AT = re.compile("|".join(f"(?:{rx.pattern})" for rx in (INDEX, LEVEL_SCAN, _YES_NO, _DATE, _NUMERIC, _PHRASE))
                     + f"|[{re.escape(SEPARATORS)}]")


def _boundary_before(out: list[Piece], key: str, buf: int, i: int) -> bool:
    # A label right after a value, a label or a separator starts a group; inside a name it does not.
    return buf == i or key[i - 1] in SEPARATORS


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
    if j >= len(key) or key[j] in SEPARATORS or key[j].isdigit() or key[j] in "≥≤=><":
        return True
    if LEVEL_SCAN.match(key, j) or _PHRASE.match(key, j) or INDEX.match(key, j):
        return True
    m = _NUMERIC.match(key, j)
    return bool(m and any(c.isdigit() for c in m.group(0)))
