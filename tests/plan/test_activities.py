"""Activities: validation in message keys, quick-action change sets, expansion into
occurrences, filters and totals, the shown table, and the calendar's event dicts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.schema import LANGS
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.data.values import changes
from unionplan.errors import ValidationError
from unionplan.plan import activities, calendar_view, holidays
from unionplan.plan.activities import Filters

D = dt.date
P = PlanDate

HEADER = [
    "编号", "活动名称", "类别", "开始日期", "结束日期", "时段", "组织单位", "负责人",
    "计划人次", "实际人次", "预算", "实际费用", "状态", "重复", "重复截止", "场次记录", "备注",
]  # fmt: skip
ROWS = [
    ["A-1", "庆祝三八妇女节", "节日庆祝", "2026-03-08", "", "", "一分会", "李老师",
     50, 48, "1,600元", 1500, "已完成", "", "", "", ""],
    ["A-2", "双周五工会活动", "文体活动", "2026-03-06", "", "16:20-17:00", "", "王老师",
     30, "", "", "", "", "双周", "2026-06-30", "2026-03-20=跳过", "读书交流"],
    ["A-3", "春游踏青", "文体活动", "4月", "", "", "二分会", "王老师",
     80, "", 5000, "", "", "", "", "", ""],
    ["A-4", "教代会", "民主管理", "2026-06-10", "2026-06-11", "", "一分会", "张主席",
     120, "", 2000, "", "已取消", "", "", "", ""],
    ["A-5", "送清凉", "慰问帮扶", "2026-07", "2026-08", "", "", "李老师",
     "", "", 8000, "", "", "", "", "", ""],
    ["A-6", "没写日期", "其他", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
]  # fmt: skip


@pytest.fixture(scope="module")
def data() -> WorkbookData:
    return parse_workbook(
        {
            "活动": [HEADER, *ROWS],
            "组织": [["编号", "名称"], ["U-1", "一分会"], ["U-2", "二分会"]],
            "目标": [
                ["编号", "目标名称", "截止日期", "责任单位"],
                ["T-1", "工会组建率", "6月", "一分会"],
                ["T-2", "培训工会干部", "2026-11-30", "二分会"],
                ["T-3", "明年的目标", "2027-03", ""],
            ],
            "设置": [["项目", "值"], ["plan_year", "2026"]],
        }
    )


@pytest.fixture(scope="module")
def df(data: WorkbookData) -> pd.DataFrame:
    return data.df("activities")


def _form(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {f: "" for f in activities.FORM_FIELDS}
    base.update(title="庆祝三八妇女节", start="3月8日")
    base.update(kw)
    return base


# ------------------------------------------------------------------ validation


def test_valid_form_gives_clean_values() -> None:
    v = activities.validate(
        _form(
            category="festival",
            end="2026-03-09",
            time="下午4：20–5：00",
            budget="¥1,600",
            planned_participants="50人",
            unit="U-1",
        ),
        2026,
    )
    assert v["title"] == "庆祝三八妇女节"
    assert v["start"] == P(2026, 3, 8) and v["end"] == P(2026, 3, 9)
    assert v["time"] == "16:20-17:00"
    assert v["budget"] == 1600.0 and v["planned_participants"] == 50
    assert v["status"] == "planned"  # a new activity is planned unless said otherwise
    assert v["location"] is None and v["recurrence_until"] is None


def test_month_only_activity_is_allowed() -> None:
    v = activities.validate(_form(start="三月份", end="4月"), 2026)
    assert v["start"] == P(2026, 3) and v["start"].month_only
    assert v["end"] == P(2026, 4)


def test_title_start_end_numbers_all_reported_at_once() -> None:
    with pytest.raises(ValidationError) as err:
        activities.validate(
            _form(
                title="  ",
                start="2026-05-10",
                end="2026-05-01",
                budget="-5",
                actual_cost="很多",
                planned_participants="1.5",
                time="晚些时候",
            ),
            2026,
        )
    assert err.value.problems == {
        "title": ["activities.err_title_required"],
        "end": ["activities.err_end_before_start"],
        "time": ["activities.err_bad_time"],
        "planned_participants": ["activities.err_not_whole"],
        "budget": ["issues.negative"],
        "actual_cost": ["issues.bad_number"],
    }


def test_start_is_required_and_must_be_a_date() -> None:
    with pytest.raises(ValidationError) as err:
        activities.validate(_form(start=""), 2026)
    assert err.value.problems == {"start": ["activities.err_start_required"]}
    with pytest.raises(ValidationError) as err:
        activities.validate(_form(start="下个月吧"), 2026)
    assert err.value.problems == {"start": ["issues.bad_date"]}


def test_end_in_the_same_month_as_a_month_only_start_is_fine() -> None:
    v = activities.validate(_form(start="2026-03", end="2026-03-05"), 2026)
    assert v["end"] == P(2026, 3, 5)


def test_recurrence_rules() -> None:
    v = activities.validate(_form(recurrence="biweekly", recurrence_until="12月"), 2026)
    assert v["recurrence_until"] == D(2026, 12, 31)
    with pytest.raises(ValidationError) as err:
        activities.validate(_form(start="3月", recurrence="weekly"), 2026)
    assert err.value.problems == {"start": ["activities.err_weekly_needs_day"]}
    with pytest.raises(ValidationError) as err:
        activities.validate(_form(recurrence="monthly", recurrence_until="2026-01-01"), 2026)
    assert err.value.problems == {"recurrence_until": ["activities.err_until_before_start"]}
    # An end date for a rule that is not there means nothing and is dropped.
    assert (
        activities.validate(_form(recurrence_until="2026-12-31"), 2026)["recurrence_until"] is None
    )


def test_unknown_option_code_is_rejected() -> None:
    with pytest.raises(ValidationError) as err:
        activities.validate(_form(category="picnic"), 2026)
    assert err.value.problems == {"category": ["issues.unknown_label"]}


def test_every_message_key_exists_in_every_language() -> None:
    keys = [
        "activities.err_title_required",
        "activities.err_start_required",
        "activities.err_end_before_start",
        "activities.err_weekly_needs_day",
        "activities.err_until_before_start",
        "activities.err_bad_time",
        "activities.err_not_whole",
        "issues.negative",
        "issues.bad_number",
        "issues.bad_date",
    ]
    for lang in LANGS:
        for key in keys:
            assert i18n.t(key, lang) != key


def test_time_range() -> None:
    assert activities.time_range("16:20-17:00") == (dt.time(16, 20), dt.time(17))
    assert activities.time_range("下午4:20-5:00") == (dt.time(16, 20), dt.time(17))
    assert activities.time_range("14:30") == (dt.time(14, 30), None)
    assert activities.time_range("9点") is None
    assert activities.time_range("17:00-16:00") is None


def test_form_values_round_trip(df: pd.DataFrame) -> None:
    rec = df[df["id"] == "A-1"].iloc[0].to_dict()
    text = activities.form_values(rec)
    assert text["start"] == "2026-03-08" and text["budget"] == "1600"
    again = activities.validate(text, 2026)
    assert changes(rec, again) == {}


# ------------------------------------------------------------------ quick actions


def test_mark_done() -> None:
    assert activities.mark_done("48", "1,500元") == {
        "status": "done",
        "actual_participants": 48,
        "actual_cost": 1500.0,
    }
    assert activities.mark_done() == {"status": "done"}
    with pytest.raises(ValidationError) as err:
        activities.mark_done("-1", "abc")
    assert set(err.value.problems) == {"actual_participants", "actual_cost"}


def test_postpone_keeps_the_day_or_the_month() -> None:
    rec = {"start": P(2026, 3, 31), "end": P(2026, 4, 2), "status": "planned"}
    assert activities.postpone(rec, 2026, 4) == {
        "start": P(2026, 4, 30),
        "end": P(2026, 5, 2),
        "status": "postponed",
    }
    assert activities.postpone({"start": P(2026, 7)}, 2026, 9)["start"] == P(2026, 9)
    series = {"start": P(2026, 3, 6), "recurrence": "biweekly", "recurrence_until": D(2026, 6, 30)}
    assert activities.postpone(series, 2026, 5)["recurrence_until"] == D(2026, 8, 30)
    with pytest.raises(ValidationError):
        activities.postpone({"start": None}, 2026, 5)


def test_cancel_and_duplicate_to_next_year() -> None:
    assert activities.cancel() == {"status": "cancelled"}
    rec = {
        "id": "A-9",
        "title": "元宵猜灯谜",
        "start": P(2028, 2, 29),
        "end": None,
        "status": "done",
        "actual_participants": 90,
        "actual_cost": 800.0,
        "budget": 1000.0,
        "recurrence": "monthly",
        "recurrence_until": D(2028, 12, 31),
        "occurrences": "2028-03-29=done",
        "version": 4,
    }
    copy = activities.duplicate_next_year(rec)
    assert copy["start"] == P(2029, 2, 28)
    assert copy["recurrence_until"] == D(2029, 12, 31)
    assert copy["status"] == "planned"
    assert copy["actual_participants"] is None and copy["actual_cost"] is None
    assert copy["budget"] == 1000.0 and copy["title"] == "元宵猜灯谜"
    assert "id" not in copy and "occurrences" not in copy and "version" not in copy


def test_set_occurrence(df: pd.DataFrame) -> None:
    rec = df[df["id"] == "A-2"].iloc[0].to_dict()
    change = activities.set_occurrence(rec, D(2026, 4, 3), "done", 2026)
    assert change == {"occurrences": "2026-03-20=skipped; 2026-04-03=done"}


# ------------------------------------------------------------------ expansion


def test_expand_columns_and_rows(df: pd.DataFrame) -> None:
    occ = activities.expand(df, D(2026, 1, 1), D(2026, 12, 31))
    assert list(occ.columns) == list(activities.EXPAND_COLUMNS)
    by_id = occ.groupby("id").size().to_dict()
    # every other Friday 6 Mar .. 26 Jun = 9 sessions; A-6 has no date.
    assert by_id == {"A-1": 1, "A-2": 9, "A-3": 1, "A-4": 1, "A-5": 1}
    spring = occ[occ["id"] == "A-3"].iloc[0]
    assert spring["date"] == D(2026, 4, 1) and spring["end"] == D(2026, 4, 30)
    assert bool(spring["month_only"]) and not bool(spring["recurring"])
    summer = occ[occ["id"] == "A-5"].iloc[0]
    assert summer["end"] == D(2026, 8, 31)
    fri = occ[occ["id"] == "A-2"]
    assert fri["recurring"].all()
    assert fri.set_index("date").loc[D(2026, 3, 20), "status"] == "skipped"
    assert fri.set_index("date").loc[D(2026, 3, 6), "status"] == "planned"


def test_expand_window_and_month_overlap(df: pd.DataFrame) -> None:
    occ = activities.expand(df, D(2026, 4, 15), D(2026, 4, 20))
    # The month-only spring outing overlaps; the 17 April session is the only Friday.
    assert sorted(zip(occ["id"], occ["date"], strict=True)) == [
        ("A-2", D(2026, 4, 17)),
        ("A-3", D(2026, 4, 1)),
    ]


def test_expand_month_only_recurring_and_empty() -> None:
    frame = pd.DataFrame(
        [{"id": "A-H", "title": "女职工会议", "start": P(2026, 6), "recurrence": "halfyearly"}]
    )
    occ = activities.expand(frame, D(2026, 1, 1), D(2026, 12, 31))
    assert list(occ["date"]) == [D(2026, 6, 1), D(2026, 12, 1)]
    assert list(occ["end"]) == [D(2026, 6, 30), D(2026, 12, 31)]
    assert occ["month_only"].all()
    empty = activities.expand(pd.DataFrame(), D(2026, 1, 1), D(2026, 12, 31))
    assert empty.empty and list(empty.columns) == list(activities.EXPAND_COLUMNS)


# ------------------------------------------------------------------ filters and totals


def _ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["id"])


def test_filters(df: pd.DataFrame, data: WorkbookData) -> None:
    names = activities.names(data.df("units"), "name")
    f = activities.filter_activities
    assert _ids(f(df, Filters(2026), names)) == ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]
    assert _ids(f(df, Filters(2026, month=4), names)) == ["A-2", "A-3"]
    assert _ids(f(df, Filters(2026, month=8), names)) == ["A-5"]  # 7–8月 covers August
    assert _ids(f(df, Filters(2026, quarter=3), names)) == ["A-5"]
    assert _ids(f(df, Filters(2027), names)) == ["A-6"]  # undated rows stay findable
    assert _ids(f(df, Filters(2026, categories=["culture_sports"]), names)) == ["A-2", "A-3"]
    assert _ids(f(df, Filters(2026, units=["U-1"]), names)) == ["A-1", "A-4"]
    assert _ids(f(df, Filters(2026, statuses=["planned"]), names)) == ["A-2", "A-3", "A-5", "A-6"]
    assert _ids(f(df, Filters(2026, responsible=["李老师"]), names)) == ["A-1", "A-5"]
    assert _ids(f(df, Filters(2026, text="读书"), names)) == ["A-2"]  # notes
    assert _ids(f(df, Filters(2026, text="二分会"), names)) == ["A-3"]  # unit name
    assert _ids(f(df, Filters(2026, text="ＡＢＣ不存在"), names)) == []
    assert _ids(f(df, Filters(2026, month=4, text="ＡＢＣ不存在"), names)) == []


def test_totals(df: pd.DataFrame) -> None:
    tot = activities.totals(df)
    assert tot.count == 6
    assert tot.planned_participants == 50 + 30 + 80 + 120
    assert tot.actual_participants == 48
    assert tot.budget == 1600 + 5000 + 2000 + 8000
    assert tot.actual_cost == 1500
    assert activities.totals(df.iloc[0:0]).count == 0


def test_sort_by_start_puts_undated_last(df: pd.DataFrame) -> None:
    assert list(activities.sort_by_start(df)["id"]) == ["A-2", "A-1", "A-3", "A-4", "A-5", "A-6"]


@pytest.mark.parametrize("lang", LANGS)
def test_table_in_each_language(df: pd.DataFrame, data: WorkbookData, lang: str) -> None:
    names = activities.names(data.df("units"), "name")
    shown = activities.table(df, lang, names)
    assert len(shown) == len(df)
    assert len(shown.columns) == len(activities.TABLE_COLUMNS)
    first = shown.iloc[0].tolist()
    assert "2026-03-08" in first and "一分会" in first
    if lang == "en":
        assert "Festival celebration" in first and "Done" in first
    assert shown.iloc[4, 0] == "2026-07 – 2026-08"


# ------------------------------------------------------------------ calendar events


def test_calendar_month_only_spans_its_month_and_sorts_first(df: pd.DataFrame) -> None:
    occ = activities.expand(df, D(2026, 1, 1), D(2026, 12, 31))
    events = {
        e["extendedProps"]["activity_id"]: e for e in calendar_view.activity_events(occ, "zh-Hans")
    }
    spring = events["A-3"]
    assert spring["allDay"] and spring["start"] == "2026-04-01" and spring["end"] == "2026-05-01"
    assert spring["extendedProps"]["order"] < events["A-1"]["extendedProps"]["order"]
    listed = {
        e["extendedProps"]["activity_id"]: e
        for e in calendar_view.activity_events(occ, "zh-Hans", "list")
    }
    assert "end" not in listed["A-3"] and "整月" in listed["A-3"]["title"]


def test_calendar_events_time_colour_and_status(df: pd.DataFrame) -> None:
    occ = activities.expand(df, D(2026, 3, 1), D(2026, 3, 31))
    events = calendar_view.activity_events(occ, "en")
    fri = [e for e in events if e["extendedProps"]["activity_id"] == "A-2"]
    assert fri[0]["start"] == "2026-03-06T16:20:00" and fri[0]["end"] == "2026-03-06T17:00:00"
    assert not fri[0]["allDay"]
    assert "up-status-skipped" in fri[1]["classNames"]
    women = next(e for e in events if e["extendedProps"]["activity_id"] == "A-1")
    assert women["title"].startswith("✓")  # done
    assert women["backgroundColor"] == calendar_view.CATEGORY_COLORS["festival"]


def test_calendar_deadlines(data: WorkbookData) -> None:
    due = calendar_view.deadlines(data.df("targets"), D(2026, 1, 1), D(2026, 12, 31))
    assert list(due["id"]) == ["T-1", "T-2"]
    assert list(due["deadline_day"]) == [D(2026, 6, 30), D(2026, 11, 30)]
    only = calendar_view.deadlines(data.df("targets"), D(2026, 1, 1), D(2026, 12, 31), ["U-2"])
    assert list(only["id"]) == ["T-2"]
    ev = calendar_view.deadline_events(due, "zh-Hans")[0]
    assert ev["start"] == "2026-06-30" and ev["allDay"] and "工会组建率" in ev["title"]


def test_calendar_holidays_background_and_titles() -> None:
    items = holidays.between(D(2026, 9, 1), D(2026, 10, 31))
    events = calendar_view.holiday_events(items, "zh-Hans")
    bg = [e for e in events if e.get("display") == "background"]
    assert {"start": "2026-10-01", "end": "2026-10-08"} in [
        {"start": e["start"], "end": e["end"]} for e in bg
    ]
    titles = [e["title"] for e in events if e.get("display") != "background"]
    # National Day opens its own break: drawn once, as the break.
    assert "休 国庆节" in titles and "国庆节" not in titles
    assert "班 调休上班" in titles and "重阳节" in titles and "教师节" in titles
    listed = calendar_view.holiday_events(items, "en", "list")
    assert any("Oct 1, 2026" in e.get("title", "") for e in listed)


def test_calendar_holidays_in_a_year_without_statutory_data() -> None:
    events = calendar_view.holiday_events(holidays.for_year(2027), "zh-Hans")
    assert not [e for e in events if e.get("display") == "background"]
    spring = next(e for e in events if e.get("title") == "春节")
    assert spring["start"] == "2027-02-06"


@pytest.mark.parametrize(
    ("lang", "code", "today"),
    [("zh-Hans", "zh-cn", "今天"), ("zh-Hant", "zh-tw", "今天"), ("en", "en-gb", "Today")],
)
def test_calendar_options_in_the_language(lang: str, code: str, today: str) -> None:
    opts = calendar_view.options(lang, "list", D(2026, 3, 1), (D(2026, 1, 1), D(2026, 12, 31)))
    assert opts["initialView"] == "listMonth"
    assert opts["locale"]["code"] == code and opts["firstDay"] == 1
    assert opts["buttonText"]["today"] == today
    assert opts["validRange"] == {"start": "2026-01-01", "end": "2027-01-01"}


def test_palette_is_complete_and_readable() -> None:
    assert set(calendar_view.CATEGORY_COLORS) == set(activities.ACTIVITY_CATEGORY.codes())
    assert calendar_view.text_color("#332288") == "#FFFFFF"
    assert calendar_view.text_color("#DDCC77") == "#000000"
    assert calendar_view.category_color(None) == calendar_view.CATEGORY_COLORS["other"]


def test_clicked_activity() -> None:
    click = {
        "callback": "eventClick",
        "eventClick": {
            "event": {
                "extendedProps": {
                    "kind": "activity",
                    "activity_id": "A-1",
                    "occurrence": "2026-03-08",
                }
            }
        },
    }
    assert calendar_view.clicked_activity(click) == ("A-1", "2026-03-08")
    holiday = {
        "callback": "eventClick",
        "eventClick": {"event": {"extendedProps": {"kind": "festival"}}},
    }
    assert calendar_view.clicked_activity(holiday) is None
    assert calendar_view.clicked_activity({}) is None
    assert calendar_view.clicked_activity(None) is None


def test_legend_lists_every_category_in_the_language() -> None:
    html = calendar_view.legend_html("zh-Hant")
    assert all(color in html for color in calendar_view.CATEGORY_COLORS.values())
    assert "節日慶祝" in html and i18n.t("calendar.legend_hint", "zh-Hant") in html
