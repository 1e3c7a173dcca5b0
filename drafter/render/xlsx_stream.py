"""Write-only workbooks that cost little memory per sheet and nothing per cell comment.

openpyxl's write-only mode streams each sheet's rows to a temporary file, but a closed sheet
still keeps ~13 KiB of per-sheet settings objects (page setup, views, margins, dimensions…),
and every cell comment stays in memory until ``save`` builds all comment parts at once. A review
workbook has one sheet per form and one comment per flagged indicator row: for a budget round of
thousands of forms that is what grew. Here a closed sheet gives up the objects its XML no longer
needs (they become shared class attributes, read only by ``save``), its comments go to a spool
on disk, and ``save`` writes them sheet by sheet, letting each go after.

What is left grows with the number of sheets, not with their contents: ~1 KiB per closed sheet,
and at save the zip directory and content types (~3 KiB per sheet with comments: sheet, rels,
comments and VML parts). bench/scale_report.md has the figures.

This leans on openpyxl internals (3.1: ``ExcelWriter``, ``WriteOnlyWorksheet`` attributes);
tests/test_xlsx_stream.py writes many sheets with comments and reads them back.
"""

from __future__ import annotations

import datetime
import pickle
import tempfile
from typing import IO, Any, Iterator

# What the sheet XML was written from: once a sheet is closed, ``save`` reads these only to ask
# "is there any?" (print area, defined names) and never writes them again.
_SETTINGS = ("HeaderFooter", "row_dimensions", "column_dimensions", "row_breaks", "col_breaks",
             "merged_cells", "data_validations", "page_setup", "print_options", "page_margins", "views",
             "protection", "conditional_formatting", "sheet_properties", "sheet_format", "scenarios",
             "_print_area", "defined_names")
# Shared as well, once a closed sheet is known to have none of them (see close_sheet).
_SHARED = _SETTINGS + ("auto_filter", "_charts", "_images", "_tables", "_pivots", "_hyperlinks", "_cells")


class _SpooledComments:
    """A closed sheet's comment records on disk; truthy when there are any, loaded when iterated."""

    def __init__(self, spool: IO[bytes], records: list[Any]) -> None:
        self._spool = spool
        self._count = len(records)
        spool.seek(0, 2)
        self._offset = spool.tell()
        pickle.dump(records, spool, protocol=pickle.HIGHEST_PROTOCOL)

    def __bool__(self) -> bool:
        return self._count > 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Any]:
        self._spool.flush()
        self._spool.seek(self._offset)
        return iter(pickle.load(self._spool))


class StreamedWorkbook:
    """``openpyxl.Workbook(write_only=True)`` plus :meth:`close_sheet` and a save that lets go."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self._spool: IO[bytes] = tempfile.TemporaryFile(prefix="drafter-xlsx-comments-")  # noqa: SIM115 (closed by discard)
        # A sheet that is never written: its default settings stand in for every closed sheet's.
        self._defaults = Workbook(write_only=True).create_sheet("defaults")
        self._closed: type | None = None

    def create_sheet(self, title: str) -> Any:
        return self.wb.create_sheet(title)

    def close_sheet(self, ws: Any) -> None:
        """Finish ``ws`` (its rows are on disk) and drop what only its own XML needed."""
        ws.close()
        if ws.auto_filter or ws.print_titles or ws._charts or ws._images or ws._tables or ws._pivots:
            return  # save writes these from the sheet: keep such a sheet whole (drafter makes none)
        if ws._comments:
            ws._comments = _SpooledComments(self._spool, ws._comments)
        ws._writer.xf = None  # its finished generators, ~0.5 KiB a sheet
        # The settings come from the closed-sheet class (shared defaults); a new, smaller dict
        # holds the rest, since a dict does not shrink when keys are deleted.
        ws.__class__ = self._closed_class()
        ws.__dict__ = {k: v for k, v in vars(ws).items() if k not in _SHARED and k != "_rows"}

    def _closed_class(self) -> type:
        if self._closed is None:
            from openpyxl.worksheet._write_only import WriteOnlyWorksheet
            shared: dict[str, Any] = {name: getattr(self._defaults, name) for name in _SHARED}
            shared.update(_rels=(), _drawing=None)  # once saved (see save)
            # Still a WriteOnlyWorksheet: Workbook.worksheets lists sheets by that class.
            self._closed = type("ClosedSheet", (WriteOnlyWorksheet,), shared)
        return self._closed

    def save(self, fh: IO[bytes]) -> None:
        """Write the workbook to ``fh`` (an open binary file); sheets still open are closed first."""
        from zipfile import ZIP_DEFLATED, ZipFile

        from openpyxl.writer.excel import ExcelWriter

        closed = self._closed_class()

        class Writer(ExcelWriter):
            _previous: Any = None

            def write_worksheet(self, ws: Any) -> None:
                # The sheet before this one is in the archive with its relationships and drawing:
                # nothing after the sheet loop reads them again.
                previous, self._previous = self._previous, ws
                if isinstance(previous, closed):
                    for name in ("_rels", "_drawing", "_writer"):  # _writer holds _rels too
                        previous.__dict__.pop(name, None)
                super().write_worksheet(ws)

            def _write_comment(self, ws: Any) -> None:
                ws._comments = list(ws._comments)  # read twice by CommentSheet.from_comments
                super()._write_comment(ws)
                # Only the count of comment parts is used after this (to number the next one).
                self._comments[-1] = None
                ws._comments = []

        if not self.wb.worksheets:
            self.wb.create_sheet()
        try:
            with ZipFile(fh, "w", ZIP_DEFLATED, allowZip64=True) as archive:
                self.wb.properties.modified = datetime.datetime.now(tz=datetime.timezone.utc).replace(tzinfo=None)
                Writer(self.wb, archive).write_data()
        finally:
            self.discard()

    def discard(self) -> None:
        """Remove the temporary files (rows of sheets not saved, the comment spool)."""
        import contextlib

        from openpyxl.worksheet._writer import ALL_TEMP_FILES

        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is not None and writer.out in ALL_TEMP_FILES:
                if not ws.closed:
                    with contextlib.suppress(Exception):
                        ws.close()  # ends its row stream, so nothing is left writing to the file
                with contextlib.suppress(OSError, ValueError):
                    writer.cleanup()
        with contextlib.suppress(OSError):
            self._spool.close()
