"""A plan as a table (.xlsx, .csv) into a preview: one row per month or per activity.

Plan tables have a month column and an activities column ("月份 | 活动主题 | 具体内容",
"时间 | 活动内容 | 负责人", "Month | Activities"), found by their header in any of the
three languages, or named by the person (`columns`). A month cell left blank under a
merged cell takes the month above. A cell holding several numbered items ("1、… 2、…",
or one per line) gives one activity per item, as in a plan's text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from unionplan.data import schema
from unionplan.data.parse import is_blank
from unionplan.errors import UnionplanError
from unionplan.reports import lines as ln
from unionplan.reports.months import MonthHead, read_months
from unionplan.reports.preview import ImportIssue, ImportPreview, YearTurn, activity_rows
from unionplan.reports.target_text import MAX_TITLE

TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv")
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 10
FIELDS = ("month", "theme", "items", "category", "responsible", "notes")
HEADERS: dict[str, tuple[str, ...]] = {
    "month": ("月份", "月", "时间", "日期", "时间安排", "活动时间", "计划时间", "month", "date"),
    "theme": ("主题", "活动主题", "主题活动", "theme"),
    "items": (
        "活动内容",
        "具体内容",
        "内容",
        "活动",
        "活动安排",
        "活动名称",
        "工作内容",
        "工作安排",
        "项目",
        "activities",
        "activity",
        "items",
        "content",
        "title",
    ),
    "category": ("类别", "活动类别", "类型", "category"),
    "responsible": ("负责人", "责任人", "责任部门", "负责部门", "responsible"),
    "notes": ("备注", "说明", "notes"),
}


def _key(text: str) -> str:
    """A header folded for comparison: Traditional and full-width too."""
    return schema.norm(ln.fold(text))


_HEADER_INDEX = {_key(name): key for key, names in HEADERS.items() for name in names}


def _cell_text(value: Any) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ------------------------------------------------------------------ reading the file


def _read_grid(source: bytes | str | Path, filename: str) -> list[list[Any]]:
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        if filename.lower().endswith(".csv"):
            return _csv_grid(data)
        return _xlsx_grid(data)
    except UnionplanError:
        raise
    except Exception as e:  # a damaged upload: openpyxl, zipfile and csv raise many kinds
        raise UnionplanError(str(e), key="reports.err_unreadable", name=filename) from e


def _csv_grid(data: bytes) -> list[list[Any]]:
    text = ln.decode_text(data)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    grid = []
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        if n > MAX_ROWS:
            raise UnionplanError("csv", key="reports.err_table_too_big", limit=MAX_ROWS)
        grid.append(list(row))
    return grid


def _xlsx_grid(data: bytes) -> list[list[Any]]:
    # A plan the person uploads is not the workbook: read it directly, read-only, values
    # as last calculated, never its formulas.
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        grids = []
        for sheet in book.worksheets:
            grid = []
            for n, row in enumerate(sheet.iter_rows(values_only=True)):
                if n > MAX_ROWS:
                    raise UnionplanError("xlsx", key="reports.err_table_too_big", limit=MAX_ROWS)
                grid.append(list(row))
            grids.append(grid)
    finally:
        book.close()
    for grid in grids:  # the first sheet that looks like a plan table, else the first
        if _find_header(grid) is not None:
            return grid
    return grids[0] if grids else []


# ------------------------------------------------------------------ columns


def table_columns(source: bytes | str | Path, filename: str) -> list[tuple[int, str]]:
    """Each column of a plan table as (0-based index, "B · 时间 / 3月"): its letter and
    what its top rows hold, for a person saying which column is which (`columns` of
    `parse_plan_table`) when the headers are not recognised."""
    grid = _read_grid(source, filename)
    width = max((len(row) for row in grid), default=0)
    out = []
    for j in range(width):
        seen = [_cell_text(r[j]) for r in grid[:HEADER_SCAN_ROWS] if j < len(r)]
        sample = " / ".join(s for s in seen if s)[:40]
        letter = get_column_letter(j + 1)
        out.append((j, f"{letter} · {sample}" if sample else letter))
    return out


def _find_header(grid: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            key = _HEADER_INDEX.get(_key(_cell_text(cell)))
            if key and key not in found:
                found[key] = j
        if "month" in found and ("items" in found or "theme" in found):
            return i, found
    return None


def _mapped(
    grid: list[list[Any]], columns: Mapping[str, str | int], issues: list[ImportIssue]
) -> tuple[int, dict[str, int]] | None:
    """Columns named by the person: a header text (looked for in the top rows) or an index.

    The header row is the lowest row a named header was found in (-1: no header row,
    every row is data, when all columns are given by index).
    """
    found: dict[str, int] = {}
    header_row = -1
    for key, column in columns.items():
        if key not in FIELDS:
            continue
        if isinstance(column, int):
            found[key] = column
            continue
        want = _key(str(column))
        for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
            hit = next((j for j, c in enumerate(row) if _key(_cell_text(c)) == want), None)
            if hit is not None:
                found[key] = hit
                header_row = max(header_row, i)
                break
        else:
            issues.append(ImportIssue(None, "reports.unknown_column", params={"column": column}))
    if "month" not in found or not ({"items", "theme"} & found.keys()):
        return None
    return header_row, found


# ------------------------------------------------------------------ cells


def _month_of(value: Any) -> tuple[MonthHead | None, bool]:
    """(the months a cell names, whether it held something that is not a month)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return MonthHead((value.month,), False, value.day, 0, True), False
    text = _cell_text(value)
    if not text:
        return None, False
    if text.isdigit() and 1 <= int(text) <= 12:
        return MonthHead((int(text),), False, None, 0, True), False
    head = read_months(ln.fold(text))
    if head is None or not head.valid:
        return None, True
    return head, False


