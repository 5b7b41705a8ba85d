"""The openpyxl fallback: the only place this package loads a workbook into openpyxl.

Reading falls back here when calamine cannot read a tab; writing, when a transaction met
something the byte-level writer does not handle (DESIGN.md lists the cases). Then the
whole file is loaded, the transaction's edits are replayed in order, and it is saved:
correct, but ~60-110 times slower than a store write at 10k activities, and it drops text
boxes, chart styles, sparklines and other Excel extensions (figures in DESIGN.md).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from unionplan.data.store.base import Grid
from unionplan.data.store.xlsx.values import (
    WriteValue,
    normalize_rows,
    ooxml_escape,
    ooxml_unescape,
)
from unionplan.errors import BackendUnavailableError

# One edit of a transaction, as the book records it:
# ("create", title, header values) | ("set", title, [(row, column, value), …])
Op = tuple[str, str, Any]


def read_grids(data: bytes, titles: list[str]) -> dict[str, Grid]:
    """The tabs' cells, read by openpyxl's streaming reader."""
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        grids: dict[str, Grid] = {}
        for t in titles:
            ws = wb[t]
            ws.reset_dimensions()  # the <dimension> tag may be missing or wrong
            rows = (
                [ooxml_unescape(v) if type(v) is str else v for v in row]
                for row in ws.iter_rows(values_only=True)
            )
            grids[t] = normalize_rows(rows)
        return grids
    finally:
        wb.close()


def rebuild(path: Path, base: bytes | None, ops: list[Op]) -> bytes:
    """The file after `ops`, by a full openpyxl load of `base` (None: a new workbook) + save."""
    import openpyxl
    from openpyxl.styles import Font

    try:
        if base is not None:
            wb = openpyxl.load_workbook(io.BytesIO(base))
        else:
            wb = openpyxl.Workbook()
            wb.remove(wb.active)
        for kind, title, arg in ops:
            if kind == "create":
                ws = wb.create_sheet(title)
                for c, v in enumerate(arg, 1):
                    _set(ws.cell(row=1, column=c), v)
                    ws.cell(row=1, column=c).font = Font(bold=True)
                ws.freeze_panes = "A2"
            else:
                ws = wb[title]
                for r, c, v in arg:
                    _set(ws.cell(row=r, column=c), v)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    except Exception as e:  # openpyxl fails in many ways on odd files
        raise BackendUnavailableError(
            f"{path}: cannot write this workbook ({type(e).__name__}: {e})"
        ) from e


def _set(cell: Any, v: WriteValue) -> None:
    if isinstance(v, str):
        cell.value = ooxml_escape(v)
        cell.data_type = "s"  # text, even when it starts with "="
    else:
        cell.value = v
