"""Deviation notes (偏差原因分析及改进措施): clean them, split cause from measure, judge them.

The column asks for two things in one cell, and units write them in three ways:

* labelled: "偏差原因分析：…。改进措施：…" (also 原因分析/问题/存在问题 … 整改措施/措施);
* unlabelled, cause first: "…衔接性不足。下一步将…", where the measure begins with a clause that
  starts with 下一步/后续/今后/拟/将/进一步/加强/完善/… (a measure is written as an intention);
* one part only: "进一步扩大测评覆盖面" (measure, no cause), "实际申请人次为486人次" (cause only).

Notes in scanned forms carry OCR debris: runs of kana or hangul, and fragments such as
"是一个,是一个,是一个" repeated by the recogniser. :func:`clean` drops those so that quotes in
reports stay readable; the note itself is kept verbatim in the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.rules import words as W

# Kana, hangul and other scripts that never occur in these Chinese forms: OCR noise.
_FOREIGN = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+"
                      r"(?:[、,，\s]*[\u3040-\u30ff\u3130-\u318f\uac00-\ud7af]+)*")
# The same 1–6 characters (with an optional separator) three or more times in a row; digits are
# left alone, "1000" is a number, not a stutter.
_REPEAT = re.compile(r"([^\d\s,，、。.]{1,6}?)(?:[,，、]?\1){2,}")
_SPACES = re.compile(r"\s+")

_CAUSE_LABEL = re.compile(r"^(?:(?:偏差原因及分析|偏差原因分析|偏差原因|原因分析|未完成原因|存在的问题|存在问题)"
                          r"\s*[:：]?|(?:问题|原因)\s*[:：])\s*")
# "进措施:" is OCR for "改进措施:" with the first character lost.
_MEASURE_LABEL = re.compile(r"(?:改进措施|整改措施|下一步措施|(?:改?进)?措施)\s*[:：]|改进措施|整改措施")
# "、" ends a clause only for finding where the measure starts ("…情况较多、进一步明确要求").
_CLAUSE_END = re.compile(r"[。；;！!？?\n，,、]")
MEASURE_STARTS = ("下一步", "下步", "下阶段", "下一阶段", "后续", "今后", "未来", "拟", "将", "计划将",
                  "继续", "持续", "进一步", "加强", "强化", "完善", "健全", "建立", "推动", "推进",
                  "着力", "做好", "抓好", "加快", "积极", "深化", "优化", "扩大", "增加", "提升",
                  "提高", "落实", "督促", "坚持", "按照", "通过", "争取", "力争", "确保", "加大")
_LIST_MARK = re.compile(r"^(?:\d+[、.．)）]|[（(]\d+[)）]|[一二三四五六七八九十]+[、.．])\s*")
# Statements that explain a shortfall without the usual cause words: what actually happened
# ("实际申请人次为486人次") or the situation behind the gap ("以全市层面的分析研究为主", "政策解读不充分").
_FACT = re.compile(r"实际[^，。]{0,12}(?:为|仅|只有|是)|仅[^，。]{0,8}\d|少于|低于|不足\d|为主|偏重|侧重|"
                   r"不匹配|不一致|不充分|不到位|缺乏|欠缺|缺少|较弱|新形势")
# Score and rate cells that OCR appended to the end of a note ("…得以提升。100.00 97.52").
_TRAILING_NUMBERS = re.compile(r"(?<=[。；;])[\d.\s%()（）]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# A clause that says how or on what basis runs on into the action it introduces.
_LEADS_ON = ("通过", "按照", "坚持", "围绕", "针对", "结合", "依托")
_PUNCT_EDGE = "，,。；;：:、 \t\n"


@dataclass(frozen=True)
class Split:
    reason: str
    measure: str


def clean(note: str | None) -> str:
    """The note without OCR debris and without whitespace; '' for None."""
    if not note:
        return ""
    text = _TRAILING_NUMBERS.sub("", note.strip())
    text = _FOREIGN.sub("", text)
    text = _REPEAT.sub(lambda m: m.group(1), text)
    text = _SPACES.sub("", text)
    # Removing debris can leave "、、," behind.
    text = re.sub(r"([、,，;；])(?:[、,，;；])+", r"\1", text)
    return text.strip(_PUNCT_EDGE)


def is_garbled(note: str | None) -> bool:
    """OCR debris worth telling the reader about: foreign scripts or long repeated fragments."""
    if not note:
        return False
    if _FOREIGN.search(note):
        return True
    return any(len(m.group(0)) >= 8 for m in _REPEAT.finditer(note))


def split(note: str | None) -> Split:
    """Cause part and measure part of a note (either may be '')."""
    text = clean(note)
    if not text:
        return Split("", "")
    m = _MEASURE_LABEL.search(text)
    if m:
        return Split(_tidy_reason(text[:m.start()]), _tidy(text[m.end():]))
    start = _first_measure_clause(text)
    if start is None:
        return Split(_tidy_reason(text), "")
    return Split(_tidy_reason(text[:start]), _tidy(text[start:]))


def _first_measure_clause(text: str) -> int | None:
    """Offset of the first clause that starts like an intention, or None."""
    starts = [0] + [m.end() for m in _CLAUSE_END.finditer(text)]
    for pos in starts:
        head = _LIST_MARK.sub("", _CAUSE_LABEL.sub("", text[pos:], count=1) if pos == 0 else text[pos:])
        if head.startswith(MEASURE_STARTS):
            return pos
    return None


def _tidy(text: str) -> str:
    return text.strip(_PUNCT_EDGE)


def _tidy_reason(text: str) -> str:
    return _tidy(_CAUSE_LABEL.sub("", _tidy(text), count=1))


def is_boilerplate(note: str | None) -> bool:
    """"暂无", "无", "/", "已完成", "客观原因": text that explains nothing (shared with rule S11)."""
    return note is not None and bool(W.strip_punct(note)) and W.is_boilerplate(note)


def states_cause(reason: str) -> bool:
    """The cause part says why, not only that something fell short ("仍有提升空间")."""
    if not reason:
        return False
    return W.has_cause(reason) or bool(_FACT.search(reason))


def states_measure(measure: str) -> bool:
    """The measure part names something to do ("有待完善" is a problem, not a measure)."""
    return bool(measure) and W.has_measure(measure)


def measure_items(measure: str) -> list[str]:
    """The measure part cut into separate actions: numbered items, else sentences/clauses."""
    text = _tidy(measure)
    if not text:
        return []
    numbered = re.split(r"(?:^|[;；。\s])(?:\d+[、.．)）]|[（(]\d+[)）])", text)
    parts = [p for p in (_tidy(x) for x in numbered) if p]
    if len(parts) <= 1:
        parts = [p for p in (_tidy(x) for x in re.split(r"[。；;]", text)) if p]
    if len(parts) == 1:
        # One sentence of comma-joined actions: cut where a clause starts with a verb.
        clauses, current = [], ""
        for piece in re.split(r"[，,]", parts[0]):
            piece = piece.strip()
            opener = _LIST_MARK.sub("", current.split("，")[-1]) if current else ""
            opener = re.sub(r"^(?:下一步|后续|今后|拟|将)+", "", opener)
            if current and piece.startswith(MEASURE_STARTS) and len(current) >= 6 \
                    and not opener.startswith(_LEADS_ON):
                clauses.append(current)
                current = piece
            else:
                current = f"{current}，{piece}" if current else piece
        if current:
            clauses.append(current)
        parts = clauses
    # Debris such as "0097.52" is not an action.
    return [p for p in parts if len(_CJK.findall(p)) >= 4]
