"""The calendar page's state behind named functions: where the calendar is, the events
it gets, and the click-to-edit flow.

A year of up to `calendar_view.YEAR_EVENTS_MAX` events goes to the component whole, and
its own ‹ › buttons move it. A bigger year is handed over a view at a time: the page
shows its own ‹ today › buttons (`navigator`), and each step remounts the calendar at the
new date with that view's events. Either way the events are computed once per load,
filters, view and language (and view position), and shared by every session.

A click on an activity in the calendar opens it in a dialog; the calendar then comes
back at the month of the clicked occurrence. The calendar component keeps returning its
last click until it is remounted, so a handled click remounts it under a new key.
The session keys below are this module's own; the page only calls the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.data.tables import WorkbookData
from unionplan.plan import activities, calendar_view, holidays
from unionplan.plan.calendar_view import View
from unionplan.ui import activities as act_ui
from unionplan.ui import derived, t

_EDITING = "cal_edit"  # id of the activity open in the dialog
_INITIAL = "cal_initial"  # the day it opens at: moved to, or the clicked occurrence's
_NONCE = "cal_nonce"  # bumped to remount the component once a click is handled

Bounds = tuple[dt.date, dt.date]


def component_key(view: str, lang: str, year: int, at: dt.date | None = None) -> str:
    """The calendar component's key: a new one remounts it, on a view, language or year
    change (its frame is sized once, at mount), after a click was handled and, when the
    page moves it (`at`: the first day in view), on every step."""
    where = f"_{at.isoformat()}" if at else ""
    return f"cal_{view}_{lang}_{year}_{st.session_state.get(_NONCE, 0)}{where}"


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
    d: WorkbookData, f: activities.Filters, view: View, lg: str, days: Bounds, year: Bounds
) -> list[dict[str, Any]]:
    start, end = days
    occ = calendar_view.overlapping(derived(_year_occurrences, d, f, year), start, end)
    due = deadlines(d, f, days)
    return calendar_view.events(occ, due, holidays.between(start, end), lg, view)


def events(
    d: WorkbookData,
    f: activities.Filters,
    view: View,
    lang: str,
    year: Bounds,
    at: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The events for the filters `f`: the whole year, or with `at` (a big year) the
    days in view when the calendar opens there. Computed once per load; do not mutate."""
    days = calendar_view.visible_range(view, at, year) if at else year
    return derived(_events, d, f, view, lang, days, year)


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
    it reported since the last run when `clicks` (the person may edit activities). The
    click is read from its value before it is drawn, so this run opens the activity and
    remounts the calendar at its occurrence: one run, not two. Handed a view at a time
    (`paged`), the key follows the view's first day."""
    lo, hi = year

    def where() -> tuple[dt.date, str]:
        initial = initial_date(lo, hi, today)
        at = calendar_view.visible_range(view, initial, year)[0] if paged else None
        return initial, component_key(view, lang, lo.year, at)

    initial, key = where()
    if clicks and _take_click(st.session_state.get(key)):
        initial, key = where()
    return initial, key


def _take_click(state: Mapping[str, Any] | None) -> bool:
    """A click on an activity opens it for editing; the calendar then remounts (a new
    key) at its occurrence, which also drops the click it would keep returning."""
    hit = calendar_view.clicked_activity(state)
    if hit is None:
        return False
    activity_id, occurrence = hit
    st.session_state[_EDITING] = activity_id
    st.session_state[_INITIAL] = dt.date.fromisoformat(occurrence) if occurrence else None
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1
    return True


def editing() -> str | None:
    """The id of the activity open for editing, if any."""
    return st.session_state.get(_EDITING)


def close_editor() -> None:
    st.session_state.pop(_EDITING, None)


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
