"""The calendar page's click-to-edit flow, behind named functions.

A click on an activity in the calendar opens it in a dialog; the calendar then comes
back at the month of the clicked occurrence. The calendar component keeps returning its
last click until it is remounted, so a handled click remounts it under a new key.
The session keys below are this module's own; the page only calls the functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import streamlit as st

from unionplan.data.tables import WorkbookData
from unionplan.plan import calendar_view
from unionplan.ui import activities as act_ui
from unionplan.ui import t

_EDITING = "cal_edit"  # id of the activity open in the dialog
_INITIAL = "cal_initial"  # the day the calendar reopens at after a click
_NONCE = "cal_nonce"  # bumped to remount the component once a click is handled


def component_key(view: str, lang: str, year: int) -> str:
    """The calendar component's key: a new one remounts it, on a view, language or year
    change (its frame is sized once, at mount) and after a click was handled."""
    return f"cal_{view}_{lang}_{year}_{st.session_state.get(_NONCE, 0)}"


def initial_date(lo: dt.date, hi: dt.date, today: dt.date) -> dt.date:
    """Where the calendar opens: at the last clicked occurrence, else today when it lies
    in the shown year, else the year's first day."""
    day = st.session_state.get(_INITIAL) or (today if lo <= today <= hi else lo)
    return day if lo <= day <= hi else lo


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
