"""Every page in a real browser: no Streamlit exception box, the page's title shown, in
Chinese and English, on a desktop and on a phone; a screenshot of each for review."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import (
    DESKTOP,
    PAGES,
    PHONE,
    AppServer,
    demo_workbook,
    open_app,
    screenshot,
    start_app,
    stop_app,
)
from unionplan import i18n

pytestmark = pytest.mark.browser

TITLE_TIMEOUT_MS = 60_000


def _check(page: object, name: str, lang: str, server: AppServer) -> None:
    title = i18n.t(f"common.nav.{name}", lang)
    heading = page.locator('[data-testid="stMain"] h1').filter(has_text=title)  # type: ignore[attr-defined]
    heading.first.wait_for(state="visible", timeout=TITLE_TIMEOUT_MS)
    page.wait_for_function(  # type: ignore[attr-defined]  # the browser tab names the page too
        "t => document.title.startsWith(t)", arg=title, timeout=TITLE_TIMEOUT_MS
    )
    errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_page_renders(
    browser: object, app_server: AppServer, name: str, lang: str, viewport: dict[str, int]
) -> None:
    page = open_app(browser, app_server, name, lang=lang, viewport=viewport)
    try:
        _check(page, name, lang, app_server)
    finally:
        screenshot(page, f"{name}-{lang}-{viewport['width']}")
        page.context.close()  # type: ignore[attr-defined]


def test_bookmarked_page_after_a_restart_runs_in_the_shell(browser: object, tmp_path: Path) -> None:
    """The first request after a server start is for /data (a bookmark): the page must
    still get the sidebar, the language and the wide layout from app.py."""
    server = start_app(demo_workbook(tmp_path / "unionplan.xlsx"), tmp_path / "streamlit.log")
    try:
        page = open_app(browser, server, "data", lang="en")
        _check(page, "data", "en", server)
        sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
        assert sidebar.get_by_text(i18n.t("common.language", "en")).count() == 1
        assert sidebar.get_by_text(i18n.t("common.nav.overview", "en")).count() == 1
        page.context.close()  # type: ignore[attr-defined]
    finally:
        stop_app(server)


def test_language_choice_in_the_sidebar(browser: object, app_server: AppServer) -> None:
    page = open_app(browser, app_server, "overview")
    try:
        _check(page, "overview", "zh-Hans", app_server)
        sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
        sidebar.locator('[data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="English").click()  # type: ignore[attr-defined]
        _check(page, "overview", "en", app_server)
        page.get_by_role("link", name=i18n.t("common.nav.data", "en")).first.click()  # type: ignore[attr-defined]
        _check(page, "data", "en", app_server)  # remembered on the next page
    finally:
        page.context.close()  # type: ignore[attr-defined]
