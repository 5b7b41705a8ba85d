"""Signing in through the real form in chromium, as a viewer and as an administrator, on a
desktop and on a phone (screenshots); a reload keeps the person signed in (the cookie),
sign-out ends it; an anonymous visitor sees nothing but the sign-in page, at any address."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.browser.conftest import (
    DESKTOP,
    LANG,
    PASSWORD,
    PHONE,
    RUN_TIMEOUT_MS,
    AppServer,
    demo_workbook,
    open_app,
    screenshot,
    sign_in,
    start_app,
    stop_app,
    wait_for_run,
)
from tests.people import admin
from unionplan import i18n
from unionplan.auth import manage, passwords
from unionplan.auth.accounts import UsersFile

pytestmark = pytest.mark.browser


def _main(page: object) -> object:
    return page.locator('[data-testid="stMain"]')  # type: ignore[attr-defined]


def _heading(page: object, text: str) -> None:
    _main(page).locator("h1").filter(has_text=text).first.wait_for(  # type: ignore[attr-defined]
        state="visible", timeout=RUN_TIMEOUT_MS
    )


def _no_exception(page: object, server: AppServer) -> None:
    errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()


@pytest.mark.parametrize("address", ["overview", "data", "users", "activities"])
def test_an_anonymous_visitor_sees_only_the_sign_in_page(
    browser: object, accounts_server: AppServer, address: str
) -> None:
    page = open_app(browser, accounts_server, address)
    try:
        _heading(page, i18n.t("auth.signin_title", LANG))
        _no_exception(page, accounts_server)
        text = page.locator("body").inner_text()  # type: ignore[attr-defined]
        for absent in ("某某中学工会", i18n.t("common.nav.data", LANG), "张某芳"):
            assert absent not in text
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # type: ignore[attr-defined]
        assert page.get_by_role("dialog").count() == 0  # type: ignore[attr-defined]  # no "page not found"
        if address == "overview":
            screenshot(page, "signin-anonymous-1366")
    finally:
        page.context.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("login", ["leader", "boss"])
def test_sign_in_through_the_form(
    browser: object, accounts_server: AppServer, login: str, viewport: dict[str, int]
) -> None:
    page = open_app(browser, accounts_server, "overview", viewport=viewport)
    try:
        sign_in(page, login, "not-the-password")
        alert = page.get_by_text(i18n.t("auth.signin_failed", LANG))  # type: ignore[attr-defined]
        alert.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
        sign_in(page, login, PASSWORD)
        _heading(page, i18n.t("common.nav.overview", LANG))
        _no_exception(page, accounts_server)
        screenshot(page, f"signin-{login}-{viewport['width']}")
        logged = accounts_server.log.read_text(encoding="utf-8", errors="replace")
        assert PASSWORD not in logged and "not-the-password" not in logged
        if viewport is DESKTOP:
            nav = page.locator('[data-testid="stSidebarNav"]')  # type: ignore[attr-defined]
            data_link = nav.get_by_text(i18n.t("common.nav.data", LANG))
            assert data_link.count() == (1 if login == "boss" else 0)
            assert nav.get_by_text(i18n.t("common.nav.calendar", LANG)).count() == 1
        # A reload is a new session: the cookie written at sign-in resumes it.
        page.reload()  # type: ignore[attr-defined]
        wait_for_run(page)
        _heading(page, i18n.t("common.nav.overview", LANG))
        # The administrators' page by its address: refused for the viewer.
        page.goto(f"{accounts_server.url}/data", timeout=RUN_TIMEOUT_MS)  # type: ignore[attr-defined]
        wait_for_run(page)
        expected = "common.nav.data" if login == "boss" else "auth.refused_title"
        _heading(page, i18n.t(expected, LANG))
        if viewport is DESKTOP:
            signout = page.get_by_role("button", name=i18n.t("auth.signout", LANG))  # type: ignore[attr-defined]
            signout.click()
            wait_for_run(page)
            _heading(page, i18n.t("auth.signin_title", LANG))
            page.reload()  # type: ignore[attr-defined]  # the cookie is gone and revoked
            wait_for_run(page)
            _heading(page, i18n.t("auth.signin_title", LANG))
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_a_bookmark_shows_the_form_there_and_opens_its_page_once_signed_in(
    browser: object, accounts_server: AppServer
) -> None:
    """After anyone has signed in on the server (its navigation is then the app's, not the
    pages folder's guess), a visitor's bookmark to a page still gets the sign-in form at
    that address, with no "page not found" dialog over it, and then that page."""
    first = open_app(browser, accounts_server, "overview")
    try:
        sign_in(first, "boss", PASSWORD)
        _heading(first, i18n.t("common.nav.overview", LANG))
    finally:
        first.context.close()  # type: ignore[attr-defined]
    page = open_app(browser, accounts_server, "reports")
    try:
        _heading(page, i18n.t("auth.signin_title", LANG))
        assert page.get_by_role("dialog").count() == 0  # type: ignore[attr-defined]
        sign_in(page, "leader", PASSWORD)
        _heading(page, i18n.t("common.nav.reports", LANG))
        assert page.url.rstrip("/").endswith("/reports")  # type: ignore[attr-defined]
        _no_exception(page, accounts_server)
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_single_person_mode_says_so(browser: object, app_server: AppServer, tmp_path: Path) -> None:
    page = open_app(browser, app_server, "overview")
    try:
        note = i18n.t("auth.local_notice", LANG, url="accounts").split("[")[0]
        note = note.replace(":material/computer: ", "")
        page.get_by_text(note.strip()).first.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)  # type: ignore[attr-defined]
        screenshot(page, "local-mode-1366")
        link = page.get_by_role("link", name="如何添加账号")  # type: ignore[attr-defined]
        with page.context.expect_page() as opened:  # type: ignore[attr-defined]
            link.click()  # Streamlit opens a Markdown link in a new tab
        help_page = opened.value
        wait_for_run(help_page)
        _heading(help_page, i18n.t("auth.help_title", LANG))
        screenshot(help_page, "accounts-help-1366")
    finally:
        page.context.close()  # type: ignore[attr-defined]


def test_a_bookmark_to_an_admin_page_on_a_fresh_server_shows_the_sign_in_page(
    browser: object, tmp_path: Path
) -> None:
    """The first request after a server start runs a page script on its own (Streamlit's
    pages/ folder guess, see ui.leave_pages_folder_mode): it must still meet the gate."""
    users_file = tmp_path / "users.toml"
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        manage.add_account(UsersFile(users_file), admin(), "boss", ["admin"], password=PASSWORD)
    finally:
        passwords.use_hasher(PasswordHasher())
    server = start_app(
        demo_workbook(tmp_path / "unionplan.xlsx"),
        tmp_path / "streamlit.log",
        extra_env={"UNIONPLAN_USERS_FILE": str(users_file)},
    )
    try:
        for address in ("data", "users"):
            page = open_app(browser, server, address)
            try:
                _heading(page, i18n.t("auth.signin_title", LANG))
                text = page.locator("body").inner_text()  # type: ignore[attr-defined]
                assert "某某中学工会" not in text and "unionplan.xlsx" not in text
            finally:
                page.context.close()  # type: ignore[attr-defined]
    finally:
        stop_app(server)
