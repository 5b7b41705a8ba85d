"""Cells as the Sheets API takes them: RAW JSON values (text stays text, so "=1+1" is never
a formula), CellData for batchUpdate, runs of neighbouring cells for ranged writes, and
the append anchor that keeps appended rows after the last block of a hand-edited sheet.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Sequence
from typing import Any

from gspread.utils import rowcol_to_a1

from unionplan.data.store.base import Cell, Grid


def json_cell(value: Cell) -> Any:
    """A cell as JSON for a RAW write: text stays text (even "=1+1"), None clears."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing
        return ""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def empty_to_sheets(value: Any) -> bool:
    """An empty cell as Sheets sees it when it finds a table: no value at all.

    Not `values.is_blank`: a cell holding only a space is data to Sheets and so part of
    a table, and the append anchor must agree with Sheets, not with the app's reading.
    """
    return value is None or value == ""


def append_anchor_row(grid: Grid) -> int:
    """The row to give Sheets as the append table_range so rows land after the last data.

    Sheets appends after the *table* that starts at the given cell, and a blank row ends a
    table; hand-edited sheets have blank rows, so "A1" would put new rows into the first
    gap. Anchoring at the first row of the last block (whose column A is filled) makes the
    append land after the last block, and stays right if others appended since we read.
    """
    last = max(
        (i for i, row in enumerate(grid) if any(not empty_to_sheets(v) for v in row)), default=-1
    )
    if last < 0:
        return 1
    start = last
    while start > 0 and any(not empty_to_sheets(v) for v in grid[start - 1]):
        start -= 1
    for i in range(start, last + 1):
        if grid[i] and not empty_to_sheets(grid[i][0]):
            return i + 1
    return 1


def cell_data(value: Cell) -> dict[str, Any]:
    """A cell as batchUpdate CellData: strings as stringValue (text, never a formula)."""
    v = json_cell(value)
    if isinstance(v, bool):
        return {"userEnteredValue": {"boolValue": v}}
    if isinstance(v, int | float):
        return {"userEnteredValue": {"numberValue": v}}
    if v == "":
        return {}  # with fields=userEnteredValue this clears the cell
    return {"userEnteredValue": {"stringValue": str(v)}}


def cell_runs(cells: Sequence[tuple[int, int, Cell]]) -> list[tuple[int, int, list[Cell]]]:
    """(row, first col, values) runs of neighbouring cells in one row; later values win."""
    by_pos = {(r, c): v for r, c, v in cells}
    runs: list[tuple[int, int, list[Cell]]] = []
    for r, c in sorted(by_pos):
        if r < 1 or c < 1:
            raise ValueError(f"cell ({r}, {c}) is outside the sheet; rows/cols are 1-based")
        last = runs[-1] if runs else None
        if last and last[0] == r and last[1] + len(last[2]) == c:
            last[2].append(by_pos[(r, c)])
        else:
            runs.append((r, c, [by_pos[(r, c)]]))
    return runs


def row_runs(cells: Sequence[tuple[int, int, Cell]]) -> list[tuple[str, list[Any]]]:
    """Group (row, col, value) cells into A1 ranges of contiguous cells in one row."""
    by_pos: dict[tuple[int, int], Any] = {}
    for row, col, value in cells:
        if row < 1 or col < 1:
            raise ValueError(f"cell ({row}, {col}) is outside the sheet; rows/cols are 1-based")
        by_pos[(row, col)] = json_cell(value)  # a later value for the same cell wins
    runs: list[tuple[str, list[Any]]] = []
    start: tuple[int, int] | None = None
    values: list[Any] = []
    prev: tuple[int, int] | None = None
    for pos in sorted(by_pos):
        if prev is not None and pos == (prev[0], prev[1] + 1):
            values.append(by_pos[pos])
        else:
            if start is not None:
                runs.append((a1_run(start, len(values)), values))
            start, values = pos, [by_pos[pos]]
        prev = pos
    if start is not None:
        runs.append((a1_run(start, len(values)), values))
    return runs


def a1_run(start: tuple[int, int], length: int) -> str:
    first = rowcol_to_a1(*start)
    if length == 1:
        return first
    return f"{first}:{rowcol_to_a1(start[0], start[1] + length - 1)}"
