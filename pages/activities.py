"""活动: the year's activities, filtered and totalled; add one; act on one."""

from __future__ import annotations

import streamlit as st

from unionplan import i18n, ui
from unionplan.plan import activities
from unionplan.ui import activities as act_ui

ui.page_header("common.nav.activities")
lang = ui.lang()
d = ui.data()
names = act_ui.unit_names(d)

f = act_ui.filters(d, key="act_f")
shown = activities.sort_by_start(activities.filter_activities(d.df("activities"), f, names))

# -- what is shown, in figures ------------------------------------------------------------
tot = activities.totals(shown)
m1, m2, m3 = st.columns(3)
m1.metric(ui.t("activities.metric_count"), tot.count, border=True)
m2.metric(
    ui.t("activities.metric_participants"),
    i18n.fmt_number(tot.actual_participants, lang),
    border=True,
)
m3.metric(ui.t("activities.metric_cost"), i18n.fmt_money(tot.actual_cost, lang), border=True)
st.caption(
    ui.t(
        "activities.metric_planned",
        planned=i18n.fmt_number(tot.planned_participants, lang),
        budget=i18n.fmt_money(tot.budget, lang),
    )
)

if shown.empty:
    st.info(ui.t("activities.none_shown"))
else:
    st.caption(ui.t("activities.table_hint"))
    st.dataframe(
        activities.table(shown, lang, names),
        hide_index=True,
        width="stretch",
        placeholder="",
        key="act_table",
    )

if not ui.may_write("activities"):
    st.caption(ui.t("auth.read_only"))
    st.stop()  # a reader's page ends with the table: no add form, no actions

# -- add ----------------------------------------------------------------------------------
with st.expander(ui.t("activities.add_heading"), icon=":material/add:"):
    act_ui.activity_form("act_add")

# -- one activity -------------------------------------------------------------------------
st.subheader(ui.t("activities.selected_heading"))
records = {r["id"]: r for r in shown.to_dict("records") if r.get("id")}
chosen = st.selectbox(
    ui.t("activities.choose"),
    [None, *records],
    format_func=lambda i: (
        i18n.t("activities.choose_placeholder", lang)
        if i is None
        else activities.label(records[i], lang)
    ),
    key="act_chosen",
)
if chosen:
    act_ui.activity_panel(f"act_sel_{chosen}", d.record("activities", chosen))
