"""Small structured files users hand to drafter (review config, draft requests): JSON, YAML, TOML.

One reader so every command words its errors the same way: one line, exit 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from drafter.errors import InputError


def read_structured(path: str | Path) -> Any:
    """Parse a JSON, YAML or TOML file, chosen by suffix (by content when the suffix says nothing).

    Mappings always come back with string keys, whatever the format: YAML alone allows
    ``1:`` or ``null:`` keys, and callers report unknown keys by joining them as text. Strings
    come back without control characters or lone surrogates (JSON and YAML escapes can spell
    them), which no terminal, UTF-8 file or workbook can take.
    """
    from drafter.read import STDIN, read_bytes, read_stdin
    from drafter.read.decode import decode_bytes

    p = Path(path)
    source = str(path)
    # The form readers' bytes and decoding: the same words for a missing, empty, binary or
    # GBK/UTF-16 file, and no Python codec message on the terminal.
    data = read_stdin() if source == STDIN else read_bytes(p, source)
    text = decode_bytes(data, source).lstrip("\ufeff")
    try:
        return _clean(_parse(text, p.suffix.lower(), source), {})
    except RecursionError:  # a YAML structure nested deeper than the stack
        raise InputError("嵌套过深 (nested too deeply)", source) from None


def _parse(text: str, suffix: str, source: str) -> Any:
    if suffix == ".json" or (suffix not in (".toml", ".yaml", ".yml") and text.lstrip().startswith("{")):
        return _json(text, source)
    if suffix not in (".toml", ".yaml", ".yml") and text.lstrip().startswith("["):
        # A JSON list, or a TOML file opening with a [table] (standard input has no suffix).
        try:
            return _json(text, source)
        except InputError:
            try:
                return _toml(text, source)
            except InputError:
                pass
            raise
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
    except (RecursionError, ValueError):
        # Nesting deeper than the parser's stack, or an integer longer than int() accepts.
        raise InputError("JSON 嵌套过深或数字过长 (JSON nested too deeply or number too long)",
                         source) from None


def _toml(text: str, source: str) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # a version test, not try/except, so that type checkers follow it
        try:
            import tomli as tomllib
        except ImportError:
            raise InputError("读取 TOML 需要 Python 3.11+，请改用 YAML (TOML needs Python 3.11+)",
                             source) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"TOML 格式错误 (invalid TOML: {e})", source) from None
    except (RecursionError, ValueError):  # deep nesting; an integer longer than int() accepts
        raise InputError("TOML 嵌套过深或数字过长 (TOML nested too deeply or number too long)",
                         source) from None


def _yaml(text: str, source: str) -> Any:
    import yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(f"YAML 格式错误 (invalid YAML{where})", source) from None
    except Exception:  # noqa: BLE001
        # PyYAML's constructors raise whatever their conversion raises for a scalar they cannot
        # read: 2024-13-45 (ValueError), "!!bool x" (KeyError), "!!timestamp" (AttributeError),
        # an integer longer than int() accepts, nesting deeper than the stack (RecursionError).
        raise InputError("YAML 格式错误 (invalid YAML value)", source) from None


def _clean(value: Any, done: dict[int, Any]) -> Any:
    """``value`` with text keys and clean strings (see read_structured). YAML anchors can make a
    structure refer to itself, so each container is converted once (``done``, by id)."""
    from drafter.read.clean import strip_controls

    if isinstance(value, str):
        return strip_controls(value)
    if not isinstance(value, (dict, list)):
        return value
    if id(value) in done:
        return done[id(value)]
    if isinstance(value, list):
        out_list: list[Any] = []
        done[id(value)] = out_list
        out_list.extend(_clean(v, done) for v in value)
        return out_list
    out: dict[str, Any] = {}
    done[id(value)] = out
    for k, v in value.items():
        out[strip_controls(k if isinstance(k, str) else str(k))] = _clean(v, done)
    return out
