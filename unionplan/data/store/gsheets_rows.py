"""Updates on Google Sheets that land on the record's own row, whatever moved meanwhile.

`write_rows` is `GSheetsStore.write_rows`; the why is in CONCURRENCY.md beside this file.
Four requests: claim the rows (and make room for the appended rows) with temporary
developer metadata, read the claimed rows and the id columns through data filters, write
through the same filters, delete the metadata. Creating a claim whose id exists fails
the whole claim batch: that is how two saves of one record to one version exclude each
other.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_URL
from gspread.utils import absolute_range_name, rowcol_to_a1

from unionplan.data.store.base import HEADER_ROWS, Cell, FoundRow, Plan, Planned, RowUpdate
from unionplan.errors import BackendUnavailableError, UnionplanError

if TYPE_CHECKING:
    from unionplan.data.store.gsheets import GSheetsStore

KEY = "unionplan.write"
CLAIM_STALE_S = 600.0  # a claim this old was left by a process that died mid-save
_MOVES = 3  # how often claims are moved after the rows they were put on turned out wrong
_ROW = re.compile(r"!\$?[A-Z]*\$?(\d+)")


def claim_id(title: str, record_id: str, version: int) -> int:
    """The claim's metadataId: the same for every save of this record to this version."""
    return _positive_id(f"claim\n{title}\n{record_id}\n{version}")


def _positive_id(text: str) -> int:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % (2**31 - 2) + 1  # "Must be positive" (int32)


def _refused(exc: UnionplanError) -> bool:
    """A 400: Google validated the request and applied none of it."""
    cause = exc.__cause__
    return isinstance(cause, APIError) and int(cause.code or 0) == 400


