"""Developer metadata, data filters and row moves for the fake Sheets API (tests/fake_sheets.py).

What Google documents, and what each part here implements (quoted from the Sheets API v4
reference; tests/data/store/test_fake_metadata.py checks each):

- DeveloperMetadata: "will remain associated at those locations as they move around and
  the spreadsheet is edited. For example, if developer metadata is associated with row 5
  and another row is then subsequently inserted above row 5, that original metadata will
  still be associated with the row it was first associated with (what is now row 6). If
  the associated object is deleted its metadata is deleted too." (`Sheet.insert_rows` …
  shift `DevMeta`; sortRange and moveDimension carry a row's metadata with the row: rows
  "move around"; Google does not say so of sortRange in as many words.)
- metadataId: "The spreadsheet-scoped unique ID … IDs may be specified when metadata is
  created … Must be positive." (creating an id that exists is refused: 400)
- spreadsheets:batchUpdate: "If any request is not valid then the entire request will
  fail and nothing will be applied" (the fake's snapshot and rollback cover metadata too).
- values:batchGetByDataFilter: "Ranges that match any of the data filters in the request
  will be returned", each as a MatchedValueRange with the filters it matched.
- ValueRange.values: "Null values will be skipped. To set a cell to an empty value, set the
  string value to an empty string." (values:batchUpdateByDataFilter, via `write`).

Not documented, chosen here: a data filter of a values write that matches nothing is
refused (400); a deleteDeveloperMetadata that matches nothing deletes nothing.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fake_sheets import Box, Sheet


@dataclass
class DevMeta:
    """One developer metadata entry: on rows/columns [start, end) of a sheet, on a sheet,
    or on the spreadsheet."""

    metadata_id: int
    key: str
    value: str | None
    visibility: str
    kind: str  # "ROWS", "COLUMNS", "SHEET" or "SPREADSHEET"
    sheet_id: int | None = None
    start: int = 0
    end: int = 0

    def location(self) -> dict[str, Any]:
        if self.kind in ("ROWS", "COLUMNS"):
            return {
                "locationType": "ROW" if self.kind == "ROWS" else "COLUMN",
                "dimensionRange": {
                    "sheetId": self.sheet_id,
                    "dimension": self.kind,
                    "startIndex": self.start,
                    "endIndex": self.end,
                },
            }
        if self.kind == "SHEET":
            return {"locationType": "SHEET", "sheetId": self.sheet_id}
        return {"locationType": "SPREADSHEET", "spreadsheet": True}

    def resource(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "metadataId": self.metadata_id,
            "metadataKey": self.key,
            "location": self.location(),
            "visibility": self.visibility,
        }
        if self.value is not None:
            out["metadataValue"] = self.value
        return out


def shift_meta(meta: dict[int, DevMeta], kind: str, at: int, n: int) -> None:
    """Rows/columns inserted (n > 0) at `at`, or deleted (n < 0) from `at` to `at - n`."""
    for mid, m in list(meta.items()):
        if m.kind != kind:
            continue
        if n > 0:
            if m.start >= at:
                m.start, m.end = m.start + n, m.end + n
            elif m.end > at:
                m.end += n
            continue
        start, end = at, at - n
        lost = max(0, min(m.end, end) - max(m.start, start))
        if lost == m.end - m.start:
            del meta[mid]  # "If the associated object is deleted its metadata is deleted too."
            continue
        if m.start >= end:
            m.start, m.end = m.start + n, m.end + n
        elif m.start >= start:
            m.start, m.end = start, start + (m.end - m.start - lost)
        else:
            m.end -= lost


def permute_rows(sheet: Sheet, order: list[int], first: int) -> None:
    """Rows first..first+len(order)-1 become the rows `order` (old indices) in that order;
    a single-row metadata in the range goes with its row ("as they move around")."""
    new_of_old = {old: first + i for i, old in enumerate(order)}
    sheet.cells = {((new_of_old.get(r, r)), c): v for (r, c), v in sheet.cells.items()}
    for m in sheet.meta.values():
        if m.kind == "ROWS" and m.end - m.start == 1 and m.start in new_of_old:
            m.start = new_of_old[m.start]
            m.end = m.start + 1


class MetadataRequests:
    """Spreadsheet methods for metadata and data filters (mixed into `Spreadsheet`)."""

    sheets: list[Sheet]
    meta: dict[int, DevMeta]  # SHEET- and SPREADSHEET-level entries
    key: str

    # lookup

    def all_meta(self) -> list[DevMeta]:
        return [*self.meta.values(), *(m for s in self.sheets for m in s.meta.values())]

    def find_meta(self, lookup: Mapping[str, Any]) -> list[DevMeta]:
        """The metadata a DeveloperMetadataLookup matches (every given field must match)."""
        found = []
        for m in self.all_meta():
            if "metadataId" in lookup and int(lookup["metadataId"]) != m.metadata_id:
                continue
            if "metadataKey" in lookup and lookup["metadataKey"] != m.key:
                continue
            if "metadataValue" in lookup and lookup["metadataValue"] != m.value:
                continue
            if "visibility" in lookup and lookup["visibility"] != m.visibility:
                continue
            loc_type = lookup.get("locationType")
            if loc_type and loc_type != m.location()["locationType"]:
                continue
            found.append(m)
        return found

    def filter_boxes(self, data_filter: Mapping[str, Any]) -> list[Box]:
        """The ranges a DataFilter names: an A1 range, a grid range, or metadata's rows."""
        from tests.fake_sheets import ApiError, Box

        if "a1Range" in data_filter:
            return [self.resolve(str(data_filter["a1Range"]))]  # type: ignore[attr-defined]
        if "gridRange" in data_filter:
            g = data_filter["gridRange"]
            sheet = self._sheet_arg(g.get("sheetId"))  # type: ignore[attr-defined]
            r1, r2 = int(g.get("startRowIndex", 0)), int(g.get("endRowIndex", sheet.rows))
            c1, c2 = int(g.get("startColumnIndex", 0)), int(g.get("endColumnIndex", sheet.cols))
            return [Box(sheet, r1, c1, r2 - 1, c2 - 1, single=False, whole=False)]
        if "developerMetadataLookup" in data_filter:
            boxes = []
            for m in self.find_meta(data_filter["developerMetadataLookup"]):
                sheet = self.sheet_by_id(m.sheet_id) if m.sheet_id is not None else None  # type: ignore[attr-defined]
                if sheet is None:
                    continue
                if m.kind == "ROWS":
                    boxes.append(Box(sheet, m.start, 0, m.end - 1, sheet.cols - 1, False, False))
                elif m.kind == "COLUMNS":
                    boxes.append(Box(sheet, 0, m.start, sheet.rows - 1, m.end - 1, False, False))
                else:
                    boxes.append(Box(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1, False, True))
            return boxes
        raise ApiError(
            400, "Invalid dataFilter: one of a1Range, gridRange, developerMetadataLookup"
        )

    # values by data filter

    def batch_get_by_filter(self, body: Mapping[str, Any]) -> dict[str, Any]:
        params = {
            "valueRenderOption": body.get("valueRenderOption", "FORMATTED_VALUE"),
            "majorDimension": body.get("majorDimension", "ROWS"),
            "dateTimeRenderOption": body.get("dateTimeRenderOption", "SERIAL_NUMBER"),
        }
        out = []
        for f in body.get("dataFilters") or []:
            for box in self.filter_boxes(f):
                vr = self.value_range(box, params)  # type: ignore[attr-defined]
                out.append({"valueRange": vr, "dataFilters": [f]})
        result: dict[str, Any] = {"spreadsheetId": self.key}
        if out:
            result["valueRanges"] = out
        return result

    def batch_update_by_filter(self, body: Mapping[str, Any]) -> dict[str, Any]:
        from tests.fake_sheets import ApiError

        option = body.get("valueInputOption", "")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        responses = []
        for i, item in enumerate(body.get("data") or []):
            f = item.get("dataFilter") or {}
            boxes = self.filter_boxes(f)
            if not boxes:
                raise ApiError(400, f"data[{i}].dataFilter matched no range")
            for box in boxes:
                reply = self.write(  # type: ignore[attr-defined]
                    box, item.get("values"), option, item.get("majorDimension"), f"data[{i}]"
                )
                reply["dataFilter"] = f
                if body.get("includeValuesInResponse"):
                    how = {"valueRenderOption": body.get("responseValueRenderOption", "")}
                    reply["updatedData"] = self.value_range(box, how)  # type: ignore[attr-defined]
                responses.append(reply)
        return {
            "spreadsheetId": self.key,
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "responses": responses,
        }

    def search_meta(self, body: Mapping[str, Any]) -> dict[str, Any]:
        matched = []
        for f in body.get("dataFilters") or []:
            lookup = f.get("developerMetadataLookup")
            for m in self.find_meta(lookup) if lookup is not None else []:
                matched.append({"developerMetadata": m.resource(), "dataFilters": [f]})
        return {"matchedDeveloperMetadata": matched} if matched else {}

    def get_meta(self, metadata_id: int) -> dict[str, Any]:
        from tests.fake_sheets import ApiError

        hit = self.find_meta({"metadataId": metadata_id})
        if not hit:
            raise ApiError(404, f"No developer metadata with ID: {metadata_id}")
        return hit[0].resource()

    # batchUpdate requests

    def _req_createDeveloperMetadata(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        from tests.fake_sheets import ApiError

        dm = args.get("developerMetadata") or {}
        if not dm.get("metadataKey"):
            raise ApiError(400, "Developer metadata must have a key")
        visibility = dm.get("visibility")
        if visibility not in ("DOCUMENT", "PROJECT"):
            raise ApiError(400, "Developer metadata must have a visibility")
        used = {m.metadata_id for m in self.all_meta()}
        mid = dm.get("metadataId")
        if mid is None:
            mid = random.randrange(1, 2**31 - 1)
            while mid in used:
                mid = random.randrange(1, 2**31 - 1)
        mid = int(mid)
        if mid <= 0:
            raise ApiError(400, "metadataId must be positive")
        if mid in used:
            raise ApiError(400, f"Developer metadata with ID {mid} already exists.")
        loc = dm.get("location") or {}
        entry = DevMeta(mid, str(dm["metadataKey"]), dm.get("metadataValue"), visibility, "")
        if "dimensionRange" in loc:
            d = loc["dimensionRange"]
            sheet = self._sheet_arg(d.get("sheetId"))  # type: ignore[attr-defined]
            start, end = int(d.get("startIndex", 0)), int(d["endIndex"])
            limit = sheet.rows if d.get("dimension") != "COLUMNS" else sheet.cols
            if not 0 <= start < end <= limit:
                raise ApiError(400, f"Invalid dimensionRange [{start}, {end}) for {limit}")
            entry.kind = "COLUMNS" if d.get("dimension") == "COLUMNS" else "ROWS"
            entry.sheet_id, entry.start, entry.end = sheet.sheet_id, start, end
            sheet.meta[mid] = entry
        elif "sheetId" in loc:
            sheet = self._sheet_arg(loc["sheetId"])  # type: ignore[attr-defined]
            entry.kind, entry.sheet_id = "SHEET", sheet.sheet_id
            self.meta[mid] = entry
        elif loc.get("spreadsheet"):
            entry.kind = "SPREADSHEET"
            self.meta[mid] = entry
        else:
            raise ApiError(400, "Developer metadata must have a location")
        return {"createDeveloperMetadata": {"developerMetadata": entry.resource()}}

    def _req_deleteDeveloperMetadata(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        lookup = (args.get("dataFilter") or {}).get("developerMetadataLookup") or {}
        gone = self.find_meta(lookup) if lookup else []
        for m in gone:
            self.meta.pop(m.metadata_id, None)
            for s in self.sheets:
                s.meta.pop(m.metadata_id, None)
        return {
            "deleteDeveloperMetadata": {"deletedDeveloperMetadata": [m.resource() for m in gone]}
        }

    def _req_sortRange(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        g = args.get("range") or {}
        sheet = self._sheet_arg(g.get("sheetId"))  # type: ignore[attr-defined]
        r1, r2 = int(g.get("startRowIndex", 0)), int(g.get("endRowIndex", sheet.rows))
        specs = args.get("sortSpecs") or []

        def value(r: int, col: int) -> Any:
            cell = sheet.cells.get((r, col))
            return None if cell is None or cell.value == "" else cell.value

        order = list(range(r1, min(r2, sheet.rows)))
        for spec in reversed(specs):  # stable sorts, the last key first
            col = int(spec.get("dimensionIndex", 0))
            desc = spec.get("sortOrder") == "DESCENDING"
            filled = [r for r in order if value(r, col) is not None]
            blank = [r for r in order if value(r, col) is None]  # blanks go last, either way
            filled.sort(
                key=lambda r, col=col: (
                    isinstance(value(r, col), str),
                    str(value(r, col)).casefold()
                    if isinstance(value(r, col), str)
                    else value(r, col),
                ),
                reverse=desc,
            )
            order = filled + blank
        permute_rows(sheet, order, r1)
        return {}

    def _req_moveDimension(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        from tests.fake_sheets import ApiError

        src = args.get("source") or {}
        if src.get("dimension") == "COLUMNS":
            raise ApiError(400, "moveDimension of columns is not modelled by the fake")
        sheet = self._sheet_arg(src.get("sheetId"))  # type: ignore[attr-defined]
        start, end = int(src.get("startIndex", 0)), int(src["endIndex"])
        dest = int(args["destinationIndex"])
        rows = list(range(sheet.rows))
        moving = rows[start:end]
        rest = rows[:start] + rows[end:]
        at = dest if dest <= start else dest - (end - start)
        permute_rows(sheet, rest[:at] + moving + rest[at:], 0)
        return {}


def copy_meta(meta: dict[int, DevMeta]) -> dict[int, DevMeta]:
    """A snapshot for the all-or-nothing rollback of a write."""
    return {k: dataclasses.replace(v) for k, v in meta.items()}
