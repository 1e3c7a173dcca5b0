"""The rule catalogue, as the `rule` command and the 规则 page show it."""

from __future__ import annotations

from typing import Any


def rule_dict(r: Any) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "severity": r.severity, "tags": list(r.tags),
            "kinds": list(r.kinds), "doc": r.doc}


def catalogue() -> list[Any]:
    from drafter.rules import all_rules
    return list(all_rules())


def find_rule(code: str) -> Any | None:
    from drafter.rules import get_rule
    return get_rule(code)
