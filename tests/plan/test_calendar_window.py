"""A calendar handed a view at a time (a year of many events): which days a view gets,
where ‹ › take it, that a slice of the year's expansion is the view's own, and how a
crowded day folds into "N more"."""

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


def test_a_view_gets_its_month_or_its_week() -> None:
    # The month grid's days of March and May are greyed (outside its valid range).
    assert calendar_view.visible_range("month", D(2026, 4, 17), YEAR) == (
        D(2026, 4, 1),
        D(2026, 4, 30),
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
    first_week = calendar_view.visible_range("week", D(2025, 12, 31))
    assert first_week == (D(2025, 12, 29), D(2026, 1, 4))
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


def _day_events(day: str, n: int, *, month_only: int = 0) -> list[dict]:
    """`n` activity events starting on `day` (the first `month_only` of them all-month),
    titled so that their order is their number, plus a deadline and a holiday that day."""
    out = [
        {
            "id": f"A-{i}|{day}",
            "title": f"活动{i:02d}",
            "start": day,
            "extendedProps": {
                "kind": "activity",
                "order": calendar_view.ORDER_MONTH_ONLY
                if i < month_only
                else calendar_view.ORDER_ACTIVITY,
            },
        }
        for i in reversed(range(n))
    ]
    out.append({"id": f"deadline|T-1|{day}", "start": day, "extendedProps": {"kind": "deadline"}})
    out.append({"id": f"festival|x|{day}", "start": day, "extendedProps": {"kind": "festival"}})
    return out


def test_a_crowded_day_folds_past_what_its_cell_shows() -> None:
    crowded = _day_events("2026-03-10", 30, month_only=1)
    quiet = _day_events("2026-03-11", 3)
    folded = calendar_view.fold_days([*crowded, *quiet], "month", "zh-Hans")
    march_10 = [e for e in folded if str(e["start"]) == "2026-03-10"]
    kept = [e["title"] for e in march_10 if e["extendedProps"]["kind"] == "activity"]
    # The all-month one first, then by title; holidays and deadlines all stay.
    assert kept == ["活动00", "活动01", "活动02"]
    assert {e["extendedProps"]["kind"] for e in march_10} == {
        "activity",
        "deadline",
        "festival",
        "more",
    }
    (more,) = [e for e in folded if e["extendedProps"]["kind"] == "more"]
    assert more["title"] == "还有 27 项 ›" and more["extendedProps"]["day"] == "2026-03-10"
    # A day within the limit is handed over as it is.
    assert sum(str(e["start"]) == "2026-03-11" for e in folded) == 5
    # The list shows more of a day before folding.
    listed = calendar_view.fold_days(crowded, "list", "en")
    assert sum(e["extendedProps"]["kind"] == "activity" for e in listed) == 12
    assert [e["title"] for e in listed if e["extendedProps"]["kind"] == "more"] == ["18 more ›"]


def test_a_click_on_more_names_its_day() -> None:
    more = calendar_view.more_event("2026-03-10", 4, "en")
    click = {"callback": "eventClick", "eventClick": {"event": more}}
    assert calendar_view.clicked_day(click) == D(2026, 3, 10)
    assert calendar_view.clicked_activity(click) is None
    activity = {"extendedProps": {"kind": "activity", "activity_id": "A-1"}}
    assert (
        calendar_view.clicked_day({"callback": "eventClick", "eventClick": {"event": activity}})
        is None
    )
    assert calendar_view.clicked_day(None) is None


def test_a_days_list_holds_every_activity_of_that_day(df: pd.DataFrame) -> None:
    year = activities.expand(df, *YEAR)
    table = calendar_view.day_table(year, D(2026, 4, 15), "zh-Hans", {})
    # Only the month-only outing touches 15 April.
    assert table[["id", "when", "title"]].to_dict("records") == [
        {"id": "A-3", "when": "全月", "title": "春游踏青"}
    ]
    table = calendar_view.day_table(year, D(2026, 3, 6), "en", {})
    assert table[["id", "when", "status"]].to_dict("records") == [
        {"id": "A-2", "when": "16:20-17:00", "status": "Planned"}
    ]
    assert calendar_view.day_table(year, D(2026, 12, 25), "en", {}).empty
