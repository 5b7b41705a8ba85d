"""Reading a workbook: grids into typed tables with data issues, never failing on content.

This is the only place that knows how a tab is laid out (title rows, header row, columns
in any order, unknown columns) and how cells become record values. `WorkbookData` is the
snapshot every page reads; `unionplan.data.workbook` writes and caches it.
"""

from __future__ import annotations

import datetime as dt
import gc
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unionplan.data import access, parse, schema
from unionplan.data.schema import TABLES, Column, Table
from unionplan.data.store.base import Cell, Grid
from unionplan.data.values import is_blank, py
from unionplan.errors import NotFoundError

HEADER_SCAN_ROWS = 10  # a header below this many title/blank rows is not looked for
ROW = "_row"  # DataFrame column: the sheet row number the user sees


@dataclass(frozen=True)
class Issue:
    """Something in the workbook the app could not read as intended.

    `key` is a message key in the `issues` locale area; `params` fill its placeholders.
    `row` is the sheet row number the user sees (1-based), `column` the header as typed.
    """

    tab: str
    row: int | None
    column: str | None
    raw: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    # The raw text is personal data of an aid case: pages show it only to those allowed.
    sensitive: bool = False


@dataclass
class TableData:
    """One table as read: parsed records plus what is needed to write back to its tab."""

    table: Table
    title: str | None  # the tab's title in the workbook; None when the tab is missing
    header_row: int = 1
    header: list[str] = field(default_factory=list)
    colmap: dict[str, int] = field(default_factory=dict)  # column key -> 1-based column
    extra: list[str] = field(default_factory=list)  # headers the app does not know
    df: pd.DataFrame = field(default_factory=pd.DataFrame)  # deleted rows excluded
    n_deleted: int = 0


@dataclass
class WorkbookData:
    """A consistent snapshot of every table, the settings and the data issues."""

    tables: dict[str, TableData]
    issues: list[Issue]
    settings: dict[str, str]
    loaded_at: float
    location: str
    kind: str
    # With a separate aid workbook (unionplan.data.split): where it is, its audit log's
    # layout (for writes), and how many aid cases with personal data the plan workbook
    # itself still holds (None when there is one workbook).
    aid_location: str = ""
    aid_audit: TableData | None = field(default=None, repr=False)
    plan_personal_cases: int | None = None

    def df(self, key: str) -> pd.DataFrame:
        return self.tables[key].df

    @property
    def plan_year(self) -> int:
        return plan_year(self.settings)

    @property
    def language(self) -> str:
        lang = self.settings.get("language", "")
        code = schema.match_enum(schema.LANGUAGE, lang)
        return code or schema.DEFAULT_LANG

    def record(self, key: str, record_id: str) -> dict[str, Any]:
        df = self.df(key)
        hit = df[df["id"] == record_id]
        if hit.empty:
            raise NotFoundError(f"{key}/{record_id}", key="errors.record_not_found", id=record_id)
        return {k: py(v) for k, v in hit.iloc[0].items()}


def plan_year(settings: Mapping[str, str]) -> int:
    value, _ = parse.parse_int(settings.get("plan_year"))
    if value and 1900 < value < 2200:
        return value
    return dt.date.today().year


def new_id(prefix: str) -> str:
    """A stable, non-numeric, collision-safe id: 'A-7KQ3ZP9M'.

    Random (not sequential) so two cadres adding rows at once never pick the same id.
    """
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O/1/I: read aloud and typed by hand
    return f"{prefix}-" + "".join(secrets.choice(alphabet) for _ in range(8))


# ------------------------------------------------------------------ reading


def _cell_text(raw: Cell) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def find_header(table: Table, grid: Grid) -> tuple[int, dict[str, int], list[str]] | None:
    """(header row index in grid, key -> 0-based col, unknown headers) or None.

    The header is the first of the top rows where at least two cells name columns of
    this table (one is enough when it is the id column), so merged title rows and blank
    rows above it are skipped.
    """
    for i, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            key = schema.match_column(table.key, cell) if not is_blank(cell) else None
            if key and key not in found:
                found[key] = j
        if len(found) >= 2 or "id" in found:
            unknown = [
                _cell_text(c)
                for j, c in enumerate(row)
                if not is_blank(c) and j not in found.values()
            ]
            return i, found, unknown
    return None


_TEXT_KINDS = {"text", "ref"}


