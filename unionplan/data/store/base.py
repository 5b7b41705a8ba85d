"""The one interface both stores (local .xlsx and Google Sheets) implement.

A store moves grids of cell values and knows nothing of tables, ids or versions: that is
`unionplan.data.workbook`'s job, so the two backends cannot drift apart in meaning. Row and
column numbers are 1-based, as the user sees them in the sheet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
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


HEADER_ROWS = 10  # the top rows handed to a plan, where a tab's header row is looked for


@dataclass(frozen=True)
class RowUpdate:
    """A record's row that a write changes, found by its id when the write happens.

    `row_hint` is where the last load saw it (0 when unknown): a store may start there but
    must not write there without finding `record_id` in that row at write time. `version`
    is the version the write gives the record: two saves racing to the same version of
    the same record cannot both win.
    """

    title: str
    record_id: str
    id_col: int  # 1-based column of ids
    row_hint: int
    version: int


@dataclass
class FoundRow:
    """A record's row as it is at write time: its number, its cells and the tab's top rows.

    `busy` means another save of this record to the same version is in flight: the plan
    must treat it as a conflict.
    """

    row: int
    values: list[Cell]
    top: Grid  # the first HEADER_ROWS rows of the tab (the header is among them)
    busy: bool = False


# (title, rows, id_col): rows to add after a tab's data, as for Store.append_rows.
Appends = Sequence[tuple[str, Sequence[Sequence[Cell]], int]]


@dataclass
class Planned:
    """What a write decided once it saw the rows: cells per found row, rows to append.

    With `error` set nothing of `cells` is written, only `appends` (the audit rows saying
    why), and the store raises `error` afterwards.
    """

    cells: Mapping[int, Mapping[int, Cell]]  # index into the RowUpdates -> {col: value}
    appends: Appends = ()
    error: Exception | None = None


Plan = Callable[[list[FoundRow | None]], Planned]


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

    def write_rows(
        self, rows: Sequence[RowUpdate], plan: Plan, *, reserve: Mapping[str, int]
    ) -> None:
        """Change records' rows found by id at write time, with rows appended, all or nothing.

        The store finds each row by its id (None when it is gone), calls `plan` with the
        rows as they are then, and writes what it returns so that no other save of those
        records and no row moved by a person in between makes the cells land anywhere but
        on the record's own row. `reserve` is how many rows each tab may get appended
        (Google makes room for them before it reads). This default runs in one
        transaction (the local store: file lock, re-read if changed, one save).
        """
        with self.transaction():
            grids: dict[str, Grid] = {}
            found: list[FoundRow | None] = []
            for r in rows:
                if r.title not in grids:
                    grids[r.title] = self.read_tab(r.title)
                found.append(find_row(grids[r.title], r))
            planned = plan(found)
            if planned.error is None:
                by_title: dict[str, list[tuple[int, int, Cell]]] = {}
                for i, cells in planned.cells.items():
                    row = found[i]
                    if row is not None and cells:
                        by_title.setdefault(rows[i].title, []).extend(
                            (row.row, c, v) for c, v in cells.items()
                        )
                if by_title or planned.appends:
                    self.write(updates=list(by_title.items()), appends=planned.appends)
            elif planned.appends:
                self.write(appends=planned.appends)
        if planned.error is not None:
            raise planned.error

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

    def office_lock(self) -> Any:
        """The lock file of an office program that has the workbook open, or None (local
        files only); while there is one, writes raise WorkbookOpenElsewhereError."""
        return None

    def ignore_office_lock(self, lock: Any) -> None:
        """Write despite this lock file, as it is now, in this process (a stale lock)."""
        raise ValueError("this store has no lock files")

    def service_account_email(self) -> str | None:
        """The account a Google Sheet must be shared with; None for local files."""
        return None


def find_row(grid: Grid, r: RowUpdate) -> FoundRow | None:
    """The first row whose id cell is the record's id, as the reader takes it (a duplicate
    further down is reported there); ids are never header texts."""
    j, target = r.id_col - 1, str(r.record_id)
    for i, row in enumerate(grid):
        if j < len(row) and row[j] is not None and str(row[j]).strip() == target:
            return FoundRow(i + 1, list(row), [list(x) for x in grid[:HEADER_ROWS]])
    return None
