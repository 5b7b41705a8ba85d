"""Closed by default, as each role sees it (AppTest): the sign-in form, navigation per role,
pages refused by address, what a viewer's whole page tree holds, sign-out, identity-
provider sign-in, and single-person mode on and off the loopback address."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

from tests.auth.conftest import CHEAP
from tests.fake_sheets import FakeSheets, fake_sheets  # noqa: F401 - pytest fixture
from tests.pages.apptest import page_text as _texts
from tests.people import admin
from unionplan import i18n
from unionplan.auth import manage, passwords, signin
from unionplan.auth.accounts import ENV_USERS_FILE, UsersFile
from unionplan.data.store.gsheets_http import EMULATOR_ENV
from unionplan.ops import connect, demo
from unionplan.ops.config import ENV_KEYFILE, ENV_WORKBOOK
from unionplan.ui import signin as ui_signin
from unionplan.ui.navigation import addresses

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120
PASSWORD = "春风十里不如你-2026"
UNIT = "初一年级分会"  # a unit of the school demo
READ_PAGES = [
    "overview",
    "calendar",
    "activities",
    "targets",
    "aid_cases",  # every role reads the aid pages: figures and masked rows without the aid role
    "aid_payments",
    "aid_campaigns",
    "reports",
    "plan_import",
    "new_plan",
]
ADMIN_PAGES = ["data", "users"]
# login -> (roles, unit)
PEOPLE = {
    "boss": (["admin"], None),
    "wang": (["editor"], None),
    "li": (["editor"], UNIT),
    "zhou": (["aid"], None),
    "leader": (["viewer"], None),
}


@pytest.fixture(autouse=True)
def cheap_hashes() -> Iterator[None]:
    passwords.use_hasher(CHEAP)
    yield
    passwords.use_hasher(passwords.PasswordHasher())


@pytest.fixture
def workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "unionplan.xlsx"
    demo.create_demo(path, year=dt.date.today().year)
    monkeypatch.setenv(ENV_WORKBOOK, str(path))
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workbook: Path) -> UsersFile:
    path = tmp_path / "private" / "users.toml"
    monkeypatch.setenv(ENV_USERS_FILE, str(path))
    u = UsersFile(path)
    for login, (roles, unit) in PEOPLE.items():
        email = f"{login}@example.org"
        manage.add_account(u, admin(), login, roles, password=PASSWORD, unit=unit, email=email)
    st.cache_resource.clear()
    return u


@pytest.fixture
def nav(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, str]]:
    """Every st.navigation call of the runs: url path -> visibility ("visible"/"hidden"),
    and under "@position" where the navigation menu is ("sidebar", or "hidden")."""
    seen: list[dict[str, str]] = []
    real = st.navigation

    def spy(pages: Any, **kwargs: Any) -> Any:
        groups = pages.values() if isinstance(pages, dict) else [pages]
        found = {p.url_path: p._visibility for group in groups for p in group}
        seen.append({**found, "@position": kwargs.get("position", "sidebar")})
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


def _app(login: str | None = None, page: str | None = None, lang: str = "zh-Hans") -> AppTest:
    """A session signed in as `login` (by its token, as a reload would be), on `page`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if login:
        session = signin.sign_in(UsersFile(), login, PASSWORD)
        assert session is not None
        at.session_state["_signin_token"] = session.token
    if page:
        at.switch_page(f"pages/{page}.py")  # a fresh session opening an address
    return at.run()


def _sign_in_form(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="_signin_w_login").input(login)
    at.text_input(key="_signin_w_password").input(password)
    return at.button[0].click().run()


def _titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


# ---------------------------------------------------------------------- anonymous


