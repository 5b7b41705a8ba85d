"""Writing a workbook, and the one cache of its loads: rows by id and version, audited.

Every write of the app passes `Workbook.write` (permissions, version checks, the record
and its audit row in one store write); reading grids into tables is
`unionplan.data.tables`. Both stores sit below, so local and Google workbooks behave the same.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from unionplan.data import access, limits, schema, split
from unionplan.data.access import Person
from unionplan.data.cells import audit_changes, audit_value, to_cell
from unionplan.data.schema import TABLES
from unionplan.data.store.base import Cell, FoundRow, Planned, RowUpdate, Store
from unionplan.data.tables import (
    ROW,
    TableData,
    WorkbookData,
    find_header,
    new_id,
    parse_workbook,
    read_table,
    unit_tree,
)
from unionplan.data.values import py, same
from unionplan.errors import (
    ConflictError,
    NotFoundError,
    StoreChangedError,
    UnionplanError,
    ValidationError,
)

DEFAULT_TTL = float(os.environ.get("UNIONPLAN_CACHE_TTL", "60"))


_SYSTEM_KEYS = {c.key for c in schema.SYSTEM_COLUMNS} | {"id"}
_STAMPS = ("version", "updated_at", "updated_by")  # what every update writes besides the change
_SAVE_TRIES = 3  # a save the file changed under is run again this many times at most
# location -> (when its read began, change token, data, generation at that moment)
_CACHE: dict[str, tuple[float, object, WorkbookData, int]] = {}
_GENERATION: dict[str, int] = {}  # location -> bumped by every write and fresh load
_FLIGHTS: dict[str, threading.Lock] = {}  # location -> held while its read is in flight
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class RecordUpdate:
    """A change of fields of one row, checked against the version it was read at."""

    key: str
    record_id: str
    changes: Mapping[str, Any]
    expected_version: int


class Workbook:
    """The app's one way to read and write a workbook, whatever the store.

    Loads are cached per location for `ttl` seconds, shared by every session in the
    process, and dropped after each write. For the local store the cache also checks the
    file's change token, so an edit made in Excel shows up on the next load.

    With `aid` (a second store, see `unionplan.data.split`) the aid tables are read from
    and written to that store, with their audit rows; one load reads both, and the cache
    and its change token cover both.
    """

    def __init__(self, store: Store, *, ttl: float = DEFAULT_TTL, aid: Store | None = None) -> None:
        self.store = store
        self.aid = aid
        self.ttl = ttl

    def use_aid(self, aid: Store | None) -> bool:
        """Keep the aid tables in this store from now on (None: in the plan workbook);
        whether that changed anything."""
        if (aid and aid.location) == (self.aid and self.aid.location):
            return False
        self.aid = aid
        self.invalidate()
        return True

    @property
    def _cache_key(self) -> str:
        if self.aid is None:
            return self.store.location
        return f"{self.store.location}\n{self.aid.location}"

    def _change_token(self) -> object:
        if self.aid is None:
            return self.store.change_token()
        return (self.store.change_token(), self.aid.change_token())

    def _read(self) -> WorkbookData:
        loc, kind = self.store.location, self.store.kind
        if self.aid is None:
            return parse_workbook(self.store.read_all(), location=loc, kind=kind)
        return split.parse_split(
            self.store.read_all(),
            self.aid.read_all(),
            location=loc,
            kind=kind,
            aid_location=self.aid.location,
        )

    def _target(self, keys: Iterable[str]) -> Store:
        """The store a write of these tables goes to (the aid store for aid tables)."""
        if self.aid is not None and split.in_aid_workbook(keys):
            return self.aid
        return self.store

    # -------------------------------------------------------------- reading

    def load(self, *, fresh: bool = False) -> WorkbookData:
        """The workbook as it is, from the shared cache when that is still good.

        One read per location at a time (single flight): sessions that miss the cache
        together, as they do after a write, wait for the one read in flight and share it,
        instead of each reading the spreadsheet. A read that began before the latest write
        (or `fresh` request) is never taken for one after it.
        """
        loc = self._cache_key
        with _CACHE_LOCK:
            if fresh:
                _GENERATION[loc] = _GENERATION.get(loc, 0) + 1
            wanted = _GENERATION.get(loc, 0)
            flight = _FLIGHTS.setdefault(loc, threading.Lock())
        # The token read *before* the data: a write landing in between then leaves a
        # stale token, so the next load re-reads instead of trusting stale data.
        token = self._change_token()
        hit = self._cached(loc, token, wanted)
        if hit is not None:
            return hit
        with flight:
            hit = self._cached(loc, token, wanted)  # the read we waited for
            if hit is not None:
                return hit
            with _CACHE_LOCK:
                generation = _GENERATION.get(loc, 0)
            started = time.monotonic()
            data = self._read()
            with _CACHE_LOCK:
                _CACHE[loc] = (started, token, data, generation)
            return data

    def _cached(self, loc: str, token: object, wanted: int) -> WorkbookData | None:
        with _CACHE_LOCK:
            hit = _CACHE.get(loc)
            current = _GENERATION.get(loc, 0)
        if hit is None:
            return None
        started, cached_token, data, generation = hit
        if generation < max(wanted, current) or cached_token != token:
            return None
        if time.monotonic() - started >= self.ttl:
            return None
        return data

    def office_lock(self) -> Any:
        """The lock file of Excel/WPS/LibreOffice having the local workbook open, or None."""
        return self.store.office_lock()

    def ignore_office_lock(self, lock: Any) -> None:
        """Save despite this lock file (left by a crash), in this process; an admin's call."""
        self.store.ignore_office_lock(lock)

    def invalidate(self) -> None:
        """Drop the cached load (after a write): the next load, shared by every session
        that asks meanwhile, reads again."""
        loc = self._cache_key
        with _CACHE_LOCK:
            _GENERATION[loc] = _GENERATION.get(loc, 0) + 1
            _CACHE.pop(loc, None)

    def ensure_tabs(self, lang: str | None = None) -> list[str]:
        """Create every missing tab with its header row; returns the titles created."""
        data = self.load(fresh=True)
        lang = lang or data.language
        apart = split.AID_TABLES if self.aid is not None else frozenset()
        missing = {
            t.label.get(lang): t.headers(lang)
            for key, t in TABLES.items()
            if data.tables[key].title is None and key not in apart
        }
        if missing:
            self.store.create_tabs(missing)
        aid_missing: dict[str, list[str]] = {}
        if self.aid is not None:
            aid_missing = {
                TABLES[key].label.get(lang): TABLES[key].headers(lang)
                for key in split.AID_WORKBOOK_TABS
                if (data.aid_audit if key == "audit_log" else data.tables[key]).title is None
            }
            if aid_missing:
                self.aid.create_tabs(aid_missing)
        if missing or aid_missing:
            self.invalidate()
        return [*missing, *aid_missing]

    # -------------------------------------------------------------- writing

    def _layout(self, key: str, store: Store) -> TableData:
        """Where a table's columns are in `store`, as last loaded (a write then finds its
        rows by id and, for updates, reads the header again: `_fresh_layout`)."""

        def layout(data: WorkbookData) -> TableData:
            if key == "audit_log" and store is self.aid and data.aid_audit is not None:
                return data.aid_audit
            return data.tables[key]

        td = layout(self.load())
        if td.title is None or not td.colmap:
            self.ensure_tabs()
            td = layout(self.load(fresh=True))
        if td.title is None or not td.colmap:
            raise UnionplanError(f"tab for {key} has no header", key="errors.no_header", tab=key)
        return td

    @staticmethod
    def _add_missing_columns(store: Store, td: TableData, keys: Iterable[str], lang: str) -> None:
        """Give a hand-made tab the columns a write needs, after its last header cell."""
        need = [k for k in keys if k not in td.colmap]
        if not need:
            return
        width = len(td.header)
        cells = []
        for k in need:
            width += 1
            td.colmap[k] = width
            label = td.table.column(k).label.get(lang)
            td.header.append(label)
            cells.append((td.header_row, width, label))
        store.update_cells(td.title or "", cells)

    def _row_cells(self, td: TableData, record: Mapping[str, Any], lang: str) -> list[Cell]:
        width = max(len(td.header), max(td.colmap.values(), default=0))
        row: list[Cell] = [""] * width
        for k, j in td.colmap.items():
            if k in record:
                row[j - 1] = to_cell(td.table.column(k), record[k], lang)
        return row

    def _audit_cells(
        self,
        td: TableData,
        user: str,
        table: str,
        rid: str,
        action: str,
        changes: Mapping[str, Any],
        lang: str,
    ) -> list[Cell]:
        rec = {
            "id": new_id(schema.AUDIT_LOG.id_prefix),
            "at": dt.datetime.now().replace(microsecond=0),
            "user": user,
            "table": table,
            "record_id": rid,
            "action": action,
            "changes": audit_changes(changes),
        }
        return self._row_cells(td, rec, lang)

    def append(self, key: str, values: Mapping[str, Any], actor: Person) -> dict[str, Any]:
        """Add one record; returns it with id, version and timestamps filled in.

        One write: the row and its audit row together (plus, once, the header cells a
        hand-made tab lacks).
        """
        return self.write(appends=[(key, values)], actor=actor)[0]

    def append_many(
        self, items: Sequence[tuple[str, Mapping[str, Any]]], actor: Person
    ) -> list[dict[str, Any]]:
        """Add many records, to one table or several, with their audit rows in ONE write:
        an import of a whole plan lands completely or not at all."""
        return self.write(appends=items, actor=actor)

    def update(
        self,
        key: str,
        record_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: Person,
    ) -> dict[str, Any]:
        """Change fields of one row after checking nobody changed it since it was read.

        Costs one fresh read of the tab and one write (the cells and the audit row together).
        Raises ConflictError carrying the row as it is now when the version moved.
        """
        update = RecordUpdate(key, record_id, changes, expected_version)
        return self.write(updates=[update], actor=actor)[0]

    def write(
        self,
        *,
        appends: Sequence[tuple[str, Mapping[str, Any]]] = (),
        updates: Sequence[RecordUpdate] = (),
        actor: Person,
    ) -> list[dict[str, Any]]:
        """Append and update records across tables, with their audit rows, in ONE store write.

        Every write of the app passes here. Appended records keep an id given in their
        values (so a caller can fix ids up front and recognise a batch that already
        landed: a campaign, an import); the others get a new one. Appends alone are one
        store write (one xlsx save, one atomic Google batchUpdate whose retry after a
        timeout checks the first appended id). With updates, the store finds each row by
        its id when it writes (`Store.write_rows`, see data/store/CONCURRENCY.md): a
        version that moved, or another save of the same record racing this one, raises
        ConflictError, writes nothing but a "conflict" audit row, and no row moved in the
        sheet meanwhile makes a change land on another record. Returns the appended
        records, then the updated ones, as written (an update that changes nothing
        returns the row as it is and writes nothing for it).

        Every record is checked against what `actor` may write (`access.check_write`:
        their roles, and their unit both before and after an update) before anything is
        written, and each updated row again as the store finds it at write time; a refusal
        raises PermissionDeniedError. The audit log and the stamps name `actor.login`.
        """
        if not appends and not updates:
            return []
        user = actor.login
        # Whatever calls it (a form, an import, the command line): no text a cell cannot hold.
        too_long: dict[str, list[str]] = {}
        for values in [v for _, v in appends] + [u.changes for u in updates]:
            too_long |= limits.cell_problems(values)
        if too_long:
            raise ValidationError(too_long)
        now = dt.datetime.now().replace(microsecond=0)
        new_recs = [(key, self._new_record(key, values, user, now)) for key, values in appends]
        guard = self._permission_guard(actor, new_recs, updates)
        for attempt in range(_SAVE_TRIES):
            try:
                return self._write_once(new_recs, updates, user, now, guard)
            except StoreChangedError:
                # A person saved the file between our read and our save: nothing of ours
                # was written; do it again on what they saved.
                if attempt == _SAVE_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _permission_guard(
        self,
        actor: Person,
        new_recs: Sequence[tuple[str, dict[str, Any]]],
        updates: Sequence[RecordUpdate],
    ) -> Callable[[RecordUpdate, Mapping[str, Any]], None]:
        """Check every record against what `actor` may write, on the rows as loaded, before
        anything is written; returns the check of one updated row, for the row as the
        store finds it at write time (someone may have moved it to another unit since)."""
        data = self.load()
        units = unit_tree(data).including(new_recs)
        for key, rec in new_recs:
            access.check_write(actor, key, None, rec, units)

        def guard(u: RecordUpdate, current: Mapping[str, Any]) -> None:
            access.check_write(actor, u.key, current, {**current, **u.changes}, units)

        for u in updates:
            df = data.tables[u.key].df
            hit = df[df["id"] == u.record_id] if not df.empty else df
            if hit.empty:
                access.check_write(actor, u.key, None, dict(u.changes), units)
            else:
                guard(u, {k: py(v) for k, v in hit.iloc[0].items()})
        return guard

    def _write_once(
        self,
        new_recs: list[tuple[str, dict[str, Any]]],
        updates: Sequence[RecordUpdate],
        user: str,
        now: dt.datetime,
        guard: Callable[[RecordUpdate, Mapping[str, Any]], None],
    ) -> list[dict[str, Any]]:
        data = self.load()
        lang = data.language
        keys = list(dict.fromkeys([k for k, _ in new_recs] + [u.key for u in updates]))
        store = self._target(keys)
        try:
            if not updates:
                with store.transaction():
                    layouts = {k: self._layout(k, store) for k in [*keys, "audit_log"]}
                    batch = self._append_batch(store, layouts, new_recs, [], user, lang)
                    if batch:
                        store.write(appends=batch)
                return [rec for _, rec in new_recs]
            return self._write_with_updates(
                store, data, new_recs, updates, keys, user, lang, now, guard
            )
        finally:
            self.invalidate()

    def _append_batch(
        self,
        store: Store,
        layouts: dict[str, TableData],
        new_recs: Sequence[tuple[str, dict[str, Any]]],
        audit: list[tuple[str, str, str, dict[str, Any]]],
        user: str,
        lang: str,
    ) -> list[tuple[str, list[list[Cell]], int]]:
        """The appended records' rows, then every audit row (`audit` first), per tab."""
        rows: dict[str, list[list[Cell]]] = {}
        for key in dict.fromkeys(k for k, _ in new_recs):
            needed = {
                k: None
                for k2, rec in new_recs
                if k2 == key
                for k, v in rec.items()
                if not same(v, None) or k == "id"
            }
            self._add_missing_columns(store, layouts[key], needed, lang)
        audit = list(audit)
        for key, rec in new_recs:
            td, table = layouts[key], TABLES[key]
            rows.setdefault(key, []).append(self._row_cells(td, rec, lang))
            log = {
                k: [None, audit_value(table.column(k), v)]
                for k, v in rec.items()
                if k not in _SYSTEM_KEYS and not same(v, None)
            }
            audit.append((key, rec["id"], "append", log))
        # The new records first: Google's retry probes the first appended row's id.
        batch = [(layouts[k].title or "", r, layouts[k].colmap["id"]) for k, r in rows.items()]
        audit_td = layouts["audit_log"]
        audit_rows = [
            self._audit_cells(audit_td, user, key, rid, action, log, lang)
            for key, rid, action, log in audit
            if key != "audit_log"  # every write is audited, except the audit itself
        ]
        if audit_rows:
            batch.append((audit_td.title or "", audit_rows, audit_td.colmap["id"]))
        return batch

    def _write_with_updates(
        self,
        store: Store,
        data: WorkbookData,
        new_recs: list[tuple[str, dict[str, Any]]],
        updates: Sequence[RecordUpdate],
        keys: list[str],
        user: str,
        lang: str,
        now: dt.datetime,
        guard: Callable[[RecordUpdate, Mapping[str, Any]], None],
    ) -> list[dict[str, Any]]:
        if not new_recs:
            unchanged = self._unchanged(data, updates)
            if unchanged is not None:
                return unchanged  # no write: nothing to claim, check or record
        layouts = {k: self._layout(k, store) for k in [*keys, "audit_log"]}
        rows: list[RowUpdate] = []
        for u in updates:
            td = layouts[u.key]
            if "id" not in td.colmap:
                raise UnionplanError(f"{u.key} has no id column", key="errors.no_header", tab=u.key)
            df = data.tables[u.key].df
            hit = df[df["id"] == u.record_id] if not df.empty else df
            hint = int(hit[ROW].iat[0]) if not hit.empty else 0
            rows.append(
                RowUpdate(
                    td.title or "", u.record_id, td.colmap["id"], hint, int(u.expected_version) + 1
                )
            )
        reserve: dict[str, int] = {}
        for key, _ in new_recs:
            title = layouts[key].title or ""
            reserve[title] = reserve.get(title, 0) + 1
        n_audit = len(updates) + sum(1 for k, _ in new_recs if k != "audit_log")
        audit_title = layouts["audit_log"].title or ""
        reserve[audit_title] = reserve.get(audit_title, 0) + n_audit
        updated: list[dict[str, Any]] = []

        def plan(found: list[FoundRow | None]) -> Planned:
            updated.clear()
            fresh: dict[str, TableData] = {}
            conflicts: list[tuple[RecordUpdate, dict[str, Any], int]] = []
            planned: list[tuple[int, RecordUpdate, dict[str, Any], dict[str, Any]]] = []
            for i, (u, f) in enumerate(zip(updates, found, strict=True)):
                if u.key not in fresh:
                    fresh[u.key] = self._fresh_layout(u.key, f, layouts[u.key], data.plan_year)
                td = fresh[u.key]
                current = self._current(td, f, data.plan_year) if f is not None else None
                if current is None:
                    raise NotFoundError(
                        f"{u.key}/{u.record_id}", key="errors.record_not_found", id=u.record_id
                    )
                guard(u, current)  # the row as it is now: still in the person's units
                version = int(current.get("version") or 0)
                if (f is not None and f.busy) or version != int(u.expected_version):
                    conflicts.append((u, current, version))
                    continue
                after = self._planned_after(current, u, version, user, now)
                updated.append({**current, **after})
                planned.append((i, u, current, after))
            if conflicts:
                audit = [
                    (u.key, u.record_id, "conflict", self._change_log(u.key, current, u.changes))
                    for u, current, _ in conflicts
                ]
                batch = self._append_batch(store, layouts, [], audit, user, lang)
                u, current, version = conflicts[0]
                err = ConflictError(
                    u.key, u.record_id, u.expected_version, version, current, dict(u.changes)
                )
                return Planned({}, appends=batch, error=err)
            cells: dict[int, dict[int, Cell]] = {}
            audit = []
            for i, u, current, after in planned:
                if not after:
                    continue
                td, table = fresh[u.key], TABLES[u.key]
                self._add_missing_columns(store, td, after.keys(), lang)
                cells[i] = {
                    td.colmap[k]: to_cell(table.column(k), v, lang) for k, v in after.items()
                }
                diff = {k: v for k, v in after.items() if k not in _STAMPS}
                action = "delete" if diff.get("deleted") else "update"
                audit.append((u.key, u.record_id, action, self._change_log(u.key, current, diff)))
            if not cells and not new_recs:
                return Planned({})
            batch = self._append_batch(store, layouts, new_recs, audit, user, lang)
            return Planned(cells, appends=batch)

        store.write_rows(rows, plan, reserve=reserve)
        return [rec for _, rec in new_recs] + updated

    @staticmethod
    def _unchanged(
        data: WorkbookData, updates: Sequence[RecordUpdate]
    ) -> list[dict[str, Any]] | None:
        """The records as loaded, when no update changes anything in them; else None."""
        out = []
        for u in updates:
            df = data.tables[u.key].df
            hit = df[df["id"] == u.record_id] if not df.empty else df
            if hit.empty:
                return None
            current = {k: py(v) for k, v in hit.iloc[0].items()}
            if int(current.get("version") or 0) != int(u.expected_version):
                return None
            table = TABLES[u.key]
            if any(
                k in table.keys and k not in ("id", "version") and not same(current.get(k), v)
                for k, v in u.changes.items()
            ):
                return None
            out.append(current)
        return out

    def _fresh_layout(
        self, key: str, found: FoundRow | None, cached: TableData, year: int
    ) -> TableData:
        """Where the columns are now, from the tab's top rows read at write time."""
        if found is None:
            return cached
        hit = find_header(TABLES[key], found.top)
        if hit is None:
            return cached
        td, _ = read_table(TABLES[key], cached.title, found.top[: hit[0] + 1], year)
        return td if td.colmap else cached

    @staticmethod
    def _current(td: TableData, found: FoundRow, year: int) -> dict[str, Any] | None:
        """The record in the found row, parsed as a load would (None if marked deleted)."""
        header = [td.header] if td.header else found.top[:1]
        one, _ = read_table(td.table, td.title, [*header, found.values], year)
        if one.df.empty:
            return None
        current = {k: py(v) for k, v in one.df.iloc[0].items()}
        current[ROW] = found.row
        return current

    @staticmethod
    def _change_log(key: str, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
        table = TABLES[key]
        return {
            k: [audit_value(table.column(k), current.get(k)), audit_value(table.column(k), v)]
            for k, v in changes.items()
            if k in table.keys and k not in ("id", "version")
        }

    @staticmethod
    def _new_record(
        key: str, values: Mapping[str, Any], user: str, now: dt.datetime
    ) -> dict[str, Any]:
        table = TABLES[key]
        rec: dict[str, Any] = {k: v for k, v in values.items() if k in table.keys}
        rec["id"] = rec.get("id") or new_id(table.id_prefix)
        rec.update(version=1, created_at=now, created_by=user, updated_at=now, updated_by=user)
        rec["deleted"] = False
        # Settings and the audit log have no version or timestamps of their own.
        return {k: v for k, v in rec.items() if k in table.keys}

    @staticmethod
    def _planned_after(
        current: Mapping[str, Any], u: RecordUpdate, version: int, user: str, now: dt.datetime
    ) -> dict[str, Any]:
        """The fields to write (the changes, version and stamps); empty when nothing
        really changes."""
        table = TABLES[u.key]
        diff = {
            k: v
            for k, v in u.changes.items()
            if k in table.keys and k not in ("id", "version") and not same(current.get(k), v)
        }
        if not diff:
            return {}
        after = dict(diff, version=version + 1, updated_at=now, updated_by=user)
        return {k: v for k, v in after.items() if k in table.keys}

    def delete(self, key: str, record_id: str, *, expected_version: int, actor: Person) -> None:
        """Mark a row deleted (kept in the sheet, hidden in the app; undo by clearing it)."""
        self.update(
            key, record_id, {"deleted": True}, expected_version=expected_version, actor=actor
        )

    def set_setting(self, name: str, value: str, actor: Person) -> None:
        data = self.load(fresh=True)
        df = data.df("settings")
        hit = df[df["key"] == name] if not df.empty else df
        if hit.empty:
            self.append("settings", {"key": name, "value": value}, actor)
        else:
            row = hit.iloc[0]
            self.update(
                "settings",
                row["id"],
                {"value": value},
                expected_version=int(row.get("version", 0) or 0),
                actor=actor,
            )
