"""目标与进度: every target of the plan with its status on the selected quarter or half-year,
the charts leaders read, the unit assessment, and the forms to record progress and edit
targets. Layout only: the computation is `unionplan.goals.targets.evaluate`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from unionplan import ui
from unionplan.ui import targets as view

today = dt.date.today()
d = ui.data()
ui.page_header("targets.title", ui.t("targets.intro"))

period, as_of = view.period_picker(d, today)
df = view.evaluated(d, as_of)
view.status_line(df)
view.rules_caption()

# Only the open tab runs: a period change redraws its charts alone.
tab, box = ui.lazy_tabs("targets", view.TABS)
with box:
    if tab == "edit":
        if ui.may_write("targets"):
            view.edit_tab(d)
        else:
            st.caption(ui.t("auth.read_only"))
    elif df.empty:
        st.info(ui.t("targets.no_targets"))
    elif tab == "overview":
        view.overview_tab(d, as_of)
    elif tab == "detail":
        view.detail_tab(df, d, as_of)
    elif tab == "units":
        view.units_tab(df, d, as_of)
    elif ui.may_write("progress"):
        view.progress_tab(df, d, today)
    else:
        st.caption(ui.t("auth.read_only"))
