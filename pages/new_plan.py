"""新建计划: start a year's plan from a starter template (school, township or street,
enterprise, hospital union) or from last year's plan (dates moved, festivals to their new
lunar dates, results left behind): see what will be created, confirm, one write.
Layout only: the records are `unionplan.plan.newyear`, the widgets `unionplan.ui.new_plan`."""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.ui import new_plan as view

d = ui.data()
ui.page_header("common.nav.new_plan", ui.t("reports.newplan.intro"))

with st.container(border=True, key="np_choice"):
    source, kind, year = view.choice(d)
new = view.build(d, source, kind, year)
if new is None:
    st.stop()  # the reason is shown
st.subheader(ui.t("reports.newplan.preview_heading", year=new.year))
view.preview(d, new)
st.divider()
view.confirm(new, source, kind)
