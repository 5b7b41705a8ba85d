"""Activity widgets shared by the activities and calendar pages: the filter bar, the
add/edit form (keeps what was typed when a write fails, shows a conflict side by side),
and the quick actions on one activity.

Only layout and session state live here; checking, change sets and figures come from
`unionplan.plan.activities`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, ACTIVITY_STATUS, RECURRENCE, Enum
from unionplan.data.values import is_blank
from unionplan.data.workbook import WorkbookData
from unionplan.errors import ConflictError, ValidationError
from unionplan.plan import activities, recurrence
from unionplan.ui import clear_cache, data, lang, show_error, t, user, workbook, write

TABLE = "activities"


def _label(key: str) -> str:
    """A column's name in the user's language, as in the workbook's header."""
    return ACTIVITIES.column(key).label.get(lang())


# Format functions use `lg`, the language read once per run: AppTest calls them after the
# run, outside the session, where lang() would fall back to the default language.


def _enum_select(enum: Enum, label: str, key: str, *, blank: bool = True) -> None:
    # "" rather than None for "nothing chosen": a None value would show Streamlit's own
    # English placeholder instead of the option's label.
    codes = [*([""] if blank else []), *enum.codes()]
    lg = lang()
    st.selectbox(
        label,
        codes,
        format_func=lambda c: enum.label(c, lg) if c else i18n.t("activities.none", lg),
        key=key,
    )


def unit_names(d: WorkbookData) -> dict[str, str]:
    return activities.names(d.df("units"), "name")


def target_titles(d: WorkbookData) -> dict[str, str]:
    return activities.names(d.df("targets"), "title")


# ------------------------------------------------------------------ filters


def filters(d: WorkbookData, key: str, *, period: bool = True) -> activities.Filters:
    """The filter bar. `period=False` (the calendar) offers the year only, since the
    calendar itself moves between months, and folds the bar away so that on a phone
    the calendar is not pushed below six filter boxes."""
    lg = lang()
    df = d.df(TABLE)
    year0 = d.plan_year
    years = list(range(year0 - 1, year0 + 3))
    units = unit_names(d)
    box = (
        st.container(border=True, key=f"{key}_box")
        if period
        else st.expander(
            f"{t('activities.filters')} · "
            + t("activities.year_n", year=st.session_state.get(f"{key}_year", year0)),
            icon=":material/filter_list:",
        )
    )
    with box:
        cols = st.columns([1, 1, 1, 2] if period else [1, 3])
        year = cols[0].selectbox(
            t("activities.filter_year"),
            years,
            index=1,
            format_func=lambda y: i18n.t("activities.year_n", lg, year=y),
            key=f"{key}_year",
        )
        month = quarter = None
        if period:
            month = cols[1].selectbox(
                t("activities.filter_month"),
                [None, *range(1, 13)],
                format_func=lambda m: (
                    i18n.t("activities.all", lg) if m is None else i18n.fmt_month(year, m, lg)
                ),
                key=f"{key}_month",
            )
            quarter = cols[2].selectbox(
                t("activities.filter_quarter"),
                [None, 1, 2, 3, 4],
                format_func=lambda q: (
                    i18n.t("activities.all", lg) if q is None else i18n.fmt_quarter(q, lg)
                ),
                key=f"{key}_quarter",
                disabled=month is not None,
            )
        text = cols[-1].text_input(
            t("activities.filter_text"),
            placeholder=t("activities.filter_text_placeholder"),
            key=f"{key}_text",
        )
        # On the activities page the four list filters fold away (a phone would otherwise
        # scroll past eight boxes); open while one is in use. Expanders cannot nest, so
        # inside the calendar's folded bar they stay flat.
        in_use = any(st.session_state.get(f"{key}_{n}") for n in ("cat", "unit", "status", "resp"))
        more = (
            st.expander(t("activities.more_filters"), expanded=in_use) if period else st.container()
        )
        c1, c2, c3, c4 = more.columns(4)
        cats = c1.multiselect(
            _label("category"),
            ACTIVITY_CATEGORY.codes(),
            format_func=lambda c: ACTIVITY_CATEGORY.label(c, lg),
            key=f"{key}_cat",
            placeholder=t("activities.all"),
        )
        unit_sel = c2.multiselect(
            _label("unit"),
            sorted(units, key=units.get),
            format_func=lambda u: units.get(u, u),
            key=f"{key}_unit",
            placeholder=t("activities.all"),
        )
        statuses = c3.multiselect(
            _label("status"),
            ACTIVITY_STATUS.codes(),
            format_func=lambda c: ACTIVITY_STATUS.label(c, lg),
            key=f"{key}_status",
            placeholder=t("activities.all"),
        )
        people = c4.multiselect(
            _label("responsible"),
            activities.choices(df["responsible"]) if not df.empty else [],
            key=f"{key}_resp",
            placeholder=t("activities.all"),
        )
    return activities.Filters(
        year=year,
        month=month,
        quarter=None if month else quarter,
        categories=cats,
        units=unit_sel,
        statuses=statuses,
        responsible=people,
        text=text,
    )


