"""The rule catalogue, as the `rule` command and the 规则 page show it."""

from __future__ import annotations

from typing import Any


def rule_dict(r: Any) -> dict[str, Any]:
    return {"code": r.code, "name": r.name, "severity": r.severity, "tags": list(r.tags),
            "kinds": list(r.kinds), "doc": r.doc, "basis": r.basis}


def presets() -> list[dict[str, Any]]:
    """The named --config presets with what they set and the document each rests on."""
    from drafter.config import PRESETS
    return [{"name": p.name, "title": p.title, "source": p.source, "values": dict(p.values)}
            for p in PRESETS.values()]


def catalogue() -> list[Any]:
    from drafter.rules import all_rules
    return list(all_rules())


def find_rule(code: str) -> Any | None:
    from drafter.rules import get_rule
    return get_rule(code)
