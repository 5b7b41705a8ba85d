"""Copying a whole workbook from one store to another (local .xlsx <-> Google Sheets).

Grids are copied as read: title rows, blank rows, unknown columns and tabs the app does not
know all go across, ids untouched. Only the cell *values* change form: what xlsx holds
(datetimes, 1600.0) becomes the text a person sees (2026-03-08, 1600), because that is what
Google gives back, so a copy reads back the same in either direction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from unionplan.data import schema
from unionplan.data.access import Person, check_admin
from unionplan.data.store.base import Cell, Grid, Store
from unionplan.data.tables import find_header
from unionplan.data.values import is_blank
from unionplan.errors import UnionplanError

Progress = Callable[[float, str], None]


def cell_out(value: Cell) -> Cell:
    """A cell as a person sees it: dates as ISO text, whole floats as ints, text as is."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return int(value) if value.is_integer() else value
    return value


def _row_out(row: Sequence[Cell]) -> list[Cell]:
    out = [cell_out(v) for v in row]
    while out and is_blank(out[-1]):
        out.pop()  # trailing empty cells: xlsx pads rows to the sheet width, Sheets does not
    return out


def clean_grid(grid: Grid) -> Grid:
    """The grid with converted values, trailing empty cells and trailing blank rows cut."""
    rows = [_row_out(r) for r in grid]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def header_index(title: str, grid: Grid) -> int | None:
    """0-based row of the tab's header: the table's header for a known tab, else the first
    non-blank row. None for an empty tab."""
    key = schema.match_tab(title)
    if key is not None:
        found = find_header(schema.TABLES[key], grid)
        if found is not None:
            return found[0]
    for i, row in enumerate(grid):
        if any(not is_blank(c) for c in row):
            return i
    return None


def data_rows(title: str, grid: Grid) -> int:
    """How many non-blank rows sit below the header."""
    hi = header_index(title, grid)
    if hi is None:
        return 0
    return sum(1 for row in grid[hi + 1 :] if any(not is_blank(c) for c in row))


def _id_col(title: str, grid: Grid) -> int:
    """1-based id column, for the store's no-duplicate retry; column 1 when there is none."""
    key = schema.match_tab(title)
    if key is not None:
        found = find_header(schema.TABLES[key], grid)
        if found is not None and "id" in found[1]:
            return found[1]["id"] + 1
    return 1


def _target_tabs(src: dict[str, Grid], dst: dict[str, Grid]) -> dict[str, str | None]:
    """Source title -> the destination tab it goes into (None: a new tab of that title).

    A tab of the same title is reused. So is an empty tab holding the same table under
    another title (a sheet set up in another language): a second tab for one table would
    make the app read only one of them.
    """
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for title in src:
        if title in dst:
            out[title] = title
            taken.add(title)
    for title in src:
        if title in out:
            continue
        key = schema.match_tab(title)
        twin = next(
            (
                t
                for t in dst
                if key is not None
                and t not in taken
                and t not in src
                and schema.match_tab(t) == key
            ),
            None,
        )
        out[title] = twin
        if twin:
            taken.add(twin)
    return out


def _text(value: Cell) -> str:
    value = cell_out(value)
    return "" if is_blank(value) else str(value)


def _same_rows(a: Grid, b: Grid) -> bool:
    def norm(grid: Grid) -> list[list[str]]:
        rows = [[_text(c) for c in r] for r in grid]
        rows = [r[: max((i + 1 for i, c in enumerate(r) if c), default=0)] for r in rows]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    return norm(a) == norm(b)


def copy_workbook(
    src: Store, dst: Store, *, actor: Person, progress: Progress | None = None
) -> dict[str, int]:
    """Copy every tab of `src` into `dst`; returns the data rows copied per source tab.

    Administrators only (PermissionDeniedError otherwise): a copy takes every personal
    value of the workbook wherever the destination is.

    The destination must hold no data in the tabs the copy writes to (header and title
    rows are fine); otherwise UnionplanError "errors.dest_not_empty" is raised before
    anything is written. Writes: one create_tabs for the missing tabs, then per tab one
    append_rows, plus one update_cells where an existing empty tab's header differs.
    """
    check_admin(actor)
    say = progress or (lambda _share, _msg: None)
    say(0.0, src.location)
    grids = {title: clean_grid(g) for title, g in src.read_all().items()}
    existing = dst.read_all()
    targets = _target_tabs(grids, existing)

    busy = [t for t in targets.values() if t is not None and data_rows(t, existing[t])]
    if busy:
        raise UnionplanError(
            f"destination has data in: {', '.join(busy)}",
            key="errors.dest_not_empty",
            tabs="、".join(busy),
        )

    # Each tab is split into the rows up to and including its header ("head") and the
    # data rows below it ("body"); a tab with no header is all head but its first row.
    split: dict[str, tuple[Grid, Grid]] = {}
    for title, grid in grids.items():
        hi = header_index(title, grid)
        cut = 1 if hi is None else hi + 1
        split[title] = (grid[:cut], grid[cut:])

    missing = {
        title: [_text(c) for c in (grid[0] if grid else [])]
        for title, grid in grids.items()
        if targets[title] is None
    }
    if missing:
        dst.create_tabs(missing)

    copied: dict[str, int] = {}
    n = max(1, len(grids))
    for i, (title, grid) in enumerate(grids.items()):
        into = targets[title] or title
        head, body = split[title]
        if targets[title] is None:
            # Created with the first row above; the rest of the head goes with the body.
            rest = grid[1:]
        elif _same_rows(existing[into], head):
            rest = body
        else:
            # An empty tab whose header differs (other language, other order): write this
            # tab's head over it and blank whatever else was there, in one update.
            cells: list[tuple[int, int, Cell]] = []
            old = existing[into]
            for r in range(max(len(head), len(old))):
                width = max(
                    len(head[r]) if r < len(head) else 0, len(old[r]) if r < len(old) else 0
                )
                for c in range(width):
                    value = head[r][c] if r < len(head) and c < len(head[r]) else ""
                    cells.append((r + 1, c + 1, "" if value is None else value))
            dst.update_cells(into, cells)
            rest = body
        if rest:
            dst.append_rows(into, rest, id_col=_id_col(title, grid))
        copied[title] = data_rows(title, grid)
        say((i + 1) / n, title if into == title else f"{title} → {into}")
    return copied
