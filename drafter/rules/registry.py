"""The rule registry: every rule module registers one checker under a stable code.

Codes never change meaning once released (like ruff's): T01…T20 for target forms, S01…S20 for
self-evaluations, L01… for what the model finds in ``review --llm`` (:mod:`.llm_codes`: documented
here like the rest, but their checkers find nothing; drafter.critique makes those findings). A rule's docstring is its documentation, in Chinese, in four parts
(检查内容 / 为什么重要 / 示例 / 如何修改); ``drafter rule CODE`` prints it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from drafter.rules.finding import Severity
from drafter.rules.view import FormView, Hit

Checker = Callable[[FormView], Iterable[Hit]]

_RULES: dict[str, "Rule"] = {}
_MODULE = re.compile(r"^[ts]\d\d_\w+$")
_CODE = re.compile(r"^[TSL]\d\d$")
_ORDER = {"T": 0, "S": 1, "L": 2}
DOC_PARTS = ("检查内容", "为什么重要", "示例", "如何修改")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    tags: tuple[str, ...]
    kinds: tuple[str, ...]
    check: Checker
    doc: str
    basis: str = ""  # the clause or guide the rule rests on (财预〔2015〕88号, …), cited in findings

    @property
    def by_model(self) -> bool:
        """An L code: found by the model in ``review --llm``, never by a checker."""
        return self.code.startswith("L")

    @property
    def summary(self) -> str:
        """The first part of the doc (检查内容), one paragraph."""
        return section(self.doc, "检查内容") or self.name


def rule(code: str, name: str, severity: Severity, tags: tuple[str, ...] = (),
         kinds: tuple[str, ...] = ("target", "self_eval"), basis: str = "") -> Callable[[Checker], Checker]:
    """Register the decorated function as rule ``code``; ``basis`` cites what it rests on."""
    if not basis:
        raise ValueError(f"rule {code} cites no basis")
    if not _CODE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if severity not in ("error", "warning", "info"):
        raise ValueError(f"bad severity {severity!r} for {code}")

    def wrap(fn: Checker) -> Checker:
        doc = inspect.cleandoc(fn.__doc__ or "")
        missing = [p for p in DOC_PARTS if p not in doc]
        if missing:
            raise ValueError(f"rule {code} doc lacks {missing}")
        if code in _RULES and _RULES[code].check is not fn:
            raise ValueError(f"rule code {code} registered twice")
        _RULES[code] = Rule(code, name, severity, tuple(tags), tuple(kinds), fn, doc, basis)
        return fn

    return wrap


def all_rules() -> list[Rule]:
    """Every rule, sorted by code (T before S, as in the domain brief; the model's L codes last)."""
    _load()
    return sorted(_RULES.values(), key=lambda r: (_ORDER[r.code[0]], r.code))


def get_rule(code: str) -> Rule | None:
    _load()
    return _RULES.get(code.strip().upper())


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    import drafter.rules as pkg
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if _MODULE.match(info.name):
            importlib.import_module(f"drafter.rules.{info.name}")
    importlib.import_module("drafter.rules.llm_codes")
    _loaded = True


def section(doc: str, title: str) -> str:
    """The text of one of the four doc parts."""
    lines = doc.splitlines()
    out: list[str] = []
    inside = False
    for line in lines:
        head = line.strip().rstrip("：:")
        if head in DOC_PARTS:
            if inside:
                break
            inside = head == title
            continue
        if inside:
            out.append(line)
    return "\n".join(out).strip()
