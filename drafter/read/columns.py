"""The heading of an indicator table: which columns it has, in which order, and where it is.

Headings differ by province (年初目标值(A), 预算设定指标值, 实际完成指标值, 自评得分, 指标值类型, 计量单位,
中期/长期 指标值 …) and reach us spread over lines, one cell per line, run into the table on one line,
or scrambled among the rows. Words are matched on a simplified copy with any spacing between their
characters ("分 值得 分").
"""

from __future__ import annotations

import re

from drafter.read.clean import squash
from drafter.read.labels import NOT_LEVELS
from drafter.read.vocab import simplified

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
HEADING_RE = re.compile("|".join(re.escape(w) for w, _ in _HEADING_WORDS))
# The same words with any spacing between characters ("年度 指标值", "分 值"), for headings that
# extraction ran together with the text around them.
_HEADING_SPACED = re.compile("|".join(r"\s*".join(re.escape(ch) for ch in w) for w, _ in _HEADING_WORDS))
_HEADING_ROLE = {w: r for w, r in _HEADING_WORDS}
VALUE_ROLES = ("other", "op", "target", "actual", "weight", "score", "deviation", "note", "unit")

ROLE_ZH = {"l1": "一级", "l2": "二级", "name": "三级(名称)", "target": "指标值", "actual": "完成值",
            "weight": "分值", "score": "得分", "deviation": "偏差原因", "note": "说明", "unit": "单位",
            "op": "指标性质", "other": "中期/长期值"}


def _heading_key(text: str) -> str:
    key = simplified(text).replace("（", "(").replace("）", ")")
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


def find_heading(lines: list[tuple[int, list[str]]]) -> tuple[int | None, list[str], int, list[str]]:
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
            roles = _refine(roles, more[2] if more else [])
            end += 1
        key = squash(_heading_key(text))
        scattered = {_HEADING_ROLE[m.group(0)] for m in HEADING_RE.finditer(key)} - set(roles)
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
        found = {_HEADING_ROLE[m.group(0)] for m in HEADING_RE.finditer(key)}
        if "name" in found and len(found & {"target", "actual", "weight", "score"}) >= 2 and \
                (best is None or len(found) > len(best[1])):
            best = (k, [r for r in _CANONICAL if r in found])
    if best is not None:
        return best[0], best[1], best[0] + 1, lines[best[0]][1]
    return None, [], 0, []


def _refine(roles: list[str], more: list[str]) -> list[str]:
    """Roles of a heading continued on the next line. New roles follow; a line that repeats a
    role beside new ones is a sub-heading ("指标值" over "中期指标值 | 年度指标值"), whose order
    wins from the first repeated role on."""
    present = [r for r in more if r in roles]
    if not present or len(present) == len(more):
        return roles + [r for r in more if r not in roles]
    at = min(roles.index(r) for r in present)
    kept = [r for r in roles if r not in more]
    at -= sum(1 for r in roles[:at] if r in more)
    return kept[:at] + more + kept[at:]


_CANONICAL = ("l1", "l2", "name", "target", "actual", "weight", "score", "deviation")


def _heading_only(cells: list[str]) -> bool:
    if not cells:
        return False
    for c in cells:
        key = squash(_heading_key(c))
        if key in NOT_LEVELS or key in ("指标", "绩效指标", "标"):
            continue
        if not HEADING_RE.fullmatch(key):
            return False
    return True
