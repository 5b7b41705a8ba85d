"""日历: the year's activities, deadlines, holidays and union days; exports (.ics, .xlsx)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_calendar import calendar

from unionplan import i18n, ui
from unionplan.data import periods
from unionplan.plan import calendar_view, holidays, ics, schedule_xlsx
from unionplan.ui import activities as act_ui
from unionplan.ui import calendar as cal_ui

ui.page_header("common.nav.calendar")
lang = ui.lang()
d = ui.data()
names = act_ui.unit_names(d)

f = act_ui.filters(d, key="cal_f", period=False)
lo, hi = periods.year_bounds(f.year)
year = (lo, hi)
shown = act_ui.shown(d, f)
due = cal_ui.deadlines(d, f, year)

# A big year goes to the calendar a view at a time, moved by the page's own buttons.
today = dt.date.today()
size = cal_ui.year_size(d, f, year)
paged = size > calendar_view.YEAR_EVENTS_MAX
# The list view is the one that reads well on a phone, so phones start there.
phone = "Mobile" in (st.context.headers.get("User-Agent") or "")
with st.container(horizontal=True, vertical_alignment="center") if paged else st.container():
    view = st.segmented_control(
        ui.t("calendar.view"),
        calendar_view.VIEWS,
        default="list" if phone else "month",
        format_func=lambda v: i18n.t(f"calendar.view_{v}", lang),
        key="cal_view",
        label_visibility="collapsed",
        required=True,
    )
    if paged:
        cal_ui.navigator(view, year, today)

# A click (reported since the last run) opens the dialog below: an activity to edit, or a
# day's list.
edit = ui.may_write("activities")
initial, key = cal_ui.place(view, lang, year, today, paged=paged, clicks=edit)
# Handed a view at a time, the view's days are the calendar's valid range: moving the
# range moves the mounted calendar.
valid = calendar_view.visible_range(view, initial, year) if paged else year
calendar(
    events=cal_ui.events(d, f, view, lang, year, initial if paged else None),
    options=calendar_view.options(
        lang, view, initial, valid, calendar_view.height(view, phone), navigation=not paged
    ),
    custom_css=calendar_view.CUSTOM_CSS,
    callbacks=["eventClick"],
    key=key,
)

if paged:
    st.caption(ui.t("calendar.windowed_hint", n=i18n.fmt_number(size, lang)))
st.markdown(calendar_view.legend_html(lang), unsafe_allow_html=True)
if not holidays.has_statutory_data(f.year):
    st.caption(ui.t("calendar.no_statutory", year=f.year))
cal_ui.dialogs(d, f, year, edit=edit)

# -- exports ------------------------------------------------------------------------------
st.subheader(ui.t("calendar.export_heading"))
st.caption(
    ui.t(
        "calendar.export_help",
        n=i18n.fmt_number(len(shown), lang),
        deadlines=i18n.fmt_number(len(due), lang),
    )
)
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
