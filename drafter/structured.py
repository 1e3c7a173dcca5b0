"""Small structured files users hand to drafter (review config, draft requests): JSON, YAML, TOML.

One reader so every command words its errors the same way: one line, exit 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drafter.errors import InputError


def read_structured(path: str | Path) -> Any:
    """Parse a JSON, YAML or TOML file, chosen by suffix (by content when the suffix says nothing)."""
    p = Path(path)
    source = str(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("文件不存在 (no such file)", source) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"无法读取文件 (cannot read: {e})", source) from None
    suffix = p.suffix.lower()
    if suffix == ".json" or (suffix not in (".toml", ".yaml", ".yml") and text.lstrip()[:1] in "{["):
        return _json(text, source)
    if suffix in (".yaml", ".yml"):
        return _yaml(text, source)
    if suffix == ".toml":
        return _toml(text, source)
    try:  # no telling suffix: TOML first (the usual config format), YAML as the fallback
        return _toml(text, source)
    except InputError:
        return _yaml(text, source)


def _json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"JSON 格式错误 (invalid JSON at line {e.lineno})", source) from None


def _toml(text: str, source: str) -> Any:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ImportError:
            raise InputError("读取 TOML 需要 Python 3.11+，请改用 YAML (TOML needs Python 3.11+)",
                             source) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"TOML 格式错误 (invalid TOML: {e})", source) from None


def _yaml(text: str, source: str) -> Any:
    import yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"YAML 格式错误 (invalid YAML{where})", source) from None
