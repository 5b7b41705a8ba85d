"""The .ics export, parsed back by a real iCalendar parser, with its rules expanded by
dateutil and compared with the app's own recurrence expansion."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.plan import ics, recurrence

D = dt.date
SH = ZoneInfo("Asia/Shanghai")
STAMP = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)

HEADER = [
    "编号",
    "活动名称",
    "类别",
    "开始日期",
    "结束日期",
    "时段",
    "地点",
    "重复",
    "重复截止",
    "场次记录",
    "状态",
]
ROWS = [
    ["A-WOMEN", "庆祝三八妇女节", "节日庆祝", "2026-03-08", "", "", "会议室", "", "", "", ""],
    ["A-FRI", "双周五工会活动", "文体活动", "2026-03-06", "", "下午4:20-5:00", "", "双周", "2026-12-31",
     "2026-03-20=跳过; 2026-04-03=done", ""],
    ["A-SPRING", "春游踏青", "文体", "4月", "", "", "", "", "", "", ""],
    ["A-WOMENMEET", "女职工工作会议", "女职工", "2026-06", "", "", "", "每半年", "", "", ""],
    ["A-MONTHEND", "月末例会", "会议", "2026-01-31", "", "", "", "每月", "2026-06-30", "", ""],
    ["A-CONGRESS", "教代会", "民主管理", "2026-06-10", "2026-06-11", "", "", "", "", "", "已取消"],
    ["A-NODATE", "没有日期的活动", "其他", "", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture
def data() -> WorkbookData:
    grids = {
        "活动": [HEADER, *ROWS],
        "目标": [["编号", "目标名称", "截止日期", "责任人"], ["T-RATE", "工会组建率", "6月", "王主席"],
                 ["T-NONE", "没有时限", "", ""]],
        "设置": [["项目", "值"], ["plan_year", "2026"]],
    }  # fmt: skip
    return parse_workbook(grids)


def _export(data: WorkbookData) -> Calendar:
    raw = ics.export(data.df("activities"), data.df("targets"), "zh-Hans", stamp=STAMP)
    return Calendar.from_ical(raw)


def _events(cal: Calendar) -> dict[str, Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _rule_dates(ev: Event) -> list[dt.datetime]:
    """The occurrences a calendar app computes: RRULE minus EXDATE, via dateutil."""
    start = ev.decoded("DTSTART")
    if not isinstance(start, dt.datetime):
        start = dt.datetime.combine(start, dt.time())
    rule = rrulestr(ev["RRULE"].to_ical().decode(), dtstart=start)
    dates = list(rule)
    ex = ev.get("EXDATE")
    skipped = set()
    for group in ex if isinstance(ex, list) else [ex] if ex else []:
        for item in group.dts:
            value = item.dt
            skipped.add(
                value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
            )
    return [d for d in dates if d not in skipped]


def test_every_dated_activity_and_deadline_is_an_event(data: WorkbookData) -> None:
    events = _events(_export(data))
    assert set(events) == {
        "A-WOMEN@unionplan",
        "A-FRI@unionplan",
        "A-SPRING@unionplan",
        "A-WOMENMEET@unionplan",
        "A-MONTHEND@unionplan",
        "A-CONGRESS@unionplan",
        "T-RATE-deadline@unionplan",
    }


def test_single_day_all_day_event(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-WOMEN@unionplan"]
    assert str(ev["SUMMARY"]) == "庆祝三八妇女节"
    assert ev.decoded("DTSTART") == D(2026, 3, 8)
    assert ev.decoded("DTEND") == D(2026, 3, 9)  # exclusive end of an all-day event
    assert str(ev["LOCATION"]) == "会议室"
    assert "RRULE" not in ev


def test_biweekly_friday_is_a_rule_with_the_skipped_session_excluded(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-FRI@unionplan"]
    assert ev.decoded("DTSTART") == dt.datetime(2026, 3, 6, 16, 20, tzinfo=SH)
    assert ev.decoded("DTEND") == dt.datetime(2026, 3, 6, 17, 0, tzinfo=SH)
    rule = ev["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert rule["UNTIL"][0] == dt.datetime(2026, 12, 31, 15, 59, 59, tzinfo=dt.UTC)
    exdates = [d.dt for d in ev["EXDATE"].dts]
    assert exdates == [dt.datetime(2026, 3, 20, 16, 20, tzinfo=SH)]
    got = [d.date() for d in _rule_dates(ev)]
    expected = [
        d for d in recurrence.iter_dates(D(2026, 3, 6), "biweekly", D(2026, 12, 31))
        if d != D(2026, 3, 20)
    ]  # fmt: skip
    assert got == expected and len(got) == 21


def test_month_end_rule_clamps_like_the_app(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-MONTHEND@unionplan"]
    rule = ev["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["BYMONTHDAY"] == [28, 29, 30, 31] and rule["BYSETPOS"] == [-1]
    got = [d.date() for d in _rule_dates(ev)]
    assert got == list(recurrence.iter_dates(D(2026, 1, 31), "monthly", D(2026, 6, 30)))
    assert D(2026, 2, 28) in got and D(2026, 4, 30) in got


def test_month_only_activity_spans_its_month(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-SPRING@unionplan"]
    assert ev.decoded("DTSTART") == D(2026, 4, 1)
    assert ev.decoded("DTEND") == D(2026, 5, 1)


def test_half_yearly_month_only_rule(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-WOMENMEET@unionplan"]
    rule = ev["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["INTERVAL"] == [6]
    assert rule["UNTIL"] == [D(2026, 12, 31)]
    assert [d.date() for d in _rule_dates(ev)] == [D(2026, 6, 1), D(2026, 12, 1)]


def test_multi_day_and_cancelled(data: WorkbookData) -> None:
    ev = _events(_export(data))["A-CONGRESS@unionplan"]
    assert ev.decoded("DTSTART") == D(2026, 6, 10)
    assert ev.decoded("DTEND") == D(2026, 6, 12)
    assert str(ev["STATUS"]) == "CANCELLED"


def test_deadline_is_an_all_day_marker(data: WorkbookData) -> None:
    ev = _events(_export(data))["T-RATE-deadline@unionplan"]
    assert ev.decoded("DTSTART") == D(2026, 6, 30)  # "6月": the end of June
    assert "工会组建率" in str(ev["SUMMARY"])
    assert "王主席" in str(ev["DESCRIPTION"])


def test_calendar_level_properties_and_timezone(data: WorkbookData) -> None:
    cal = _export(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == ics.PRODID
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert all(e.decoded("DTSTAMP") == STAMP for e in cal.walk("VEVENT"))


def test_same_data_gives_the_same_file(data: WorkbookData) -> None:
    a = ics.export(data.df("activities"), data.df("targets"), "en", stamp=STAMP)
    b = ics.export(data.df("activities"), data.df("targets"), "en", stamp=STAMP)
    assert a == b


def test_empty_export_is_still_a_valid_calendar() -> None:
    raw = ics.export(pd.DataFrame(), None, "en", stamp=STAMP)
    cal = Calendar.from_ical(raw)
    assert cal.walk("VEVENT") == []
    assert str(cal["X-WR-CALNAME"]) == "Union activities"
