"""Connecting a Google Sheet: key files, URL checks, and each failure explained."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from tests.fake_sheets import TEST_SERVICE_ACCOUNT as KEY
from tests.fake_sheets import FakeSheets
from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan import i18n
from unionplan.data.sheet_address import sheet_url
from unionplan.data.store.gsheets_http import EMULATOR_ENV
from unionplan.errors import ConfigError, PermissionDeniedError, UnionplanError
from unionplan.ops import connect


def _key_of(exc: pytest.ExceptionInfo[UnionplanError]) -> str:
    return exc.value.key


def test_sheet_url_or_key() -> None:
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0"
    assert connect.parse_sheet(url) == "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    with pytest.raises(ConfigError) as exc:
        connect.parse_sheet("https://www.example.com/a.xlsx")
    assert _key_of(exc) == "data.err.bad_url"


def test_service_account_from_bytes_path_and_mapping(service_account_file: Path) -> None:
    raw = service_account_file.read_bytes()
    assert connect.read_service_account(raw).email == KEY["client_email"]
    acct = connect.read_service_account(str(service_account_file))
    assert acct.email == KEY["client_email"] and acct.path == str(service_account_file)
    assert connect.read_service_account({**KEY, "spreadsheet": "x"}).email == KEY["client_email"]
    assert "PRIVATE" not in repr(acct)  # the key never shows up in logs or reprs


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"not json", "data.err.key_not_json"),
        (json.dumps({"installed": {}}).encode(), "data.err.key_not_service_account"),
        (json.dumps({**KEY, "private_key": ""}).encode(), "data.err.key_incomplete"),
    ],
    ids=["not-json", "not-a-service-account", "no-private-key"],
)
def test_bad_keys_are_explained(content: bytes, key: str) -> None:
    with pytest.raises(ConfigError) as exc:
        connect.read_service_account(content)
    assert _key_of(exc) == key
    assert i18n.t(key, "zh-Hans") != key  # the explanation exists


def test_missing_key_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        connect.read_service_account(str(tmp_path / "nope.json"))
    assert _key_of(exc) == "data.err.key_not_found"
    assert "nope.json" in i18n.t(exc.value.key, "en", **exc.value.params)


def test_check_lists_tabs_and_tables(sheets_emulator: FakeSheets) -> None:
    key = sheets_emulator.create_spreadsheet(tabs={"活动": [["编号", "活动名称"]], "笔记": [["x"]]})
    acct = connect.read_service_account(KEY)
    check = connect.check_connection(f"https://docs.google.com/spreadsheets/d/{key}/edit", acct)
    assert check.key == key and check.email == KEY["client_email"]
    assert check.tabs == ["活动", "笔记"]
    assert check.tables_found == ["activities"]
    assert "targets" in check.tables_missing and not check.is_empty
    loc = connect.location_for(check, acct)
    assert (loc.kind, loc.target, loc.source) == ("gsheets", key, "session")


def test_fresh_sheet_is_empty(sheets_emulator: FakeSheets) -> None:
    key = sheets_emulator.create_spreadsheet()
    assert connect.check_connection(key, connect.read_service_account(KEY)).is_empty


def test_not_shared_tells_whom_to_share_with(sheets_emulator: FakeSheets) -> None:
    key = sheets_emulator.create_spreadsheet()
    sheets_emulator.deny(key)
    with pytest.raises(PermissionDeniedError) as exc:
        connect.check_connection(key, connect.read_service_account(KEY))
    assert _key_of(exc) == "data.err.permission"
    msg = i18n.t(exc.value.key, "zh-Hans", **exc.value.params)
    assert KEY["client_email"] in msg and "共享" in msg


def test_unknown_sheet_is_explained(sheets_emulator: FakeSheets) -> None:
    with pytest.raises(UnionplanError) as exc:
        connect.check_connection("x" * 44, connect.read_service_account(KEY))
    assert _key_of(exc) == "data.err.not_found"


def test_no_key_without_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    with pytest.raises(ConfigError) as exc:
        connect.check_connection("x" * 44, None)
    assert _key_of(exc) == "data.err.no_key"


def test_secrets_toml_round_trips() -> None:
    key = "K" * 44
    check = connect.ConnectionCheck(key, sheet_url(key), "", [], [], [])
    text = connect.secrets_toml(check, connect.read_service_account(KEY))
    conf = tomllib.loads(text)["connections"]["gsheets"]
    assert conf["spreadsheet"].endswith("K" * 44)
    assert conf["private_key"] == KEY["private_key"]  # newlines survive
    assert conf["client_email"] == KEY["client_email"]


def test_copy_local_into_sheet(sheets_emulator: FakeSheets, tmp_path: Path) -> None:
    key = sheets_emulator.create_spreadsheet()
    src = MemoryStore({"活动": [["编号", "活动名称"], ["A-1", "春游"], ["A-2", "=1+1"]]})
    dst = connect.open_sheet(key, connect.read_service_account(KEY))
    seen: list[float] = []
    counts = connect.copy_to(
        src,
        dst,
        actor=admin(),
        progress=lambda share, _what: seen.append(share),
        backup_dir=tmp_path,
    )
    # The sheet as it was before the copy is kept first, in a timestamped file.
    assert [p.name.startswith("unionplan-google-backup-") for p in tmp_path.iterdir()] == [True]
    assert counts == {"活动": 2}
    assert sheets_emulator.values(key, "活动") == [
        ["编号", "活动名称"],
        ["A-1", "春游"],
        ["A-2", "=1+1"],
    ]
    assert seen and seen[-1] == 1.0
