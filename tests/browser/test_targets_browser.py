"""The targets page in a real browser on the demo year: its charts draw, in Chinese with a
CJK font and in English, fit a phone's width, and the detail and unit tabs render.
Screenshots go to artifacts/screenshots/targets-*.png for review."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, AppServer, open_app, screenshot
from unionplan import i18n

pytestmark = pytest.mark.browser

CHART_TIMEOUT_MS = 60_000


def _charts_drawn(page: object, at_least: int) -> object:
    charts = page.locator('[data-testid="stMain"] .js-plotly-plot:visible')  # type: ignore[attr-defined]
    charts.nth(at_least - 1).wait_for(state="visible", timeout=CHART_TIMEOUT_MS)
    page.wait_for_timeout(500)  # type: ignore[attr-defined]  # plotly's resize pass
    return charts


def _no_exception(page: object, server: AppServer) -> None:
    errors = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    assert errors.count() == 0, errors.first.inner_text() + "\n" + server.log_tail()


def _fits(page: object, charts: object, width: int) -> None:
    """Every visible chart is inside the viewport and uses most of a phone's width."""
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
        titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()  # type: ignore[attr-defined]
        assert i18n.t("targets.chart_section_status", lang) in titles
        # The status words are drawn in the chart, not only its colours.
        svg_text = " ".join(page.locator(".js-plotly-plot text").all_text_contents())  # type: ignore[attr-defined]
        assert i18n.t("targets.status_achieved", lang) in svg_text
        if lang == "zh-Hans":
            assert page.evaluate("() => document.fonts.check('13px \"Noto Sans CJK SC\"', '目标')")  # type: ignore[attr-defined]
        _fits(page, charts, width)
        screenshot(page, f"targets-{lang}-{width}")

        page.get_by_role("tab", name=i18n.t("targets.tab_detail", lang)).click()  # type: ignore[attr-defined]
        charts = _charts_drawn(page, 2)  # the bullet and the quarterly trend
        legend = page.locator(".js-plotly-plot .legendtext").all_text_contents()  # type: ignore[attr-defined]
        assert i18n.t("targets.legend_plan", lang) in legend  # the trend's plan line
        _fits(page, charts, width)
        screenshot(page, f"targets-detail-{lang}-{width}")

        page.get_by_role("tab", name=i18n.t("targets.tab_units", lang)).click()  # type: ignore[attr-defined]
        page.wait_for_timeout(800)  # type: ignore[attr-defined]
        _no_exception(page, app_server)
        screenshot(page, f"targets-units-{lang}-{width}")
    finally:
        page.context.close()  # type: ignore[attr-defined]