@pytest.mark.parametrize("page", [None, *READ_PAGES, *ADMIN_PAGES])
def test_an_anonymous_visitor_sees_only_the_sign_in_page(
    users: UsersFile, nav: list[dict[str, str]], page: str | None
) -> None:
    at = _app(page=page)
    assert not at.exception
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]
    # one page, the default, also answering hidden at every page's address (a bookmark
    # shows it there), and no navigation menu at all
    hidden = dict.fromkeys([*addresses(), ui_signin.HELP_PAGE], "hidden")
    assert nav[-1] == {"": "visible", **hidden, "@position": "hidden"}
    assert not at.sidebar.children or not _texts(at.sidebar)  # type: ignore[arg-type]
    text = _texts(at)
    assert "某某中学工会" not in text  # nothing of the workbook
    assert not at.dataframe and not at.metric and not at.get("download_button")


# ---------------------------------------------------------------------- the form


def test_the_right_password_signs_in_and_a_wrong_one_does_not(users: UsersFile) -> None:
    at = _app()
    _sign_in_form(at, "wang", "wrong-password")
    failed = i18n.t("auth.signin_failed", "zh-Hans")
    assert [e.value for e in at.error] == [failed]
    assert at.text_input(key="_signin_w_password").value == ""  # not kept in the session
    _sign_in_form(at, "nobody", PASSWORD)  # a missing account: the same answer
    assert [e.value for e in at.error] == [failed]
    _sign_in_form(at, "wang", PASSWORD)
    assert not at.exception and not at.error
    assert _titles(at)[0] == i18n.t("common.nav.overview", "zh-Hans")
    assert PASSWORD not in _texts(at)


def test_five_failures_lock_the_account_and_the_message_stays_the_same(users: UsersFile) -> None:
    at = _app()
    for n in range(signin.MAX_FAILURES):
        _sign_in_form(at, "wang", f"wrong-{n}")
    _sign_in_form(at, "wang", PASSWORD)  # the right password, but locked now
    assert [e.value for e in at.error] == [i18n.t("auth.signin_failed", "zh-Hans")]
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]
    manage.unlock_account(UsersFile(), admin(), "wang")
    _sign_in_form(at, "wang", PASSWORD)
    assert _titles(at)[0] == i18n.t("common.nav.overview", "zh-Hans")


def test_the_cookie_script_carries_the_token_once_and_nothing_else_does(users: UsersFile) -> None:
    at = _app()
    _sign_in_form(at, "boss", PASSWORD)
    token = at.session_state["_signin_token"]
    scripts = [h.proto.body for h in at.get("html")]
    assert len(scripts) == 1 and f"unionplan_session={token};" in scripts[0]
    assert "SameSite=Strict" in scripts[0] and "Secure" in scripts[0]
    assert _texts(at).count(token) == 1  # in that script only
    at.run()
    assert token not in _texts(at)  # the next run: gone from the page


def test_a_reload_with_the_cookie_resumes_the_session(
    users: UsersFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = signin.sign_in(users, "zhou", PASSWORD)
    monkeypatch.setattr(ui_signin, "cookie_token", lambda: session.token)
    at = _app()
    assert _titles(at)[0] == i18n.t("common.nav.overview", "zh-Hans")
    assert at.session_state["_person"].login == "zhou"
    assert session.token not in _texts(at)


def test_sign_out_ends_the_session_and_revokes_its_token(
    users: UsersFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _app("leader")
    token = at.session_state["_signin_token"]
    at.button(key="signout").click().run()
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]
    (script,) = [h.proto.body for h in at.get("html")]
    assert "unionplan_session=;" in script and "Max-Age=0" in script  # the cookie cleared
    assert signin.resume(users, token) is None
    # the same cookie sent again by another tab is no longer any good
    monkeypatch.setattr(ui_signin, "cookie_token", lambda: token)
    assert _titles(_app()) == [i18n.t("auth.signin_title", "zh-Hans")]


def test_a_removed_account_is_signed_out_on_its_next_click(users: UsersFile) -> None:
    at = _app("wang")
    manage.remove_account(users, admin(), "wang")
    at.run()
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]


# ---------------------------------------------------------------------- roles