def _parse_cell(col: Column, raw: Cell, year: int) -> tuple[Any, str | None]:
    kind = col.kind
    if kind in _TEXT_KINDS:
        if raw is None:
            return None, None
        text = _cell_text(raw).strip()
        return (text or None), None
    if kind == "enum":
        if is_blank(raw):
            return None, None
        assert col.enum is not None
        code = schema.match_enum(col.enum, raw)
        return (code, None) if code else (None, "issues.unknown_label")
    if kind == "multienum":
        assert col.enum is not None
        codes, bad = [], False
        for part in parse.split_multi(raw):
            code = schema.match_enum(col.enum, part)
            if code:
                codes.append(code)
            else:
                bad = True
        return codes, ("issues.unknown_label" if bad else None)
    if kind == "plandate":
        return parse.parse_plandate(raw, year)
    if kind == "date":
        return parse.parse_date(raw, year)
    if kind == "datetime":
        return parse.parse_datetime(raw)
    if kind == "int":
        return parse.parse_int(raw)
    if kind == "money":
        return parse.parse_money(raw)
    if kind == "number":
        return parse.parse_number(raw)
    if kind == "quantity":
        return parse.parse_quantity(raw)
    if kind == "bool":
        return parse.parse_bool(raw)
    if kind == "version":
        return parse.parse_version(raw)
    raise AssertionError(kind)


_NUMERIC = {"int": "Int64", "number": "float64", "money": "float64", "quantity": "float64"}


def read_table(
    table: Table, title: str | None, grid: Grid | None, year: int
) -> tuple[TableData, list[Issue]]:
    """Parse one tab's grid. Never raises: problems become issues."""
    td = TableData(table=table, title=title)
    issues: list[Issue] = []
    empty = pd.DataFrame(
        {k: pd.Series(dtype=_NUMERIC.get(table.column(k).kind, "object")) for k in table.keys}
        | {ROW: pd.Series(dtype="int64")}
    )
    td.df = empty
    if title is None:
        issues.append(
            Issue(table.label.zh_hans, None, None, "", "issues.missing_tab", {"tab": table.key})
        )
        return td, issues
    if not grid or all(all(is_blank(c) for c in r) for r in grid):
        issues.append(Issue(title, None, None, "", "issues.empty_tab"))
        return td, issues
    found = find_header(table, grid)
    if found is None:
        issues.append(Issue(title, None, None, "", "issues.no_header"))
        return td, issues
    hi, cols, unknown = found
    td.header_row = hi + 1
    td.header = [_cell_text(c) for c in grid[hi]]
    td.colmap = {k: j + 1 for k, j in cols.items()}
    td.extra = unknown
    if "id" not in cols:
        issues.append(Issue(title, td.header_row, None, "", "issues.missing_id_column"))

    # Duplicate headers: the first one wins, the others are reported and carried through.
    seen: dict[str, int] = {}
    for j, c in enumerate(grid[hi]):
        key = schema.match_column(table.key, c) if not is_blank(c) else None
        if key and key in seen and cols.get(key) != j:
            issues.append(
                Issue(title, td.header_row, _cell_text(c), _cell_text(c), "issues.duplicate_column")
            )
        elif key:
            seen[key] = j

    items: list[tuple[Column, int, dict[Any, tuple[Any, str | None]] | None]] = [
        (table.column(k), j, None if table.column(k).kind in _TEXT_KINDS else {})
        for k, j in cols.items()
    ]
    records: list[dict[str, Any]] = []
    ids_seen: dict[str, int] = {}
    n_deleted = 0
    for i in range(hi + 1, len(grid)):
        row = grid[i]
        if not row or all(is_blank(c) for c in row):
            continue
        rownum = i + 1
        rec: dict[str, Any] = {ROW: rownum}
        for col, j, memo in items:
            raw = row[j] if j < len(row) else None
            if memo is None:
                value, problem = _parse_cell(col, raw, year)
            else:
                # Categories, statuses, dates and timestamps repeat down a column: parse
                # each distinct cell once (halves the load time of a 10k-row tab).
                try:
                    value, problem = memo[raw]
                except KeyError:
                    value, problem = memo[raw] = _parse_cell(col, raw, year)
                except TypeError:  # an unhashable cell value
                    value, problem = _parse_cell(col, raw, year)
                if isinstance(value, list):
                    value = list(value)
            rec[col.key] = value
            if problem:
                issues.append(
                    Issue(
                        title,
                        rownum,
                        td.header[j],
                        _cell_text(raw),
                        problem,
                        sensitive=col.sensitive,
                    )
                )
        if rec.get("deleted"):
            n_deleted += 1
            continue
        rid = rec.get("id")
        if "id" in cols:
            if not rid:
                issues.append(Issue(title, rownum, td.header[cols["id"]], "", "issues.missing_id"))
            elif rid in ids_seen:
                issues.append(
                    Issue(
                        title,
                        rownum,
                        td.header[cols["id"]],
                        rid,
                        "issues.duplicate_id",
                        {"first_row": ids_seen[rid]},
                    )
                )
            else:
                ids_seen[rid] = rownum
        for col in table.columns:
            if (
                col.required
                and col.key != "id"
                and is_blank(rec.get(col.key))
                and (col.key in cols)
            ):
                issues.append(Issue(title, rownum, td.header[cols[col.key]], "", "issues.required"))
        records.append(rec)
    td.n_deleted = n_deleted
    if records:
        df = pd.DataFrame.from_records(records)
        for k in table.keys:
            if k not in df.columns:
                df[k] = None
        for k in table.keys:
            dtype = _NUMERIC.get(table.column(k).kind)
            if dtype:
                df[k] = pd.to_numeric(df[k], errors="coerce").astype(dtype)
        if "version" in df.columns:
            df["version"] = df["version"].fillna(0).astype("int64")
        td.df = df[[*table.keys, ROW]].reset_index(drop=True)
    return td, issues


