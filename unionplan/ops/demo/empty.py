"""Back to empty: the workbook (usually the demo) made ready for a union's real data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from unionplan.data import schema
from unionplan.data.access import Person, check_admin
from unionplan.data.cells import to_cell
from unionplan.data.schema import TABLES
from unionplan.data.store.base import Cell, Grid
from unionplan.data.tables import ROW, WorkbookData, new_id, read_table
from unionplan.data.workbook import Workbook
from unionplan.ops.demo import write


def empty_grids(data: WorkbookData) -> dict[str, Grid]:
    """An empty workbook in `data`'s language: every tab with its header, settings kept."""
    lang = data.language
    settings = dict(data.settings)
    settings["demo"] = "0"
    for key in ("plan_year", "language"):
        settings.setdefault(key, str(data.plan_year) if key == "plan_year" else "简体中文")
    grids: dict[str, Grid] = {}
    for key, table in TABLES.items():
        title = data.tables[key].title or table.label.get(lang)
        grids[title] = [table.headers(lang)]
    st = schema.SETTINGS
    settings_rows = [
        {"id": f"{st.id_prefix}-{n:04d}", "key": k, "value": v}
        for n, (k, v) in enumerate(settings.items(), start=1)
    ]
    grids[data.tables["settings"].title or st.label.get(lang)].extend(
        write.rows(st, settings_rows, lang)
    )
    return grids


def start_empty(workbook: Workbook, actor: Person, *, backup_dir: Path | None = None) -> Path:
    """Turn the workbook (usually the demo) into an empty one for real use; returns the
    backup written first (see `backup.save_backup`). Administrators only.

    Local file: recreated with every tab's header and the settings (union name, year,
    language kept; demo = 0); unknown tabs and the audit log go with the demo.
    Any other store (Google Sheets): the Store interface cannot delete rows, so every data
    row is marked deleted (one fresh read and one update per tab, version bumped so a form
    opened on the demo cannot save over it), one audit row per tab says so, and demo is
    set to 0. The rows stay in the sheet; the app hides them and people may delete them.
    """
    from unionplan.ops.backup import save_backup

    check_admin(actor)
    data = workbook.load(fresh=True)
    store = workbook.store
    try:
        if store.kind == "xlsx":
            # The file is replaced whole, under the store's lock so no write interleaves.
            with store.transaction():
                saved = save_backup(store, actor, folder=backup_dir)
                write.write_new_file(Path(store.location), empty_grids(data))
            return saved
        with store.transaction():
            saved = save_backup(store, actor, folder=backup_dir)
            _mark_all_deleted(workbook, data, actor.login)
            _set_demo_off(workbook, data)
        return saved
    finally:
        workbook.invalidate()


def _mark_all_deleted(workbook: Workbook, data: WorkbookData, user: str) -> None:
    store = workbook.store
    lang = data.language
    now = dt.datetime.now().replace(microsecond=0)
    audit: list[dict[str, Any]] = []
    for key, table in TABLES.items():
        title = data.tables[key].title
        if table.system or title is None:
            continue
        # A fresh read: rows added since the cached load are emptied too, at their real rows.
        td, _ = read_table(table, title, store.read_tab(title), data.plan_year)
        if td.df.empty or not td.colmap:
            continue
        cells: list[tuple[int, int, Cell]] = []
        width = len(td.header)
        for k in ("version", "updated_at", "updated_by", "deleted"):
            if k not in td.colmap:  # a hand-made tab: give it the column after the last one
                width += 1
                td.colmap[k] = width
                cells.append((td.header_row, width, table.column(k).label.get(lang)))
        for rownum, version in zip(td.df[ROW], td.df["version"], strict=True):
            cells += [
                (int(rownum), td.colmap["version"], int(version or 0) + 1),
                (
                    int(rownum),
                    td.colmap["updated_at"],
                    to_cell(table.column("updated_at"), now, lang),
                ),
                (int(rownum), td.colmap["updated_by"], user),
                (int(rownum), td.colmap["deleted"], to_cell(table.column("deleted"), True, lang)),
            ]
        store.update_cells(title, cells)
        audit.append(
            {
                "id": new_id(schema.AUDIT_LOG.id_prefix),
                "at": now,
                "user": user,
                "table": key,
                "record_id": "*",
                "action": "delete",
                "changes": json.dumps(
                    {"deleted": [False, True], "rows": len(td.df), "reason": "start_empty"},
                    ensure_ascii=False,
                ),
            }
        )
    if audit:
        _append_system_rows(workbook, data, "audit_log", audit)


def _set_demo_off(workbook: Workbook, data: WorkbookData) -> None:
    """settings.demo = 0, written straight to the cell (settings rows carry no version)."""
    td = data.tables["settings"]
    hit = td.df[td.df["key"] == "demo"] if not td.df.empty else td.df
    if not hit.empty and td.title and "value" in td.colmap:
        workbook.store.update_cells(td.title, [(int(hit[ROW].iat[0]), td.colmap["value"], "0")])
        return
    row = {"id": new_id(schema.SETTINGS.id_prefix), "key": "demo", "value": "0"}
    _append_system_rows(workbook, data, "settings", [row])


def _append_system_rows(
    workbook: Workbook, data: WorkbookData, key: str, records: Sequence[Mapping[str, Any]]
) -> None:
    """Append rows to a system tab (audit log, settings) in its own column layout."""
    table = TABLES[key]
    lang = data.language
    td = data.tables[key]
    if td.title is None or not td.colmap:
        title = td.title or table.label.get(lang)
        if td.title is None:
            workbook.store.create_tabs({title: table.headers(lang)})
        colmap = {c.key: n for n, c in enumerate(table.columns, start=1)}
        width = len(table.columns)
    else:
        title, colmap, width = td.title, td.colmap, max(len(td.header), *td.colmap.values())
    rows: Grid = []
    for rec in records:
        row: list[Cell] = [""] * width
        for k, j in colmap.items():
            row[j - 1] = to_cell(table.column(k), rec.get(k), lang)
        rows.append(row)
    workbook.store.append_rows(title, rows, id_col=colmap.get("id", 1))
