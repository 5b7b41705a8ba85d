"""The activities and calendar pages through AppTest: add through the form and see the
activity in the table and in the calendar's data; a bad form shows its problems and
writes nothing; a conflict keeps the user's input beside the other person's version;
quick actions write what they say."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import calendar_args, clear_caches, open_page
from tests.people import admin
from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import BackendUnavailableError
from unionplan.ui.tables import PAGE_ROWS

YEAR = dt.date.today().year  # an empty workbook's plan year


def _wb(path: Path) -> Workbook:
    return Workbook(XlsxStore(str(path)), ttl=0)


def _activities(path: Path) -> list[dict]:
    return _wb(path).load(fresh=True).df("activities").to_dict("records")


def _page(page: str, lang: str = "zh-Hans") -> AppTest:
    at = open_page(page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _submit(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    return button.click().run()


def _calendar_events(at: AppTest) -> list[dict]:
    return calendar_args(at)["events"]


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_add_through_the_form_then_table_and_calendar(empty_workbook: Path, lang: str) -> None:
    at = _page("activities", lang)
    at.text_input(key="act_add:title").input("庆祝三八妇女节")
    at.selectbox(key="act_add:category").set_value("festival")
    at.text_input(key="act_add:start").input(f"{YEAR}-03-08")
    at.text_input(key="act_add:time").input("下午2:30-4:00")
    at.text_input(key="act_add:planned_participants").input("60")
    at.text_input(key="act_add:budget").input("1,600元")
    at = _submit(at, i18n.t("activities.add_button", lang))
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        i18n.t("activities.added", lang, title="庆祝三八妇女节")
    ]

    (rec,) = _activities(empty_workbook)
    assert rec["title"] == "庆祝三八妇女节" and rec["category"] == "festival"
    assert rec["start"] == PlanDate(YEAR, 3, 8) and rec["time"] == "14:30-16:00"
    assert rec["budget"] == 1600 and rec["planned_participants"] == 60
    assert rec["status"] == "planned" and rec["updated_by"] == "local"

    table = at.dataframe[0].value
    assert "庆祝三八妇女节" in table.to_string()
    assert at.metric[0].value == "1"
    assert at.text_input(key="act_add:title").value == ""  # the add form starts afresh

    at.switch_page("pages/calendar.py").run()
    assert not at.exception and not at.error
    mine = [e for e in _calendar_events(at) if e.get("title") == "庆祝三八妇女节"]
    assert len(mine) == 1
    assert mine[0]["start"] == f"{YEAR}-03-08T14:30:00"
    assert mine[0]["extendedProps"]["activity_id"] == rec["id"]


def test_month_only_activity_through_the_form(empty_workbook: Path) -> None:
    at = _page("activities")
    at.text_input(key="act_add:title").input("春游踏青")
    at.text_input(key="act_add:start").input("4月")
    at = _submit(at, "新增")
    assert not at.error
    (rec,) = _activities(empty_workbook)
    assert rec["start"] == PlanDate(YEAR, 4)
    at.switch_page("pages/calendar.py").run()
    (spring,) = [e for e in _calendar_events(at) if e.get("title") == "春游踏青"]
    assert spring["allDay"] and spring["start"] == f"{YEAR}-04-01"
    assert spring["end"] == f"{YEAR}-05-01"


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_bad_form_shows_errors_and_writes_nothing(empty_workbook: Path, lang: str) -> None:
    before = empty_workbook.read_bytes()
    at = _page("activities", lang)
    at.text_input(key="act_add:start").input(f"{YEAR}-05-10")
    at.text_input(key="act_add:end").input(f"{YEAR}-05-01")
    at.text_input(key="act_add:budget").input("-5")
    at.text_input(key="act_add:planned_participants").input("很多")
    at = _submit(at, i18n.t("activities.add_button", lang))
    assert not at.exception
    (error,) = at.error
    for key in (
        "activities.err_title_required",
        "activities.err_end_before_start",
        "issues.negative",
        "issues.bad_number",
    ):
        assert i18n.t(key, lang) in error.value
    assert not at.success
    assert empty_workbook.read_bytes() == before  # nothing written, not even an audit row
    assert at.text_input(key="act_add:budget").value == "-5"  # what was typed is kept


def test_failed_write_keeps_the_input(
    empty_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(self: Workbook, key: str, values: dict, user: str) -> None:
        raise BackendUnavailableError("simulated outage")

    working = Workbook.append
    at = _page("activities")
    at.text_input(key="act_add:title").input("慈善一日捐")
    at.text_input(key="act_add:start").input("10月")
    monkeypatch.setattr(Workbook, "append", down)
    at = _submit(at, "新增")
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("errors.backend_unavailable", "zh-Hans")]
    assert at.text_input(key="act_add:title").value == "慈善一日捐"
    assert at.text_input(key="act_add:start").value == "10月"
    monkeypatch.setattr(Workbook, "append", working)  # back: the same input saves as it stands
    at = _submit(at, "新增")
    assert not at.error
    assert [r["title"] for r in _activities(empty_workbook)] == ["慈善一日捐"]


def test_conflict_keeps_the_users_input_beside_theirs(empty_workbook: Path) -> None:
    wb = _wb(empty_workbook)
    rec = wb.append(
        "activities",
        {"title": "教代会", "start": PlanDate(YEAR, 6, 10), "responsible": "张主席"},
        admin("李老师"),
    )
    clear_caches()
    at = _page("activities")
    at.selectbox(key="act_chosen").set_value(rec["id"]).run()
    form = f"act_sel_{rec['id']}_edit"
    assert at.text_input(key=f"{form}:title").value == "教代会"
    at.text_input(key=f"{form}:title").input("二届四次教代会")
    at.text_input(key=f"{form}:location").input("学校报告厅")

    # Meanwhile someone else edits the same row in the sheet.
    _wb(empty_workbook).update(
        "activities",
        rec["id"],
        {"title": "教职工代表大会"},
        expected_version=1,
        actor=admin("李老师"),
    )
    at = _submit(at, "保存")
    assert not at.exception
    assert any("第 1 版" in w.value and "第 2 版" in w.value for w in at.warning)
    compare = at.dataframe[-1].value.to_string()
    assert "教职工代表大会" in compare and "二届四次教代会" in compare and "学校报告厅" in compare
    # The user's input is still in the form, and nothing of theirs was lost in the sheet.
    assert at.text_input(key=f"{form}:title").value == "二届四次教代会"
    assert at.text_input(key=f"{form}:location").value == "学校报告厅"
    (now,) = _activities(empty_workbook)
    assert now["title"] == "教职工代表大会" and now["version"] == 2

    at = _submit(at, "用我的版本覆盖")
    assert not at.exception and not at.error
    (now,) = _activities(empty_workbook)
    assert now["title"] == "二届四次教代会" and now["location"] == "学校报告厅"
    assert now["version"] == 3 and now["updated_by"] == "local"


def test_conflict_take_theirs_reloads_the_form(empty_workbook: Path) -> None:
    rec = _wb(empty_workbook).append(
        "activities", {"title": "教代会", "start": PlanDate(YEAR, 6)}, admin("李老师")
    )
    clear_caches()
    at = _page("activities")
    at.selectbox(key="act_chosen").set_value(rec["id"]).run()
    form = f"act_sel_{rec['id']}_edit"
    at.text_input(key=f"{form}:title").input("我的标题")
    _wb(empty_workbook).update(
        "activities", rec["id"], {"title": "他的标题"}, expected_version=1, actor=admin("李老师")
    )
    at = _submit(at, "保存")
    at = _submit(at, "放弃我的修改，采用对方版本")
    assert not at.exception
    assert at.text_input(key=f"{form}:title").value == "他的标题"
    assert not [w for w in at.warning if "第 2 版" in w.value]
    assert _activities(empty_workbook)[0]["version"] == 2


def test_quick_actions(empty_workbook: Path) -> None:
    wb = _wb(empty_workbook)
    rec = wb.append(
        "activities",
        {
            "title": "双周五工会活动",
            "start": PlanDate(YEAR, 3, 6),
            "time": "16:20-17:00",
            "recurrence": "biweekly",
            "recurrence_until": dt.date(YEAR, 6, 30),
        },
        admin("李老师"),
    )
    clear_caches()
    at = _page("activities")
    at.selectbox(key="act_chosen").set_value(rec["id"]).run()
    key = f"act_sel_{rec['id']}"

    at.segmented_control(key=f"{key}_action").set_value("occurrence").run()
    first = at.selectbox(key=f"{key}_occ_day").options[0]
    at.selectbox(key=f"{key}_occ_day").set_value(dt.date(YEAR, 3, 20))
    at.radio(key=f"{key}_occ_state").set_value("skipped")
    at = _submit(at, "保存")
    assert not at.error, [e.value for e in at.error]
    assert first  # the picker lists the sessions
    assert _activities(empty_workbook)[0]["occurrences"] == f"{YEAR}-03-20=skipped"

    at.segmented_control(key=f"{key}_action").set_value("done").run()
    at.text_input(key=f"{key}_done_people").input("-3")
    at = _submit(at, "标记完成")
    assert i18n.t("issues.negative", "zh-Hans") in at.error[0].value
    assert _activities(empty_workbook)[0]["status"] is None  # unchanged: nothing written
    at.text_input(key=f"{key}_done_people").input("35")
    at.text_input(key=f"{key}_done_cost").input("¥420")
    at = _submit(at, "标记完成")
    now = _activities(empty_workbook)[0]
    assert (now["status"], now["actual_participants"], now["actual_cost"]) == ("done", 35, 420)

    at.segmented_control(key=f"{key}_action").set_value("postpone").run()
    at.selectbox(key=f"{key}_postpone_month").set_value(dt.date(YEAR, 4, 1))
    at = _submit(at, "延期")
    now = _activities(empty_workbook)[0]
    assert now["start"] == PlanDate(YEAR, 4, 6) and now["status"] == "postponed"
    assert now["recurrence_until"] == dt.date(YEAR, 7, 30)

    at.segmented_control(key=f"{key}_action").set_value("duplicate").run()
    at.button(key=f"{key}_dup_btn").click().run()
    rows = sorted(_activities(empty_workbook), key=lambda r: r["start"])
    assert len(rows) == 2 and rows[1]["start"] == PlanDate(YEAR + 1, 4, 6)
    assert rows[1]["status"] == "planned" and rows[1]["title"] == "双周五工会活动"

    at.selectbox(key="act_chosen").set_value(rec["id"]).run()
    at.segmented_control(key=f"{key}_action").set_value("cancel").run()
    at.button(key=f"{key}_cancel_btn").click().run()
    assert {r["id"]: r["status"] for r in _activities(empty_workbook)}[rec["id"]] == "cancelled"


def test_filters_narrow_the_table_and_totals(empty_workbook: Path) -> None:
    wb = _wb(empty_workbook)
    wb.append(
        "activities", {"title": "三八节", "start": PlanDate(YEAR, 3, 8), "budget": 1600}, admin("x")
    )
    wb.append(
        "activities", {"title": "春游", "start": PlanDate(YEAR, 4), "budget": 5000}, admin("x")
    )
    clear_caches()
    at = _page("activities", "en")
    assert at.metric[0].value == "2"
    assert any("budget ¥6,600" in c.value for c in at.caption)
    at.selectbox(key="act_f_month").set_value(4).run()
    assert at.metric[0].value == "1"
    assert any("budget ¥5,000" in c.value for c in at.caption)
    assert "春游" in at.dataframe[0].value.to_string()
    at.selectbox(key="act_f_month").set_value(None).run()
    at.text_input(key="act_f_text").input("三八").run()
    assert at.metric[0].value == "1"


def test_calendar_page_next_year_without_statutory_data(empty_workbook: Path) -> None:
    at = _page("calendar", "zh-Hant")
    at.selectbox(key="cal_f_year").set_value(2027).run()
    assert not at.exception and not at.error
    events = _calendar_events(at)
    titles = {e.get("title") for e in events}
    assert "春節" in titles and "中秋節" in titles
    spring = next(e for e in events if e.get("title") == "春節")
    assert spring["start"] == "2027-02-06"
    assert any("2027" in c.value for c in at.caption)  # "days off not published yet"
    assert [d.label for d in at.get("download_button")] == [
        i18n.t("calendar.export_ics", "zh-Hant"),
        i18n.t("calendar.export_xlsx", "zh-Hant"),
    ]


def test_a_long_list_shows_a_page_at_a_time(empty_workbook: Path) -> None:
    many = PAGE_ROWS + 120
    _wb(empty_workbook).append_many(
        [
            ("activities", {"title": f"走访{i:04d}", "start": PlanDate(YEAR, 1 + i % 12, 1)})
            for i in range(many)
        ],
        admin("test"),
    )
    at = _page("activities")
    assert at.metric[0].value == str(many)  # the figures count every shown activity
    assert len(at.dataframe[0].value) == PAGE_ROWS
    pages = at.selectbox(key="act_page")
    assert pages.options == [
        i18n.t("common.table_page", "zh-Hans", first="1", last="500", n=f"{many:,}"),
        i18n.t("common.table_page", "zh-Hans", first="501", last=f"{many:,}", n=f"{many:,}"),
    ]
    first_page = set(at.dataframe[0].value.iloc[:, 1])
    assert len(at.selectbox(key="act_chosen").options) == PAGE_ROWS + 1  # and "choose…"

    pages.set_value(1).run()
    second_page = set(at.dataframe[0].value.iloc[:, 1])
    assert len(second_page) == 120 and not first_page & second_page
    chooser = at.selectbox(key="act_chosen")
    assert len(chooser.options) == 121
    assert all(o.split(" · ")[-1] in second_page for o in chooser.options[1:])

    at.selectbox(key="act_f_month").set_value(3).run()  # fewer rows than a page
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "act_page"]
    assert len(at.dataframe[0].value) == len(range(2, many, 12))  # the March ones


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_a_reset_filter_reads_all_in_the_users_language(empty_workbook: Path, lang: str) -> None:
    """A box whose "all" choice is None shows Streamlit's placeholder once reset to None,
    whose default is the English "Choose an option": it reads "all" here instead."""
    at = _page("activities", lang)
    at.session_state["act_f_month"] = None
    at.session_state["act_f_quarter"] = None
    at.run()
    boxes = {s.key: s for s in at.selectbox}
    for key in ("act_f_month", "act_f_quarter", "act_chosen"):
        assert boxes[key].value is None
        assert boxes[key].proto.placeholder not in ("", "Choose an option"), key
    assert boxes["act_f_month"].proto.placeholder == i18n.t("activities.all", lang)
