"""Text into the cells of an .xlsx the app exports: the backup, the activity schedule, the
sign-off sheet. One way for all of them, so each keeps what the workbook keeps:

* text stays text, never a formula ("=SUM(…)", "+86 138", "@某人" are written as typed);
* control characters pasted from Word ("\\x07", "\\x0b") are escaped the way OOXML spells
  them (``_x0007_``), as the xlsx store writes them: Excel, LibreOffice and the app read
  them back as they were (a literal "_x0041_" is protected the same way);
* a text over Excel's 32,767 characters (possible only from a Google sheet, which holds
  50,000) is not refused and not cut off: the cell keeps as much as fits, ending with a
  marker that names where the rest is, and the rest follows, in pieces that fit, on an
  overflow tab added at the end (cell address, piece number, text). The file opens
  cleanly in Excel and nothing is lost. A backup must never fail for one long cell.

"Fits" is two limits at once: Excel's, on the text (UTF-16 units), and openpyxl's, which
silently cuts a value at 32,767 characters, on the text as stored (escapes included: a
control character takes 7). Without the second, a cell of many control characters would
have lost its end without a word.

openpyxl is used because .xlsx is the export format (the workbook itself is the store's).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from unionplan import i18n
from unionplan.data.limits import MAX_CELL_CHARS, cell_length
from unionplan.data.store.xlsx.values import ooxml_escape

_MAX_TITLE = 31  # Excel's limit for a tab title
_LITERAL_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")  # stored with its "_" escaped (7 more)


def xlsx_text(text: str) -> str:
    """`text` as it must be stored so every reader gets it back unchanged."""
    return ooxml_escape(text)


class CellWriter:
    """Writes text cells of one export workbook; `save` gives the file's bytes."""

    def __init__(self, book: Workbook, lang: str) -> None:
        self.book = book
        self.lang = lang
        self._overflow: Worksheet | None = None

    def text(self, cell: Cell, value: object) -> None:
        """Put `value` into `cell` as text (None and "" leave it empty)."""
        text = "" if value is None else str(value)
        if _cut(text, MAX_CELL_CHARS)[1]:
            text = self._spill(cell, text)
        cell.value = xlsx_text(text) if text else None
        if text:
            cell.data_type = "s"  # never a formula, whatever the text starts with

    def save(self) -> bytes:
        """The workbook as .xlsx bytes, the overflow tab (if any) last."""
        if self._overflow is not None:
            sheets = self.book.worksheets
            self.book.move_sheet(self._overflow, len(sheets) - 1 - sheets.index(self._overflow))
        buf = io.BytesIO()
        self.book.save(buf)
        return buf.getvalue()

    # -- text that does not fit one cell

    def _spill(self, cell: Cell, text: str) -> str:
        """Write what does not fit `cell` to the overflow tab; the part `cell` keeps."""
        sheet = self._overflow_sheet()
        first_row = sheet.max_row + 1
        marker = i18n.t(
            "common.export.overflow_marker", self.lang, sheet=sheet.title, row=first_row
        )
        room = MAX_CELL_CHARS - cell_length(marker)
        head, rest = _cut(text, room)
        where = f"{cell.parent.title}!{cell.coordinate}"
        for n, piece in enumerate(_pieces(rest, MAX_CELL_CHARS), start=2):
            row = sheet.max_row + 1
            sheet.cell(row, 2).value = n
            for col, value in ((1, where), (3, piece)):
                out = sheet.cell(row, col)
                out.value = xlsx_text(value)
                out.data_type = "s"
        return head + marker

    def _overflow_sheet(self) -> Worksheet:
        if self._overflow is None:
            base = i18n.t("common.export.overflow_sheet", self.lang)[:_MAX_TITLE]
            taken = {s.casefold() for s in self.book.sheetnames}
            title, n = base, 2
            while title.casefold() in taken:
                suffix = f" ({n})"
                title, n = base[: _MAX_TITLE - len(suffix)] + suffix, n + 1
            self._overflow = sheet = self.book.create_sheet(title)
            for col, key in enumerate(("cell", "piece", "text"), start=1):
                head = sheet.cell(1, col)
                head.value = i18n.t(f"common.export.overflow_col_{key}", self.lang)
                head.data_type = "s"
            sheet.column_dimensions["C"].width = 100
        return self._overflow


def _cut(text: str, room: int) -> tuple[str, str]:
    """`text` split where the head fills `room` in both counts (UTF-16 units of the text,
    characters of its stored spelling); the tail is "" when the whole text fits."""
    if len(text) * 7 <= room:  # the most a character can cost: no need to count
        return text, ""
    units = stored = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if ch == "_":
            stored += 7 if _LITERAL_ESCAPE.match(text, i) else 1
        else:
            stored += len(xlsx_text(ch))
        if units > room or stored > room:
            return text[:i], text[i:]
    return text, ""


def _pieces(text: str, room: int) -> Iterator[str]:
    while text:
        piece, text = _cut(text, room)
        yield piece
