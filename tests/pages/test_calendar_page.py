"""The calendar page with a year too big to hand over whole (the limit lowered here to a
few events): the component gets one view's events, the page's own ‹ today › buttons move
it (each step hands the mounted component the new days as its valid range, from the
year's one expansion), a crowded day folds into "N more" that opens the day's list, a
click is taken once, and a year under the limit still goes over whole with the
calendar's own buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import Calls, PointApp, calendar_args, new_app, nodes, open_page
from tests.people import admin, person
from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.plan import activities, calendar_view
from unionplan.ui import signin

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
    (component,) = [n for n in nodes(at) if getattr(n, "type", None) == "component_instance"]
    return component


def _shown(at: AppTest) -> tuple[set[str], dict[str, Any]]:
    """(titles of the activities the calendar got, its options)."""
    args = calendar_args(at)
    titles = {e["title"] for e in args["events"] if e["extendedProps"]["kind"] == "activity"}
    return titles, args["options"]


def _titles_open(at: AppTest) -> list[str]:
    """The title fields of the activities open for editing."""
    return [w.value for w in at.text_input if (w.key or "").endswith("_edit:title")]


def _click(at: AppTest, kind: str) -> dict[str, Any]:
    """Click the first event of `kind` the calendar got, as the component reports it
    (its value, under its key), and run."""
    event = next(e for e in calendar_args(at)["events"] if e["extendedProps"]["kind"] == kind)
    key = _component(at).proto.id.split("-", 2)[2]
    at.session_state[key] = {"callback": "eventClick", "eventClick": {"event": event}}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return event


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

    assert options["validRange"] == {"start": f"{YEAR}-01-01", "end": f"{YEAR}-02-01"}
    key = _component(at).proto.id
    at.button(key="cal_next").click().run()
    at.button(key="cal_next").click().run()
    assert not at.exception
    titles, options = _shown(at)
    assert titles == {"三八节座谈"}
    # The same component, its valid range moved to March: that moves it there.
    assert options["validRange"] == {"start": f"{YEAR}-03-01", "end": f"{YEAR}-04-01"}
    assert _component(at).proto.id == key

    at.segmented_control(key="cal_view").set_value("list").run()
    assert _shown(at)[0] == {"三八节座谈"}  # the list of March
    at.segmented_control(key="cal_view").set_value("week").run()
    assert _shown(at)[1]["initialDate"] == f"{YEAR}-03-01"
    assert _component(at).proto.id != key  # another view: another frame height
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


def test_a_click_on_an_activity_opens_it_once_and_again_when_clicked_again(
    workbook_path: Path, big_year: None
) -> None:
    at = _calendar()
    key = _component(at).proto.id
    event = _click(at, "activity")
    assert _titles_open(at) == ["新春团拜会"]
    assert _component(at).proto.id == key  # not remounted: the frame is not reloaded

    # Closed (as the dialog's dismissal does): the component still returns that click on
    # every run, and it is not taken again.
    del at.session_state["cal_edit"]
    at.run()
    assert _titles_open(at) == []
    # The clicked event comes back marked, so a second click on it is a new value.
    (again,) = [e for e in calendar_args(at)["events"] if e["id"] == event["id"]]
    assert again["extendedProps"]["taken"] == 1
    _click(at, "activity")
    assert _titles_open(at) == ["新春团拜会"]


@pytest.fixture
def crowded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every day's activities fold into "N more" (a cell shows none)."""
    monkeypatch.setattr(calendar_view, "DAY_ITEMS_MAX", dict.fromkeys(calendar_view.VIEWS, 0))


def test_more_opens_the_days_list_and_an_editor_opens_one_of_them(
    workbook_path: Path, big_year: None, crowded: None
) -> None:
    at = _calendar()
    assert _shown(at)[0] == set()  # January's one activity is folded
    more = _click(at, "more")
    assert more["title"] == "还有 1 项 ›"
    (table,) = at.dataframe
    assert list(table.value["活动名称"]) == ["新春团拜会"]
    (pick,) = [s for s in at.selectbox if s.key == f"cal_day_pick_{YEAR}-01-20"]
    pick.select(pick.options[1]).run()
    assert not at.exception
    assert _titles_open(at) == ["新春团拜会"]


def test_a_viewer_reads_the_days_list_without_an_editor(
    workbook_path: Path, big_year: None, crowded: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signin, "gate", lambda: signin._enter(person("leader", "viewer")))
    at = new_app(lang="en")
    at.switch_page("pages/calendar.py").run()
    _click(at, "more")
    (table,) = at.dataframe
    assert list(table.value["Title"]) == ["新春团拜会"]
    assert not [s for s in at.selectbox if s.key.startswith("cal_day_pick")]
    assert _titles_open(at) == []
