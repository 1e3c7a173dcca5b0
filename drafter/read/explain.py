"""What the reader took each line for, and why: ``drafter parse --explain`` and the reason given
when a file yields no form. The reading itself is not changed by explaining it."""

from __future__ import annotations

from drafter.model import Form, Indicator
from drafter.read.loose import REASONS, Explained, has_cues, read_loose
from drafter.read.rows import Row, to_rows
from drafter.read.vocab import drop_glosses

ROLE_ZH = {"title": "标题", "header": "表头", "level": "层级", "indicator": "指标", "funds": "资金",
           "note": "说明", "ignored": "忽略"}


_REASON_LIMIT = 1_000_000  # characters: beyond this, noise is the likely answer and costs no time


def why_nothing(text: str) -> str:
    """One short reason why no form was read from this text."""
    if not text.strip() or not has_cues(text, numbers=False) or len(text) > _REASON_LIMIT:
        return REASONS[0]
    return read_loose(to_rows(drop_glosses(text))).reason


def explain_text(text: str, forms: list[Form]) -> list[Explained]:
    """Each line of a text with its role (see :func:`explain_rows`)."""
    return explain_rows(to_rows(drop_glosses(text)), forms)


def explain_rows(rows: list[Row], forms: list[Form]) -> list[Explained]:
    """Each row with its role. ``forms`` is what the reader actually returned from these rows:
    the rows its indicators came from are marked as such, whichever reading produced them."""
    lines = read_loose(rows).lines
    used: dict[int, Indicator] = {}
    count: dict[int, int] = {}
    for form in forms:
        for ind in form.indicators:
            kind, _, num = (ind.source or "").partition(" ")
            if kind in ("line", "row") and num.isdigit():
                used.setdefault(int(num), ind)
                count[int(num)] = count.get(int(num), 0) + 1
    own = {e.line for e in lines if e.role == "indicator" and e.why.startswith("指标「")}
    if own == set(used):
        return lines  # the reading the user got is this one: its marks are exact
    out = []
    seen = set()
    for e in lines:
        seen.add(e.line)
        hit = used.get(e.line)
        if hit is not None:
            many = f"{count[e.line]} 项指标，首项" if count[e.line] > 1 else "指标"
            out.append(Explained(e.line, e.text, "indicator",
                                 f"{many}「{hit.name[:20]}」，指标值 {hit.target_raw or '（空）'}"))
        elif e.role == "indicator":
            out.append(Explained(e.line, e.text, "ignored", "像指标行，但最终的读法没有采用"))
        else:
            out.append(e)
    for n, ind in sorted(used.items()):
        if n not in seen:
            out.append(Explained(n, "", "indicator", f"指标「{ind.name[:20]}」，指标值 {ind.target_raw or '（空）'}"))
    return sorted(out, key=lambda e: e.line)