def _items(text: str) -> list[str]:
    """The items of a cell: one per line, and one per number of an inline list."""
    out: list[str] = []
    for raw in text.replace("\r", "\n").split("\n"):
        line = ln.clean_line(0, raw)
        if line is None:
            continue
        for a, b in ln.split_numbered(line.folded):
            _, skip = ln.numbering(line.folded[a:b])
            title = ln.trim(line.text[a + skip : b])
            if title:
                out.append(title if len(title) <= MAX_TITLE else title[:MAX_TITLE] + "…")
    return out


def parse_plan_table(
    source: bytes | str | Path,
    filename: str,
    *,
    year: int,
    columns: Mapping[str, str | int] | None = None,
) -> ImportPreview:
    """The preview of a plan table. `columns` maps fields ("month", "theme", "items",
    "category", "responsible", "notes") to a header text or a 0-based column index.

    Issues carry the sheet row number (1-based) as their line.
    """
    preview = ImportPreview(year, source=filename)
    grid = _read_grid(source, filename)
    found = _mapped(grid, columns, preview.issues) if columns else _find_header(grid)
    if found is None:
        preview.issues.append(ImportIssue(None, "reports.no_header"))
        return preview
    header, cols = found
    first_row: dict[str, int] = {}
    current: MonthHead | None = None
    turn, current_year = YearTurn(year), year

    def cell(row: list[Any], key: str) -> Any:
        j = cols.get(key)
        return row[j] if j is not None and j < len(row) else None

    for i in range(header + 1, len(grid)):
        row, number = grid[i], i + 1
        if not any(_cell_text(c) for c in row):
            continue
        head, unreadable = _month_of(cell(row, "month"))
        if head is not None:
            current = head  # a blank month cell under a merged one keeps the month above
            current_year, turned = turn.year_of(head.months)
            if turned:
                preview.issues.append(
                    ImportIssue(number, "reports.next_year", params={"year": current_year})
                )
        theme = _cell_text(cell(row, "theme")) or None
        items = _items(_cell_text(cell(row, "items")))
        if not items and theme:
            items, theme = [theme], None
        if unreadable or current is None:
            text = " | ".join(t for t in (_cell_text(c) for c in row) if t)
            preview.issues.append(ImportIssue(number, "reports.no_month_in_row", text[:80]))
            continue
        if not items:
            preview.issues.append(ImportIssue(number, "reports.month_empty"))
            continue
        typed = _cell_text(cell(row, "category"))
        code = schema.match_enum(schema.ACTIVITY_CATEGORY, typed) if typed else None
        for title in items:
            for act in activity_rows(
                current_year,
                current,
                title,
                category=code,
                theme=theme or _cell_text(cell(row, "notes")) or None,
                responsible=_cell_text(cell(row, "responsible")) or None,
                line=number,
            ):
                first = first_row.get(act.import_key)
                if first is not None:
                    preview.issues.append(
                        ImportIssue(number, "reports.duplicate_item", title, {"first": first})
                    )
                    continue
                first_row[act.import_key] = number
                preview.activities.append(act)
    return preview