@pytest.mark.parametrize("login", list(PEOPLE))
def test_navigation_lists_exactly_the_pages_of_the_role(
    users: UsersFile, nav: list[dict[str, str]], login: str
) -> None:
    at = _app(login)
    assert not at.exception
    pages = {path or "overview": how for path, how in nav[-1].items() if path != "@position"}
    visible = [path for path, how in pages.items() if how == "visible"]
    expected = READ_PAGES + (ADMIN_PAGES if login == "boss" else [])
    assert visible == expected and nav[-1]["@position"] == "sidebar"
    assert set(pages) == {*READ_PAGES, *ADMIN_PAGES, "accounts"}  # the rest: hidden
    roles = ui_signin.role_names(UsersFile().get(login).person())
    assert any(roles in c.value for c in at.sidebar.caption)
    assert at.sidebar.button(key="signout")


@pytest.mark.parametrize("login", ["wang", "li", "zhou", "leader"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_an_administrators_page_by_address_is_refused(
    users: UsersFile, login: str, page: str
) -> None:
    at = _app(login, page)
    assert not at.exception
    assert _titles(at) == [i18n.t("auth.refused_title", "zh-Hans")]
    assert [w.value for w in at.warning] == [i18n.t("auth.page_refused", "zh-Hans")]
    assert not at.get("download_button") and not at.dataframe


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_an_administrator_opens_them(users: UsersFile, page: str) -> None:
    at = _app("boss", page)
    assert not at.exception and not at.error
    assert _titles(at) == [i18n.t(f"common.nav.{page}", "zh-Hans")]


def test_a_viewer_sees_no_form_and_no_unmasked_personal_value(users: UsersFile) -> None:
    cases = demo_cases()
    raw = {
        str(v)
        for col in ("name", "id_number", "phone", "address", "situation", "notes")
        for v in cases[col].dropna()
        if len(str(v)) >= 2
    }
    assert len(raw) > 10  # the demo has cases with names, ID numbers and phones
    for page in [*READ_PAGES, *ADMIN_PAGES]:
        at = _app("leader", page)
        assert not at.exception, page
        text = _texts(at)
        leaked = sorted(v for v in raw if v in text)
        assert not leaked, (page, leaked)
        assert not at.get("form"), page  # a viewer gets no add or edit form


def demo_cases() -> pd.DataFrame:
    import os

    from unionplan.data.store.xlsx import XlsxStore
    from unionplan.data.workbook import Workbook

    return Workbook(XlsxStore(os.environ[ENV_WORKBOOK])).load(fresh=True).df("aid_cases")


def test_an_editor_limited_to_a_unit_is_refused_outside_it(users: UsersFile) -> None:
    at = _app("li", "activities")
    assert not at.exception
    form = "act_add"
    at.text_input(key=f"{form}:title").input("别的分会的活动")
    at.text_input(key=f"{form}:start").input("2026-05-20")
    at.button(key=f"{form}_submit").click().run()
    assert [e.value for e in at.error] == [
        i18n.t("errors.access_scope", "zh-Hans", unit=UNIT)
    ]  # no unit given: the union's own activity, outside 初一年级分会


# ---------------------------------------------------------------------- single-person mode


def test_no_accounts_on_loopback_is_a_local_tool(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_USERS_FILE, str(tmp_path / "none" / "users.toml"))
    at = _app(page="data")
    assert not at.exception
    assert _titles(at) == [i18n.t("common.nav.data", "zh-Hans")]
    assert at.session_state["_person"].login == "local"


@pytest.mark.parametrize("address", ["0.0.0.0", "", "192.168.1.20", "::"])
def test_no_accounts_off_loopback_refuses_to_serve(
    workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    monkeypatch.setenv(ENV_USERS_FILE, str(tmp_path / "none" / "users.toml"))
    with patch_config_options({"server.address": address}):
        at = _app(page="data")
    assert not at.exception
    assert _titles(at) == [i18n.t("auth.open_title", "zh-Hans")]
    assert any("user add" in c.value for c in at.code)
    assert "某某中学工会" not in _texts(at)


def test_accounts_make_any_address_safe(users: UsersFile) -> None:
    with patch_config_options({"server.address": "0.0.0.0"}):
        at = _app()
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]


# ---------------------------------------------------------------------- identity provider

AUTH = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x"}}


def _oidc(user: dict[str, Any]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.secrets = dict(AUTH)
    at.user = user
    return at.run()


def test_identity_provider_sign_in_maps_the_email_to_roles(users: UsersFile) -> None:
    at = _oidc({"is_logged_in": False})
    assert at.button(key="oidc_login").label == i18n.t("auth.oidc_button", "zh-Hans")
    at = _oidc({"is_logged_in": True, "email": "ZHOU@example.org", "email_verified": True})
    assert not at.exception
    assert at.session_state["_person"].login == "zhou"
    assert _titles(at)[0] == i18n.t("common.nav.overview", "zh-Hans")


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "stranger@example.org"},
        {"is_logged_in": True, "email": "boss@example.org", "email_verified": False},
        {"is_logged_in": True},
    ],
)
def test_an_unknown_or_unverified_email_is_refused_politely(
    users: UsersFile, user: dict[str, Any]
) -> None:
    at = _oidc(user)
    assert not at.exception
    assert _titles(at) == [i18n.t("auth.signin_title", "zh-Hans")]
    assert len(at.warning) == 1 and "_person" not in at.session_state


