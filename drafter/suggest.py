"""Offline rewrites for unmeasurable indicators, drawn from the built-in corpus of past forms.

For an indicator such as ``居民满意度 / 提升`` we look for measurable indicators with a similar
name in the corpus (character-bigram overlap), take the target most of them use and offer
``居民满意度 ≥90%（以上年度测评值为基线）（依据：语料库同类指标，3 例）``. When the corpus has
nothing close, a category template is used and marked as such. No model, no network, no
randomness: the same input always gives the same text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from drafter.model import Form, Indicator
from drafter.rules import words as W
from drafter.rules.finding import Finding
from drafter.rules.view import NUMERIC, TEXT_OK, Item, classify, family2, natural_op, num
from drafter.values import Value

_YEAR = re.compile(r"20\d\d年")
# Names that are themselves vague make poor models ("长效管理机制健全性 ≥90%").
_VAGUE_NAME = re.compile(r"健全|完善|规范性|有效性|合规性|完备|可行性|相符性|加强|提升|提高|改善")
_BAD_NAME = re.compile(r"[≥≤=<>]|\d+\.\d+|[/+·]{2,}")
_METRIC_NAME = re.compile(r"(?:率|度|数|量|次数|天数|份数|时限|时间|时长|金额|成本|费用|面积|人次)$")


@dataclass(frozen=True)
class Example:
    name: str        # compared: no spaces, no punctuation
    display: str     # shown: as printed, without spaces
    grams: frozenset[str]
    value: str
    family2: str | None
    is_sat: bool
    is_time: bool
    source: str


def _grams(name: str) -> frozenset[str]:
    name = W.strip_punct(name)
    if len(name) < 2:
        return frozenset({name})
    return frozenset(name[i:i + 2] for i in range(len(name) - 1))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _value_text(ind: Indicator, is_sat: bool) -> str | None:
    v, kind = classify(ind.target_raw)
    if kind == NUMERIC:
        if v.op is None:
            return None  # half a target ("100%"): not a model to copy
        op = "≥" if is_sat and v.op in ("=", ">") else v.op
        return f"{op}{num(v.value)}{v.unit}"
    if kind == TEXT_OK:
        text = W.squash(v.qualitative)
        return _YEAR.sub("当年", text)
    return None


def _examples_from(forms: Sequence[tuple[str, list[Form]]]) -> tuple[Example, ...]:
    out: list[Example] = []
    for source, fs in forms:
        for form in fs:
            for ind in form.indicators:
                name = W.strip_punct(W.squash(ind.name))
                if not (2 <= len(name) <= 30) or _BAD_NAME.search(ind.name) or _VAGUE_NAME.search(name):
                    continue
                is_sat = W.is_satisfaction_name(name)
                value = _value_text(ind, is_sat)
                if value is None:
                    continue
                is_time = W.is_time_name(name)
                out.append(Example(name, W.squash(ind.name), _grams(name), value, family2(ind.level2), is_sat, is_time, source))
    # Sorted so that every later choice is independent of file order.
    return tuple(sorted(out, key=lambda e: (e.name, e.value, e.source)))


@lru_cache(maxsize=1)
def corpus_examples() -> tuple[Example, ...]:
    """Measurable indicators of the built-in corpus, parsed once per process."""
    from drafter.errors import InputError
    from drafter.read import expand_paths, read_file
    from drafter.resources import corpus_dir
    forms: list[tuple[str, list[Form]]] = []
    for path in expand_paths([str(corpus_dir())]):
        try:
            forms.append((path.name, read_file(path)))
        except InputError:
            continue
    return _examples_from(forms)


def _vote(cands: list[tuple[float, Example]]) -> tuple[str, int, Example] | None:
    """The value most similar examples use: (value, how many use it, the closest of them)."""
    if not cands:
        return None
    weight: dict[str, float] = defaultdict(float)
    count: dict[str, int] = defaultdict(int)
    best: dict[str, tuple[float, Example]] = {}
    for sim, ex in cands:
        weight[ex.value] += sim
        count[ex.value] += 1
        if ex.value not in best or sim > best[ex.value][0]:
            best[ex.value] = (sim, ex)
    value = max(weight, key=lambda v: (round(weight[v], 6), count[v], v))
    return value, count[value], best[value][1]


def _baseline_note(is_sat: bool, direction: bool) -> str:
    if is_sat:
        return "（以上年度测评值为基线）"
    if direction:
        return "（以上年度实际值为基线）"
    return ""


_STATE_TAIL = re.compile(r"(?:合规|达标|合格|规范|符合|完备|齐全|稳定|有效|健全|完善|建立|形成|到位|保障|"
                         r"提升|提高|改善|增强|优化|情况|程度|水平|性)+$")
_VERB_HEAD = re.compile(r"^(?:保障|确保|推动|加强|提升|提高)")
_RATE_OF_STATE = (("合规", "合规率"), ("规范", "合规率"), ("符合", "符合率"), ("合格", "合格率"),
                  ("达标", "达标率"), ("完备", "完备率"), ("齐全", "完备率"), ("到位", "完成率"))
TEMPLATE_MARK = "（通用写法，需按本项目填写数值）"


def _base(name: str) -> str:
    return _STATE_TAIL.sub("", _VERB_HEAD.sub("", name)) or name


def _deadline_vote(examples: tuple[Example, ...]) -> tuple[str, int] | None:
    deadlines = [(1.0, e) for e in examples if e.is_time and e.value.endswith("前")]
    voted = _vote(deadlines)
    return (voted[0], voted[1]) if voted else None


def _templated(name: str, text: str, examples: tuple[Example, ...], is_sat: bool, is_time: bool) -> str:
    """Category templates, with the figure taken from the corpus where it has one."""
    if is_sat:
        voted = _vote([(1.0, e) for e in examples if e.is_sat and e.value.startswith("≥") and e.value.endswith("%")])
        if voted:
            return f"{name} {voted[0]}（以上年度测评值为基线）（依据：语料库满意度指标，{voted[1]} 例）"
        return f"{name} ≥90%（以上年度测评值为基线）{TEMPLATE_MARK}"
    if is_time:
        deadline = _deadline_vote(examples)
        if deadline:
            return f"{name}：{deadline[0]}完成（或 ≤N个工作日）（依据：语料库时效指标，{deadline[1]} 例）"
        return f"{name}：当年12月底前完成（或 ≤N个工作日）{TEMPLATE_MARK}"
    base = _base(name)
    both = name + text
    if W.any_in(both, ("机制", "制度", "预案")):
        return f"{base}：当年出台或修订相关制度文件 ≥1 项，12月底前印发执行{TEMPLATE_MARK}"
    for word, rate in _RATE_OF_STATE:
        if word in text:
            return f"{base}{rate} =100%（以抽查、验收或审计结果为准）{TEMPLATE_MARK}"
    if W.any_in(both, ("安全", "泄露", "事故")):
        event = "事件发生数" if base.endswith("安全") else "安全事件发生数"
        return f"{base}{event} =0件{TEMPLATE_MARK}"
    if W.any_in(both, ("稳定", "运行")):
        return f"{base}可用率（正常运行时间占比）≥99%{TEMPLATE_MARK}"
    if name.endswith(("率", "度")):
        return f"{name} ≥N%（以上年度实际值为基线，写明较上年提高的幅度）{TEMPLATE_MARK}"
    return f"{name}：改用可计量的结果表述，如“××数量 ≥N 个”“××率 ≥N%”，并注明上年实际值{TEMPLATE_MARK}"


def _complete_number(name: str, v: Value, is_sat: bool) -> str:
    """A number missing its operator or unit: keep what the unit wrote, add only what is missing.

    The printed operator is never replaced ("≤7个工作日" stays a ceiling), a unit printed in the
    name is used ("面积(亩)"), and "100%" becomes "=100%", not "≥100%".
    """
    if v.unit and W.is_deadline_unit(v.unit):
        return f"{name}：{num(v.value)}{v.unit}完成（时点已写明，保持原值）"
    if v.op in ("≤", "<") and v.unit and v.unit != "%" and name.endswith("率"):
        # "检测及时率 ≤7个工作日" is a time limit under a rate's name: rename, keep the figure.
        limit = name.replace("及时率", "时限") if "及时率" in name else name[:-1] + "时限"
        return f"{limit} {v.op}{num(v.value)}{v.unit}（名称改为时限，保留原值）"
    if v.unit == "%" and not is_sat and W.pseudo_rate(name):
        return f"{name}：改用能计数的对象及其分母，如“××天数 ≥N天”“××率 ≥N%（分子/分母）”{TEMPLATE_MARK}"
    unit = v.unit or W.unit_in_name(name, v.value) or ("%" if is_sat or name.endswith(("率", "度")) else "个")
    op = v.op or ("≥" if is_sat else natural_op(name, Value(value=v.value, unit=unit)))
    return f"{name} {op}{num(v.value)}{unit}（补全符号和单位）"


def suggest_for(ind: Indicator, examples: tuple[Example, ...] | None = None) -> str:
    """A measurable rewrite of one indicator, marked with where it came from."""
    examples = corpus_examples() if examples is None else examples
    shown = W.squash(ind.name) or "该指标"
    key = W.strip_punct(shown)
    grams = _grams(key)
    is_sat = W.is_satisfaction_name(key)
    fam = family2(ind.level2)
    v = Item(0, ind).target
    if v.value is not None:
        return _complete_number(shown, v, is_sat)
    text = W.squash(v.qualitative) if v.qualitative else ""
    # As in the rules: a row is about time when its name says so or its value only says "on time".
    is_time = W.is_time_name(key) or (
        fam == "时效" and W.any_in(text, W.TIME_VALUE_WORDS) is not None)
    cands = []
    for ex in examples:
        if ex.is_sat != is_sat or ex.is_time != is_time:
            continue
        if fam and ex.family2 and ex.family2 != fam:
            continue
        if ex.name == key:
            cands.append((1.0, ex))
            continue
        shared = len(grams & ex.grams)
        # Most of the indicator's own words must be in the model, so that it measures the same thing.
        if grams and shared / len(grams) >= 0.8 and _similarity(grams, ex.grams) >= 0.4:
            cands.append((_similarity(grams, ex.grams), ex))
    voted = _vote(cands)
    if voted is None:
        return _templated(shown, text, examples, is_sat, is_time)
    value, n, closest = voted
    name = shown if _METRIC_NAME.search(key) else closest.display
    direction = bool(W.direction_word(text))
    sep = " " if value[:1] in "≥≤=<>" else "："
    return f"{name}{sep}{value}{_baseline_note(is_sat, direction)}（依据：语料库同类指标，{n} 例）"


def add_suggestions(findings: list[Finding], batch: Sequence[tuple[str, list[Form]]]) -> list[Finding]:
    """The findings, with every unmeasurable indicator's suggestion replaced by a rewrite."""
    forms = {src: fs for src, fs in batch}
    examples = corpus_examples()
    memo: dict[tuple[str, str | None], str] = {}
    out: list[Finding] = []
    for f in findings:
        if "unmeasurable" not in f.tags or f.indicator_index is None or f.source not in forms:
            out.append(f)
            continue
        ind = forms[f.source][f.form_index].indicators[f.indicator_index]
        key = (ind.name, ind.target_raw)
        if key not in memo:
            memo[key] = suggest_for(ind, examples)
        out.append(replace(f, suggestion=memo[key]))
    return out
