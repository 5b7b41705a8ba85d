"""The history of changes on screen (AppTest): the data page's section and its filters;
the export offered to administrators only; one record's history under its edit form,
naming the signed-in person ("local" in single-person mode); an aid case's history as
the aid pages show it, with no raw personal value for a viewer or an editor, old audit
rows written before masking included."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.auth.conftest import CHEAP
from tests.pages.apptest import TIMEOUT, PointApp, open_page, open_tab, page_text
from tests.people import admin, person
from unionplan import history, i18n, ui
from unionplan.auth import manage, passwords, signin
from unionplan.auth.accounts import ENV_USERS_FILE, UsersFile
from unionplan.data import privacy, schema
from unionplan.data.access import Person
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.ui.history import PAGE

LOG = schema.AUDIT_LOG
PASSWORD = "春风十里不如你-2026"
# Values an old audit row of the case holds raw (written before masking existed).
RAW = {
    "name": "欧阳春花",
    "phone": "13912345678",
    "id_number": "110101199003071234",
    "situation": "丈夫肝癌晚期",
}
OLD_DAY = dt.date(2025, 1, 2)


def _cols(lang: str) -> list[str]:
    return [i18n.t(f"history.col.{c}", lang) for c in ("at", "user", "table", "record")] + [
        i18n.t(f"history.col.{c}", lang) for c in ("action", "field", "before", "after")
    ]


@pytest.fixture
def book(tmp_path: Path, point_app_at: PointApp) -> Path:
    """An empty workbook with a life: units, an activity, a target and an aid case written
    by three people, and old audit rows typed in that hold raw personal values."""
    path = tmp_path / "unionplan.xlsx"
    wb = Workbook(XlsxStore(path), ttl=0)
    wb.ensure_tabs("zh-Hans")
    wb.append_many(
        [
            ("units", {"id": "U-1", "name": "一中工会"}),
            ("units", {"id": "U-2", "name": "二中工会"}),
            ("targets", {"id": "T-1", "title": "建会率", "metric": "rate"}),
        ],
        admin("boss"),
    )
    wb.append_many(
        [
            ("activities", {"id": "A-1", "title": "三八节游园", "start": "2026-03-08"}),
            ("activities", {"id": "A-2", "title": "春季运动会", "start": "2026-04-18"}),
        ],
        person("wang", "editor"),
    )
    wb.append("aid_cases", {"id": "C-1", "name": "张小明", "unit": "U-1"}, person("zhou", "aid"))
    old = json.dumps({k: [None, v] for k, v in RAW.items()}, ensure_ascii=False)
    XlsxStore(path).append_rows(
        LOG.label.zh_hans,
        [
            ["L-OLD1", f"{OLD_DAY} 09:00:00", "zhou", "aid_cases", "C-1", "修改", old],
            ["L-OLD2", f"{OLD_DAY} 10:00:00", "zhou", "aid_cases", "C-1", "修改", RAW["phone"]],
        ],
        id_col=1,
    )
    return point_app_at(path)


def _history(at: AppTest, lang: str = "zh-Hans") -> pd.DataFrame:
    """The history table on the page (there is one at most)."""
    found = [df.value for df in at.dataframe if list(df.value.columns) == _cols(lang)]
    assert len(found) <= 1
    return found[0] if found else pd.DataFrame(columns=_cols(lang))


def _export_buttons(at: AppTest, lang: str = "zh-Hans") -> list:
    label = i18n.t("history.export_button", lang)
    return [b for b in at.get("download_button") if b.label == label]


# ------------------------------------------------------------------ the data page


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_data_page_shows_who_changed_what(book: Path, lang: str) -> None:
    at = open_page("data", lang=lang)
    assert not at.exception and not at.error
    assert any(h.value == i18n.t("history.heading", lang) for h in at.subheader)
    lines = _history(at, lang)
    user, table, field = (i18n.t(f"history.col.{c}", lang) for c in ("user", "table", "field"))
    assert set(lines[user]) == {"boss", "wang", "zhou"}
    assert lines.iloc[0][table] == schema.AID_CASES.label.get(lang)  # newest first
    title = schema.ACTIVITIES.column("title").label.get(lang)
    assert title in set(lines[field])
    # the administrator sees what the log holds, and may export it
    assert RAW["name"] in page_text(at)
    assert len(_export_buttons(at, lang)) == 1


def test_the_filters_narrow_the_history(book: Path) -> None:
    at = open_page("data")
    col = {c: i18n.t(f"history.col.{c}", "zh-Hans") for c in ("user", "table", "record", "at")}

    at.multiselect(key="hist_people").set_value(["wang"]).run()
    lines = _history(at)
    assert set(lines[col["user"]]) == {"wang"}
    assert set(lines[col["record"]]) == {"A-1 · 三八节游园", "A-2 · 春季运动会"}

    at.multiselect(key="hist_people").set_value([]).run()
    at.multiselect(key="hist_tables").set_value(["targets", "units"]).run()
    assert set(_history(at)[col["table"]]) == {"目标", "组织"}

    at.multiselect(key="hist_tables").set_value([]).run()
    at.date_input(key="hist_start").set_value(OLD_DAY).run()
    at.date_input(key="hist_end").set_value(OLD_DAY).run()
    lines = _history(at)
    assert {a[:10] for a in lines[col["at"]]} == {str(OLD_DAY)} and len(lines) == len(RAW) + 1

    at.date_input(key="hist_start").set_value(None).run()
    at.date_input(key="hist_end").set_value(None).run()
    at.text_input(key="hist_record").input(" a-2 ").run()
    assert set(_history(at)[col["record"]]) == {"A-2 · 春季运动会"}

    at.text_input(key="hist_record").input("A-404").run()
    assert not at.exception and _history(at).empty
    assert [i.value for i in at.info] == [i18n.t("history.none_filtered", "zh-Hans")]


def test_an_empty_log_says_so(empty_workbook: Path) -> None:
    at = open_page("data")
    assert not at.exception
    assert i18n.t("history.none", "zh-Hans") in [i.value for i in at.info]
    assert not _export_buttons(at)


# ------------------------------------------------------------------ one record


def test_an_edit_shows_in_the_record_s_history_naming_the_local_person(book: Path) -> None:
    at = open_page("activities")
    at.selectbox(key="act_chosen").set_value("A-1").run()
    form = "act_sel_A-1_edit"
    heading = i18n.t("history.record_heading", "zh-Hans", n=1)
    assert heading in [e.label for e in at.expander]
    at.text_input(key=f"{form}:title").input("三八节游园会")
    (save,) = [b for b in at.button if b.label == i18n.t("activities.save_button", "zh-Hans")]
    at = save.click().run()
    assert not at.exception and not at.error
    col = {c: i18n.t(f"history.col.{c}", "zh-Hans") for c in ("user", "field", "before", "after")}
    lines = _history(at)
    assert i18n.t("history.record_heading", "zh-Hans", n=2) in [e.label for e in at.expander]
    newest = lines.iloc[0]
    assert (newest[col["user"]], newest[col["field"]]) == ("local", "活动名称")
    assert (newest[col["before"]], newest[col["after"]]) == ("三八节游园", "三八节游园会")
    assert not _export_buttons(at)  # one record's history is read here, not exported


def test_a_target_s_edit_form_has_its_history(book: Path) -> None:
    at = open_tab(open_page("targets", lang="en"), "targets", "edit")
    at.selectbox(key="te_pick").set_value("T-1").run()
    assert not at.exception
    assert i18n.t("history.record_heading", "en", n=1) in [e.label for e in at.expander]
    lines = _history(at, "en")
    assert set(lines[i18n.t("history.col.record", "en")]) == {"T-1 · 建会率"}


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, book: Path) -> Iterator[UsersFile]:
    passwords.use_hasher(CHEAP)
    monkeypatch.setenv(ENV_USERS_FILE, str(tmp_path / "private" / "users.toml"))
    users = UsersFile()
    manage.add_account(users, admin(), "wang", ["editor"], password=PASSWORD)
    yield users
    passwords.use_hasher(passwords.PasswordHasher())


def test_a_signed_in_editor_s_edit_is_theirs_in_the_history_with_no_export(
    accounts: UsersFile,
) -> None:
    at = AppTest.from_file(str(Path(ui.__file__).parents[2] / "app.py"), default_timeout=TIMEOUT)
    session = signin.sign_in(accounts, "wang", PASSWORD)
    assert session is not None
    at.session_state["lang"] = "zh-Hans"
    at.session_state["_signin_token"] = session.token
    at.switch_page("pages/activities.py")
    at = at.run()
    at.selectbox(key="act_chosen").set_value("A-2").run()
    assert not at.exception
    at.text_input(key="act_sel_A-2_edit:location").input("操场")
    (save,) = [b for b in at.button if b.label == i18n.t("activities.save_button", "zh-Hans")]
    at = save.click().run()
    assert not at.exception and not at.error
    col = {c: i18n.t(f"history.col.{c}", "zh-Hans") for c in ("user", "field", "after")}
    newest = _history(at).iloc[0]
    assert (newest[col["user"]], newest[col["field"]], newest[col["after"]]) == (
        "wang",  # the signed-in login, not a name anyone typed
        "地点",
        "操场",
    )
    assert not at.get("download_button")


# ------------------------------------------------------------------ the widgets as others


def _history_widgets() -> None:
    """A page that shows the data page's history section and an aid case's history."""
    from unionplan import ui
    from unionplan.ui.history import case_history, history_section

    history_section(ui.data())
    case_history("C-1", key="case_hist")


def _as(who: Person, lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_function(_history_widgets, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.session_state[ui.PERSON_KEY] = who
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


SHOWN_MASKED = ("欧**花", "139****5678", "110***********1234", "张*明")


@pytest.mark.parametrize(
    "who",
    [
        person("leader", "viewer"),
        person("wang", "editor"),
        person("zhao", "aid", unit="U-2"),  # an aid officer of another unit
        admin("boss"),  # running the app opens no hardship file
    ],
    ids=["viewer", "editor", "aid of another unit", "admin without aid"],
)
def test_without_the_case_s_personal_data_no_raw_value_shows(book: Path, who: Person) -> None:
    at = _as(who)
    text = page_text(at)
    leaked = [v for v in (*RAW.values(), "张小明") if v in text]
    assert not leaked
    for masked in SHOWN_MASKED:
        assert masked in text  # masked, and still there to be recognised
    assert privacy.MASK in text  # the phone typed into the changes cell, masked whole
    assert i18n.t("history.masked_note", "zh-Hans") in [c.value for c in at.caption]
    assert len(_export_buttons(at)) == (1 if who.is_admin else 0)  # administrators only


@pytest.mark.parametrize("who", [person("zhou", "aid"), person("li", "aid", unit="一中工会")])
def test_an_aid_officer_of_the_case_sees_what_the_log_holds(book: Path, who: Person) -> None:
    at = _as(who)
    text = page_text(at)
    assert all(v in text for v in RAW.values())
    assert i18n.t("history.masked_note", "zh-Hans") not in [c.value for c in at.caption]
    assert not _export_buttons(at)


def test_an_aid_case_s_history_holds_the_case_only(book: Path) -> None:
    at = _as(admin("boss"), "en")
    record = i18n.t("history.col.record", "en")
    tables = [df.value for df in at.dataframe if list(df.value.columns) == _cols("en")]
    assert len(tables) == 2  # the section's and the case's
    assert set(tables[1][record]) == {"C-1"}
    assert len(_export_buttons(at, "en")) == 1  # the section's, for an administrator


# ------------------------------------------------------------------ a long log


def test_a_long_log_is_shown_a_page_at_a_time_and_prepared_once_per_load(
    book: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = PAGE + 30
    XlsxStore(book).append_rows(
        LOG.label.zh_hans,
        [
            [f"L-{i:04d}", f"2024-06-01 08:{i // 60:02d}:{i % 60:02d}", "wang", "activities",
             "A-1", "修改", json.dumps({"notes": [str(i), str(i + 1)]})]
            for i in range(n)
        ],
        id_col=1,
    )  # fmt: skip
    calls: list[int] = []
    real = history.audit_rows
    monkeypatch.setattr(history, "audit_rows", lambda d: calls.append(1) or real(d))

    at = open_page("data")
    total = n + 8  # and the book's own saves
    assert at.selectbox(key="hist_table_page").value == 0
    assert len(_history(at)) >= PAGE  # a hundred saves, one line or more each
    at.selectbox(key="hist_table_page").set_value(1).run()
    assert not at.exception
    before = i18n.t("history.col.before", "zh-Hans")
    assert sorted(_history(at)[before], key=int) == [str(i) for i in range(total - PAGE)]
    page = i18n.t("history.page", "zh-Hans", first=f"{PAGE + 1}", last=f"{total}", n=f"{total}")
    assert at.selectbox(key="hist_table_page").format_func(1) == page

    at.multiselect(key="hist_people").set_value(["boss"]).run()  # one page: no picker
    assert not [s for s in at.selectbox if s.key == "hist_table_page"]
    assert len(calls) == 1  # filters and pages rerun on the load prepared once

    Workbook(XlsxStore(book)).append("units", {"name": "三中工会"}, admin("boss"))
    at.run()
    assert len(calls) == 2  # a new load, prepared again
    assert "三中工会" in _history(at).to_csv()