# ---------------------------------------------------------------------- the server's key

# A key configured on the server: its private part must never reach a browser.
PRIVATE = (
    "-----BEGIN PRIVATE KEY-----\nUNIONPLAN-SERVER-KEY-NEVER-SHOWN\n-----END PRIVATE KEY-----\n"
)
SERVER_KEY = {
    "type": "service_account",
    "project_id": "union-server",
    "private_key_id": "k1",
    "private_key": PRIVATE,
    "client_email": "server-bot@union-server.iam.gserviceaccount.com",
    "client_id": "9",
    "token_uri": "https://oauth2.googleapis.com/token",
}


@pytest.fixture
def google_workbook(
    users: UsersFile,
    tmp_path: Path,
    fake_sheets: FakeSheets,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """The workbook is a Google Sheet, opened with a key file configured on the server."""
    sheet = fake_sheets.create_spreadsheet()
    keyfile = tmp_path / "server_key.json"
    keyfile.write_text(json.dumps(SERVER_KEY), encoding="utf-8")
    monkeypatch.setenv(EMULATOR_ENV, fake_sheets.host)
    monkeypatch.setenv(ENV_WORKBOOK, f"https://docs.google.com/spreadsheets/d/{sheet}/edit")
    monkeypatch.setenv(ENV_KEYFILE, str(keyfile))
    st.cache_resource.clear()
    return sheet


@pytest.mark.parametrize("login", list(PEOPLE))
def test_the_servers_key_never_reaches_a_page_or_a_download(
    google_workbook: str, login: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    real = connect.secrets_toml
    monkeypatch.setattr(connect, "secrets_toml", lambda *a: made.append(real(*a)) or made[-1])
    for page in [*READ_PAGES, *ADMIN_PAGES]:
        at = _app(login, page)
        assert not at.exception, page
        if page == "data" and login == "boss":
            assert at.radio(key="gs_key_mode").value == "configured"
            at.button(key="gs_test").click().run()  # a successful test with the server's key
            assert not at.exception and not at.error
            assert SERVER_KEY["client_email"] in _texts(at)  # whom to share with: fine
        text = _texts(at)
        assert "UNIONPLAN-SERVER-KEY-NEVER-SHOWN" not in text, page
        labels = [b.proto.label for b in at.get("download_button")]
        assert i18n.t("data.secrets_button", "zh-Hans") not in labels, page
    assert made == []  # no secrets.toml was even made from the server's key
