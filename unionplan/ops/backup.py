"""A backup of the whole workbook as .xlsx bytes: the data page's download, and the file
written before a destructive operation (start empty, copy over a sheet). Administrators
only. The file written on the server holds every value, and so is complete; a download
masks the personal values of aid cases unless the administrator is also an aid officer
of the whole union (the admin role alone does not open personal data).

Every tab is copied cell by cell as the store read it, known or not, unknown columns and
title rows included, so the backup can replace the original. Text goes in as every export
writes it (`data.xlsx_export`): as text, never a formula ("=SUM(…)", "-3"): a backup must
never compute anything; control characters escaped, not dropped; a text longer than an
Excel cell holds (from a Google sheet) continued on an overflow tab, not cut off.

This module writes its own .xlsx with openpyxl instead of going through the xlsx store:
a backup is a one-shot file in memory, with none of the store's locking or layout rules.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlsxBook
from openpyxl.utils import get_column_letter

from unionplan import files
from unionplan.data import privacy, schema
from unionplan.data.access import Person, can_see_all_personal, check_admin
from unionplan.data.schema import AUDIT_LOG, DEFAULT_LANG, TABLES, Table
from unionplan.data.store.base import Cell, Grid, Store
from unionplan.data.tables import find_header
from unionplan.data.xlsx_export import CellWriter
from unionplan.history import table_key
from unionplan.ops import config

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_MAX_TITLE = 31  # Excel's limit; Google allows 100
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _safe_titles(titles: list[str]) -> dict[str, str]:
    """Excel-valid, unique tab titles for the store's titles (Google allows more)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for title in titles:
        base = _BAD_TITLE.sub("_", title).strip("'") or "Sheet"
        base = base[:_MAX_TITLE]
        name, n = base, 2
        while name.casefold() in used:
            suffix = f" ({n})"
            name = base[: _MAX_TITLE - len(suffix)] + suffix
            n += 1
        used.add(name.casefold())
        out[title] = name
    return out


def _value(raw: Cell) -> Cell:
    """A value openpyxl can store unchanged in meaning."""
    if raw is None or isinstance(raw, bool | int):
        return raw
    if isinstance(raw, float):
        return raw if math.isfinite(raw) else None
    if isinstance(raw, dt.datetime):
        return raw.replace(tzinfo=None) if raw.tzinfo else raw  # xlsx has no time zones
    if isinstance(raw, dt.date | dt.time):
        return raw
    return str(raw)


def export_grids(grids: Mapping[str, Grid], lang: str = DEFAULT_LANG) -> bytes:
    """Grids (tab title -> rows of cells, in tab order) as the bytes of an .xlsx file.

    `lang` names the overflow tab, should a text be longer than an Excel cell holds."""
    book = XlsxBook()
    book.remove(book.active)
    cells = CellWriter(book, lang)
    titles = _safe_titles(list(grids))
    for title, grid in grids.items():
        ws = book.create_sheet(titles[title])
        widths: dict[int, int] = {}
        for r, row in enumerate(grid, start=1):
            for c, raw in enumerate(row, start=1):
                value = _value(raw)
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    cells.text(ws.cell(row=r, column=c), value)
                else:
                    ws.cell(row=r, column=c, value=value)
                widths[c] = max(widths.get(c, 0), _display_width(value))
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, w + 2))
    if not book.sheetnames:
        book.create_sheet("Sheet")
    return cells.save()


def _display_width(value: Cell) -> int:
    text = str(value)
    # CJK characters take two columns of width in Excel.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:60])


def backup_store(store: Store, actor: Person) -> bytes:
    """The whole workbook behind `store`, read fresh in one request, as .xlsx bytes: what
    an administrator downloads.

    The admin role alone does not open personal data: for an administrator who is not
    also an aid officer of the whole union, the personal values of aid cases (names, ID
    numbers, phones, addresses, situations) are masked in the file, in their tabs and in
    the audit log's changes, and every other cell is copied as it is. The backup written
    on the server before a destructive operation (`save_backup`) is always complete.

    Raises PermissionDeniedError unless `actor` is an administrator.
    """
    check_admin(actor)
    grids = store.read_all()
    if not can_see_all_personal(actor):
        grids = masked_grids(grids)
    return export_grids(grids)


