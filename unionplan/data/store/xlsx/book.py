"""The workbook in memory: the file's parts as last read, the grids read from them, and the
edits of the current transaction, both as a list (for the fallback) and as new parts.
"""

from __future__ import annotations

import copy
import io
import struct
from collections.abc import Sequence
from pathlib import Path

from python_calamine import CalamineWorkbook

from unionplan.data.store.base import Grid
from unionplan.data.store.xlsx import fallback, package, zipio
from unionplan.data.store.xlsx.errors import CorruptError, UnsupportedError
from unionplan.data.store.xlsx.sheetxml import CellWriter, last_used_row, new_sheet_xml
from unionplan.data.store.xlsx.sheetxml import set_cells as set_cells_xml
from unionplan.data.store.xlsx.styles import Styles
from unionplan.data.store.xlsx.values import (
    MAX_ROW,
    CellEdit,
    WriteValue,
    apply_cells,
    header_cells,
    normalize_rows,
)
from unionplan.data.store.xlsx.zipio import Entry
from unionplan.errors import NotFoundError

Stamp = tuple[int, int, int]  # (inode, size, mtime_ns) of the file on disk


class Book:
    """The workbook as last read from disk, plus the edits of the current transaction.

    Copy-on-write: `snapshot()` is a shallow copy, and edits replace entries, grids and
    rows instead of mutating them, so a snapshot can be restored when a block fails.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp: Stamp | None = None
        self.tail = b""
        self.base: bytes | None = None  # the file's bytes; None when there is no file yet
        self.entries: dict[str, Entry] = {}
        self.wb_part = ""
        self.sheets: list[tuple[str, str | None]] = []  # (title, worksheet part) in tab order
        self.base_titles: frozenset[str] = frozenset()
        self.date1904 = False
        self.grids: dict[str, Grid] = {}  # current view, loaded lazily
        self.ops: list[fallback.Op] = []  # edits since the last save, in order
        self.inexact: set[str] = set()  # tabs whose view may differ from what will read back
        self.surgery_ok = True  # False: this transaction saves through openpyxl
        self.dirty = False
        self._calamine: CalamineWorkbook | None = None

    # -- loading

    @classmethod
    def load(cls, path: Path, data: bytes, stamp: Stamp) -> Book:
        book = cls(path)
        book.stamp = stamp
        book.base = data
        try:
            book.tail = zipio.zip_tail(data)
            book.entries = zipio.read_entries(data)
            book.wb_part, book.sheets, book.date1904 = package.read_workbook(book.entries)
        except (UnsupportedError, struct.error, ValueError, KeyError, IndexError) as e:
            raise CorruptError(f"{type(e).__name__}: {e}") from e
        book.base_titles = frozenset(t for t, _ in book.sheets)
        return book

    def adopt_grids(self, old: Book) -> None:
        """Keep the grids of tabs whose parts did not change on disk (their CRCs say so):
        after another session appended to one tab, only that tab is parsed again."""
        if not old.grids or old.ops:
            return

        def shared(book: Book) -> dict[str, tuple[int, int]]:
            sheet_parts = {p for _, p in book.sheets}
            return {n: (e.crc, e.size) for n, e in book.entries.items() if n not in sheet_parts}

        if shared(old) != shared(self):
            return  # shared strings, styles or the workbook changed: every tab may read anew
        old_parts = dict(old.sheets)
        for title, part in self.sheets:
            grid = old.grids.get(title)
            if grid is None or part is None or old_parts.get(title) != part:
                continue
            before, now = old.entries.get(part), self.entries.get(part)
            if before and now and (before.crc, before.size) == (now.crc, now.size):
                self.grids[title] = grid

    def snapshot(self) -> Book:
        other = copy.copy(self)
        other.entries = dict(self.entries)
        other.sheets = list(self.sheets)
        other.grids = dict(self.grids)
        other.ops = list(self.ops)
        other.inexact = set(self.inexact)
        return other

    # -- reading

    def find(self, title: str) -> str | None:
        titles = [t for t, _ in self.sheets]
        if title in titles:
            return title
        folded = title.casefold()  # Excel treats tab names case-insensitively
        return next((t for t in titles if t.casefold() == folded), None)

    def resolve(self, title: str) -> str:
        found = self.find(title)
        if found is None:
            raise NotFoundError(f"{self.path}: no tab named {title!r}", key="errors.not_found")
        return found

    def titles(self) -> list[str]:
        return [t for t, _ in self.sheets]

    def grid(self, title: str) -> Grid:
        g = self.grids.get(title)
        if g is None:
            if title in self.base_titles:
                self._load_base_grids([title])
                g = self.grids[title]
            else:
                g = []
            for kind, t, arg in self.ops:
                if t == title:
                    g = apply_cells(g, arg if kind == "set" else header_cells(arg))
            self.grids[title] = g
        return g

    def load_all_grids(self) -> None:
        missing = [t for t in self.titles() if t not in self.grids and t in self.base_titles]
        if missing and not self.ops:
            self._load_base_grids(missing)
        for t in self.titles():
            self.grid(t)

    def _load_base_grids(self, titles: list[str]) -> None:
        """Read tabs from the file bytes with calamine (openpyxl if calamine fails)."""
        assert self.base is not None
        try:
            if self._calamine is None:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.base))
            for t in titles:
                rows = self._calamine.get_sheet_by_name(t).to_python(skip_empty_area=False)
                self.grids[t] = normalize_rows(rows)
        except Exception as e:  # any calamine failure (it has many types): try openpyxl
            try:
                self.grids.update(fallback.read_grids(self.base, titles))
            except Exception as e2:  # a library's failure on a bad file, whatever its type
                raise CorruptError(f"calamine: {e}; openpyxl: {e2}") from e2

    def styles(self) -> Styles:
        return Styles(package.styles_entry(self.entries, self.wb_part))

    # -- writing: each edit is recorded in `ops`, and made in the parts while it can be

    def init_new(self) -> None:
        self.entries = package.template_entries()
        self.wb_part = "xl/workbook.xml"

    def add_tab(self, title: str, header: list[WriteValue]) -> None:
        self.ops.append(("create", title, header))
        part: str | None = None
        if self.surgery_ok:
            try:
                part = self._add_sheet_part(title, header)
            except UnsupportedError:
                self.surgery_ok = False
        self.sheets.append((title, part))
        self.grids[title] = apply_cells([], header_cells(header))
        self.dirty = True

    def append(self, title: str, rows: Sequence[Sequence[WriteValue]]) -> None:
        last = None
        if self.surgery_ok:
            try:
                last = last_used_row(self._part(title).content())
            except UnsupportedError:
                self.surgery_ok = False
        if last is None:
            last = len(self.grid(title))
        cells = [(last + i, c, v) for i, row in enumerate(rows, 1) for c, v in enumerate(row, 1)]
        if last + len(rows) > MAX_ROW:
            raise ValueError(f"{title}: the sheet is full ({MAX_ROW} rows)")
        self.set_cells(title, cells)

    def set_cells(self, title: str, cells: list[CellEdit]) -> None:
        self.ops.append(("set", title, cells))
        if self.surgery_ok:
            try:
                self._set_cells_xml(title, cells)
            except UnsupportedError:
                self.surgery_ok = False
        if title in self.grids:
            self.grids[title] = apply_cells(self.grids[title], cells)
        self.dirty = True

    def _part(self, title: str) -> Entry:
        part = dict(self.sheets)[title]
        if part is None:
            raise UnsupportedError("tab was added through openpyxl")
        return self.entries[part]

    def _writer(self) -> CellWriter:
        return CellWriter(self.styles, self.date1904)

    def _set_cells_xml(self, title: str, cells: list[CellEdit]) -> None:
        entry = self._part(title)
        changes: dict[int, dict[int, WriteValue]] = {}
        for r, c, v in cells:
            changes.setdefault(r, {})[c] = v
        writer = self._writer()
        xml = set_cells_xml(entry.content(), changes, writer)
        # Build every changed part first and swap them in together: a failure above leaves
        # the entries as they were.
        entries = dict(self.entries)
        entries[entry.name] = Entry.new(entry.name, xml, entry)
        if writer.styles is not None and writer.styles.changed:
            entries[writer.styles.name] = writer.styles.entry(entries[writer.styles.name])
        if writer.formula_removed:
            package.drop_calc_chain(entries, self.wb_part)
        self.entries = entries
        if writer.inexact:
            self.inexact.add(title)

    def _add_sheet_part(self, title: str, header: list[WriteValue]) -> str:
        entries, part = package.add_sheet(self.entries, self.wb_part, title)
        writer = self._writer()
        bold = None
        try:
            writer.styles = self.styles()
            bold = writer.styles.bold_xf()
            if writer.styles.changed:
                entries[writer.styles.name] = writer.styles.entry(entries[writer.styles.name])
        except UnsupportedError:
            writer.styles = None  # no bold header then; the data matters, not the font
        entries[part] = Entry.new(part, new_sheet_xml(header, writer, bold))
        self.entries = entries
        return part

    # -- saving

    def build(self) -> tuple[bytes, bool]:
        """The new file's bytes, and whether they were built part by part (False: openpyxl)."""
        if self.surgery_ok:
            try:
                package.ensure_full_calc(self.entries, self.wb_part)
                return zipio.build_zip(self.entries.values()), True
            except UnsupportedError:
                pass
        return fallback.rebuild(self.path, self.base, self.ops), False

    def after_save(self, data: bytes, by_parts: bool, stamp: Stamp) -> Book:
        """The book that now matches the disk; keeps what is still valid of this one."""
        book = Book.load(self.path, data, stamp)
        if not by_parts:
            return book  # openpyxl rewrote everything: read it afresh
        for name, entry in book.entries.items():
            old = self.entries.get(name)
            if old is not None and old.data is not None and old.crc == entry.crc:
                entry.data = old.data  # spare the next write a decompress
        book.grids = {t: g for t, g in self.grids.items() if t not in self.inexact}
        return book
