"""The data page: the issues table people fix the sheet from, refresh, backup download,
and connecting a Google Sheet (against the local fake of the Sheets API)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets
from tests.pages.apptest import PointApp, open_page
from tests.people import person
from unionplan import i18n, ui
from unionplan.data import privacy, schema
from unionplan.data.store.gsheets_http import EMULATOR_ENV
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.markup import md_text

ACT = schema.ACTIVITIES
HEADER = ACT.headers("zh-Hans")
COL_START = HEADER[ACT.keys.index("start")]
EMAIL = TEST_SERVICE_ACCOUNT["client_email"]


def _row(**values: object) -> list[object]:
    return [values.get(k, "") for k in ACT.keys]


@pytest.fixture
def workbook(tmp_path: Path, point_app_at: PointApp) -> Path:
    """A workbook whose activities tab has one unreadable start date ("某天", sheet row 3)."""
    path = tmp_path / "unionplan.xlsx"
    store = XlsxStore(path)
    tabs = {t.label.get("zh-Hans"): t.headers("zh-Hans") for t in schema.TABLES.values()}
    store.create_tabs(tabs)
    store.append_rows(
        ACT.label.zh_hans,
        [
            _row(id="A-GOOD0001", title="三八节活动", start="2026-03-08", version=1),
            _row(id="A-BAD00001", title="春游", start="某天", version=1),
        ],
        id_col=1,
    )
    return point_app_at(path)


def _data_page(lang: str = "zh-Hans") -> AppTest:
    return open_page("data", lang=lang)


def _upload_key(at: AppTest, keyfile: Path) -> None:
    """Step ②: the key uploaded as its JSON file (no field names a file on the server)."""
    data = keyfile.read_bytes()
    at.file_uploader(key="gs_key_file").set_value((keyfile.name, data, "application/json")).run()


def _issue_rows(at: AppTest) -> list[dict]:
    tables = [df.value for df in at.dataframe]
    return [r for df in tables for r in df.to_dict("records")] if tables else []


def test_issues_table_lists_the_bad_cell(workbook: Path) -> None:
    at = _data_page()
    assert not at.exception and not at.error
    rows = _issue_rows(at)
    assert rows == [
        {
            "工作表": "活动",
            "行": 3,
            "列": COL_START,
            "原始内容": "某天",
            "问题": i18n.t("issues.bad_date", "zh-Hans"),
        }
    ]


def test_issues_table_in_english(workbook: Path) -> None:
    at = _data_page("en")
    (row,) = _issue_rows(at)
    assert row["Tab"] == "活动" and row["Row"] == 3 and row["Cell text"] == "某天"
    assert row["Problem"] == i18n.t("issues.bad_date", "en")


def test_issues_table_masks_personal_data_for_those_without_the_aid_role(
    workbook: Path,
) -> None:
    pay = schema.AID_PAYMENTS
    XlsxStore(workbook).append_rows(
        pay.label.zh_hans,
        [[{"id": "D-1", "case_id": "王某某", "cash": 500}.get(k, "") for k in pay.keys]],
        id_col=1,
    )
    # The data page is an administrator's, who sees the cell as typed (a backup holds it
    # anyway): that is how it gets fixed.
    at = _data_page()
    rows = [r for r in _issue_rows(at) if r["工作表"] == pay.label.zh_hans]
    assert [(r["行"], r["原始内容"]) for r in rows] == [(2, "王某某")]
    # Anyone else who sees the table sees it masked, an aid officer of another unit too.
    d = Workbook(XlsxStore(workbook)).load(fresh=True)
    for who in (person("v", "viewer"), person("e", "editor"), person("a", "aid", unit="U-9")):
        frame = ui.issues_frame(d, pay.label.zh_hans, who=who)
        assert frame.iloc[:, 3].tolist() == [privacy.MASK], who
    assert ui.issues_frame(d, pay.label.zh_hans, who=person("a", "aid")).iloc[0, 3] == "王某某"


def test_refresh_rereads_the_workbook(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As on Google Sheets, whose store has no change token: only the TTL or a refresh
    # re-reads. (A local file's change shows at once: tests/pages/test_one_cache.py.)
    monkeypatch.setattr(XlsxStore, "change_token", lambda self: None)
    at = _data_page()
    assert len(_issue_rows(at)) == 1
    XlsxStore(workbook).update_cells(ACT.label.zh_hans, [(3, ACT.keys.index("start") + 1, "4月")])
    at.run()
    assert len(_issue_rows(at)) == 1  # still the cached load: that is what refresh is for
    at.button(key="refresh").click().run()
    assert not at.exception
    assert _issue_rows(at) == []
    assert any(s.value == i18n.t("data.issues_none", "zh-Hans") for s in at.success)
    assert any(s.value == i18n.t("common.refreshed", "zh-Hans") for s in at.success)


def test_backup_download_is_offered(workbook: Path) -> None:
    at = _data_page()
    (button,) = at.get("download_button")
    assert button.label == i18n.t("data.backup_button", "zh-Hans")


def test_an_administrator_without_the_aid_role_is_told_the_backup_is_masked(
    workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    masked = i18n.t("data.backup_masked", "zh-Hans")
    assert masked not in [c.value for c in _data_page().caption]  # local: admin and aid
    from unionplan.ui import signin

    monkeypatch.setattr(signin, "gate", lambda: signin._enter(person("boss", "admin")))
    at = _data_page()
    assert masked in [c.value for c in at.caption]
    assert len(at.get("download_button")) == 1


def test_workbook_location_is_shown(workbook: Path) -> None:
    at = _data_page("en")
    assert any(c.value == str(workbook) for c in at.code)
    assert any("Environment variable UNIONPLAN_WORKBOOK" in m.value for m in at.markdown)


def test_a_wrong_address_is_explained(workbook: Path) -> None:
    at = _data_page()
    at.text_input(key="gs_url").input("https://example.com/plan.xlsx").run()
    at.button(key="gs_test").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("data.err.bad_url", "zh-Hans")]


def test_connect_a_sheet_and_use_it(
    workbook: Path, sheets_emulator: FakeSheets, service_account_file: Path
) -> None:
    sheet = sheets_emulator.create_spreadsheet(
        tabs={"活动": [HEADER, _row(id="A-SHEET001", title="线上读书会", start="2026-04-23")]}
    )

    at = _data_page()
    at.text_input(key="gs_url").input(f"https://docs.google.com/spreadsheets/d/{sheet}/edit")
    _upload_key(at, service_account_file)
    assert EMAIL in [c.value for c in at.code]  # whom to share the sheet with

    at.button(key="gs_test").click().run()
    assert not at.exception and not at.error
    assert any(s.value.startswith("连接成功") for s in at.success)
    assert at.get("download_button")[-1].label == i18n.t("data.secrets_button", "zh-Hans")

    at.button(key="gs_use").click().run()
    assert not at.exception and not at.error
    assert any(i18n.t("data.kind_gsheets", "zh-Hans") in m.value for m in at.markdown)
    assert any(sheet in c.value for c in at.code)
    assert any(s.value == i18n.t("data.using_sheet", "zh-Hans") for s in at.success)

    at.button(key="use_local").click().run()
    assert any(c.value == str(workbook) for c in at.code)


def test_an_unshared_sheet_names_the_account(
    workbook: Path, sheets_emulator: FakeSheets, service_account_file: Path
) -> None:
    sheet = sheets_emulator.create_spreadsheet()
    sheets_emulator.deny(sheet)

    at = _data_page("en")
    at.text_input(key="gs_url").input(sheet)
    _upload_key(at, service_account_file)
    at.button(key="gs_test").click().run()
    assert not at.exception
    # The address comes from an uploaded file: shown as text (escaped Markdown), never as
    # a link or markup; it reads the same.
    assert [e.value for e in at.error] == [
        i18n.t("data.err.permission", "en", email=md_text(EMAIL))
    ]


def test_a_broken_connection_still_lets_you_reconnect(
    point_app_at: PointApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Google workbook without a key cannot load: the page says so and still offers
    the connection steps, which is how it gets fixed."""
    monkeypatch.delenv(EMULATOR_ENV, raising=False)
    point_app_at("https://docs.google.com/spreadsheets/d/" + "k" * 44)
    at = _data_page("en")
    assert not at.exception
    assert len(at.error) == 1
    assert not at.get("download_button")  # nothing to back up
    assert at.text_input(key="gs_url").value.endswith("k" * 44)
    assert at.button(key="gs_test")


def test_copy_the_local_workbook_into_the_sheet(
    workbook: Path, sheets_emulator: FakeSheets, service_account_file: Path
) -> None:
    sheet = sheets_emulator.create_spreadsheet()

    at = _data_page()
    at.text_input(key="gs_url").input(sheet)
    _upload_key(at, service_account_file)
    at.button(key="gs_test").click().run()
    assert at.button(key="gs_copy").disabled  # not before the confirmation is ticked
    at.checkbox(key="gs_copy_confirm").check().run()
    at.button(key="gs_copy").click().run()
    assert not at.exception and not at.error
    assert any(s.value == i18n.t("data.copy_done", "zh-Hans", n=2) for s in at.success)
    rows = sheets_emulator.values(sheet, ACT.label.zh_hans)
    assert [r[0] for r in rows[1:]] == ["A-GOOD0001", "A-BAD00001"]
    assert rows[2][ACT.keys.index("start")] == "某天"  # copied as typed, to be fixed there
