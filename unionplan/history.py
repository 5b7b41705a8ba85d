"""Who changed what, and when: the audit log as a history people can read (issue #9).

The workbook layer writes one audit row per change: when, who (the signed-in login, or
"local" in single-person mode), table, record, action, and the changes as JSON
``{field: [before, after]}``. Here those rows are filtered (person, table, day range,
record) and flattened into one line per changed field, the table and the field named in
the reader's language. Filtering works on the audit rows, so only the rows shown (a
page, one record's history, an export) are ever flattened: a 50,000-row log costs a
vectorised filter per rerun, not 50,000 JSON parses.

The log is a sheet people can edit by hand, so nothing here trusts it: a changes cell
that is not the JSON the app writes is shown as it is, on one line; a time that is not a
time sorts last; a table named by its label ("活动") is found like a tab title.

Personal fields of aid cases are masked when the audit row is written, but rows written
before that may hold raw text. `flatten` therefore masks again, for a reader who may not
see that record's personal data (`personal_access`): every sensitive field, and in a table
with personal data every field it cannot name and every cell it cannot parse.

Plain pandas (and openpyxl for the export, through the shared `xlsx_export.CellWriter`);
the widgets are `unionplan.ui.history`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook

from unionplan import i18n
from unionplan.data import access, privacy, schema
from unionplan.data.access import Person
from unionplan.data.schema import TABLES
from unionplan.data.tables import ROW, WorkbookData, unit_tree
from unionplan.data.values import is_blank, is_missing, py
from unionplan.data.xlsx_export import CellWriter

# One line per changed field; the headers are `history.col.<key>` in the reader's language.
COLUMNS = ("at", "user", "table", "record", "action", "field", "before", "after")
# The audit rows as `audit_rows` gives them.
ROW_COLUMNS = ("at", "user", "table", "record_id", "action", "changes", ROW)
# Tables with personal data (a sensitive column): their history is masked for a reader
# who may not see the record's personal data.
PERSONAL_TABLES = frozenset(k for k, t in TABLES.items() if any(c.sensitive for c in t.columns))
# Tables whose records belong to an aid case through their `case_id`.
CASE_TABLES = ("aid_payments", "aid_events")

# Whether the reader may see the personal data of (table key, record id).
PersonalAccess = Callable[[str, str], bool]


@dataclass(frozen=True)
class Filters:
    """What the history is narrowed to; an empty field does not narrow."""

    people: tuple[str, ...] = ()  # logins as recorded
    tables: tuple[str, ...] = ()  # table keys (or a table's name as typed, when unknown)
    start: dt.date | None = None  # first day, inclusive
    end: dt.date | None = None  # last day, inclusive
    record_id: str = ""  # one record's id, whatever its case and surrounding spaces

    @property
    def active(self) -> bool:
        return bool(self.people or self.tables or self.start or self.end or self.record_id.strip())


# ------------------------------------------------------------------ the audit rows


def table_key(value: Any) -> str:
    """The table an audit row names: its key ("activities"), a tab title in any language
    ("活动" typed by hand) resolved to the key, anything else as typed."""
    if is_blank(value):
        return ""
    text = str(value).strip()
    if text in TABLES:
        return text
    return schema.match_tab(text) or text


def audit_rows(data: WorkbookData) -> pd.DataFrame:
    """The audit log as read, newest first: `ROW_COLUMNS`, the time a Timestamp (NaT when
    the cell held none), the others text ("" for a blank cell), the table as a key."""
    df = data.df("audit_log")
    n = len(df)

    def text(col: str) -> pd.Series:
        values = df[col].tolist() if col in df.columns else [None] * n
        return pd.Series(
            ["" if is_blank(v) else str(v).strip() for v in values], index=df.index, dtype=object
        )

    out = pd.DataFrame(
        {
            "at": pd.to_datetime(df["at"] if "at" in df.columns else [None] * n, errors="coerce"),
            "user": text("user"),
            "table": text("table").map(_TABLE_KEYS),
            "record_id": text("record_id"),
            "action": text("action"),
            "changes": df["changes"] if "changes" in df.columns else None,
            ROW: df[ROW] if ROW in df.columns else range(n),
        },
        index=df.index,
    )
    # The sheet's order is the order of writing: it breaks ties of time (one write's rows
    # share their second) and places rows without a time.
    out = out.sort_values(ROW, ascending=False, kind="stable")
    out = out.sort_values("at", ascending=False, na_position="last", kind="stable")
    return out.reset_index(drop=True)


class _TableKeys(dict[str, str]):
    """table_key, remembered per spelling: a log holds few distinct table names."""

    def __missing__(self, value: str) -> str:
        key = self[value] = table_key(value)
        return key


_TABLE_KEYS = _TableKeys()


def choices(rows: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The people and the tables the log names: logins sorted, tables in the workbook's
    order and then any other name as typed."""
    people = sorted({u for u in rows["user"].tolist() if u})
    found = {t for t in rows["table"].tolist() if t}
    tables = [k for k in TABLES if k in found] + sorted(found - set(TABLES))
    return people, tables


