"""The calendar's window: which days' events FullCalendar is handed around the period in
view, that a slice of a year's expansion is what expanding the window gives, and where
the component says it is after its own ‹ › buttons moved it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.plan.test_activities import HEADER, ROWS
from unionplan.data.workbook import parse_workbook
from unionplan.plan import activities, calendar_view

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return parse_workbook({"活动": [HEADER, *ROWS]}).df("activities")


def test_month_window_is_the_month_and_its_neighbours_in_whole_weeks() -> None:
    start, end = calendar_view.event_window("month", D(2026, 4, 1), YEAR)
    # March's grid starts on Monday 23 February; May's ends on Sunday 31 May.
    assert (start, end) == (D(2026, 2, 23), D(2026, 5, 31))
    assert start.weekday() == 0 and end.weekday() == 6
    assert calendar_view.event_window("list", D(2026, 4, 17), YEAR) == (start, end)


def test_week_window_is_the_week_and_the_weeks_either_side() -> None:
    start, end = calendar_view.event_window("week", D(2026, 4, 16), YEAR)  # a Thursday
    assert (start, end) == (D(2026, 4, 6), D(2026, 4, 26))


def test_window_stays_inside_the_year() -> None:
    assert calendar_view.event_window("month", D(2026, 1, 1), YEAR) == (
        D(2026, 1, 1),
        D(2026, 3, 1),
    )
    assert calendar_view.event_window("month", D(2026, 12, 1), YEAR)[1] == D(2026, 12, 31)
    assert calendar_view.event_window("month", D(2026, 12, 1), None)[1] == D(2027, 1, 31)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 4, 15), D(2026, 4, 20)),  # inside the month-only outing
        (D(2026, 3, 1), D(2026, 3, 31)),  # the fortnightly sessions, one skipped
        (D(2026, 6, 11), D(2026, 7, 5)),  # the last day of a two-day span; summer starts
        (D(2026, 12, 1), D(2026, 12, 31)),  # nothing
    ],
)
def test_a_slice_of_the_year_is_the_windows_own_expansion(
    df: pd.DataFrame, start: dt.date, end: dt.date
) -> None:
    year = activities.expand(df, *YEAR)
    sliced = calendar_view.overlapping(year, start, end)
    own = activities.expand(df, start, end)
    assert list(sliced.columns) == list(own.columns)
    assert sliced.to_dict("records") == own.to_dict("records")


def _moved(start: str, callback: str = "eventsSet") -> dict:
    return {
        callback: {"events": [], "view": {"type": "dayGridMonth", "currentStart": start}},
        "callback": callback,
    }


def test_view_start_in_the_browsers_time_zone() -> None:
    beijing = _moved("2026-09-30T16:00:00.000Z")  # local midnight, 1 October, UTC+8
    assert calendar_view.view_start(beijing, -480) == D(2026, 10, 1)
    assert calendar_view.view_start(beijing) == D(2026, 10, 1)  # no offset known
    assert calendar_view.view_start(_moved("2026-10-01T00:00:00.000Z"), 0) == D(2026, 10, 1)
    new_york = _moved("2026-10-01T04:00:00.000Z")  # summer time, UTC-4
    assert calendar_view.view_start(new_york, 300) == D(2026, 10, 1)  # winter offset given
    click = _moved("2026-09-30T16:00:00.000Z", "eventClick")
    assert calendar_view.view_start(click, -480) == D(2026, 10, 1)


def test_view_start_without_a_view() -> None:
    assert calendar_view.view_start(None) is None
    assert calendar_view.view_start({}) is None
    assert calendar_view.view_start({"callback": "eventsSet", "eventsSet": {"events": []}}) is None
    assert calendar_view.view_start(_moved("not a date")) is None
