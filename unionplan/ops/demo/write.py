"""Writing demo and empty workbooks: records as rows, tabs to a store, a new file in place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from unionplan import files
from unionplan.data.cells import to_cell
from unionplan.data.schema import Table
from unionplan.data.store.base import Grid, Store
from unionplan.errors import BackendUnavailableError

LANG = "zh-Hans"


def rows(table: Table, records: Sequence[Mapping[str, Any]], lang: str = LANG) -> Grid:
    """Records as rows in the table's column order, written exactly as the app writes."""
    return [[to_cell(c, rec.get(c.key), lang) for c in table.columns] for rec in records]


def write_grids(store: Store, grids: Mapping[str, Grid]) -> None:
    """Create every tab with its header in one batch, then one append per tab with rows."""
    store.create_tabs({title: list(grid[0]) for title, grid in grids.items()})
    for title, grid in grids.items():
        if len(grid) > 1:
            store.append_rows(title, grid[1:], id_col=1)


def write_new_file(path: Path, grids: Mapping[str, Grid]) -> None:
    """Write the grids to a new .xlsx beside `path`, then move it into place in one step.

    A half-written workbook is never seen at `path`, and the old one (if any) stays until
    the new one is complete. A new file is readable by its owner only; a replaced one
    keeps its mode.
    """
    from unionplan.data.store.xlsx import XlsxStore  # only the store modules touch openpyxl

    files.private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=".unionplan-new-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # the store creates the file itself
    try:
        write_grids(XlsxStore(tmp), grids)
        try:
            files.replace_keeping_mode(tmp, path)  # the store made it 0600
        except OSError as exc:  # e.g. the workbook is open in Excel on Windows
            raise BackendUnavailableError(f"{path}: cannot replace the workbook: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        for leftover in path.parent.glob(tmp.name + "*"):  # the store's lock file, if any
            leftover.unlink(missing_ok=True)