class RowWriter:
    """One write of `GSheetsStore.write_rows`; holds its token and its metadata ids."""

    def __init__(self, store: GSheetsStore, rows: Sequence[RowUpdate]) -> None:
        self.s = store
        self.rows = list(rows)
        self.value = f"{secrets.token_hex(8)}@{int(time.time())}"  # every metadata of this write
        self.claims = [claim_id(r.title, r.record_id, r.version) for r in rows]
        self.slots: dict[str, list[int]] = {}
        self.made = False  # True once the claim batch landed: then there is metadata to drop

    # -- requests

    def _url(self, suffix: str) -> str:
        return f"{SPREADSHEET_URL % self.s.key}{suffix}"

    def _post(self, suffix: str, body: Mapping[str, Any], what: str, **kw: Any) -> Any:
        http = self.s._http
        return self.s._retrying(
            lambda: http.request("post", self._url(suffix), json=dict(body)).json(),
            what=what,
            **kw,
        )

    def _batch(self, requests_: list[dict[str, Any]], what: str, **kw: Any) -> Any:
        body = {"requests": requests_}
        return self.s._retrying(
            lambda: self.s._http.batch_update(self.s.key, body), what=what, **kw
        )

    def _search(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The metadata with these ids that exist now (one read)."""
        filters = [{"developerMetadataLookup": {"metadataId": i}} for i in ids]
        reply = self._post(
            "/developerMetadata:search", {"dataFilters": filters}, "looking up a save in flight"
        )
        out: dict[int, dict[str, Any]] = {}
        for m in (reply or {}).get("matchedDeveloperMetadata", []):
            dm = m.get("developerMetadata", {})
            out[int(dm.get("metadataId", 0))] = dm
        return out

    def _meta(self, mid: int, sheet_id: int, row: int) -> dict[str, Any]:
        rng = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}
        return {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": mid,
                    "metadataKey": KEY,
                    "metadataValue": self.value,
                    "location": {"dimensionRange": rng},
                    "visibility": "DOCUMENT",
                }
            }
        }

    @staticmethod
    def _delete(mid: int) -> dict[str, Any]:
        lookup = {"developerMetadataLookup": {"metadataId": mid}}
        return {"deleteDeveloperMetadata": {"dataFilter": lookup}}

    # -- the write

    def run(self, plan: Plan, reserve: Mapping[str, int]) -> None:
        s = self.s
        titles = list(dict.fromkeys([r.title for r in self.rows] + list(reserve)))
        ids = s._sheet_ids(titles)
        if ids is None:
            s.tab_titles(refresh=True)
            ids = s._sheet_ids(titles)
        if ids is None:
            raise UnionplanError(f"tabs {titles} not found", key="errors.no_header", tab=titles[0])
        self.ids = ids
        positions = [r.row_hint for r in self.rows]
        if any(p < 1 for p in positions):
            positions = self._locate(self._id_columns())
        if all(p is None for p in positions):
            plan([None] * len(self.rows))  # every record is gone: the plan says not found
            raise BackendUnavailableError("no record of this save was found")
        try:
            busy = self._claim(positions, reserve)
            if busy is not None:
                self._lose(plan, busy)
                return
            found = self._read_claimed()
            planned = plan(found)
            self._write(planned)
        finally:
            self._cleanup()
        if planned.error is not None:
            raise planned.error

    def _claim(self, positions: list[int | None], reserve: Mapping[str, int]) -> list[int] | None:
        """Step 1. Returns None when claimed, or the indices of rows another save holds."""
        breaking: list[dict[str, Any]] = []
        for _ in range(3):
            reqs = list(breaking)
            for r, mid, pos in zip(self.rows, self.claims, positions, strict=True):
                if pos is not None:
                    reqs.append(self._meta(mid, self.ids[r.title], pos))
            self.slots = {}
            for title, n in reserve.items():
                if n <= 0:
                    continue
                end = max(self.s._ends.get(title, 1), 1)  # 0-based index after the last row
                rng = {
                    "sheetId": self.ids[title],
                    "dimension": "ROWS",
                    "startIndex": end,
                    "endIndex": end + n,
                }
                reqs.append({"insertDimension": {"range": rng, "inheritFromBefore": True}})
                self.slots[title] = [
                    _positive_id(f"slot\n{self.value}\n{title}\n{k}") for k in range(n)
                ]
                reqs.extend(
                    self._meta(mid, self.ids[title], end + 1 + k)
                    for k, mid in enumerate(self.slots[title])
                )
                # A space in each slot: data to Sheets, so another save's appendCells goes
                # after the slot instead of into it; blank to the app's reader.
                space = {"values": [{"userEnteredValue": {"stringValue": " "}}]}
                start = {"sheetId": self.ids[title], "rowIndex": end, "columnIndex": 0}
                reqs.append(
                    {
                        "updateCells": {
                            "start": start,
                            "rows": [space] * n,
                            "fields": "userEnteredValue",
                        }
                    }
                )
            mine = [c for c, p in zip(self.claims, positions, strict=True) if p is not None]

            def landed(probe: list[int] = mine) -> bool:
                # A lost answer: the batch is atomic, so one claim of ours means all of it.
                if not probe:
                    return False  # not reached: run() stops first when every record is gone
                got = self._search(probe[:1])
                return bool(got) and got[probe[0]].get("metadataValue") == self.value

            try:
                self._batch(reqs, "claiming rows to save", landed=landed)
                self.made = True
                for title, n in reserve.items():
                    self.s._ends[title] = max(self.s._ends.get(title, 1), 1) + max(n, 0)
                return None
            except UnionplanError as exc:
                if not _refused(exc):
                    raise
            existing = self._search(self.claims)
            foreign = {
                i: existing[c]
                for i, c in enumerate(self.claims)
                if c in existing and existing[c].get("metadataValue") != self.value
            }
            if not foreign:
                # Not a claim in the way: a row the last load saw is gone (the grid shrank)
                # or our idea of the tab's end is stale. Look everything up afresh.
                self.s.tab_titles(refresh=True)
                self.s.clip_ends()
                positions = self._locate(self._id_columns())
                breaking = []
                continue
            stale = {i: m for i, m in foreign.items() if _age(m) > CLAIM_STALE_S}
            if len(stale) < len(foreign):
                return sorted(foreign)
            # Left by a save that died: break them, under a claim of their own, so that of
            # two sessions breaking the same stale claim only one gets through.
            breaking = []
            for i, m in stale.items():
                old = str(m.get("metadataValue"))
                breaking.append(
                    {
                        "createDeveloperMetadata": {
                            "developerMetadata": {
                                "metadataId": _positive_id(f"break\n{self.claims[i]}\n{old}"),
                                "metadataKey": KEY + ".broken",
                                "metadataValue": old,
                                "location": {"spreadsheet": True},
                                "visibility": "DOCUMENT",
                            }
                        }
                    }
                )
                breaking.append(self._delete(self.claims[i]))
        raise BackendUnavailableError("could not claim the rows to save", url=self.s.location)

    def _filters(self) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = [
            {"developerMetadataLookup": {"metadataId": c}} for c in self.claims
        ]
        for title, id_col in dict.fromkeys((r.title, r.id_col) for r in self.rows):
            col = rowcol_to_a1(1, id_col).rstrip("1")
            filters.append({"a1Range": absolute_range_name(title, f"{col}:{col}")})
            filters.append({"a1Range": absolute_range_name(title, f"1:{HEADER_ROWS}")})
        return filters

    def _get(self, filters: list[dict[str, Any]]) -> dict[str, tuple[int, list[list[Any]]]]:
        """values:batchGetByDataFilter -> {filter as JSON: (first row, values)}."""
        body = {
            "dataFilters": filters,
            "majorDimension": "ROWS",
            "valueRenderOption": "FORMATTED_VALUE",
        }
        reply = self._post("/values:batchGetByDataFilter", body, "reading the rows to save")
        out: dict[str, tuple[int, list[list[Any]]]] = {}
        for m in (reply or {}).get("valueRanges", []):
            vr = m.get("valueRange", {})
            hit = _ROW.search(str(vr.get("range", "")))
            first = int(hit.group(1)) if hit else 1
            for f in m.get("dataFilters", []):
                out[json.dumps(f, sort_keys=True)] = (first, vr.get("values", []))
        return out

    def _id_columns(self) -> dict[str, list[Any]]:
        """Each tab's id column as it is now (one read)."""
        filters = []
        cols = dict.fromkeys((r.title, r.id_col) for r in self.rows)
        for title, id_col in cols:
            col = rowcol_to_a1(1, id_col).rstrip("1")
            filters.append({"a1Range": absolute_range_name(title, f"{col}:{col}")})
        got = self._get(filters)
        out: dict[str, list[Any]] = {}
        for (title, _), f in zip(cols, filters, strict=True):
            _, values = got.get(json.dumps(f, sort_keys=True), (1, []))
            out[title] = [row[0] if row else None for row in values]
        return out

    def _locate(self, id_columns: Mapping[str, list[Any]]) -> list[int | None]:
        out: list[int | None] = []
        for r in self.rows:
            ids = [None if v is None else str(v).strip() for v in id_columns.get(r.title, [])]
            out.append(ids.index(r.record_id) + 1 if r.record_id in ids else None)
        return out

    def _read_claimed(self) -> list[FoundRow | None]:
        """Step 2: each claimed row where it is now; claims on the wrong row are moved."""
        for _ in range(_MOVES):
            filters = self._filters()
            got = self._get(filters)
            key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
            found: list[FoundRow | None] = []
            wrong: list[int] = []
            ids: dict[str, list[Any]] = {}
            tops: dict[str, list[list[Any]]] = {}
            for k, f in enumerate(filters[len(self.claims) :]):
                title = str(f["a1Range"]).split("!")[0].strip("'").replace("''", "'")
                values = got.get(key(f), (1, []))[1]
                if k % 2 == 0:
                    ids[title] = [row[0] if row else None for row in values]
                else:
                    tops[title] = [list(row) for row in values]
            for i, r in enumerate(self.rows):
                row, values = got.get(key(filters[i]), (0, [[]]))
                cells = list(values[0]) if values else []
                j = r.id_col - 1
                if row and j < len(cells) and str(cells[j]).strip() == r.record_id:
                    found.append(FoundRow(row, cells, tops.get(r.title, [])))
                else:
                    found.append(None)
                    wrong.append(i)
            if not wrong:
                return found
            where = self._locate(ids)
            reqs: list[dict[str, Any]] = []
            for i in wrong:
                if where[i] is None:
                    continue  # the record is gone: the plan says so
                reqs.append(self._delete(self.claims[i]))
                reqs.append(self._meta(self.claims[i], self.ids[self.rows[i].title], where[i]))
            if not reqs:
                return found
            try:
                # Atomic: the claim is moved, never lost (a deleted row took it: re-created).
                self._batch(reqs, "moving a claim to its record's row")
            except UnionplanError as exc:
                if not _refused(exc):
                    raise
                self._batch(
                    [q for q in reqs if "createDeveloperMetadata" in q], "re-claiming a row"
                )
        raise BackendUnavailableError(
            "rows kept moving while saving; please try again", url=self.s.location
        )

    def _write(self, planned: Planned) -> None:
        """Step 3: the cells through the claims, the appended rows into the slots, at once."""
        data: list[dict[str, Any]] = []
        from unionplan.data.store.gsheets_cells import json_cell

        checks: list[tuple[int, RowUpdate]] = []
        if planned.error is None:
            for i, cells in planned.cells.items():
                if not cells:
                    continue
                width = max(cells)
                row: list[Any] = [None] * width  # null: "Null values will be skipped"
                for col, v in cells.items():
                    row[col - 1] = json_cell(v)
                lookup = {"developerMetadataLookup": {"metadataId": self.claims[i]}}
                checks.append((len(data), self.rows[i]))
                data.append({"dataFilter": lookup, "majorDimension": "ROWS", "values": [row]})
        extra: list[tuple[str, Sequence[Sequence[Cell]], int]] = []
        for title, rows, id_col in planned.appends:
            free = self.slots.get(title, [])
            for k, r in enumerate(rows):
                if not free:
                    extra.append((title, rows[k:], id_col))
                    break
                lookup = {"developerMetadataLookup": {"metadataId": free.pop(0)}}
                cells_ = [json_cell(v) for v in r]
                data.append({"dataFilter": lookup, "majorDimension": "ROWS", "values": [cells_]})
        if data:
            body = {
                "valueInputOption": "RAW",
                "data": data,
                "includeValuesInResponse": True,
                "responseValueRenderOption": "FORMATTED_VALUE",
            }
            reply = self._post("/values:batchUpdateByDataFilter", body, "saving")
            responses = (reply or {}).get("responses", [])
            for n, r in checks:
                got = (
                    responses[n].get("updatedData", {}).get("values", [[]])
                    if n < len(responses)
                    else [[]]
                )
                cells = got[0] if got else []
                j = r.id_col - 1
                if not (j < len(cells) and str(cells[j]).strip() == r.record_id):
                    where = (
                        _ROW.search(str(responses[n].get("updatedRange", "")))
                        if n < len(responses)
                        else None
                    )
                    row_no = where.group(1) if where else "?"
                    raise BackendUnavailableError(
                        f"{r.title}: a save meant for {r.record_id} reached row {row_no}",
                        key="errors.wrong_row",
                        tab=r.title,
                        row=row_no,
                    )
        if extra:
            self.s.write(appends=extra)  # more rows than were reserved: appended after

    def _lose(self, plan: Plan, busy: list[int]) -> None:
        """Another save holds some of these rows: nothing of this write is made; the plan
        sees every row as it is now (the held ones through the other save's claim), marks
        the held ones busy, and its conflict audit rows are appended."""
        filters = self._filters()
        got = self._get(filters)
        key = lambda f: json.dumps(f, sort_keys=True)  # noqa: E731
        ids: dict[str, list[Any]] = {}
        tops: dict[str, list[list[Any]]] = {}
        for k, f in enumerate(filters[len(self.claims) :]):
            title = str(f["a1Range"]).split("!")[0].strip("'").replace("''", "'")
            values = got.get(key(f), (1, []))[1]
            if k % 2 == 0:
                ids[title] = [row[0] if row else None for row in values]
            else:
                tops[title] = [list(row) for row in values]
        where = self._locate(ids)
        free = [i for i in range(len(self.rows)) if i not in busy and where[i] is not None]
        by_pos: dict[str, tuple[int, list[list[Any]]]] = {}
        if free:
            # Rows nobody holds: read them where the id column says they are (one read).
            pos = [{"a1Range": absolute_range_name(self.rows[i].title, f"{where[i]}:{where[i]}")}
                   for i in free]  # fmt: skip
            by_pos = self._get(pos)
        found: list[FoundRow | None] = []
        for i, r in enumerate(self.rows):
            if i in busy:
                row, values = got.get(key(filters[i]), (0, []))
            elif where[i] is not None:
                f = {"a1Range": absolute_range_name(r.title, f"{where[i]}:{where[i]}")}
                row, values = by_pos.get(key(f), (0, []))
            else:
                row, values = 0, []
            cells = list(values[0]) if values else []
            ok = row and r.id_col <= len(cells) and str(cells[r.id_col - 1]).strip() == r.record_id
            found.append(
                FoundRow(row, cells, tops.get(r.title, []), busy=i in busy) if ok else None
            )
        planned = plan(found)
        if planned.appends:
            self.s.write(appends=planned.appends)
        raise planned.error or BackendUnavailableError(
            "another save of this record is in flight", url=self.s.location
        )

    def _cleanup(self) -> None:
        """Step 4: delete every metadata of this write; failing here fails nothing."""
        if not self.made:
            return
        lookup = {"developerMetadataLookup": {"metadataKey": KEY, "metadataValue": self.value}}
        try:
            self._batch([{"deleteDeveloperMetadata": {"dataFilter": lookup}}], "tidying up")
        except UnionplanError:
            self.s.stats.count("cleanup_failed", write=False)


def _age(meta: Mapping[str, Any]) -> float:
    value = str(meta.get("metadataValue", ""))
    try:
        return time.time() - float(value.rsplit("@", 1)[1])
    except (IndexError, ValueError):
        return CLAIM_STALE_S + 1  # not ours to read: treat as left over
