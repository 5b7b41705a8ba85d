"""The 帮扶 pages in chromium as a signed-in viewer, in Chinese and English, on a desktop
and on a phone: no exception box, the page's title, no raw name, ID number or phone of
the demo's cases anywhere in the page's text; a screenshot of each for review. (As an
aid officer they are test_pages_browser's: single-person mode holds the aid role.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    RUN_TIMEOUT_MS,
    AppServer,
    demo_workbook,
    open_app,
    screenshot,
    sign_in,
    start_app,
    stop_app,
    url_for,
    wait_for_run,
)
from tests.people import admin
from unionplan import i18n
from unionplan.auth import manage, passwords
from unionplan.auth.accounts import UsersFile
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.values import is_blank
from unionplan.data.workbook import Workbook

pytestmark = pytest.mark.browser

PASSWORD = "春风十里不如你-2026"
AID_PAGES = ["aid_cases", "aid_payments", "aid_campaigns"]


@pytest.fixture(scope="module")
def viewer_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppServer, list]]:
    """An app server with one account, a viewer; and the demo cases' raw personal values."""
    tmp = tmp_path_factory.mktemp("aid")
    users_file = tmp / "users.toml"
    passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    try:
        manage.add_account(UsersFile(users_file), admin(), "leader", ["viewer"],
                           password=PASSWORD, name="书记")  # fmt: skip
    finally:
        passwords.use_hasher(PasswordHasher())
    book = demo_workbook(tmp / "unionplan.xlsx")
    cases = Workbook(XlsxStore(book)).load(fresh=True).df("aid_cases")
    raw = [str(v) for k in ("name", "id_number", "phone") for v in cases[k] if not is_blank(v)]
    server = start_app(
        book, tmp / "streamlit.log", extra_env={"UNIONPLAN_USERS_FILE": str(users_file)}
    )
    yield server, raw
    stop_app(server)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_aid_pages_as_a_viewer(
    browser: object, viewer_server: tuple[AppServer, list], lang: str, viewport: dict[str, int]
) -> None:
    server, raw = viewer_server
    page = open_app(browser, server, "overview", lang=lang, viewport=viewport)
    try:
        sign_in(page, "leader", PASSWORD, lang)
        for name in AID_PAGES:
            page.goto(f"{server.url}/{url_for(name)}?lang={lang}", timeout=RUN_TIMEOUT_MS)  # type: ignore[attr-defined]
            wait_for_run(page)
            # The session cookie is written by a script after the sign-in run; a page
            # opened by address before it landed is a new session at the sign-in form:
            # sign in there (the gate then shows the page asked for).
            form = page.get_by_label(i18n.t("auth.password", lang), exact=True)  # type: ignore[attr-defined]
            if form.count():
                sign_in(page, "leader", PASSWORD, lang)
            main = page.locator('[data-testid="stMain"]')  # type: ignore[attr-defined]
            title = i18n.t(f"common.nav.{name}", lang)
            main.locator("h1").filter(has_text=title).first.wait_for(
                state="visible", timeout=RUN_TIMEOUT_MS
            )
            errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
            assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()
            text = page.content()  # type: ignore[attr-defined]
            assert [v for v in raw if v in text] == [], name
            screenshot(page, f"{name}-viewer-{lang}-{viewport['width']}")
    finally:
        page.context.close()  # type: ignore[attr-defined]