def select(rows: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The audit rows that pass the filters, in the same order."""
    keep = pd.Series(True, index=rows.index)
    if f.people:
        keep &= rows["user"].isin(f.people)
    if f.tables:
        keep &= rows["table"].isin(f.tables)
    if f.start is not None or f.end is not None:
        day = rows["at"].dt.normalize()
        known = rows["at"].notna()  # a row without a time is in no range
        if f.start is not None:
            keep &= known & (day >= pd.Timestamp(f.start))
        if f.end is not None:
            keep &= known & (day <= pd.Timestamp(f.end))
    wanted = f.record_id.strip().casefold()
    if wanted:
        keep &= rows["record_id"].str.casefold() == wanted
    return rows[keep]


def record_rows(rows: pd.DataFrame, key: str, record_ids: Iterable[str]) -> pd.DataFrame:
    """The audit rows of records `record_ids` of table `key` (one record's history)."""
    ids = {str(i) for i in record_ids}
    return rows[(rows["table"] == key) & rows["record_id"].isin(ids)]


# ------------------------------------------------------------------ an aid case's records


def case_index(data: WorkbookData, rows: pd.DataFrame) -> dict[str, str]:
    """Payment and history-record id -> the aid case it belongs to: as the records are
    now, and, for records deleted since, as the log recorded their case when written."""
    index: dict[str, str] = {}
    logged = rows[rows["table"].isin(CASE_TABLES)]
    # Oldest first, so a later change of case_id wins.
    for rid, text in zip(logged["record_id"][::-1], logged["changes"][::-1], strict=True):
        changes = parse_changes(text)
        pair = changes.get("case_id") if changes else None
        if rid and pair is not None and not is_blank(pair[1]):
            index[rid] = str(pair[1])
    for key in CASE_TABLES:
        df = data.df(key)
        if not df.empty:
            index.update(
                (str(i), str(c))
                for i, c in zip(df["id"], df["case_id"], strict=True)
                if not is_blank(i) and not is_blank(c)
            )
    return index


def case_rows(rows: pd.DataFrame, case_id: str, index: Mapping[str, str]) -> pd.DataFrame:
    """The audit rows of an aid case and of its payments and history records."""
    mine = {rid for rid, case in index.items() if case == case_id}
    return rows[
        ((rows["table"] == "aid_cases") & (rows["record_id"] == case_id))
        | (rows["table"].isin(CASE_TABLES) & rows["record_id"].isin(mine))
    ]


# ------------------------------------------------------------------ who may see what


def personal_access(data: WorkbookData, who: Person, index: Mapping[str, str]) -> PersonalAccess:
    """Whether `who` may see the personal data of a record: everything for an unscoped
    aid officer, nothing without the aid role (an admin's included), and for a scoped
    aid officer the records of cases in their units (`access.can_see_personal`). `index`
    is `case_index`: a payment whose case is unknown is nobody's in particular, so it
    stays masked."""
    if access.can_see_all_personal(who):
        return lambda key, rid: True
    if not who.has(access.AID):
        return lambda key, rid: False
    units = unit_tree(data)

    def may(key: str, rid: str) -> bool:
        case = rid if key == "aid_cases" else index.get(rid)
        if case is None:
            return False
        return access.can_see_personal(who, units.case_units.get(case), units)

    return may


# ------------------------------------------------------------------ the changes cell


def parse_changes(text: Any) -> dict[str, tuple[Any, Any]] | None:
    """The changes cell as {field: (before, after)}, or None when it is not a JSON object.

    What the app writes is ``{"field": [before, after]}``. By hand someone may write a
    field with one value, or a list of another length: that value is taken as the
    "after" (and a before of None), whole.
    """
    if is_blank(text):
        return {}
    try:
        found = json.loads(str(text))
    except (ValueError, RecursionError):  # RecursionError: thousands of nested brackets
        return None
    if not isinstance(found, dict):
        return None
    return {
        str(k): (v[0], v[1]) if isinstance(v, list) and len(v) == 2 else (None, v)
        for k, v in found.items()
    }


# ------------------------------------------------------------------ lines to read


def value_text(key: str, field: str, value: Any, lang: str) -> str:
    """A before or after value as people read it: a choice by its label in `lang`, a
    yes/no in words, a whole number without ".0"; anything else as the log holds it."""
    value = py(value)
    if is_blank(value):
        return ""
    table = TABLES.get(key)
    col = table.column(field) if table is not None and field in table.keys else None
    if isinstance(value, bool):
        return i18n.t("history.yes" if value else "history.no", lang)
    if col is not None and col.enum is not None:
        items = value if isinstance(value, list) else [value]
        if all(isinstance(v, str) for v in items):
            return _sep(lang).join(col.enum.label(v, lang) for v in items)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _sep(lang: str) -> str:
    return ", " if lang == "en" else "、"


def _masked(key: str, field: str, value: Any) -> Any:
    """`value` of `field` in table `key` as a reader without its personal data sees it."""
    if is_blank(value):
        return value
    table = TABLES.get(key)
    if table is None or field not in table.keys:  # a field nobody can vouch for
        return privacy.MASK
    return privacy.mask(field, value) if table.column(field).sensitive else value


def field_label(key: str, field: str, lang: str) -> str:
    table = TABLES.get(key)
    if table is not None and field in table.keys:
        return table.column(field).label.get(lang)
    return field


def table_label(key: str, lang: str) -> str:
    table = TABLES.get(key)
    return table.label.get(lang) if table is not None else key


def record_titles(data: WorkbookData) -> dict[tuple[str, str], str]:
    """(table, id) -> what the record is called, for tables whose records have a plain
    title (never an aid case: its name is personal)."""
    out: dict[tuple[str, str], str] = {}
    for key, col in (("activities", "title"), ("targets", "title"), ("units", "name")):
        df = data.df(key)
        if not df.empty:
            out.update(
                ((key, str(i)), str(v))
                for i, v in zip(df["id"], df[col], strict=True)
                if not is_blank(i) and not is_blank(v)
            )
    return out


def flatten(
    rows: pd.DataFrame,
    lang: str,
    *,
    personal: PersonalAccess | None = None,
    titles: Mapping[tuple[str, str], str] | None = None,
) -> pd.DataFrame:
    """One line per changed field of `rows` (from `audit_rows`), `COLUMNS` as text.

    `personal` says whose personal data the reader may see (None: everyone's); in the
    records of others, the personal fields are masked (`_masked`). An audit row with no
    changes is one line with no field; one whose changes cannot be read is one line with
    the cell as it is (masked whole where it could hold personal data).
    """
    titles = titles or {}
    action_label = {
        code: schema.AUDIT_ACTION.label(code, lang) for code in schema.AUDIT_ACTION.codes()
    }
    lines: list[tuple[str, ...]] = []
    for at, user, key, rid, action, text in zip(
        rows["at"], rows["user"], rows["table"], rows["record_id"], rows["action"],
        rows["changes"], strict=True,
    ):  # fmt: skip
        head = (
            _time_text(at),
            user,
            table_label(key, lang),
            f"{rid} · {titles[(key, rid)]}" if (key, rid) in titles else rid,
            action_label.get(action, action),
        )
        hide = _hides(key, rid, personal)
        changes = parse_changes(text)
        if changes is None:
            raw = "" if is_blank(text) else str(text)
            lines.append((*head, "", "", privacy.MASK if hide and raw else raw))
            continue
        if not changes:
            lines.append((*head, "", "", ""))
        for field, (before, after) in changes.items():
            if hide:
                before, after = _masked(key, field, before), _masked(key, field, after)
            lines.append(
                (
                    *head,
                    field_label(key, field, lang),
                    value_text(key, field, before, lang),
                    value_text(key, field, after, lang),
                )
            )
    return pd.DataFrame(lines, columns=list(COLUMNS), dtype=object)


def _hides(key: str, rid: str, personal: PersonalAccess | None) -> bool:
    """Whether the reader's lines of this audit row are masked: a table with personal
    data (or one nobody can name) and a record whose personal data they may not see."""
    if personal is None or (key in TABLES and key not in PERSONAL_TABLES):
        return False
    return not personal(key, rid)


def masks_any(rows: pd.DataFrame, personal: PersonalAccess | None) -> bool:
    """Whether `flatten` masks anything of `rows` for this reader (a page says so)."""
    return any(
        _hides(k, r, personal) for k, r in zip(rows["table"], rows["record_id"], strict=True)
    )


def _time_text(at: Any) -> str:
    if is_missing(at):
        return ""
    return pd.Timestamp(at).strftime("%Y-%m-%d %H:%M:%S")


def headed(lines: pd.DataFrame, lang: str) -> pd.DataFrame:
    """`flatten`'s lines with the column headers in `lang`."""
    return lines.rename(columns={c: i18n.t(f"history.col.{c}", lang) for c in COLUMNS})


# ------------------------------------------------------------------ the export

# The most lines (changed fields) one export holds. openpyxl builds the file in memory, in
# Python, holding the interpreter lock, so every session waits while it runs: about 3,000
# lines a second on a small server (bench/bench_history.py), so a few seconds at most.
# A selection of more saves than this is not offered for export (each save is a line at
# least); one of fewer saves but more lines is exported up to this, newest first, with
# a last line that says the rest was left out.
EXPORT_MAX_LINES = 10_000
_CHUNK = 500  # audit rows flattened at a time while an export fills up
_WIDTHS = {"at": 20, "user": 14, "table": 12, "record": 28, "action": 12, "field": 16}


def export_lines(
    rows: pd.DataFrame,
    lang: str,
    *,
    personal: PersonalAccess | None = None,
    titles: Mapping[tuple[str, str], str] | None = None,
    limit: int = EXPORT_MAX_LINES,
) -> tuple[pd.DataFrame, bool]:
    """`flatten` of `rows` up to `limit` lines, newest first; and whether lines were left
    out. Flattens a chunk of rows at a time, so a huge selection costs only the limit."""
    parts: list[pd.DataFrame] = []
    n = 0
    for first in range(0, len(rows), _CHUNK):
        part = flatten(rows.iloc[first : first + _CHUNK], lang, personal=personal, titles=titles)
        parts.append(part)
        n += len(part)
        if n > limit:
            break
    lines = pd.concat(parts, ignore_index=True) if parts else flatten(rows, lang)
    return lines.iloc[:limit], len(lines) > limit


def export_xlsx(lines: pd.DataFrame, lang: str, *, cut: bool = False) -> bytes:
    """`flatten`'s lines as an .xlsx file: one sheet, headers in `lang`, every cell text
    (control characters escaped, a long text continued on an overflow tab); when `cut`,
    a last line says that more lines were left out."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = i18n.t("history.export_sheet", lang)[:31]
    out = CellWriter(book, lang)
    for j, col in enumerate(COLUMNS, start=1):
        out.text(sheet.cell(1, j), i18n.t(f"history.col.{col}", lang))
        sheet.column_dimensions[sheet.cell(1, j).column_letter].width = _WIDTHS.get(col, 40)
    i = 1
    for i, line in enumerate(lines[list(COLUMNS)].itertuples(index=False), start=2):
        for j, value in enumerate(line, start=1):
            out.text(sheet.cell(i, j), value)
    if cut:
        note = i18n.t("history.export_cut", lang, n=i18n.fmt_number(len(lines), lang))
        out.text(sheet.cell(i + 1, 1), note)
    sheet.freeze_panes = "A2"
    return out.save()


def export(
    who: Person,
    rows: pd.DataFrame,
    lang: str,
    *,
    personal: PersonalAccess | None = None,
    titles: Mapping[tuple[str, str], str] | None = None,
) -> bytes:
    """The .xlsx export of `rows` for `who`: administrators only (PermissionDeniedError
    for anyone else, whatever calls it), masked as `personal` says."""
    access.check_admin(who)
    lines, cut = export_lines(rows, lang, personal=personal, titles=titles)
    return export_xlsx(lines, lang, cut=cut)
