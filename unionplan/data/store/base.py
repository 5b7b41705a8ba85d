"""The one interface both stores (local .xlsx and Google Sheets) implement.

A store moves grids of cell values and knows nothing of tables, ids or versions: that is
`unionplan.data.workbook`'s job, so the two backends cannot drift apart in meaning. Row and
column numbers are 1-based, as the user sees them in the sheet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# A cell value going in or out: str, int, float, bool, datetime/date (xlsx reads), None.
Cell = Any
Grid = list[list[Cell]]  # rows of cells; grid[0] is sheet row 1; trailing blanks may be cut


@dataclass
class RequestStats:
    """Counts of backend requests, so tests and the benchmark can assert and print them."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, *, write: bool) -> None:
        if write:
            self.writes += 1
        else:
            self.reads += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1

    def snapshot(self) -> tuple[int, int]:
        return self.reads, self.writes


class Store(ABC):
    """Raw access to one workbook (one spreadsheet, several tabs)."""

    kind: str = "?"  # "xlsx" or "gsheets"

    def __init__(self) -> None:
        self.stats = RequestStats()

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the workbook is, for people: a file path or a spreadsheet URL."""

    @abstractmethod
    def read_all(self) -> dict[str, Grid]:
        """Every tab's cells, in one backend read (Sheets: one values:batchGet).

        Values come back as the user sees them: Sheets gives formatted strings; xlsx
        gives what the cell holds (str, int, float, datetime). Tab order is kept.
        """

    @abstractmethod
    def read_tab(self, title: str) -> Grid:
        """One tab's cells, fresh from the backend (one read). Used to check a version."""

    @abstractmethod
    def create_tabs(self, tabs: dict[str, list[str]]) -> None:
        """Create the missing tabs with these header rows, all in one batch."""

    @abstractmethod
    def append_rows(self, title: str, rows: Sequence[Sequence[Cell]], *, id_col: int) -> None:
        """Append rows after the tab's data as plain values (never formulas).

        `id_col` (1-based) is where each row's unique id sits: after a timeout the store
        re-reads that column and does not append a row whose id already landed.
        """

    @abstractmethod
    def update_cells(self, title: str, cells: Sequence[tuple[int, int, Cell]]) -> None:
        """Set (row, col, value) cells of one tab in one write, as plain values."""

    def write(
        self,
        *,
        appends: Sequence[tuple[str, Sequence[Sequence[Cell]], int]] = (),
        updates: Sequence[tuple[str, Sequence[tuple[int, int, Cell]]]] = (),
    ) -> None:
        """Cell updates and row appends across tabs as one write, all or nothing.

        `appends` are (title, rows, id_col) as for `append_rows`; `updates` are (title,
        cells) as for `update_cells`. The workbook layer writes a record and its audit row
        this way, so neither lands without the other. This default runs the primitives in
        one transaction (the local store saves once); Google sends one batchUpdate.
        """
        reads, writes = self.stats.reads, self.stats.writes
        with self.transaction():
            for title, cells in updates:
                self.update_cells(title, cells)
            for title, rows, id_col in appends:
                self.append_rows(title, rows, id_col=id_col)
        # One transaction is one save (one request where batched): count it once.
        self.stats.reads, self.stats.writes = reads, writes
        self.stats.count("write", write=True)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group a read-check-write so no other writer slips in between.

        The local store takes its file lock and saves once at the end; Google Sheets has
        no transactions, so there it only groups (the version check narrows the window).
        """
        yield

    def change_token(self) -> object | None:
        """A cheap value that changes whenever the workbook changed, or None if unknown.

        The xlsx store combines the file's inode, size, mtime and a hash of its end, so a
        cached load notices edits made in Excel at once; Google Sheets returns None and the
        cache relies on its TTL.
        """
        return None

    def service_account_email(self) -> str | None:
        """The account a Google Sheet must be shared with; None for local files."""
        return None
