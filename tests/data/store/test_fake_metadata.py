"""The fake's developer metadata, data filters, row moves, quota and hooks, each against the
sentence of Google's Sheets API v4 reference it implements (raw HTTP, as Google gets it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.fake_sheets import FakeSheets

TAB = "活动"
GRID = [["编号", "名称"], ["A-1", "一"], ["A-2", "二"], ["A-3", "三"]]


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as f:
        yield f


class Api:
    def __init__(self, fake: FakeSheets) -> None:
        self.fake = fake
        self.key = fake.create_spreadsheet(tabs={TAB: GRID})
        self.sheet_id = fake.tab(self.key, TAB).sheet_id
        self.base = f"{fake.base_url}/v4/spreadsheets/{self.key}"

    def post(self, suffix: str, body: dict[str, Any]) -> requests.Response:
        return requests.post(self.base + suffix, json=body, timeout=10)

    def batch(self, *reqs: dict[str, Any]) -> requests.Response:
        return self.post(":batchUpdate", {"requests": list(reqs)})

    def meta(self, mid: int, row: int, value: str = "v") -> dict[str, Any]:
        rng = {
            "sheetId": self.sheet_id,
            "dimension": "ROWS",
            "startIndex": row - 1,
            "endIndex": row,
        }
        return {
            "createDeveloperMetadata": {
                "developerMetadata": {
                    "metadataId": mid,
                    "metadataKey": "k",
                    "metadataValue": value,
                    "location": {"dimensionRange": rng},
                    "visibility": "DOCUMENT",
                }
            }
        }

    def rows(self, mid: int) -> list[dict[str, Any]]:
        f = {"developerMetadataLookup": {"metadataId": mid}}
        reply = self.post(":search".join(["/developerMetadata", ""]), {"dataFilters": [f]})
        return [m["developerMetadata"] for m in reply.json().get("matchedDeveloperMetadata", [])]

    def row_of(self, mid: int) -> int | None:
        found = self.rows(mid)
        if not found:
            return None
        return found[0]["location"]["dimensionRange"]["startIndex"] + 1


@pytest.fixture
def api(fake: FakeSheets) -> Api:
    return Api(fake)


def test_row_metadata_moves_with_an_inserted_row_and_dies_with_its_row(api: Api) -> None:
    # "if developer metadata is associated with row 5 and another row is then subsequently
    # inserted above row 5, that original metadata will still be associated with the row
    # it was first associated with (what is now row 6). If the associated object is
    # deleted its metadata is deleted too."
    assert api.batch(api.meta(7, 3)).status_code == 200
    rng = {"sheetId": api.sheet_id, "dimension": "ROWS", "startIndex": 1, "endIndex": 2}
    assert api.batch({"insertDimension": {"range": rng}}).status_code == 200
    assert api.row_of(7) == 4
    rng = {"sheetId": api.sheet_id, "dimension": "ROWS", "startIndex": 3, "endIndex": 4}
    assert api.batch({"deleteDimension": {"range": rng}}).status_code == 200
    assert api.row_of(7) is None


def test_a_metadata_id_is_unique_and_a_refused_batch_applies_nothing(api: Api) -> None:
    # metadataId: "The spreadsheet-scoped unique ID"; batchUpdate: "If any request is not
    # valid then the entire request will fail and nothing will be applied."
    assert api.batch(api.meta(9, 2)).status_code == 200
    update = {
        "updateCells": {
            "start": {"sheetId": api.sheet_id, "rowIndex": 3, "columnIndex": 1},
            "rows": [{"values": [{"userEnteredValue": {"stringValue": "改"}}]}],
            "fields": "userEnteredValue",
        }
    }
    reply = api.batch(update, api.meta(10, 3), api.meta(9, 4))
    assert reply.status_code == 400
    assert api.fake.values(api.key, TAB)[3] == ["A-3", "三"]  # the updateCells did not apply
    assert api.rows(10) == []  # nor the first createDeveloperMetadata
    assert api.row_of(9) == 2


def test_values_by_data_filter_follow_the_metadata(api: Api) -> None:
    # batchGetByDataFilter: "Ranges that match any of the data filters in the request will
    # be returned"; ValueRange.values: "Null values will be skipped. To set a cell to an
    # empty value, set the string value to an empty string."
    assert api.batch(api.meta(5, 3)).status_code == 200
    api.fake.insert_row(api.key, TAB, 2, ["A-0", "零"])  # a person inserts a row above
    lookup = {"developerMetadataLookup": {"metadataId": 5}}
    got = api.post("/values:batchGetByDataFilter", {"dataFilters": [lookup]}).json()
    (match,) = got["valueRanges"]
    assert match["dataFilters"] == [lookup]
    assert match["valueRange"]["range"].endswith("!A4:Z4")
    assert match["valueRange"]["values"] == [["A-2", "二"]]
    body = {
        "valueInputOption": "RAW",
        "includeValuesInResponse": True,
        "data": [{"dataFilter": lookup, "values": [[None, "=1+1", ""]]}],
    }
    reply = api.post("/values:batchUpdateByDataFilter", body).json()
    assert reply["responses"][0]["updatedData"]["values"] == [["A-2", "=1+1"]]
    assert api.fake.values(api.key, TAB)[3] == ["A-2", "=1+1"]  # RAW: text, not a formula
    nothing = {"developerMetadataLookup": {"metadataId": 404}}
    body["data"] = [{"dataFilter": nothing, "values": [["x"]]}]
    assert api.post("/values:batchUpdateByDataFilter", body).status_code == 400  # the fake's choice


def test_sorted_and_moved_rows_carry_their_metadata(api: Api) -> None:
    # DeveloperMetadata "will remain associated at those locations as they move around"
    # (Google does not say so of sortRange in as many words: CONCURRENCY.md).
    assert api.batch(api.meta(1, 2), api.meta(3, 4)).status_code == 200
    spec = {"dimensionIndex": 1, "sortOrder": "ASCENDING"}  # 一 三 二 by code point
    rng = {"sheetId": api.sheet_id, "startRowIndex": 1}
    assert api.batch({"sortRange": {"range": rng, "sortSpecs": [spec]}}).status_code == 200
    ids = [r[0] for r in api.fake.values(api.key, TAB)]
    assert api.row_of(1) == ids.index("A-1") + 1 and api.row_of(3) == ids.index("A-3") + 1
    move = {
        "source": {"sheetId": api.sheet_id, "dimension": "ROWS", "startIndex": 3, "endIndex": 4},
        "destinationIndex": 1,
    }
    assert api.batch({"moveDimension": move}).status_code == 200
    ids = [r[0] for r in api.fake.values(api.key, TAB)]
    assert api.row_of(1) == ids.index("A-1") + 1 and api.row_of(3) == ids.index("A-3") + 1


def test_delete_metadata_by_key_and_value(api: Api) -> None:
    assert api.batch(api.meta(1, 2, "w1"), api.meta(2, 3, "w1"), api.meta(3, 4, "w2")).ok
    lookup = {"developerMetadataLookup": {"metadataKey": "k", "metadataValue": "w1"}}
    reply = api.batch({"deleteDeveloperMetadata": {"dataFilter": lookup}}).json()
    gone = reply["replies"][0]["deleteDeveloperMetadata"]["deletedDeveloperMetadata"]
    assert sorted(m["metadataId"] for m in gone) == [1, 2]
    assert api.fake.metadata_count(api.key) == 1


def test_quota_mode_refuses_past_the_minute_and_refills(api: Api) -> None:
    # "Sheets API has per-minute quotas, and they're refilled every minute … the
    # additional … requests exceed the quota and generates a 429: Too many requests"
    now = [120.0]
    api.fake.set_quota(reads=2, writes=1, clock=lambda: now[0])
    url = api.base + "/values/" + TAB
    assert [requests.get(url, timeout=10).status_code for _ in range(3)] == [200, 200, 429]
    refused = requests.get(url, timeout=10)
    assert refused.headers["Retry-After"] == "60"
    assert api.batch(api.meta(1, 2)).status_code == 200
    assert api.batch(api.meta(2, 2)).status_code == 429
    now[0] = 180.5  # the next minute
    assert requests.get(url, timeout=10).status_code == 200
    assert api.batch(api.meta(2, 2)).status_code == 200


def test_a_hook_runs_once_at_the_chosen_request(api: Api) -> None:
    seen: list[int] = []
    api.fake.hook(lambda: seen.append(len(api.fake.requests())), at=2, when="before")
    url = api.base + "/values/" + TAB
    for _ in range(3):
        requests.get(url, timeout=10)
    assert seen == [2]
