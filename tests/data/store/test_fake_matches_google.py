"""The fake Sheets API answers like Google: replay recorded Google traffic against it.

The cassettes in cassettes/ beside this file are real requests and responses of gspread's
own test suite (MIT licence, see cassettes/README.md). Each Sheets request is sent to the fake in order (Drive calls that
created/deleted the spreadsheet become fake set-up), and the fake's answer must equal
Google's: status, keys present or absent, values, A1 ranges, error bodies. Sheet ids are
random on both sides, so they are mapped; metadata is compared on the parts that matter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fake_sheets import FakeSheets

CASSETTES = Path(__file__).resolve().parent / "cassettes"
SHEETS = "https://sheets.googleapis.com"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"


def _cassettes() -> list[str]:
    return sorted(p.stem for p in CASSETTES.glob("*.json"))


def _map_ids(obj: Any, ids: dict[int, int]) -> Any:
    """Replace Google's sheetIds by the fake's, everywhere under a "sheetId" key."""
    if isinstance(obj, dict):
        return {
            k: (ids.get(v, v) if k == "sheetId" and isinstance(v, int) else _map_ids(v, ids))
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_map_ids(v, ids) for v in obj]
    return obj


def _learn_ids(expected: Any, actual: Any, ids: dict[int, int]) -> None:
    """Pair up the sheetIds of addSheet replies (Google's random id -> the fake's)."""
    for exp, act in zip(expected.get("replies", []), actual.get("replies", []), strict=True):
        if "addSheet" in exp:
            ids[exp["addSheet"]["properties"]["sheetId"]] = act["addSheet"]["properties"]["sheetId"]


def _replay(fake: FakeSheets, name: str) -> int:
    """Replay one cassette; return how many Sheets responses were compared."""
    interactions = json.loads((CASSETTES / f"{name}.json").read_text("utf-8"))["interactions"]
    ids: dict[int, int] = {}
    compared = 0
    for number, interaction in enumerate(interactions):
        req, resp = interaction["request"], interaction["response"]
        uri, method = req["uri"], req["method"]
        if uri.startswith(DRIVE_FILES):
            if method == "POST":  # Drive created a new, empty spreadsheet
                made = json.loads(resp["body"]["string"])
                fake.create_spreadsheet(made["id"], title=made["name"])
                ids.clear()
            elif method == "DELETE":
                fake.delete_spreadsheet(uri[len(DRIVE_FILES) + 1 :].split("?")[0])
            continue
        assert uri.startswith(SHEETS), uri
        body = req["body"]
        if body:
            body = json.dumps(_map_ids(json.loads(body), ids))
        got = requests.request(
            method,
            fake.base_url + uri[len(SHEETS) :],
            data=body.encode("utf-8") if body else None,
            headers={"Content-Type": "application/json"} if body else {},
            timeout=10,
        )
        where = f"{name} #{number}: {method} {uri}"
        assert got.status_code == resp["status"]["code"], (where, got.text)
        expected = json.loads(resp["body"]["string"])
        actual = got.json()
        if "sheets" in expected and "properties" in expected:  # spreadsheets.get metadata
            assert set(actual) == set(expected), where
            assert actual["spreadsheetId"] == expected["spreadsheetId"], where
            assert actual["properties"]["title"] == expected["properties"]["title"], where
            assert (
                _map_ids(actual["sheets"], {v: k for k, v in ids.items()}) == expected["sheets"]
            ), where
        else:
            if "replies" in expected:
                _learn_ids(expected, actual, ids)
            assert actual == _map_ids(expected, ids), where
        compared += 1
    return compared


@pytest.mark.parametrize("name", _cassettes())
def test_fake_replays_google_cassette(fake_sheets: FakeSheets, name: str) -> None:
    assert _replay(fake_sheets, name) > 0


def test_all_reference_cassettes_are_replayed() -> None:
    # A new cassette in the folder is picked up by the parametrised test above; this guards
    # against the glob silently finding nothing (the parametrised test would then only be
    # skipped as an empty parameter set), and against losing the licence beside them.
    assert CASSETTES.is_dir(), f"recorded Google traffic missing: {CASSETTES}"
    assert (CASSETTES / "LICENSE.txt").is_file(), "gspread's licence must stay with its cassettes"
    assert len(_cassettes()) >= 15, _cassettes()


# -- behaviours the cassettes show only in passing, checked directly ---------------------


def _get(fake: FakeSheets, key: str, path: str, **params: Any) -> requests.Response:
    return requests.get(f"{fake.base_url}/v4/spreadsheets/{key}{path}", params=params, timeout=5)


def _post(fake: FakeSheets, key: str, path: str, body: Any, **params: Any) -> requests.Response:
    url = f"{fake.base_url}/v4/spreadsheets/{key}{path}"
    return requests.post(url, params=params, json=body, timeout=5)


def test_chinese_sheet_names_are_quoted_and_blanks_trimmed(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet(
        tabs={"活动": [["编号", "名称", "", ""], [], ["A-1", "", "x"], ["", ""]]}
    )
    got = _get(fake_sheets, key, "/values/'活动'!A1:Z5").json()
    assert got == {
        "range": "'活动'!A1:Z5",
        "majorDimension": "ROWS",
        "values": [["编号", "名称"], [], ["A-1", "", "x"]],
    }
    empty = _get(fake_sheets, key, "/values/'活动'!A10:B11").json()
    assert "values" not in empty and empty["range"] == "'活动'!A10:B11"


def test_append_lands_after_the_first_block_when_a_blank_row_splits_it(
    fake_sheets: FakeSheets,
) -> None:
    # A hand-edited sheet: header, two rows, a blank row, two more rows.
    grid = [["id", "name"], ["A-1", "a"], ["A-2", "b"], [], ["A-3", "c"], ["A-4", "d"]]
    key = fake_sheets.create_spreadsheet(tabs={"T": grid})
    reply = _post(
        fake_sheets,
        key,
        "/values/'T'!A1:append",
        {"values": [["A-5", "e"]]},
        valueInputOption="RAW",
        insertDataOption="INSERT_ROWS",
    ).json()
    assert reply["tableRange"] == "T!A1:B3"
    assert reply["updates"]["updatedRange"] == "T!A4:B4"
    # INSERT_ROWS pushed the lower block down instead of overwriting it.
    assert fake_sheets.values(key, "T") == [
        ["id", "name"], ["A-1", "a"], ["A-2", "b"], ["A-5", "e"], [], ["A-3", "c"], ["A-4", "d"]
    ]  # fmt: skip


def test_raw_keeps_text_user_entered_parses_it(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet()
    row = ["=1+1", "007", "2024-03-01", "TRUE", "'x"]
    for option, line in (("RAW", "A1"), ("USER_ENTERED", "A2")):
        r = requests.put(
            f"{fake_sheets.base_url}/v4/spreadsheets/{key}/values/Sheet1!{line}",
            params={"valueInputOption": option},
            json={"values": [row]},
            timeout=5,
        )
        assert r.ok, r.text
    formatted = _get(fake_sheets, key, "/values/Sheet1!A1:E2").json()["values"]
    assert formatted[0] == ["=1+1", "007", "2024-03-01", "TRUE", "'x"]
    assert formatted[1] == ["2", "7", "2024-03-01", "TRUE", "x"]
    raw = _get(
        fake_sheets, key, "/values/Sheet1!A1:E2", valueRenderOption="UNFORMATTED_VALUE"
    ).json()["values"]
    assert raw == [["=1+1", "007", "2024-03-01", "TRUE", "'x"], [2, 7, 45352, True, "x"]]
    formulas = _get(fake_sheets, key, "/values/Sheet1!A2", valueRenderOption="FORMULA").json()[
        "values"
    ]
    assert formulas == [["=1+1"]]


def test_error_bodies_have_googles_shape(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet()
    missing_tab = _get(fake_sheets, key, "/values/'不存在'!A1")
    assert missing_tab.status_code == 400
    assert missing_tab.json() == {
        "error": {
            "code": 400,
            "message": "Unable to parse range: '不存在'!A1",
            "status": "INVALID_ARGUMENT",
        }
    }
    too_far = _get(fake_sheets, key, "/values/Sheet1!A1:B2000").json()["error"]
    assert too_far["message"].endswith("exceeds grid limits. Max rows: 1000, max columns: 26")
    fake_sheets.deny(key)
    denied = _get(fake_sheets, key, "")
    assert denied.status_code == 403
    assert denied.json()["error"]["status"] == "PERMISSION_DENIED"


def test_batch_update_is_all_or_nothing(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet()
    body = {
        "requests": [
            {"addSheet": {"properties": {"title": "新"}}},
            {"addSheet": {"properties": {"title": "Sheet1"}}},  # exists: the batch fails
        ]
    }
    r = _post(fake_sheets, key, ":batchUpdate", body)
    assert r.status_code == 400
    assert "already exists" in r.json()["error"]["message"]
    assert fake_sheets.titles(key) == ["Sheet1"]
