"""In a real browser, workbook text that tries to be Markdown or HTML shows exactly as typed
(issue #9): the union's name in the overview's caption, a section heading, a unit's name and
a target's title in the targets page's text and charts. No image is loaded, no link is
made, no icon or maths drawn; the escaping backslashes themselves are never seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from tests.browser.conftest import (
    LANG,
    AppServer,
    open_app,
    screenshot,
    start_app,
    stop_app,
    wait_for_run,
)
from tests.people import admin
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook

pytestmark = pytest.mark.browser

EVIL = (
    "![x](http://evil/x.png) [click](http://evil) <img src=x onerror=alert(1)> "
    "**bold** :material/home: $x$"
)
YEAR = dt.date.today().year


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    tmp = tmp_path_factory.mktemp("hostile")
    path = tmp / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    wb.ensure_tabs("zh-Hans")
    wb.set_setting("plan_year", str(YEAR), admin("test"))
    wb.set_setting("union_name", EVIL, admin("test"))
    wb.append("units", {"id": "U-1", "name": EVIL}, admin("test"))
    target = {
        "id": "T-1",
        "section": EVIL,
        "title": EVIL,
        "metric": "count",
        "target_value": 10,
        "unit": "U-1",
        "weight": 10,
    }
    wb.append("targets", target, admin("test"))
    server = start_app(path, tmp / "streamlit.log")
    yield server
    stop_app(server)


def _nothing_active(page: object) -> None:
    main = page.locator('[data-testid="stMain"]')  # type: ignore[attr-defined]
    # A heading's own anchor ("#x-http-evil-…", Streamlit's slug of its text) stays.
    active = main.locator('img[src*="evil"], img[src="x"], a[href*="evil"]:not([href^="#"])')
    assert active.count() == 0, active.first.evaluate("e => e.outerHTML")
    assert main.locator(".katex").count() == 0
    assert not page.evaluate("() => window.__xss === true")  # type: ignore[attr-defined]


def test_the_unions_name_shows_as_typed(browser: object, hostile_server: AppServer) -> None:
    page = open_app(browser, hostile_server, "overview")
    try:
        _nothing_active(page)
        captions = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')  # type: ignore[attr-defined]
        # The page's own caption (union · period), not single-person mode's line above it.
        caption = captions.filter(has_text=str(YEAR)).first
        text = caption.inner_text()
        assert EVIL in text, text
        assert "\\" not in text  # the escapes render as the characters themselves
        assert caption.locator('[role="img"]').count() == 0  # no material icon
    finally:
        screenshot(page, "hostile-text-overview")
        page.context.close()  # type: ignore[attr-defined]


def _chart_text(page: object) -> str:
    """The text plotly drew in the page's charts; no chart holds a link or an image."""
    assert page.locator(".js-plotly-plot svg a, .js-plotly-plot img").count() == 0  # type: ignore[attr-defined]
    return " ".join(page.locator(".js-plotly-plot svg text").all_text_contents())  # type: ignore[attr-defined]


def test_headings_and_charts_show_as_typed(browser: object, hostile_server: AppServer) -> None:
    page = open_app(browser, hostile_server, "targets")
    try:
        _nothing_active(page)
        headings = page.locator("h3").all_inner_texts()  # type: ignore[attr-defined]
        assert any(EVIL in h for h in headings), headings
        assert not any("\\" in h for h in headings)
        svg_text = _chart_text(page)
        # Only the open tab runs: the other tabs' charts are drawn when opened.
        for name in ("detail", "units"):
            tab = page.get_by_role("tab", name=i18n.t(f"targets.tab_{name}", LANG), exact=True)  # type: ignore[attr-defined]
            tab.click()
            wait_for_run(page)
            page.locator(".js-plotly-plot").first.wait_for()  # type: ignore[attr-defined]
            _nothing_active(page)
            svg_text += _chart_text(page)
        assert "<img src=x" in svg_text and "**b" in svg_text  # drawn as text by plotly
    finally:
        screenshot(page, "hostile-text-targets")
        page.context.close()  # type: ignore[attr-defined]


def test_the_sidebar_is_not_touched(browser: object, hostile_server: AppServer) -> None:
    """The workbook's file name in the sidebar goes through the same escaping."""
    page = open_app(browser, hostile_server, "overview")
    try:
        sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
        assert "union.xlsx" in sidebar.inner_text()
        assert "\\" not in sidebar.inner_text()
    finally:
        page.context.close()  # type: ignore[attr-defined]
