"""The calendar page in a real browser: FullCalendar renders inside the page (not blank),
with events, holidays, and month and weekday names in the chosen language, on a desktop
(month grid) and on a phone (list view); clicking an activity opens its edit form.
Screenshots go to artifacts/screenshots/calendar-<lang>-<width>.png for review."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    RUN_TIMEOUT_MS,
    AppServer,
    screenshot,
    url_for,
    wait_for_run,
)
from unionplan import i18n

pytestmark = pytest.mark.browser

PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
YEAR = dt.date.today().year  # the demo workbook's plan year
MONTH = 10  # October: National Day break, a swapped working day, 重阳, demo activities
FRAME_TIMEOUT_S = 60

# What the language must show: month title, a weekday name, the holiday, the today button.
EXPECT = {
    "zh-Hans": {
        "title": f"{YEAR}年{MONTH}月",
        "weekday_grid": "周一",
        "weekday_list": "星期",
        "holiday": "国庆",
    },
    "en": {
        "title": f"{pycal.month_name[MONTH]} {YEAR}",
        "weekday_grid": "Mon",
        "weekday_list": "day",  # "Thursday", "Friday" …
        "holiday": "National Day",
    },
}


def _open(browser: object, server: AppServer, lang: str, viewport: dict[str, int]) -> object:
    """The calendar page in a new session; a phone-sized window also sends a phone's
    user agent, as a phone does (the page starts phones in the list view)."""
    phone = viewport["width"] < 500
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport=viewport, locale="zh-CN", user_agent=PHONE_UA if phone else None
    )
    page = context.new_page()
    page.goto(f"{server.url}/{url_for('calendar')}?lang={lang}", timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
    return page


def _calendar_frame(page: object) -> object:
    """The component's iframe once FullCalendar has drawn its events in it."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=FRAME_TIMEOUT_S)
    while dt.datetime.now() < deadline:
        for frame in page.frames:  # type: ignore[attr-defined]
            try:
                if frame.query_selector(".fc .fc-toolbar-title"):
                    frame.wait_for_selector(".fc-event", timeout=RUN_TIMEOUT_MS)
                    return frame
            except PlaywrightError:  # a frame detaching while we look is normal
                continue
        page.wait_for_timeout(250)  # type: ignore[attr-defined]
    raise AssertionError("the calendar component never drew its events")


def _show_month(frame: object, expected_title: str) -> None:
    """Step with the calendar's own ‹ › buttons from today's month to October."""
    today = dt.date.today()
    steps = MONTH - today.month
    button = ".fc-next-button" if steps > 0 else ".fc-prev-button"
    for _ in range(abs(steps)):
        frame.click(button)  # type: ignore[attr-defined]
    frame.wait_for_function(  # type: ignore[attr-defined]
        "t => document.querySelector('.fc-toolbar-title').textContent.trim() === t",
        arg=expected_title,
        timeout=10_000,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_calendar_renders_with_events(
    browser: object, app_server: AppServer, lang: str, viewport: dict[str, int]
) -> None:
    want = EXPECT[lang]
    page = _open(browser, app_server, lang, viewport)
    try:
        frame = _calendar_frame(page)
        _show_month(frame, want["title"])
        phone = viewport["width"] < 500

        # Rendered where it was put, at a real size: not the blank 0-height frame.
        box = frame.frame_element().bounding_box()  # type: ignore[attr-defined]
        assert box and box["height"] >= 400 and box["width"] >= viewport["width"] * 0.6

        events = [e for e in frame.query_selector_all(".fc-event") if e.is_visible()]  # type: ignore[attr-defined]
        assert len(events) >= 3
        first = events[0].bounding_box()
        assert first and first["width"] > 20 and first["height"] > 8

        text = frame.inner_text("body")  # type: ignore[attr-defined]
        assert want["holiday"] in text
        assert i18n.t("calendar.today", lang) in text
        if phone:
            assert frame.query_selector(".fc-list")  # type: ignore[attr-defined]
            sides = frame.inner_text(".fc-list-table")  # type: ignore[attr-defined]
            assert want["weekday_list"] in sides
            # Nothing wider than the phone: no sideways scrolling of the page.
            overflow = page.evaluate(  # type: ignore[attr-defined]
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth"
            )
            assert overflow <= viewport["width"] + 1
        else:
            assert frame.query_selector(".fc-daygrid")  # type: ignore[attr-defined]
            header = frame.inner_text(".fc-col-header")  # type: ignore[attr-defined]
            assert want["weekday_grid"] in header
            assert frame.query_selector(".fc-bg-event")  # type: ignore[attr-defined]  # holiday wash
            assert frame.query_selector(".up-month-only")  # type: ignore[attr-defined]
    finally:
        screenshot(page, f"calendar-{lang}-{viewport['width']}")
        page.context.close()  # type: ignore[attr-defined]


def test_clicking_an_activity_opens_its_edit_form(browser: object, app_server: AppServer) -> None:
    page = _open(browser, app_server, "zh-Hans", DESKTOP)
    try:
        frame = _calendar_frame(page)
        _show_month(frame, EXPECT["zh-Hans"]["title"])
        # An activity of this month (not one drawn in the grey days of the months around).
        in_month = ".fc-daygrid-day:not(.fc-day-other) .up-activity"
        target = next(e for e in frame.query_selector_all(in_month) if e.is_visible())  # type: ignore[attr-defined]
        title = target.inner_text().split("\n")[-1].removeprefix("✓").strip()
        target.click()
        dialog = page.get_by_role("dialog")  # type: ignore[attr-defined]
        dialog.wait_for(state="visible", timeout=RUN_TIMEOUT_MS)
        wait_for_run(page)  # the dialog opens while its form is still being sent
        assert dialog.get_by_text(i18n.t("calendar.edit_title", "zh-Hans")).count() >= 1
        save = dialog.get_by_role("button", name=i18n.t("activities.save_button", "zh-Hans"))
        assert save.count() == 1
        values = dialog.locator("input").evaluate_all("els => els.map(e => e.value)")
        assert any(title.startswith(v) or v.startswith(title) for v in values if v), values
        # The calendar stays on the month the user was looking at.
        frame = _calendar_frame(page)
        assert frame.inner_text(".fc-toolbar-title").strip() == EXPECT["zh-Hans"]["title"]  # type: ignore[attr-defined]
    finally:
        screenshot(page, "calendar-zh-Hans-1366-edit")
        page.context.close()  # type: ignore[attr-defined]