# ------------------------------------------------------------------ the form


def _fkey(key: str, field: str) -> str:
    return f"{key}:{field}"


def _load_form(key: str, record: Mapping[str, Any] | None) -> None:
    """Put a record's values into the form's widgets, once per record and version.

    Not again while the user is editing (the same id and version) or while a conflict
    is open, so a rerun never throws away what was typed.
    """
    marker = (record or {}).get("id"), (record or {}).get("version")
    conflict = st.session_state.get(_fkey(key, "_conflict"))
    if conflict is not None:
        if conflict["opened"].get("id") == marker[0]:
            return
        st.session_state.pop(_fkey(key, "_conflict"))  # another activity was picked
    if st.session_state.get(_fkey(key, "_loaded")) == marker and not st.session_state.pop(
        _fkey(key, "_reset"), False
    ):
        return
    for field, value in activities.form_values(record).items():
        st.session_state[_fkey(key, field)] = value
    for field in ("category", "recurrence", "unit", "target_id"):
        v = (record or {}).get(field)
        st.session_state[_fkey(key, field)] = v if isinstance(v, str) and v else ""
    st.session_state[_fkey(key, "status")] = activities.status_of((record or {}).get("status"))
    st.session_state[_fkey(key, "_loaded")] = marker
    st.session_state.pop(_fkey(key, "_problems"), None)


def _options(widget_key: str, ids: list[str]) -> list[str]:
    """A reference picker's options: none, the known ids, and the current value even when
    it matches no record (a name typed in the sheet), so opening the form loses nothing."""
    current = st.session_state.get(widget_key)
    extra = [current] if current and current not in ids else []
    return ["", *ids, *extra]


def _raw(key: str) -> dict[str, Any]:
    return {f: st.session_state.get(_fkey(key, f)) for f in activities.FORM_FIELDS}


def _show_problems(problems: Mapping[str, list[str]]) -> None:
    lines = [
        f"- **{_label(field)}**{t('common.colon')}{t(msg)}"
        for field, msgs in problems.items()
        for msg in msgs
    ]
    st.error(t("errors.validation") + "\n\n" + "\n".join(lines), icon=":material/warning:")


