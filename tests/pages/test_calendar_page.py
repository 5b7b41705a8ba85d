"""The calendar page with a year too big to hand over whole (the limit lowered here to a
few events): the component gets one view's events, the page's own ‹ today › buttons move
it (each step remounts it with the new days, from the year's one expansion), and a
year under the limit still goes over whole with the calendar's own buttons."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import Calls, PointApp, open_page
from tests.people import admin
from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.plan import activities, calendar_view

# Next year's plan: the calendar opens at its first day whatever day the test runs.
YEAR = dt.date.today().year + 1
TITLES = {"新春团拜会": (1, 20), "三八节座谈": (3, 8), "慈善一日捐": (10, 20)}


@pytest.fixture
def workbook_path(tmp_path: Path, point_app_at: PointApp) -> Path:
    path = tmp_path / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)))
    wb.ensure_tabs("zh-Hans")
    wb.set_setting("plan_year", str(YEAR), admin("test"))
    wb.append_many(
        [
            ("activities", {"title": title, "start": PlanDate(YEAR, month, day)})
            for title, (month, day) in TITLES.items()
        ],
        admin("test"),
    )
    return point_app_at(path)


@pytest.fixture
def big_year(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any year with more than one activity counts as big."""
    monkeypatch.setattr(calendar_view, "YEAR_EVENTS_MAX", 1)
    yield


def _component(at: AppTest) -> Any:
    (component,) = [el for el in _walk(at) if getattr(el, "type", None) == "component_instance"]
    return component


def _walk(at: AppTest) -> Iterator[Any]:
    stack = [at._tree]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            stack.extend(children.values())
        yield node


def _shown(at: AppTest) -> tuple[set[str], dict[str, Any]]:
    """(titles of the activities the calendar got, its options)."""
    args = json.loads(_component(at).proto.json_args)
    titles = {e["title"] for e in args["events"] if e["extendedProps"]["kind"] == "activity"}
    return titles, args["options"]


def _calendar() -> AppTest:
    at = open_page("calendar", lang="zh-Hans")
    assert not at.exception and not at.error, [e.value for e in at.exception]
    return at


def test_a_small_year_goes_over_whole_with_the_calendars_own_buttons(workbook_path: Path) -> None:
    at = _calendar()
    titles, options = _shown(at)
    assert titles == set(TITLES)
    assert options["headerToolbar"]["left"] == "prev,next today"
    assert not [b for b in at.button if b.key in ("cal_prev", "cal_today", "cal_next")]


def test_a_big_year_goes_over_a_view_at_a_time(workbook_path: Path, big_year: None) -> None:
    at = _calendar()
    titles, options = _shown(at)
    assert titles == {"新春团拜会"}  # January only
    assert options["initialDate"] == f"{YEAR}-01-01"
    assert options["headerToolbar"]["left"] == ""  # the page's buttons move it
    hint = i18n.t("calendar.windowed_hint", "zh-Hans", n=len(TITLES))
    assert hint in [c.value for c in at.caption]
    assert at.button(key="cal_prev").disabled  # the year starts here
    assert at.button(key="cal_today").disabled  # today is not in next year

    key = _component(at).proto.id
    at.button(key="cal_next").click().run()
    at.button(key="cal_next").click().run()
    assert not at.exception
    titles, options = _shown(at)
    assert titles == {"三八节座谈"} and options["initialDate"] == f"{YEAR}-03-01"
    assert _component(at).proto.id != key  # remounted at March

    at.segmented_control(key="cal_view").set_value("list").run()
    assert _shown(at)[0] == {"三八节座谈"}  # the list of March
    at.segmented_control(key="cal_view").set_value("week").run()
    assert _shown(at)[1]["initialDate"] == f"{YEAR}-03-01"
    at.button(key="cal_next").click().run()  # a week on: 2 to 8 March
    assert _shown(at)[0] == {"三八节座谈"}
    at.button(key="cal_next").click().run()
    assert _shown(at)[0] == set()


def test_steps_take_the_views_events_from_one_expansion(
    workbook_path: Path, big_year: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    expanded = Calls(monkeypatch, activities, "expand")
    at = _calendar()
    for _ in range(9):
        at.button(key="cal_next").click().run()
    assert _shown(at)[0] == {"慈善一日捐"}
    _calendar()  # another session
    assert expanded.n == 1


def test_a_click_on_an_activity_opens_it_and_reopens_the_calendar_there(
    workbook_path: Path, big_year: None
) -> None:
    at = _calendar()
    before = _component(at).proto.id
    (charity,) = [
        r["id"]
        for r in Workbook(XlsxStore(str(workbook_path))).load().df("activities").to_dict("records")
        if r["title"] == "慈善一日捐"
    ]
    # What the component reports for a click on the activity's occurrence.
    props = {"kind": "activity", "activity_id": charity, "occurrence": f"{YEAR}-10-20"}
    click = {"callback": "eventClick", "eventClick": {"event": {"extendedProps": props}}}
    at.session_state[before.split("-", 2)[2]] = click
    at.run()
    assert not at.exception
    assert at.text_input(key=f"cal_sel_{charity}_edit:title").value == "慈善一日捐"
    titles, options = _shown(at)
    assert titles == {"慈善一日捐"} and options["initialDate"] == f"{YEAR}-10-20"
    after = _component(at).proto.id
    assert after != before  # remounted, which drops the click it would keep returning
    at.run()
    assert _component(at).proto.id == after  # the click is not taken twice
    assert at.text_input(key=f"cal_sel_{charity}_edit:title").value == "慈善一日捐"
