"""What rules see: a form and its indicators, with each value parsed and classified once.

Rules read only the :class:`drafter.model.Form`; this module adds no data, it caches the analysis
that many rules need (the parsed value, what kind of value it is, which category the row belongs
to) so that 40 rules cost about as much as one pass over the form.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from drafter.read.labels import LEVEL1_WORDS, LEVEL2_WORDS
from drafter.rules import words as W
from drafter.values import Value, parse_value

if TYPE_CHECKING:
    from drafter.config import ReviewConfig
    from drafter.rules.finding import Severity
    from drafter.model import Form, Indicator

# Kinds of value cell (target or actual).
MISSING = "missing"          # empty, lost in extraction
NUMERIC = "numeric"          # operator? + number + unit
NO_UNIT = "no_unit"          # operator + number, no unit ("=1")
BARE = "bare"                # a number alone ("90")
TEXT_OK = "text_ok"          # a date, a period, a frequency, zero events, a named standard
OP_NO_NUMBER = "op_no_number"  # "不超过", "≥"
RELATIVE = "relative"        # "提高5%" with no baseline
DIRECTION = "direction"      # "提升", "较上年提升", "有效"
VAGUE = "vague"              # "健全", "合规", "全年", a sentence restating the work

_CENT = Decimal("0.01")
# 二级 families of management (Shanghai 2020 投入与管理 layout).
MANAGEMENT_FAMILIES = ("投入管理", "财务管理", "实施管理")


@lru_cache(maxsize=65536)
def parse(raw: str | None) -> Value:
    # Real forms repeat a few hundred value spellings ("=100(%)"), so parsing each once pays.
    return parse_value(raw)


@lru_cache(maxsize=65536)
def classify(raw: str | None) -> tuple[Value, str]:
    """The parsed value of a cell and its kind (one of the constants above)."""
    v = parse(raw)
    return v, kind_of(v)


def kind_of(v: Value) -> str:
    if v.value is not None:
        if v.unit and W.is_deadline_unit(v.unit):
            return TEXT_OK  # "9月前": a date, not nine of something
        if v.unit:
            return NUMERIC
        return NO_UNIT if v.op else BARE
    return _text_kind(v.qualitative)


@lru_cache(maxsize=65536)
def _text_kind(qualitative: str | None) -> str:
    q = W.squash(qualitative)
    if not q or W.is_placeholder(q):
        return MISSING
    if W.has_digit(q):
        return RELATIVE if W.is_relative(q) and not W.has_baseline(q) else TEXT_OK
    if W.measurable_text(q):
        return TEXT_OK
    if W.starts_with_operator(q):
        return OP_NO_NUMBER
    if W.direction_word(q):
        return DIRECTION
    return VAGUE


def _family(label: str | None, table: dict[str, str], fallbacks: tuple[tuple[str, str], ...]) -> str | None:
    if not label:
        return None
    fam = table.get(label)
    if fam:
        return fam
    for word, family in fallbacks:
        if word in label:
            return family
    return None


_L1_FALLBACK = (("满意", "满意度"), ("成本", "成本"), ("产出", "产出"), ("效益", "效益"), ("效果", "效益"),
                ("影响", "影响力"), ("投入", "投入"), ("管理", "投入"))
_L2_FALLBACK = (("满意", "满意度"), ("数量", "数量"), ("质量", "质量"), ("时效", "时效"), ("成本", "成本"),
                ("经济", "经济效益"), ("社会", "社会效益"), ("生态", "生态效益"), ("环境", "生态效益"),
                ("可持续", "可持续影响"), ("长效", "可持续影响"))


@lru_cache(maxsize=4096)
def family1(label: str | None) -> str | None:
    """Canonical 一级 family (产出, 效益, 满意度, 成本, 投入, 影响力) of a printed label."""
    return _family(W.squash(label), LEVEL1_WORDS, _L1_FALLBACK)


@lru_cache(maxsize=4096)
def family2(label: str | None) -> str | None:
    """Canonical 二级 family (数量, 质量, 时效, 成本, 社会效益, 满意度, …) of a printed label."""
    return _family(W.squash(label), LEVEL2_WORDS, _L2_FALLBACK)


@lru_cache(maxsize=65536)
def _name_traits(name: str) -> tuple[bool, bool]:
    return W.is_satisfaction_name(name), W.is_time_name(name)


class Item:
    """One indicator row with its analysis."""

    __slots__ = ("index", "ind", "name", "target", "kind", "text", "fam1", "fam2", "is_sat",
                 "is_time", "is_cost", "verifiable", "_actual")

    def __init__(self, index: int, ind: Indicator):
        self.index = index
        self.ind = ind
        self.name = W.squash(ind.name)
        if ind.value is not None or ind.qualitative:
            # The reader parsed the cell with parse_value already; its fields are the value.
            v = Value(op=ind.op, value=ind.value, unit=ind.unit, qualitative=ind.qualitative)
            self.kind = kind_of(v)
        else:
            v, self.kind = classify(ind.target_raw)
        self.target = v
        self.text = W.squash(v.qualitative) if v.qualitative else ""
        self.fam1 = family1(ind.level1)
        self.fam2 = family2(ind.level2)
        sat_name, time_name = _name_traits(self.name)
        self.is_sat = sat_name
        # A row is about time when its name says so, or when its value only says "on time".
        self.is_time = time_name or (bool(self.text) and W.any_in(self.text, W.TIME_VALUE_WORDS) is not None
                                     and self.kind in (VAGUE, DIRECTION, OP_NO_NUMBER))
        self.is_cost = self.fam1 == "成本" or self.fam2 == "成本" or "成本" in self.name
        # A yes/no check against documents ("合规", "制度健全") under output quality or management
        # is verifiable: T21 asks for its judging standard, T07/T08 leave it alone.
        self.verifiable = (self.kind in (VAGUE, DIRECTION) and not self.is_sat and not self.is_time
                           and self.checkable_category and W.is_yes_no_check(self.text))
        self._actual: tuple[Value, str] | None = None

    @property
    def actual(self) -> Value:
        return self._actual_pair()[0]

    @property
    def actual_kind(self) -> str:
        return self._actual_pair()[1]

    def _actual_pair(self) -> tuple[Value, str]:
        if self._actual is None:
            self._actual = classify(self.ind.actual_raw)
        return self._actual

    @property
    def checkable_category(self) -> bool:
        """Output quality or management: where a documentary yes/no check is a fair target."""
        return (self.fam1 in ("投入", "过程", "决策") or self.fam2 in MANAGEMENT_FAMILIES
                or self.fam2 == "质量")

    @property
    def outcome(self) -> bool:
        """A benefit or lasting-effect indicator (效益, 影响力, 可持续影响)."""
        return self.fam1 in ("效益", "影响力") or self.fam2 in ("经济效益", "社会效益", "生态效益", "可持续影响")

    @property
    def value_text(self) -> str:
        """The target cell as printed, for messages."""
        return self.ind.target_raw or self.ind.qualitative or ""

    @property
    def owned_elsewhere(self) -> bool:
        """Satisfaction rows belong to T09 and time rows to T17: one report per vague value."""
        return self.is_sat or self.is_time


class Hit(NamedTuple):
    """What a rule returns; the engine turns it into a Finding with source and code."""

    # A field named like tuple.index is fine at runtime (the field wins); mypy flags any override.
    index: int | None  # type: ignore[assignment]
    message: str
    suggestion: str | None = None
    severity: Severity | None = None   # overrides the rule's default (config-dependent rules)
    tags: tuple[str, ...] | None = None  # overrides the rule's default tags


def project_key(text: str | None) -> str:
    """A project or indicator name reduced to what survives retyping: no spaces, no punctuation."""
    return W.strip_punct(W.squash(text))


class Run:
    """Every form of one review, for rules that compare forms (a self-evaluation with its targets)."""

    def __init__(self, batch: list[tuple[str, list[Form]]] | None = None,
                 history: list[tuple[str, list[Form]]] | None = None):
        self.batch = batch or []
        # Earlier years' forms (--history): what cross-year rules compare targets with.
        self.history = history or []
        self._targets: dict[str, list[tuple[str, int, Form]]] | None = None

    def past_forms(self, form: Form) -> list[tuple[str, Form]]:
        """History forms of the same project (and agency, when both name one) from earlier years."""
        key = project_key(form.project_name)
        if not key:
            return []
        out = []
        for source, forms in self.history:
            for f in forms:
                if project_key(f.project_name) != key:
                    continue
                if form.agency and f.agency and project_key(form.agency) != project_key(f.agency):
                    continue
                if form.year is not None and f.year is not None and f.year >= form.year:
                    continue
                out.append((source, f))
        # Latest year first: "last year" is the nearest one on record.
        return sorted(out, key=lambda sf: -(sf[1].year or 0))

    def targets_named(self, key: str) -> list[tuple[str, int, Form]]:
        """Target forms whose project name reduces to ``key``: (source, form index, form)."""
        if self._targets is None:
            self._targets = {}
            for source, forms in self.batch:
                for k, f in enumerate(forms):
                    if f.kind == "target":
                        self._targets.setdefault(project_key(f.project_name), []).append((source, k, f))
        return self._targets.get(key, [])


class FormView:
    """A form as the rules see it, plus the rest of the run for cross-form rules."""

    def __init__(self, form: Form, form_index: int, source: str, config: ReviewConfig,
                 run: Run | None = None):
        self.form = form
        self.form_index = form_index
        self.source = source
        self.config = config
        self.run = run or Run()
        self.items = [Item(i, ind) for i, ind in enumerate(form.indicators)]

    @property
    def kind(self) -> str:
        return self.form.kind

    def hit(self, item: Item | None, message: str, suggestion: str | None = None,
            severity: Severity | None = None, tags: tuple[str, ...] | None = None) -> Hit:
        return Hit(None if item is None else item.index, message, suggestion, severity, tags)


def num(x: float | None) -> str:
    """A number as people write it in these forms: no trailing zeros, no exponent."""
    if x is None:
        return "—"
    if not math.isfinite(x) or abs(x) >= 1e15:
        # Arithmetic on absurd figures (a weight of 1e308, a target of 1e-300) overflows; the
        # message should still say what the table holds instead of failing the whole review.
        return f"{x:g}"
    if abs(x - round(x)) < 1e-9:
        return f"{round(x):d}"
    return f"{x:.4f}".rstrip("0").rstrip(".")


def pts(x: float | None) -> str:
    """A score, weight or rate: two decimals, rounded half up as forms (and Excel) do."""
    if x is None:
        return "—"
    if not math.isfinite(x) or abs(x) >= 1e15:  # beyond Decimal's 28 digits once quantized
        return f"{x:g}"
    return str(Decimal(repr(round(x, 9))).quantize(_CENT, rounding=ROUND_HALF_UP))


def natural_op(name: str, v: Value) -> str:
    """The operator a target without one most likely meant: never one that changes its sense.

    "100%" is "=100%" (nothing is above all), a cost or error rate is a ceiling, the rest floors.
    """
    if W.any_in(name, W.NEGATIVE_NAMES):
        return "≤"
    if v.unit == "%" and v.value is not None and v.value >= 100:
        return "="
    return "≥"


def value_str(v: Value) -> str:
    """"≥90%", "=3项", "提升": a parsed value for messages and suggestions."""
    if v.value is None:
        return v.qualitative or ""
    return f"{v.op or ''}{num(v.value)}{v.unit or ''}"
