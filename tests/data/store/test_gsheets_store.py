"""GSheetsStore end to end: the real gspread client against the local fake Sheets API.

Checks the request budget of each operation (a refresh is one read, an append one write,
an update one write), that values go in as data, and what happens when Google misbehaves:
429s, 5xx, HTML 502s, timeouts and dropped connections after the write was applied —
never a duplicate row, never silent loss, and the right error for the page to show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests

from tests.fake_sheets import (
    TEST_SERVICE_ACCOUNT,
    FakeSheets,
    Fault,
    RecordingSleep,
)
from unionplan.data.store.gsheets import (
    EMULATOR_ENV,
    EmulatorSession,
    GSheetsStore,
)
from unionplan.errors import (
    BackendUnavailableError,
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
)

TAB = "活动"
HEADER = ["编号", "名称", "备注", "版本"]
EMAIL = TEST_SERVICE_ACCOUNT["client_email"]


def _store(fake: FakeSheets, key: str, **options: Any) -> GSheetsStore:
    """A store on ``key`` routed to the fake, with recorded (not slept) backoff."""
    options.setdefault("session", fake.session())
    options.setdefault("sleep", RecordingSleep())
    options.setdefault("rng", lambda: 1.0)
    return GSheetsStore.connect(
        key, TEST_SERVICE_ACCOUNT, environ={EMULATOR_ENV: fake.host}, **options
    )


@pytest.fixture
def store(gsheets_store: GSheetsStore, fake_sheets: FakeSheets) -> GSheetsStore:
    """The fixture store with a 活动 tab holding a header and two rows."""
    fake_sheets.add_tab(
        gsheets_store.key, TAB, [HEADER, ["A-1", "春节慰问", "", "1"], ["A-2", "篮球赛", "", "1"]]
    )
    return gsheets_store


def _rows(fake: FakeSheets, store: GSheetsStore, tab: str = TAB) -> list[list[Any]]:
    return fake.values(store.key, tab)


# -- request budget ----------------------------------------------------------------------


def test_cold_read_all_is_metadata_plus_one_batch_get_and_warm_is_one_read(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    data = store.read_all()
    assert list(data) == ["Sheet1", TAB]
    assert data[TAB][1] == ["A-1", "春节慰问", "", "1"]
    assert store.stats.snapshot() == (2, 0)
    assert fake_sheets.count("spreadsheets.get") == 1
    assert fake_sheets.count("values.batchGet") == 1

    store.read_all()
    assert store.stats.snapshot() == (3, 0)  # warm: one values:batchGet, no metadata
    assert fake_sheets.count("spreadsheets.get") == 1
    # Formatted values, so parsing stays ours: one request covers every tab.
    assert fake_sheets.requests("values.batchGet")[-1].query["valueRenderOption"] == [
        "FORMATTED_VALUE"
    ]


def test_read_tab_is_one_read(store: GSheetsStore, fake_sheets: FakeSheets) -> None:
    assert store.read_tab(TAB)[0] == HEADER
    assert store.stats.snapshot() == (1, 0)
    assert fake_sheets.count("values.get") == 1


def test_create_tabs_is_one_write_with_headers_and_keeps_metadata(
    gsheets_store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store = gsheets_store
    store.create_tabs({"活动": HEADER, "单位": ["编号", "名称"], "Sheet1": ["ignored"]})
    assert store.stats.snapshot() == (1, 1)  # the metadata read, then one batchUpdate
    assert fake_sheets.count("spreadsheets.batchUpdate") == 1
    assert fake_sheets.titles(store.key) == ["Sheet1", "活动", "单位"]
    assert _rows(fake_sheets, store, "活动") == [HEADER]
    assert _rows(fake_sheets, store, "单位") == [["编号", "名称"]]
    assert _rows(fake_sheets, store, "Sheet1") == []  # an existing tab is left alone
    assert fake_sheets.tab(store.key, "活动").frozen_rows == 1

    # The reply updated the cached metadata: no new metadata read, one batchGet.
    assert set(store.read_all()) == {"Sheet1", "活动", "单位"}
    assert fake_sheets.count("spreadsheets.get") == 1
    store.create_tabs({"活动": HEADER})  # nothing missing: no request at all
    assert store.stats.writes == 1


def test_create_tabs_when_another_user_created_one_meanwhile(
    gsheets_store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store = gsheets_store
    store.read_all()  # metadata cached: only Sheet1
    fake_sheets.add_tab(store.key, "活动", [HEADER, ["A-9", "别人的", "", "1"]])
    store.create_tabs({"活动": HEADER, "单位": ["编号"]})
    assert fake_sheets.titles(store.key) == ["Sheet1", "活动", "单位"]
    assert _rows(fake_sheets, store, "活动")[1][0] == "A-9"  # untouched


def test_append_is_one_write_and_values_stay_data(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store.append_rows(TAB, [["A-3", "=1+1", "007", 1], ["A-4", "工会 ‘读书月’", None, 2]], id_col=1)
    assert store.stats.snapshot() == (0, 1)
    rows = _rows(fake_sheets, store)
    assert rows[3] == ["A-3", "=1+1", "007", "1"]  # text stays text: no formula, no 7
    assert rows[4] == ["A-4", "工会 ‘读书月’", "", "2"]
    assert fake_sheets.values(store.key, TAB, "FORMULA")[3][1] == "=1+1"
    append = fake_sheets.requests("values.append")[0]
    assert append.query["valueInputOption"] == ["RAW"]
    assert append.query["insertDataOption"] == ["INSERT_ROWS"]
    # And it reads back through the store as the same strings.
    assert store.read_tab(TAB)[3] == ["A-3", "=1+1", "007", "1"]


def test_update_cells_is_one_write_with_one_range_per_run(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store.update_cells(TAB, [(2, 3, "改期"), (2, 4, 2), (3, 2, "=SUM(A1:A2)"), (2, 2, "春节")])
    assert store.stats.snapshot() == (0, 1)
    body = fake_sheets.requests("values.batchUpdate")[0].body
    assert body["valueInputOption"] == "RAW"
    assert [d["range"] for d in body["data"]] == [f"'{TAB}'!B2:D2", f"'{TAB}'!B3"]
    rows = _rows(fake_sheets, store)
    assert rows[1] == ["A-1", "春节", "改期", "2"]
    assert rows[2][1] == "=SUM(A1:A2)"


def test_python_values_are_written_as_plain_data(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    when = dt.datetime(2024, 3, 1, 9, 30)
    store.update_cells(
        TAB, [(2, 2, dt.date(2024, 3, 1)), (2, 3, when), (2, 4, float("nan")), (3, 3, True)]
    )
    rows = _rows(fake_sheets, store)
    assert rows[1] == ["A-1", "2024-03-01", "2024-03-01 09:30:00"]  # NaN cleared the cell
    assert rows[2][2] == "TRUE"


def test_append_lands_after_the_last_block_of_a_hand_edited_sheet(
    gsheets_store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store = gsheets_store
    grid = [HEADER, ["A-1", "a"], [], ["A-2", "b"], ["A-3", "c"]]  # someone left row 3 blank
    fake_sheets.add_tab(store.key, TAB, grid)
    store.read_all()  # the app always reads before it writes
    store.append_rows(TAB, [["A-4", "d"]], id_col=1)
    assert _rows(fake_sheets, store)[-2:] == [["A-3", "c"], ["A-4", "d"]]
    assert fake_sheets.requests("values.append")[0].path.endswith("'活动'!A4:append")


def test_append_without_a_prior_read_overwrites_nothing(
    gsheets_store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    # Without a read the store anchors at A1, so Sheets puts the row into the first gap;
    # INSERT_ROWS means the rows below move down rather than being overwritten.
    store = gsheets_store
    fake_sheets.add_tab(store.key, TAB, [HEADER, ["A-1", "a"], [], ["A-2", "b"]])
    store.append_rows(TAB, [["A-3", "c"]], id_col=1)
    ids = [r[0] for r in _rows(fake_sheets, store) if r]
    assert sorted(ids[1:]) == ["A-1", "A-2", "A-3"]


# -- faults ------------------------------------------------------------------------------


def test_quota_429_then_success_appends_the_row_once(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.fail("values.append", Fault.quota())
    store.append_rows(TAB, [["A-3", "新活动", "", "1"]], id_col=1)
    ids = [r[0] for r in _rows(fake_sheets, store)]
    assert ids.count("A-3") == 1
    assert store.stats.retries == 1
    assert store.stats.snapshot() == (0, 2)  # a 429 is never applied: no id re-read
    assert store._sleep.delays == [0.5]  # type: ignore[attr-defined]


def test_persistent_429_gives_up_with_quota_error_after_capped_backoff(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.fail("values.batchGet", Fault.quota(times=None))
    with pytest.raises(QuotaExceededError) as info:
        store.read_all()
    assert "quota" in str(info.value).lower()
    assert store.max_retries == 4  # the default: about a minute before giving up
    assert fake_sheets.count("values.batchGet") == 1 + store.max_retries
    assert store._sleep.delays == [0.5, 1.0, 2.0, 4.0]  # type: ignore[attr-defined]


def test_backoff_is_jittered_and_capped(fake_sheets: FakeSheets) -> None:
    key = fake_sheets.create_spreadsheet()
    sleep = RecordingSleep()
    store = _store(fake_sheets, key, sleep=sleep, rng=lambda: 0.0, max_retries=7)
    fake_sheets.fail("spreadsheets.get", Fault.error(503, times=None))
    with pytest.raises(BackendUnavailableError):
        store.tab_titles()
    assert sleep.delays == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]  # half of min(8, 0.5*2^n)


def test_persistent_500_raises_backend_unavailable_and_writes_nothing(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    before = _rows(fake_sheets, store)
    fake_sheets.fail("values.append", Fault.error(500, times=None))
    with pytest.raises(BackendUnavailableError) as info:
        store.append_rows(TAB, [["A-3", "新活动", "", "1"]], id_col=1)
    assert not isinstance(info.value, QuotaExceededError)
    assert "500" in str(info.value)
    assert _rows(fake_sheets, store) == before
    tries = 1 + store.max_retries
    assert fake_sheets.count("values.append") == tries
    assert fake_sheets.count("values.get") == tries  # a 5xx may have landed: ids checked each time
    assert store.stats.retries == store.max_retries


def test_timeout_after_the_append_landed_does_not_duplicate(
    fake_sheets: FakeSheets,
) -> None:
    key = fake_sheets.create_spreadsheet(tabs={TAB: [HEADER]})
    store = _store(fake_sheets, key)
    fake_sheets.fail("values.append", Fault.timeout())  # applied, then no answer
    store.append_rows(TAB, [["A-1", "一", "", "1"], ["A-2", "二", "", "1"]], id_col=1)
    assert _rows(fake_sheets, store) == [HEADER, ["A-1", "一", "", "1"], ["A-2", "二", "", "1"]]
    assert fake_sheets.count("values.append") == 1  # the re-read showed both ids: no retry
    assert fake_sheets.count("values.get") == 1
    assert store.stats.retries == 0


def test_dropped_connection_after_the_append_landed_does_not_duplicate(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.fail("values.append", Fault.dropped())
    store.append_rows(TAB, [["A-3", "新活动", "", "1"]], id_col=1)
    ids = [r[0] for r in _rows(fake_sheets, store)]
    assert ids == ["编号", "A-1", "A-2", "A-3"]
    assert fake_sheets.count("values.append") == 1


def test_timeout_before_the_append_landed_retries_and_lands_once(
    fake_sheets: FakeSheets,
) -> None:
    key = fake_sheets.create_spreadsheet(tabs={TAB: [HEADER]})
    store = _store(fake_sheets, key)
    fake_sheets.fail("values.append", Fault.timeout(apply=False))
    store.append_rows(TAB, [["A-1", "一", "", "1"]], id_col=1)
    assert _rows(fake_sheets, store) == [HEADER, ["A-1", "一", "", "1"]]
    assert fake_sheets.count("values.append") == 2
    assert store.stats.retries == 1


def test_last_attempt_that_landed_is_reported_as_success(
    fake_sheets: FakeSheets,
) -> None:
    # Out of retries, but the final re-read shows the row is there: the user must not be
    # told it failed (they would submit it again and make a duplicate).
    key = fake_sheets.create_spreadsheet(tabs={TAB: [HEADER]})
    store = _store(fake_sheets, key, max_retries=0)
    fake_sheets.fail("values.append", Fault.dropped())
    store.append_rows(TAB, [["A-1", "一", "", "1"]], id_col=1)
    assert _rows(fake_sheets, store) == [HEADER, ["A-1", "一", "", "1"]]


def test_html_502_is_retried_by_http_status(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.fail("values.batchGet", Fault.html_502())
    assert TAB in store.read_all()
    assert store.stats.retries == 1
    assert [r.status for r in fake_sheets.requests("values.batchGet")] == [502, 200]


def test_update_cells_on_persistent_html_502_raises_backend_unavailable(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.fail("values.batchUpdate", Fault.html_502(times=None))
    with pytest.raises(BackendUnavailableError, match="502"):
        store.update_cells(TAB, [(2, 2, "x")])
    assert _rows(fake_sheets, store)[1][1] == "春节慰问"


def test_403_names_the_service_account_to_share_with(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    fake_sheets.deny(store.key)
    with pytest.raises(PermissionDeniedError) as info:
        store.read_all()
    assert EMAIL in str(info.value)
    assert info.value.params["email"] == EMAIL
    assert store.service_account_email() == EMAIL
    assert store.stats.retries == 0  # not retried: it will not get better by waiting


def test_404_spreadsheet_is_not_found_with_a_hint(fake_sheets: FakeSheets) -> None:
    store = _store(fake_sheets, "1NoSuchSpreadsheetKey0000000000000000000000")
    with pytest.raises(NotFoundError) as info:
        store.read_all()
    assert "check the URL/key" in str(info.value)
    assert store.stats.retries == 0


def test_missing_tab_is_not_found(store: GSheetsStore) -> None:
    with pytest.raises(NotFoundError):
        store.read_tab("不存在")
    with pytest.raises(NotFoundError):
        store.append_rows("不存在", [["A-1"]], id_col=1)


def test_tab_renamed_in_the_sheet_refreshes_metadata_once(
    store: GSheetsStore,
    fake_sheets: FakeSheets,
) -> None:
    store.read_all()
    fake_sheets.rename_tab(store.key, TAB, "活动2024")
    assert "活动2024" in store.read_all()
    assert fake_sheets.count("spreadsheets.get") == 2


# -- configuration and routing -----------------------------------------------------------


def test_emulator_variable_routes_every_request_to_the_fake(
    fake_sheets: FakeSheets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = fake_sheets.create_spreadsheet(tabs={TAB: [HEADER]})
    monkeypatch.setenv(EMULATOR_ENV, fake_sheets.host)
    store = GSheetsStore.connect(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0")
    assert store.read_all()[TAB] == [HEADER]
    assert fake_sheets.count() == 2
    assert store.service_account_email() is None  # anonymous
    assert store.location == f"https://docs.google.com/spreadsheets/d/{key}"

    monkeypatch.delenv(EMULATOR_ENV)
    with pytest.raises(ConfigError):
        GSheetsStore.connect(key)  # no emulator, no credentials


def test_from_config_uses_the_emulator_with_secrets_holding_only_the_sheet(
    fake_sheets: FakeSheets,
) -> None:
    key = fake_sheets.create_spreadsheet(tabs={TAB: [HEADER]})
    store = GSheetsStore.from_config(
        key,
        credentials={"spreadsheet": key},
        keyfile=None,
        environ={EMULATOR_ENV: fake_sheets.host},
    )
    assert store.read_tab(TAB) == [HEADER]


def test_emulator_session_rewrites_only_the_sheets_origin() -> None:
    sent: list[str] = []

    class Recording(EmulatorSession):
        def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
            sent.append(str(request.url))
            raise requests.ConnectionError("not sent")

    session = Recording("127.0.0.1:9")
    for url in (
        "https://sheets.googleapis.com/v4/spreadsheets/k/values:batchGet?ranges=%27a%27",
        "https://oauth2.googleapis.com/token",
    ):
        with pytest.raises(requests.ConnectionError):
            session.get(url)
    assert sent == [
        "http://127.0.0.1:9/v4/spreadsheets/k/values:batchGet?ranges=%27a%27",
        "https://oauth2.googleapis.com/token",
    ]


def test_store_refuses_what_is_not_a_sheet_address() -> None:
    # The rule itself is tested in tests/data/test_sheet_address.py; here: the store uses it.
    with pytest.raises(ConfigError):
        GSheetsStore.connect("https://example.com/not-a-sheet", environ={EMULATOR_ENV: "x:9"})


def test_real_credentials_use_an_authorized_session_with_timeouts(tmp_path: Any) -> None:
    # No request is sent (that would need Google); this checks the wiring only.
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    from cryptography.hazmat.primitives import serialization
    from google.auth.transport.requests import AuthorizedSession

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    info = {**TEST_SERVICE_ACCOUNT, "private_key": pem, "private_key_id": "k1"}
    info["private_key"] = pem.replace("\n", "\\n")  # as pasted into secrets.toml
    store = GSheetsStore.connect("1" + "x" * 40, info, environ={}, timeout=7)
    assert isinstance(store._http.session, AuthorizedSession)
    assert store._http.timeout == 7
    assert store.service_account_email() == EMAIL

    keyfile = tmp_path / "sa.json"
    keyfile.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError):
        GSheetsStore.connect("1" + "x" * 40, str(keyfile), environ={})
    with pytest.raises(ConfigError, match="malformed"):
        GSheetsStore.connect("1" + "x" * 40, {"client_email": EMAIL}, environ={})
