"""The targets page in a real browser on the demo year: its charts draw, in Chinese with a
CJK font and in English, fit a phone's width, and the detail and unit tabs render.
Screenshots go to artifacts/screenshots/targets-*.png for review."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    AppServer,
    open_app,
    screenshot,
    wait_for_render,
)
from unionplan import i18n

pytestmark = pytest.mark.browser

CHART_TIMEOUT_MS = 60_000
# True once every chart on show lies inside the viewport and, on a phone, uses at least 80%
# of its width: plotly first draws at its own size, then resizes to the column.
CHARTS_FIT = """([width, phone]) => [
    ...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot'),
].map(e => e.getBoundingClientRect()).filter(b => b.width > 0 && b.height > 0).every(
    b => b.x >= 0 && b.x + b.width <= width + 1 && (!phone || b.width >= width * 0.8)
)"""


def _charts_drawn(page: object, at_least: int) -> object:
    charts = page.locator('[data-testid="stMain"] .js-plotly-plot:visible')  # type: ignore[attr-defined]
    charts.nth(at_least - 1).wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    return charts


def _text_drawn(page: object, selector: str, text: str) -> None:
    """Wait until plotly has drawn this text: a chart's element shows before its text does."""
    page.locator(f".js-plotly-plot {selector}:visible", has_text=text).first.wait_for(  # type: ignore[attr-defined]
        timeout=CHART_TIMEOUT_MS
    )


def _no_exception(page: object, server: AppServer) -> None:
    errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()


def _fits(page: object, charts: object, width: int) -> None:
    """Every visible chart is inside the viewport and uses most of a phone's width, once
    plotly's resize pass has run (waited for, not guessed with a pause)."""
    with contextlib.suppress(PlaywrightTimeoutError):  # the asserts below then say which
        page.wait_for_function(CHARTS_FIT, arg=[width, width < 500], timeout=CHART_TIMEOUT_MS)  # type: ignore[attr-defined]
    for i in range(charts.count()):  # type: ignore[attr-defined]
        box = charts.nth(i).bounding_box()  # type: ignore[attr-defined]
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
        if width < 500:
            assert box["width"] >= width * 0.8, box


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_targets_page_charts(
    browser: object, app_server: AppServer, lang: str, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    page = open_app(browser, app_server, "targets", lang=lang, viewport=viewport)
    try:
        charts = _charts_drawn(page, 3)  # section status, completion, a section's bullets
        _no_exception(page, app_server)
        _text_drawn(page, ".gtitle", i18n.t("targets.chart_section_status", lang))
        titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()  # type: ignore[attr-defined]
        assert i18n.t("targets.chart_section_status", lang) in titles
        # The status words are drawn in the chart, not only its colours.
        _text_drawn(page, "text", i18n.t("targets.status_achieved", lang))
        svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())  # type: ignore[attr-defined]
        assert i18n.t("targets.status_achieved", lang) in svg_text
        if lang == "zh-Hans":
            assert page.evaluate("() => document.fonts.check('13px \"Noto Sans CJK SC\"', '目标')")  # type: ignore[attr-defined]
        _fits(page, charts, width)
        screenshot(page, f"targets-{lang}-{width}")

        page.get_by_role("tab", name=i18n.t("targets.tab_detail", lang)).click()  # type: ignore[attr-defined]
        charts = _charts_drawn(page, 2)  # the bullet and the quarterly trend
        _text_drawn(page, ".legendtext", i18n.t("targets.legend_plan", lang))
        legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()  # type: ignore[attr-defined]
        assert i18n.t("targets.legend_plan", lang) in legend  # the trend's plan line
        _fits(page, charts, width)
        screenshot(page, f"targets-detail-{lang}-{width}")

        page.get_by_role("tab", name=i18n.t("targets.tab_units", lang)).click()  # type: ignore[attr-defined]
        _charts_drawn(page, 1)  # the units' ranking
        wait_for_render(page)
        _no_exception(page, app_server)
        screenshot(page, f"targets-units-{lang}-{width}")
    finally:
        page.context.close()  # type: ignore[attr-defined]