def _resolve_refs(tables: dict[str, TableData], issues: list[Issue]) -> None:
    """Turn references typed as names ("一分会") into ids; report the ones that match nothing."""
    for td in tables.values():
        for col in td.table.columns:
            if col.kind != "ref" or td.df.empty or col.key not in td.colmap:
                continue
            target = tables.get(col.ref or "")
            if target is None:
                continue
            tdf = target.df
            ids = set(tdf["id"].dropna()) if not tdf.empty else set()
            name_col = "name" if "name" in target.table.keys else "title"
            by_name: dict[str, str] = {}
            if not tdf.empty and name_col in tdf:
                for rid, name in zip(tdf["id"], tdf[name_col], strict=True):
                    if rid and name:
                        by_name.setdefault(schema.norm(name), rid)
            values = td.df[col.key].tolist()
            changed = False
            for n, v in enumerate(values):
                if is_blank(v) or v in ids:
                    continue
                hit = by_name.get(schema.norm(v))
                if hit:
                    values[n] = hit
                    changed = True
                else:
                    issues.append(
                        Issue(
                            td.title or td.table.key,
                            int(td.df[ROW].iat[n]),
                            td.header[td.colmap[col.key] - 1],
                            str(v),
                            "issues.unknown_ref",
                            # A case typed by name in the payments tab is a person's name.
                            sensitive=col.ref == "aid_cases",
                        )
                    )
            if changed:
                td.df[col.key] = values


def parse_workbook(
    grids: Mapping[str, Grid], *, location: str = "", kind: str = ""
) -> WorkbookData:
    """Everything the app reads, from a store's grids. Never raises on bad content."""
    # Parsing allocates hundreds of thousands of small objects and no cycles; the cyclic
    # GC would otherwise walk the whole heap several times over (~0.4 s of a 10k load).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse_workbook(grids, location=location, kind=kind)
    finally:
        if was_enabled:
            gc.enable()


def _parse_workbook(grids: Mapping[str, Grid], *, location: str, kind: str) -> WorkbookData:
    issues: list[Issue] = []
    titles: dict[str, str] = {}
    for title in grids:
        key = schema.match_tab(title)
        if key is None:
            continue  # a tab the app does not know (a pivot, a chart): left alone
        if key in titles:
            issues.append(
                Issue(title, None, None, "", "issues.duplicate_tab", {"first": titles[key]})
            )
            continue
        titles[key] = title

    settings_td, settings_issues = read_table(
        schema.SETTINGS,
        titles.get("settings"),
        grids.get(titles.get("settings", "")),
        dt.date.today().year,
    )
    settings: dict[str, str] = {}
    if not settings_td.df.empty:
        for k, v in zip(settings_td.df["key"], settings_td.df["value"], strict=True):
            if k:
                settings[str(k).strip()] = "" if v is None else str(v)
    year = plan_year(settings)

    tables: dict[str, TableData] = {"settings": settings_td}
    issues.extend(settings_issues)
    for key, table in TABLES.items():
        if key == "settings":
            continue
        title = titles.get(key)
        td, tissues = read_table(table, title, grids.get(title) if title else None, year)
        tables[key] = td
        issues.extend(tissues)
    _resolve_refs(tables, issues)
    return WorkbookData(tables, issues, settings, time.time(), location, kind)


def unit_tree(data: WorkbookData) -> access.UnitTree:
    """The units as a tree, with each case's and target's unit: what scope checks need."""
    return access.UnitTree.from_frames(data.df("units"), data.df("aid_cases"), data.df("targets"))
