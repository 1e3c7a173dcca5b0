"""`drafter parse` over a batch of any size: files read in ``--jobs`` processes, printed as they come.

Each file's forms are read in a worker and come back pickled, one file at a time, in file order
(:func:`drafter.batch.map_ordered`), so the output of ``--jobs 2`` is that of ``--jobs 1`` and a
batch costs the memory of a few files. The JSON of a file is rendered in the worker too: the
parent only joins the pieces.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from drafter.model import Form

Note = Callable[[str], None]


@dataclass
class ParsedPart:
    """One file read by a worker: its forms pickled, its JSON item, or the line saying why not."""
    source: str
    error: str | None = None
    pickled: bytes = b""
    json_item: str = ""
    forms: int = 0
    indicators: int = 0


def parse_file(path: str) -> ParsedPart:
    """Read one file (runs in a worker); the error line quotes the name as given."""
    from drafter.batch import dump
    from drafter.model import ParsedFile
    from drafter.render.forms import parsed_json_item
    from drafter.services.sources import read_named

    got = read_named([(Path(path), path)])
    if not got.good:
        return ParsedPart(path, error=got.bad[0])
    forms = got.good[0][1]
    return ParsedPart(path, pickled=dump(forms), json_item=parsed_json_item(ParsedFile(source=path, forms=forms)),
                      forms=len(forms), indicators=sum(len(f.indicators) for f in forms))


class ParsedBatch:
    """Iterate for the readable files' parts in file order; :attr:`bad` fills as the batch goes."""

    def __init__(self, files: Sequence[str], jobs: int, note: Note = lambda _m: None, progress: object = None):
        self.files, self.jobs, self.note, self.progress = list(files), jobs, note, progress
        self.bad: list[str] = []
        self.good = 0

    def __iter__(self) -> Iterator[ParsedPart]:
        from drafter.batch import map_ordered

        for part in map_ordered(parse_file, self.files, self.jobs):
            if self.progress is not None:
                self.progress.advance(part.forms, part.indicators, 0)  # type: ignore[attr-defined]
            if part.error is not None:
                self.bad.append(part.error)
                self.note(part.error)
                continue
            self.good += 1
            yield part


def forms_of(part: ParsedPart) -> list[Form]:
    forms: list[Form] = pickle.loads(part.pickled)
    return forms