def masked_grids(grids: Mapping[str, Grid]) -> dict[str, Grid]:
    """`grids` with every personal value masked: the sensitive columns of the tables
    that have them, below their header row wherever it is, and the before and after of
    sensitive fields in the audit log's change records."""
    out: dict[str, Grid] = {}
    for title, grid in grids.items():
        key = schema.match_tab(title)
        table = TABLES.get(key) if key else None
        if table is not None and key == AUDIT_LOG.key:
            out[title] = _masked_audit(grid)
        elif table is not None and privacy.sensitive_keys(table):
            out[title] = _masked_columns(table, grid)
        else:
            out[title] = grid
    return out


def _personal_keys(table: Table) -> set[str]:
    """The columns masked in a table with personal data: its sensitive ones and the
    person's name (a name column elsewhere, a unit's, is not personal)."""
    keys = set(privacy.sensitive_keys(table))
    return keys | ({"name"} if keys and "name" in {c.key for c in table.columns} else set())


def _masked_columns(table: Table, grid: Grid) -> Grid:
    found = find_header(table, grid)
    if found is None:
        return grid
    head, columns, _ = found
    personal = _personal_keys(table)
    sensitive = {j: k for k, j in columns.items() if k in personal}
    rows = [list(row) for row in grid]
    for row in rows[head + 1 :]:
        for j, k in sensitive.items():
            if j < len(row):
                row[j] = privacy.mask(k, row[j])
    return rows


def _masked_audit(grid: Grid) -> Grid:
    found = find_header(AUDIT_LOG, grid)
    if found is None:
        return grid
    head, columns, _ = found
    if "table" not in columns or "changes" not in columns:
        return grid
    rows = [list(row) for row in grid]
    at_table, at_changes = columns["table"], columns["changes"]
    for row in rows[head + 1 :]:
        if max(at_table, at_changes) >= len(row):
            continue
        key = table_key(row[at_table])
        table = TABLES.get(key)
        if table is None or not privacy.sensitive_keys(table):
            continue
        try:
            changes = json.loads(str(row[at_changes]))
        except ValueError:
            changes = None
        if not isinstance(changes, dict):
            # Not a change record: it could hold anything of the case, masked whole.
            row[at_changes] = privacy.mask_other(row[at_changes])
            continue
        sensitive = _personal_keys(table)
        masked: dict[str, Any] = {}
        for field, pair in changes.items():
            values = pair if isinstance(pair, list) else [pair]
            masked[field] = [privacy.mask(field, v) for v in values] if field in sensitive else pair
        row[at_changes] = json.dumps(masked, ensure_ascii=False, default=str)
    return rows


def backup_folder(store: Store) -> Path:
    """Where automatic backups of `store` go: beside a local workbook, else data/backups/."""
    if store.kind == "xlsx":
        return Path(store.location).parent
    return config.BACKUP_DIR


def save_backup(store: Store, actor: Person, *, folder: Path | None = None) -> Path:
    """Write a timestamped backup of `store` before a destructive operation; its path.

    Named like the download ('<workbook>-backup-20260308-143015.xlsx', to the second),
    never over an existing file, and readable by its owner only: it holds everything.
    """
    check_admin(actor)
    data = export_grids(store.read_all())  # complete, whoever triggered it: it stays here
    folder = files.private_dir(folder or backup_folder(store))
    stem = Path(store.location).stem if store.kind == "xlsx" else "unionplan-google"
    now = dt.datetime.now()
    name = backup_filename(now, stem).removesuffix(".xlsx") + f"{now:%S}"
    for n in range(1, 100):
        path = folder / (f"{name}.xlsx" if n == 1 else f"{name}-{n}.xlsx")
        try:
            with files.private_open(path, "xb") as f:
                f.write(data)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(folder / name)


def backup_filename(now: dt.datetime | None = None, name: str = "unionplan") -> str:
    """'unionplan-backup-20260308-1430.xlsx': sortable, and never the live file's name."""
    now = now or dt.datetime.now()
    safe = re.sub(r"[^\w\-]+", "_", name).strip("_") or "unionplan"
    return f"{safe}-backup-{now:%Y%m%d-%H%M}.xlsx"
