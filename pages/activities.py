"""活动: the year's activities, filtered and totalled; add one; act on one."""

from __future__ import annotations

import streamlit as st

from unionplan import i18n, ui
from unionplan.ui import activities as act_ui
from unionplan.ui.tables import page_picker, paged_dataframe

ui.page_header("common.nav.activities")
lang = ui.lang()
d = ui.data()

f = act_ui.filters(d, key="act_f")
shown = act_ui.shown(d, f)

# -- what is shown, in figures ------------------------------------------------------------
tot = act_ui.totals(d, f)
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

rows = slice(0, 0)
if shown.empty:
    st.info(ui.t("activities.none_shown"))
else:
    st.caption(ui.t("activities.table_hint"))
    rows = page_picker(len(shown), key="act_page")
    paged_dataframe(
        act_ui.display_table(d, f),
        "act_table",
        rows,
        hide_index=True,
        width="stretch",
        placeholder="",
    )

if not ui.may_write("activities"):
    st.caption(ui.t("auth.read_only"))
    st.stop()  # a reader's page ends with the table: no add form, no actions

# -- add ----------------------------------------------------------------------------------
act_ui.add_section()

# -- one activity -------------------------------------------------------------------------
st.subheader(ui.t("activities.selected_heading"))
act_ui.chosen_activity(d, f, rows)
