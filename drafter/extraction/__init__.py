"""``--llm-read``: the model reads a file in which the reader found no form.

The reader stays the first and only judge of what it can read; the model is asked only about
files the reader gave up on ("no form found"). Its answer is validated (re-asked when malformed,
:mod:`.schema`), then grounded: every name and value must occur in the file's text, the rest is
dropped and reported. Calls run ``--jobs`` at a time; results come back in file order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from drafter.model import Form

TEMPLATES = ("extract.system.j2", "extract.user.j2")
# About 8k tokens of Chinese: a form fits many times over; a 50 MB file is not a form.
MAX_CHARS = 12000


@dataclass
class ModelRead:
    source: str
    forms: list[Form] = field(default_factory=list)
    rows: int = 0
    dropped: list[str] = field(default_factory=list)
    error: str | None = None
    cut: bool = False


def source_text(path: str) -> str:
    from drafter.read import read_bytes
    from drafter.read.decode import decode_bytes

    return decode_bytes(read_bytes(Path(path), path), path)


def messages_for(text: str) -> list[dict[str, str]]:
    from drafter.llm.prompts import render

    shown = text[:MAX_CHARS]
    return [{"role": "system", "content": render("extract.system.j2")},
            {"role": "user", "content": render("extract.user.j2", text=shown, chars=len(text),
                                               shown=len(shown), cut=len(text) > len(shown))}]


def read_with_model(sources: Sequence[str], client: Any, jobs: int = 1, run_id: str | None = None,
                    texts: dict[str, str] | None = None) -> list[ModelRead]:
    """The model's reading of every file in ``sources`` (paths the reader found no form in)."""
    from drafter.errors import InputError
    from drafter.extraction.schema import Extraction, ground
    from drafter.llm.pool import run_calls
    from drafter.llm.prompts import template_hash

    thash = template_hash(*TEMPLATES)
    run = run_id or uuid.uuid4().hex[:12]
    loaded: dict[str, str] = {}
    for s in sources:
        try:
            loaded[s] = texts[s] if texts and s in texts else source_text(s)
        except InputError:
            loaded[s] = ""

    def ask(source: str) -> Any:
        return client.structured(task="extract", response_model=Extraction, messages=messages_for(loaded[source]),
                                 run_id=run, template_hash=thash)

    todo = [s for s in sources if loaded[s].strip()]
    outcomes = dict(zip(todo, run_calls(todo, ask, jobs, label="大模型读取表单")))
    out: list[ModelRead] = []
    for s in sources:
        if s not in outcomes:
            out.append(ModelRead(s, error="文件没有可读的文字"))
            continue
        o = outcomes[s]
        if o.error is not None:
            out.append(ModelRead(s, error=str(o.error)))
            continue
        assert o.value is not None  # no error: the call returned
        grounded = ground(o.value.value, loaded[s])
        out.append(ModelRead(s, grounded.forms, grounded.rows, grounded.dropped, cut=len(loaded[s]) > MAX_CHARS))
    return out
