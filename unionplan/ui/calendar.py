"""The calendar page's state behind named functions: where the calendar is, the events
it gets, and the click-to-edit flow.

A year of up to `calendar_view.YEAR_EVENTS_MAX` events goes to the component whole, and
its own ‹ › buttons move it. A bigger year is handed over a view at a time: the page
shows its own ‹ today › buttons (`navigator`), and each step hands the component the new
month's (or week's) events with that month as its valid range, which moves it there.
The component stays mounted (a remount reloads its frame: about 0.8 s in the browser
before any event is drawn), and a day's activities past what a cell shows fold into one
"N more" item that opens the day's list. The events are computed once per load,
filters, view and language (and view position), and shared by every session.

A click on an activity opens it in a dialog. The component keeps returning its last
click on every run, so the click last taken is remembered and not taken again; the
clicked item is then handed back marked (its `taken` count), so that clicking it once
more is a new value, not the old one returned again.
The session keys below are this module's own; the page only calls the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.data.schema import ACTIVITIES
from unionplan.data.tables import WorkbookData
from unionplan.plan import activities, calendar_view, holidays
from unionplan.plan.calendar_view import View
from unionplan.ui import activities as act_ui
from unionplan.ui import derived, lang, t

_EDITING = "cal_edit"  # id of the activity open in the dialog
_DAY = "cal_day"  # the day whose list is open in the dialog
_INITIAL = "cal_initial"  # the day it opens at: moved to, or the clicked occurrence's
_LAST = "cal_last"  # the component's value when a click was last taken
_TAKEN = "cal_taken"  # event id -> how many clicks on it were taken

Bounds = tuple[dt.date, dt.date]


def component_key(view: str, lang: str, year: int) -> str:
    """The calendar component's key: a new one remounts it, on a view, language or year
    change (its frame is sized once, at mount). Moving it and clicks keep it mounted."""
    return f"cal_{view}_{lang}_{year}"


def initial_date(lo: dt.date, hi: dt.date, today: dt.date) -> dt.date:
    """Where the calendar opens: where it was moved to or the last clicked occurrence,
    else today when it lies in the shown year, else the year's first day."""
    day = st.session_state.get(_INITIAL) or (today if lo <= today <= hi else lo)
    return day if lo <= day <= hi else lo


# ------------------------------------------------------------------ its events


def _year_occurrences(d: WorkbookData, f: activities.Filters, year: Bounds) -> pd.DataFrame:
    return activities.expand(act_ui.shown(d, f), *year)


def year_size(d: WorkbookData, f: activities.Filters, year: Bounds) -> int:
    """How many activity occurrences the year holds for the filters `f`: past
    `calendar_view.YEAR_EVENTS_MAX` the calendar is handed a view at a time."""
    return len(derived(_year_occurrences, d, f, year))


def _deadlines(d: WorkbookData, days: Bounds, units: tuple[str, ...]) -> pd.DataFrame:
    return calendar_view.deadlines(d.df("targets"), *days, units)


def deadlines(d: WorkbookData, f: activities.Filters, days: Bounds) -> pd.DataFrame:
    """The targets due within `days` for the filters' units, once per load. Do not mutate."""
    return derived(_deadlines, d, days, tuple(f.units))


def _events(
    d: WorkbookData,
    f: activities.Filters,
    view: View,
    lg: str,
    days: Bounds,
    year: Bounds,
    folded: bool,
) -> list[dict[str, Any]]:
    start, end = days
    occ = calendar_view.overlapping(derived(_year_occurrences, d, f, year), start, end)
    due = deadlines(d, f, days)
    out = calendar_view.events(occ, due, holidays.between(start, end), lg, view)
    return calendar_view.fold_days(out, view, lg) if folded else out


