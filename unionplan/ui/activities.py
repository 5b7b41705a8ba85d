"""Activity widgets shared by the activities and calendar pages: the filter bar, the
add/edit form (the record form of `unionplan.ui.forms` with the activity's fields) and
the quick actions on one activity.

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
from unionplan.data import limits
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, ACTIVITY_STATUS, RECURRENCE, Enum
from unionplan.data.tables import WorkbookData
from unionplan.errors import ConflictError, ValidationError
from unionplan.plan import activities, recurrence
from unionplan.ui import data, derived, lang, md_text, person, show_error, t, workbook, write
from unionplan.ui.forms import Field, RecordForm, record_form, show_problems

TABLE = "activities"


def _label(key: str) -> str:
    """A column's name in the user's language, as in the workbook's header."""
    return ACTIVITIES.column(key).label.get(lang())


# Format functions use `lg`, the language read once per run: AppTest calls them after the
# run, outside the session, where lang() would fall back to the default language.


def _names(d: WorkbookData, table: str, column: str) -> dict[str, str]:
    return activities.names(d.df(table), column)


def unit_names(d: WorkbookData) -> dict[str, str]:
    """Unit id -> name, once per load. Do not mutate."""
    return derived(_names, d, "units", "name")


def target_titles(d: WorkbookData) -> dict[str, str]:
    """Target id -> title, once per load. Do not mutate."""
    return derived(_names, d, "targets", "title")


# ------------------------------------------------------------------ what the filters show
# Once per load and filter choice (and language), shared by the activities and calendar
# pages and by every session: filtering 10k rows is quick, re-doing it on each click is not.


def _responsible(d: WorkbookData) -> list[str]:
    df = d.df(TABLE)
    return activities.choices(df["responsible"]) if not df.empty else []


def _shown(d: WorkbookData, f: activities.Filters) -> pd.DataFrame:
    df = activities.filter_activities(d.df(TABLE), f, unit_names(d))
    return activities.sort_by_start(df)


def shown(d: WorkbookData, f: activities.Filters) -> pd.DataFrame:
    """The activities the filters let through, in date order. Do not mutate."""
    return derived(_shown, d, f)


def _totals(d: WorkbookData, f: activities.Filters) -> activities.Totals:
    return activities.totals(shown(d, f))


def totals(d: WorkbookData, f: activities.Filters) -> activities.Totals:
    return derived(_totals, d, f)


def _display_table(d: WorkbookData, f: activities.Filters, lg: str) -> pd.DataFrame:
    return activities.table(shown(d, f), lg, unit_names(d))


def display_table(d: WorkbookData, f: activities.Filters) -> pd.DataFrame:
    """The shown activities as the page's table, in the session's language."""
    return derived(_display_table, d, f, lang())


def _labels(d: WorkbookData, f: activities.Filters, lg: str) -> dict[str, str]:
    df = shown(d, f)
    cols = df[["id", "start", "title"]].to_dict("records") if not df.empty else []
    return {str(r["id"]): activities.label(r, lg) for r in cols if r.get("id")}


# ------------------------------------------------------------------ the page's parts


@st.fragment
def add_section() -> None:
    """The add form, folded. A fragment: a refused entry redraws the form alone; a saved
    one reruns the page."""
    with st.expander(t("activities.add_heading"), icon=":material/add:"):
        activity_form("act_add")


@st.fragment
def chosen_activity(d: WorkbookData, f: activities.Filters, rows: slice) -> None:
    """Pick one of the activities on the table's page and act on it. A fragment: picking
    another one, or a refused entry, redraws this part alone."""
    lg = lang()
    labels = derived(_labels, d, f, lg)
    ids = [i for i in shown(d, f)["id"].iloc[rows] if i in labels] if labels else []
    options: list[str | None] = [None, *ids]
    if st.session_state.get("act_chosen") not in options:
        st.session_state.pop("act_chosen", None)
    chosen = st.selectbox(
        t("activities.choose"),
        options,
        format_func=lambda i: (
            i18n.t("activities.choose_placeholder", lg) if i is None else labels.get(i, i)
        ),
        key="act_chosen",
        placeholder=i18n.t("activities.choose_placeholder", lg),
    )
    if chosen:
        activity_panel(f"act_sel_{chosen}", d.record(TABLE, chosen))


# ------------------------------------------------------------------ filters