def _value_text(field: str, value: Any, d: WorkbookData) -> str:
    """A value as people read it, for the side-by-side conflict view."""
    if is_blank(value):
        return "—"
    col = ACTIVITIES.column(field)
    if col.enum is not None:
        return col.enum.label(str(value), lang())
    if isinstance(value, PlanDate):
        return i18n.fmt_date(value, lang())
    if isinstance(value, dt.date):
        return i18n.fmt_date(value, lang())
    if field == "unit":
        return unit_names(d).get(value, str(value))
    if field == "target_id":
        return target_titles(d).get(value, str(value))
    if col.kind == "money":
        return i18n.fmt_money(float(value), lang())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _conflict_view(key: str, d: WorkbookData, on_saved: Callable[[], None] | None) -> None:
    """The other person's version beside the user's, and the two ways out."""
    conflict = st.session_state[_fkey(key, "_conflict")]
    current, attempted, opened = conflict["current"], conflict["attempted"], conflict["opened"]
    fields = [
        f
        for f in activities.FORM_FIELDS
        if f in attempted or activities.changes({f: opened.get(f)}, {f: current.get(f)})
    ]
    with st.container(border=True, key=f"{key}_conflict_box"):
        st.warning(
            t(
                "errors.conflict",
                expected=opened.get("version"),
                found=current.get("version"),
            ),
            icon=":material/warning:",
        )
        st.caption(t("activities.conflict_by", who=current.get("updated_by") or "—"))
        rows = [
            {
                t("activities.conflict_field"): _label(f),
                t("activities.conflict_theirs"): _value_text(f, current.get(f), d),
                t("activities.conflict_yours"): _value_text(f, attempted.get(f, current.get(f)), d),
            }
            for f in fields
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        c1, c2 = st.columns(2)
        if c1.button(t("activities.conflict_keep_mine"), type="primary", key=f"{key}_mine"):
            mine = {**current, **attempted}

            def overwrite() -> dict:
                rec = workbook().update(
                    TABLE,
                    current["id"],
                    activities.changes(current, mine),
                    expected_version=int(current.get("version") or 0),
                    user=user(),
                )
                _after_save(key, on_saved)
                return rec

            _guarded(key, overwrite, opened=current, attempted=attempted)
        if c2.button(t("activities.conflict_take_theirs"), key=f"{key}_theirs"):
            st.session_state.pop(_fkey(key, "_conflict"), None)
            st.session_state[_fkey(key, "_reset")] = True
            clear_cache()  # the form reloads from the row as it is now, not the cached one
            st.rerun()


def _after_save(key: str, on_saved: Callable[[], None] | None) -> None:
    """After a successful write: the next run starts the form afresh."""
    st.session_state.pop(_fkey(key, "_conflict"), None)
    st.session_state[_fkey(key, "_reset")] = True
    if on_saved:
        on_saved()


def _guarded(
    key: str,
    fn: Callable[[], Any],
    *,
    opened: Mapping[str, Any],
    attempted: Mapping[str, Any],
    success: str | None = None,
) -> None:
    """Write; a conflict is kept in the session so the comparison survives reruns."""
    try:
        write(fn, success=success or t("activities.saved"))
    except ConflictError as exc:
        st.session_state[_fkey(key, "_conflict")] = {
            "current": exc.current,
            "attempted": dict(attempted),
            "opened": dict(opened),
        }
        st.rerun()


def activity_form(
    key: str,
    record: Mapping[str, Any] | None = None,
    *,
    on_saved: Callable[[], None] | None = None,
) -> None:
    """The add form (record None) or the edit form of one activity.

    Nothing is written until `activities.validate` passes; the problems are listed in
    the user's language. The widgets are keyed and never cleared on submit, so after a
    failed write (conflict, network) everything typed is still there.
    """
    d = data()
    lg = lang()
    year = d.plan_year
    _load_form(key, record)
    if st.session_state.get(_fkey(key, "_conflict")) is not None:
        _conflict_view(key, d, on_saved)
    units = unit_names(d)
    targets = target_titles(d)
    k = lambda f: _fkey(key, f)  # noqa: E731 - widget key shorthand
    with st.form(f"{key}_form", clear_on_submit=False, border=True):
        problems = st.session_state.get(k("_problems"))
        if problems:
            _show_problems(problems)
        st.text_input(_label("title") + " *", key=k("title"), placeholder=t("activities.ph_title"))
        c1, c2 = st.columns(2)
        with c1:
            _enum_select(ACTIVITY_CATEGORY, _label("category"), k("category"))
        with c2:
            _enum_select(ACTIVITY_STATUS, _label("status"), k("status"), blank=False)
        c1, c2, c3 = st.columns(3)
        c1.text_input(
            _label("start") + " *",
            key=k("start"),
            placeholder=t("activities.ph_date"),
            help=t("activities.help_date"),
        )
        c2.text_input(_label("end"), key=k("end"), placeholder=t("activities.ph_end"))
        c3.text_input(_label("time"), key=k("time"), placeholder=t("activities.ph_time"))
        c1, c2, c3 = st.columns(3)
        c1.text_input(_label("location"), key=k("location"))
        c2.selectbox(
            _label("unit"),
            _options(k("unit"), sorted(units, key=units.get)),
            format_func=lambda u: units.get(u, u) if u else i18n.t("activities.none", lg),
            key=k("unit"),
        )
        c3.text_input(_label("responsible"), key=k("responsible"))
        c1, c2, c3, c4 = st.columns(4)
        c1.text_input(_label("planned_participants"), key=k("planned_participants"))
        c2.text_input(_label("budget"), key=k("budget"), placeholder=t("activities.ph_money"))
        c3.text_input(_label("actual_participants"), key=k("actual_participants"))
        c4.text_input(_label("actual_cost"), key=k("actual_cost"))
        c1, c2, c3 = st.columns(3)
        with c1:
            _enum_select(RECURRENCE, _label("recurrence"), k("recurrence"))
        c2.text_input(
            _label("recurrence_until"),
            key=k("recurrence_until"),
            placeholder=t("activities.ph_until"),
        )
        c3.selectbox(
            _label("target_id"),
            _options(k("target_id"), list(targets)),
            format_func=lambda x: targets.get(x, x) if x else i18n.t("activities.none", lg),
            key=k("target_id"),
        )
        st.text_area(_label("notes"), key=k("notes"), height=68)
        submitted = st.form_submit_button(
            t("activities.add_button" if record is None else "activities.save_button"),
            type="primary",
        )
    if not submitted:
        return
    try:
        values = activities.validate(_raw(key), year)
    except ValidationError as exc:
        st.session_state[k("_problems")] = exc.problems
        st.rerun()
    st.session_state.pop(k("_problems"), None)
    if record is None:

        def append() -> dict:
            rec = workbook().append(TABLE, values, user())
            _after_save(key, on_saved)
            return rec

        write(append, success=t("activities.added", title=values["title"]))
        return
    change = activities.changes(record, values)
    if not change:
        st.info(t("activities.nothing_changed"))
        return

    def update() -> dict:
        rec = workbook().update(
            TABLE,
            str(record["id"]),
            change,
            expected_version=int(record.get("version") or 0),
            user=user(),
        )
        _after_save(key, on_saved)
        return rec

    _guarded(key, update, opened=record, attempted=change)


# ------------------------------------------------------------------ quick actions

_ACTIONS = ("edit", "done", "occurrence", "postpone", "cancel", "duplicate")


def _update(
    record: Mapping[str, Any],
    change: Mapping[str, Any],
    success: str,
    on_saved: Callable[[], None] | None,
) -> None:
    """A quick action's write; a conflict here has little typed input, so it is shown
    and the user redoes the click on the fresh row."""

    def run() -> dict:
        rec = workbook().update(
            TABLE,
            str(record["id"]),
            dict(change),
            expected_version=int(record.get("version") or 0),
            user=user(),
        )
        if on_saved:
            on_saved()
        return rec

    try:
        write(run, success=success)
    except ConflictError as exc:
        show_error(exc)
        st.caption(t("activities.conflict_refresh"))


def activity_panel(
    key: str, record: Mapping[str, Any], *, on_saved: Callable[[], None] | None = None
) -> None:
    """One activity: what to do with it (edit, done, an occurrence, postpone, cancel,
    copy to next year), one choice at a time so it fits a phone screen."""
    d = data()
    lg = lang()
    title = str(record.get("title") or record["id"])
    recurring = record.get("recurrence") in recurrence.STEP
    actions = [a for a in _ACTIONS if a != "occurrence" or recurring]
    action = st.segmented_control(
        t("activities.action"),
        actions,
        format_func=lambda a: i18n.t(f"activities.action_{a}", lg),
        default="edit",
        key=f"{key}_action",
        label_visibility="collapsed",
    )
    if action is None or action == "edit":
        activity_form(f"{key}_edit", record, on_saved=on_saved)
    elif action == "done":
        with st.form(f"{key}_done_form", border=True):
            c1, c2 = st.columns(2)
            values = activities.form_values(record)
            people = c1.text_input(
                _label("actual_participants"),
                value=values["actual_participants"],
                key=f"{key}_done_people",
            )
            cost = c2.text_input(
                _label("actual_cost"), value=values["actual_cost"], key=f"{key}_done_cost"
            )
            if st.form_submit_button(t("activities.action_done"), type="primary"):
                try:
                    change = activities.mark_done(people, cost)
                except ValidationError as exc:
                    _show_problems(exc.problems)
                else:
                    _update(record, change, t("activities.marked_done", title=title), on_saved)
    elif action == "occurrence":
        _occurrence_actions(key, record, d, on_saved)
    elif action == "postpone":
        start = record.get("start")
        base = start.first() if isinstance(start, PlanDate) else dt.date(d.plan_year, 1, 1)
        months = [recurrence.add_months(base.replace(day=1), n) for n in range(1, 13)]
        with st.form(f"{key}_postpone_form", border=True):
            target = st.selectbox(
                t("activities.postpone_to"),
                months,
                key=f"{key}_postpone_month",
                format_func=lambda m: i18n.fmt_month(m.year, m.month, lg),
            )
            if st.form_submit_button(t("activities.action_postpone"), type="primary"):
                try:
                    change = activities.postpone(record, target.year, target.month)
                except ValidationError as exc:
                    _show_problems(exc.problems)
                else:
                    _update(record, change, t("activities.postponed", title=title), on_saved)
    elif action == "cancel":
        st.write(t("activities.cancel_confirm", title=title))
        if st.button(t("activities.action_cancel"), type="primary", key=f"{key}_cancel_btn"):
            _update(record, activities.cancel(), t("activities.cancelled", title=title), on_saved)
    elif action == "duplicate":
        copy = activities.duplicate_next_year(record)
        when = copy.get("start")
        st.write(
            t(
                "activities.duplicate_confirm",
                title=title,
                when=i18n.fmt_date(when, lang()) if when else "—",
            )
        )
        if st.button(t("activities.action_duplicate"), type="primary", key=f"{key}_dup_btn"):

            def append() -> dict:
                rec = workbook().append(TABLE, copy, user())
                if on_saved:
                    on_saved()
                return rec

            write(append, success=t("activities.duplicated", title=title))


def _occurrence_actions(
    key: str,
    record: Mapping[str, Any],
    d: WorkbookData,
    on_saved: Callable[[], None] | None,
) -> None:
    """Mark one occurrence of a recurring activity done or skipped."""
    rule = activities.series_of(record)
    if rule is None:
        return
    first, freq, until = rule
    states, _ = recurrence.parse_occurrences(record.get("occurrences"), first.year)
    days = list(recurrence.iter_dates(first, freq, until))
    if not days:
        st.info(t("activities.no_occurrences"))
        return
    today = dt.date.today()
    default = next((i for i, day in enumerate(days) if day >= today), len(days) - 1)

    lg = lang()  # bound now: AppTest calls format functions outside the script run

    def fmt(day: dt.date) -> str:
        state = states.get(day)
        mark = f" · {i18n.t(f'activities.occ_{state}', lg)}" if state else ""
        return i18n.fmt_date(day, lg) + mark

    with st.form(f"{key}_occ_form", border=True):
        day = st.selectbox(
            t("activities.occurrence"), days, index=default, format_func=fmt, key=f"{key}_occ_day"
        )
        state = st.radio(
            t("activities.occurrence_state"),
            ["done", "skipped", None],
            format_func=lambda s: (
                i18n.t(f"activities.occ_{s}", lg) if s else i18n.t("activities.occ_clear", lg)
            ),
            horizontal=True,
            key=f"{key}_occ_state",
        )
        if st.form_submit_button(t("activities.save_button"), type="primary"):
            change = activities.set_occurrence(record, day, state, d.plan_year)
            _update(record, change, t("activities.occurrence_saved"), on_saved)
