"""A calendar handed a view at a time (a year of many events): which days a view shows,
where ‹ › take it, and that a slice of the year's expansion is the view's own."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from unionplan.data.tables import parse_workbook
from unionplan.plan import activities, calendar_view

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))


HEADER = [
    "编号",
    "活动名称",
    "开始日期",
    "结束日期",
    "时段",
    "状态",
    "重复",
    "重复截止",
    "场次记录",
]
ROWS = [
    ["A-1", "庆祝三八妇女节", "2026-03-08", "", "", "已完成", "", "", ""],
    ["A-2", "双周五工会活动", "2026-03-06", "", "16:20-17:00", "", "双周", "2026-06-30",
     "2026-03-20=跳过"],
    ["A-3", "春游踏青", "4月", "", "", "", "", "", ""],
    ["A-4", "教代会", "2026-06-10", "2026-06-11", "", "已取消", "", "", ""],
    ["A-5", "送清凉", "2026-07", "2026-08", "", "", "", "", ""],
    ["A-6", "没写日期", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return parse_workbook({"活动": [HEADER, *ROWS]}).df("activities")


def test_a_month_grid_is_its_weeks_with_the_greyed_days_around() -> None:
    # April 2026 starts on a Wednesday and ends on a Thursday.
    assert calendar_view.visible_range("month", D(2026, 4, 17), YEAR) == (
        D(2026, 3, 30),
        D(2026, 5, 3),
    )
    assert calendar_view.visible_range("list", D(2026, 4, 17), YEAR) == (
        D(2026, 4, 1),
        D(2026, 4, 30),
    )
    assert calendar_view.visible_range("week", D(2026, 4, 16), YEAR) == (
        D(2026, 4, 13),
        D(2026, 4, 19),
    )


def test_the_view_stays_inside_the_year() -> None:
    assert calendar_view.visible_range("month", D(2026, 1, 5), YEAR)[0] == D(2026, 1, 1)
    assert calendar_view.visible_range("month", D(2026, 12, 5), YEAR)[1] == D(2026, 12, 31)
    assert calendar_view.visible_range("month", D(2026, 12, 5))[1] == D(2027, 1, 3)
    assert calendar_view.visible_range("week", D(2026, 1, 1), YEAR) == (
        D(2026, 1, 1),
        D(2026, 1, 4),
    )


def test_steps_go_by_month_or_by_week() -> None:
    assert calendar_view.step("month", D(2026, 3, 31), 1) == D(2026, 4, 1)
    assert calendar_view.step("list", D(2026, 1, 15), -1) == D(2025, 12, 1)
    assert calendar_view.step("week", D(2026, 4, 16), 1) == D(2026, 4, 20)
    assert calendar_view.step("week", D(2026, 4, 16), -1) == D(2026, 4, 6)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2026, 4, 15), D(2026, 4, 20)),  # inside the month-only outing
        (D(2026, 3, 1), D(2026, 3, 31)),  # the fortnightly sessions, one skipped
        (D(2026, 6, 11), D(2026, 7, 5)),  # the last day of a two-day span; summer starts
        (D(2026, 12, 1), D(2026, 12, 31)),  # nothing
    ],
)
def test_a_slice_of_the_year_is_the_views_own_expansion(
    df: pd.DataFrame, start: dt.date, end: dt.date
) -> None:
    year = activities.expand(df, *YEAR)
    sliced = calendar_view.overlapping(year, start, end)
    own = activities.expand(df, start, end)
    assert list(sliced.columns) == list(own.columns)
    assert sliced.to_dict("records") == own.to_dict("records")


def test_without_navigation_the_toolbar_has_no_buttons() -> None:
    opts = calendar_view.options("zh-Hans", "month", D(2026, 4, 1), YEAR, navigation=False)
    assert opts["headerToolbar"]["left"] == "" and opts["headerToolbar"]["right"] == "title"
    assert (
        "prev" in calendar_view.options("zh-Hans", "month", D(2026, 4, 1))["headerToolbar"]["left"]
    )