def events(
    d: WorkbookData,
    f: activities.Filters,
    view: View,
    lang: str,
    year: Bounds,
    at: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The events for the filters `f`: the whole year, or with `at` (a big year) the
    month or week in view there, each day's activities past what it shows folded.
    Computed once per load; the clicked items come back marked (see `place`)."""
    days = calendar_view.visible_range(view, at, year) if at else year
    return _marked(derived(_events, d, f, view, lang, days, year, at is not None))


def _marked(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`events` (shared, not mutated) with each item clicked before marked by how many
    of its clicks were taken, so the next click on it is a value the component has not
    returned yet."""
    taken: dict[str, int] = st.session_state.get(_TAKEN) or {}
    if not taken:
        return events
    return [
        {**e, "extendedProps": {**e.get("extendedProps", {}), "taken": taken[e["id"]]}}
        if e.get("id") in taken
        else e
        for e in events
    ]


# ------------------------------------------------------------------ the page's buttons


def _move(view: View, year: Bounds, today: dt.date, n: int | None) -> None:
    lo, hi = year
    here = initial_date(lo, hi, today)
    there = (
        (today if lo <= today <= hi else here) if n is None else calendar_view.step(view, here, n)
    )
    st.session_state[_INITIAL] = min(max(there, lo), hi)


def navigator(view: View, year: Bounds, today: dt.date) -> None:
    """‹ today ›: the page's own buttons for a calendar handed one view at a time, kept
    together on one line (on a phone the group wraps under the view choice)."""
    unit = "week" if view == "week" else "month"
    lo, hi = year
    first, last = calendar_view.visible_range(view, initial_date(lo, hi, today), year)
    with st.container(horizontal=True, width="content", wrap=False, key="cal_nav"):
        st.button(
            "‹",
            key="cal_prev",
            help=t(f"calendar.prev_{unit}"),
            disabled=first <= lo,
            on_click=_move,
            args=(view, year, today, -1),
        )
        st.button(
            t("calendar.today"),
            key="cal_today",
            disabled=not lo <= today <= hi,
            on_click=_move,
            args=(view, year, today, None),
        )
        st.button(
            "›",
            key="cal_next",
            help=t(f"calendar.next_{unit}"),
            disabled=last >= hi,
            on_click=_move,
            args=(view, year, today, 1),
        )


# ------------------------------------------------------------------ a click


def place(
    view: View, lang: str, year: Bounds, today: dt.date, *, paged: bool, clicks: bool
) -> tuple[dt.date, str]:
    """(the day the calendar opens at, the key to draw it under), after taking the click
    it reported since the last run: a day's "N more" opens the day's list, and an
    activity opens for editing when `clicks` (the person may edit activities). Handed a
    view at a time (`paged`), the day is also where the calendar is moved to."""
    lo, hi = year
    key = component_key(view, lang, lo.year)
    _take_click(st.session_state.get(key), edit=clicks, move=not paged)
    return initial_date(lo, hi, today), key


def _take_click(state: Mapping[str, Any] | None, *, edit: bool, move: bool) -> None:
    """Act on the component's value unless it is the click already taken. With `move`
    (the calendar moves itself) an activity's occurrence is remembered as where the
    calendar stands, for when a view change remounts it; handed a view at a time, the
    calendar stays where the page put it (a span from the month before is clickable too)."""
    if not state or state == st.session_state.get(_LAST):
        return
    st.session_state[_LAST] = state
    event_id = ((state.get("eventClick") or {}).get("event") or {}).get("id")
    day = calendar_view.clicked_day(state)
    hit = calendar_view.clicked_activity(state)
    if day is not None:
        st.session_state[_DAY] = day
    elif hit is not None and edit:
        st.session_state[_EDITING], occurrence = hit
        if occurrence and move:
            st.session_state[_INITIAL] = dt.date.fromisoformat(occurrence)
    else:
        return
    if event_id:
        taken = dict(st.session_state.get(_TAKEN) or {})
        taken[event_id] = taken.get(event_id, 0) + 1
        st.session_state[_TAKEN] = taken


def editing() -> str | None:
    """The id of the activity open for editing, if any."""
    return st.session_state.get(_EDITING)


def close_editor() -> None:
    st.session_state.pop(_EDITING, None)


def close_day() -> None:
    st.session_state.pop(_DAY, None)


def dialogs(d: WorkbookData, f: activities.Filters, year: Bounds, *, edit: bool) -> None:
    """The dialog a click opened, if any: a day's list, or an activity's edit form."""
    if st.session_state.get(_DAY):
        day_list(d, f, year, edit=edit)
    elif edit:
        editor(d)


def editor(d: WorkbookData) -> None:
    """The edit dialog of the clicked activity; nothing when none is open, and the flow
    ends quietly when the activity was deleted in the sheet meanwhile."""
    activity_id = editing()
    if not activity_id:
        return
    if activity_id not in set(d.df("activities")["id"]):
        close_editor()
        return

    @st.dialog(t("calendar.edit_title"), width="large", on_dismiss=close_editor)
    def dialog() -> None:
        act_ui.activity_panel(
            f"cal_sel_{activity_id}", d.record("activities", activity_id), on_saved=close_editor
        )

    dialog()


def _day_table(
    d: WorkbookData, f: activities.Filters, year: Bounds, day: dt.date, lg: str
) -> pd.DataFrame:
    occ = derived(_year_occurrences, d, f, year)
    return calendar_view.day_table(occ, day, lg, act_ui.unit_names(d))


def day_list(d: WorkbookData, f: activities.Filters, year: Bounds, *, edit: bool) -> None:
    """The dialog of a day's "N more": every activity of the day for the filters, and
    with `edit` one of them opened for editing below the list."""
    day: dt.date = st.session_state[_DAY]
    lg = lang()
    table = derived(_day_table, d, f, year, day, lg)

    @st.dialog(
        t("calendar.day_title", day=i18n.fmt_date(day, lg)), width="large", on_dismiss=close_day
    )
    def dialog() -> None:
        st.caption(t("calendar.day_count", n=i18n.fmt_number(len(table), lg)))
        shown = table.drop(columns=["id", "occurrence"]).rename(
            columns={
                "when": t("calendar.day_when"),
                "title": ACTIVITIES.column("title").label.get(lg),
                "unit": ACTIVITIES.column("unit").label.get(lg),
                "status": ACTIVITIES.column("status").label.get(lg),
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch")
        if not edit or table.empty:
            return
        labels = dict(zip(table["id"], table["title"], strict=True))
        chosen = st.selectbox(
            t("calendar.day_choose"),
            [None, *labels],
            format_func=lambda i: "—" if i is None else labels[i],
            key=f"cal_day_pick_{day.isoformat()}",
            placeholder="—",
        )
        if chosen and chosen in set(d.df("activities")["id"]):
            act_ui.activity_panel(
                f"cal_sel_{chosen}", d.record("activities", chosen), on_saved=close_day
            )

    dialog()
