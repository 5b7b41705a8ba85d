"""The calendar page's state behind named functions: where the calendar is, the events
it gets, and the click-to-edit flow.

The component is handed only the events around the period in view (see
`calendar_view.event_window`); it reports where its own ‹ › buttons took it, and the
next run hands over the events around there. The events of a window are computed once
per load, filters, view and language, and shared by every session.

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

from unionplan.data.workbook import WorkbookData
from unionplan.plan import activities, calendar_view, holidays
from unionplan.plan.calendar_view import View
from unionplan.ui import activities as act_ui
from unionplan.ui import derived, t

_EDITING = "cal_edit"  # id of the activity open in the dialog
_INITIAL = "cal_initial"  # the day in view: where it moved, or the clicked occurrence
_NONCE = "cal_nonce"  # bumped to remount the component once a click is handled


def component_key(view: str, lang: str, year: int) -> str:
    """The calendar component's key: a new one remounts it, on a view, language or year
    change (its frame is sized once, at mount) and after a click was handled."""
    return f"cal_{view}_{lang}_{year}_{st.session_state.get(_NONCE, 0)}"


def initial_date(lo: dt.date, hi: dt.date, today: dt.date) -> dt.date:
    """Where the calendar opens: where it was last (moved to with its own buttons, or
    the clicked occurrence), else today when it lies in the shown year, else the year's
    first day."""
    day = st.session_state.get(_INITIAL) or (today if lo <= today <= hi else lo)
    return day if lo <= day <= hi else lo


def follow(key: str) -> None:
    """Remember where the component under `key` says it is, before this run draws it:
    its ‹ › buttons move it in the browser, and its last value carries the view."""
    day = calendar_view.view_start(st.session_state.get(key), st.context.timezone_offset)
    if day is not None:
        st.session_state[_INITIAL] = day


def _year_occurrences(
    d: WorkbookData, f: activities.Filters, lo: dt.date, hi: dt.date
) -> pd.DataFrame:
    return activities.expand(act_ui.shown(d, f), lo, hi)


def _events(
    d: WorkbookData,
    f: activities.Filters,
    view: View,
    lg: str,
    window: tuple[dt.date, dt.date],
    year: tuple[dt.date, dt.date],
) -> list[dict[str, Any]]:
    start, end = window
    occ = calendar_view.overlapping(derived(_year_occurrences, d, f, *year), start, end)
    due = calendar_view.deadlines(d.df("targets"), start, end, f.units)
    return calendar_view.events(occ, due, holidays.between(start, end), lg, view)


def events(
    d: WorkbookData,
    f: activities.Filters,
    view: View,
    lang: str,
    anchor: dt.date,
    year: tuple[dt.date, dt.date],
) -> list[dict[str, Any]]:
    """The events of the window around `anchor` (see `calendar_view.event_window`) for
    the filters `f`, computed once per load and shared. Do not mutate."""
    window = calendar_view.event_window(view, anchor, year)
    return derived(_events, d, f, view, lang, window, year)


def clicked(state: Mapping[str, Any] | None) -> None:
    """Handle the component's value: a click on an activity opens it for editing."""
    hit = calendar_view.clicked_activity(state)
    if hit is None:
        return
    activity_id, occurrence = hit
    st.session_state[_EDITING] = activity_id
    st.session_state[_INITIAL] = dt.date.fromisoformat(occurrence) if occurrence else None
    st.session_state[_NONCE] = st.session_state.get(_NONCE, 0) + 1
    st.rerun()


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
