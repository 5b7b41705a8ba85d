"""日历: the year's activities, deadlines, holidays and union days; exports (.ics, .xlsx)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_calendar import calendar

from unionplan import i18n, ui
from unionplan.data import periods
from unionplan.plan import activities, calendar_view, holidays, ics, schedule_xlsx
from unionplan.ui import activities as act_ui
from unionplan.ui import calendar as cal_ui

ui.page_header("common.nav.calendar")
lang = ui.lang()
d = ui.data()
names = act_ui.unit_names(d)

f = act_ui.filters(d, key="cal_f", period=False)
lo, hi = periods.year_bounds(f.year)
shown = activities.filter_activities(d.df("activities"), f, names)
due = calendar_view.deadlines(d.df("targets"), lo, hi, f.units)

# The list view is the one that reads well on a phone, so phones start there.
phone = "Mobile" in (st.context.headers.get("User-Agent") or "")
view = st.segmented_control(
    ui.t("calendar.view"),
    calendar_view.VIEWS,
    default="list" if phone else "month",
    format_func=lambda v: i18n.t(f"calendar.view_{v}", lang),
    key="cal_view",
    label_visibility="collapsed",
    required=True,
)

initial = cal_ui.initial_date(lo, hi, dt.date.today())
events = calendar_view.events(
    activities.expand(shown, lo, hi), due, holidays.between(lo, hi), lang, view
)
state = calendar(
    events=events,
    options=calendar_view.options(lang, view, initial, (lo, hi), calendar_view.height(view, phone)),
    custom_css=calendar_view.CUSTOM_CSS,
    callbacks=["eventClick"],
    key=cal_ui.component_key(view, lang, f.year),
)
if ui.may_write("activities"):
    cal_ui.clicked(state)  # a click on an activity opens it in the dialog below

st.markdown(calendar_view.legend_html(lang), unsafe_allow_html=True)
if not holidays.has_statutory_data(f.year):
    st.caption(ui.t("calendar.no_statutory", year=f.year))
if ui.may_write("activities"):
    cal_ui.editor(d)

# -- exports ------------------------------------------------------------------------------
st.subheader(ui.t("calendar.export_heading"))
st.caption(ui.t("calendar.export_help", n=len(shown), deadlines=len(due)))
union = d.settings.get("union_name", "")
c1, c2 = st.columns(2)
c1.download_button(
    ui.t("calendar.export_ics"),
    lambda: ics.export(shown, due, lang, name=union, unit_names=names),
    file_name=f"unionplan-{f.year}.ics",
    mime="text/calendar",
    icon=":material/event:",
    on_click="ignore",
    key="cal_ics",
)
c2.download_button(
    ui.t("calendar.export_xlsx"),
    lambda: schedule_xlsx.to_xlsx(
        schedule_xlsx.build(shown, f.year, lang),
        f.year,
        lang,
        ui.t("calendar.schedule_title_union", union=union, year=f.year) if union else "",
    ),
    file_name=f"{ui.t('calendar.schedule_file')}-{f.year}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/table_view:",
    on_click="ignore",
    key="cal_xlsx",
)
st.caption(ui.t("calendar.ics_hint"))
