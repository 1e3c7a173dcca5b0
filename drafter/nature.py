"""项目性质: whether a project recurs every year or is done once.

Forms print the nature in many spellings: 经常性项目, 其他经常性项目, 经常性专项业务费 (Shanghai),
持续性项目 / 延续性项目 (Hubei, Hunan), 一次性项目, 其他一次性项目. What matters to the rules and
to drafting is the kind: a recurring project's past years are its own history (a baseline), a
one-off project has none.
"""

from __future__ import annotations

import re
from typing import Literal

NatureKind = Literal["recurring", "one_off"]

RECURRING_WORDS = ("经常性", "持续性", "延续性", "常年性")
ONE_OFF_WORDS = ("一次性",)
KIND_ZH = {"recurring": "经常性", "one_off": "一次性"}


def nature_kind(text: str | None) -> NatureKind | None:
    """The kind a printed 项目性质 names, or None when it names none (blank, or another word)."""
    if not text:
        return None
    t = re.sub(r"\s+", "", text)
    # "非经常性" is a one-off spelled as a negation.
    if "非经常" in t or any(w in t for w in ONE_OFF_WORDS):
        return "one_off"
    if any(w in t for w in RECURRING_WORDS):
        return "recurring"
    return None