def filters(d: WorkbookData, key: str, *, period: bool = True) -> activities.Filters:
    """The filter bar. `period=False` (the calendar) offers the year only, since the
    calendar itself moves between months, and folds the bar away so that on a phone
    the calendar is not pushed below six filter boxes."""
    lg = lang()
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
                placeholder=t("activities.all"),
            )
            quarter = cols[2].selectbox(
                t("activities.filter_quarter"),
                [None, 1, 2, 3, 4],
                format_func=lambda q: (
                    i18n.t("activities.all", lg) if q is None else i18n.fmt_quarter(q, lg)
                ),
                key=f"{key}_quarter",
                disabled=month is not None,
                placeholder=t("activities.all"),
            )
        text = cols[-1].text_input(
            t("activities.filter_text"),
            placeholder=t("activities.filter_text_placeholder"),
            key=f"{key}_text",
            max_chars=limits.INPUT_CHARS["search"],
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
            derived(_responsible, d),
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


def _enum_field(name: str, enum: Enum, *, blank: bool = True) -> Field:
    # "" rather than None for "nothing chosen": a None value would show Streamlit's own
    # English placeholder instead of the option's label.
    lg = lang()
    return Field(
        name,
        "choice",
        options=[*([""] if blank else []), *enum.codes()],
        format=lambda c: enum.label(c, lg) if c else i18n.t("activities.none", lg),
    )


def _ref_field(name: str, names: Mapping[str, str], order: list[str]) -> Field:
    """A choice of a referenced record (unit, target), shown by its name."""
    lg = lang()
    return Field(
        name,
        "choice",
        options=["", *order],
        format=lambda i: names.get(i, i) if i else i18n.t("activities.none", lg),
    )


def _to_widgets(record: Mapping[str, Any] | None) -> dict[str, Any]:
    """An activity as the form shows it: text for dates and figures, codes for choices."""
    values: dict[str, Any] = activities.form_values(record)
    for name in ("category", "recurrence", "unit", "target_id"):
        v = (record or {}).get(name)
        values[name] = v if isinstance(v, str) and v else ""
    values["status"] = activities.status_of((record or {}).get("status"))
    return values


def _value_text(d: WorkbookData) -> Callable[[str, Any, Mapping[str, Any]], str]:
    """How a value reads in the conflict view (blanks and choices are the form's)."""
    lg = lang()
    units, targets = unit_names(d), target_titles(d)

    def text(name: str, value: Any, record: Mapping[str, Any]) -> str:
        if isinstance(value, (PlanDate, dt.date)):
            return i18n.fmt_date(value, lg)
        if name == "unit":
            return units.get(value, str(value))
        if name == "target_id":
            return targets.get(value, str(value))
        if ACTIVITIES.column(name).kind == "money":
            return i18n.fmt_money(float(value), lg)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return text


def activity_form(
    key: str,
    record: Mapping[str, Any] | None = None,
    *,
    on_saved: Callable[[], None] | None = None,
) -> None:
    """The add form (record None) or the edit form of one activity: the record form of
    `unionplan.ui.forms` with the activity's fields, checked by `activities.validate`."""
    d = data()
    year = d.plan_year
    units, targets = unit_names(d), target_titles(d)
    rows = [
        [Field("title", required=True, placeholder="activities.ph_title")],
        [
            _enum_field("category", ACTIVITY_CATEGORY),
            _enum_field("status", ACTIVITY_STATUS, blank=False),
        ],
        [
            Field(
                "start",
                required=True,
                placeholder="activities.ph_date",
                help="activities.help_date",
            ),
            Field("end", placeholder="activities.ph_end"),
            Field("time", placeholder="activities.ph_time"),
        ],
        [
            Field("location"),
            _ref_field("unit", units, sorted(units, key=units.get)),
            Field("responsible"),
        ],
        [
            Field("planned_participants"),
            Field("budget", placeholder="activities.ph_money"),
            Field("actual_participants"),
            Field("actual_cost"),
        ],
        [
            _enum_field("recurrence", RECURRENCE),
            Field("recurrence_until", placeholder="activities.ph_until"),
            _ref_field("target_id", targets, list(targets)),
        ],
        [Field("notes", "textarea")],
    ]
    form = RecordForm(
        key=key,
        table=ACTIVITIES,
        rows=rows,
        to_widgets=_to_widgets,
        validate=lambda raw: activities.validate(raw, year),
        submit_label=t("activities.add_button" if record is None else "activities.save_button"),
        added=lambda values: t("activities.added", title=md_text(values["title"])),
        saved=lambda values: t("activities.saved"),
        show=_value_text(d),
        on_saved=on_saved,
        history=True,
    )
    record_form(form, record)


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
            actor=person(),
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
    title = md_text(record.get("title") or record["id"])  # into Markdown messages only
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
                max_chars=limits.max_chars(ACTIVITIES, "actual_participants"),
            )
            cost = c2.text_input(
                _label("actual_cost"),
                value=values["actual_cost"],
                key=f"{key}_done_cost",
                max_chars=limits.max_chars(ACTIVITIES, "actual_cost"),
            )
            if st.form_submit_button(t("activities.action_done"), type="primary"):
                try:
                    change = activities.mark_done(people, cost)
                except ValidationError as exc:
                    show_problems(ACTIVITIES, exc.problems)
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
                    show_problems(ACTIVITIES, exc.problems)
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
                rec = workbook().append(TABLE, copy, person())
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
