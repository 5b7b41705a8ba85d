"""报告: a quarterly progress report, a half-year summary or an annual summary for a
period and a member unit, every figure from the workbook; the narrative editable before
downloading it as .docx, the tables as .xlsx; and the year's work plan as .docx.
Layout only: the report is `unionplan.reports`, the widgets `unionplan.ui.reports`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from unionplan import ui
from unionplan.reports.report import may_see_personal
from unionplan.ui import reports as view

today = dt.date.today()
d = ui.data()
ui.page_header("common.nav.reports", ui.t("reports.page.intro"))

with st.container(border=True, key="rep_choice"):
    choice = view.chooser(d, today)
    if st.button(
        ui.t("reports.page.generate"), type="primary", icon=":material/summarize:", key="rep_go"
    ):
        view.ask(choice)
view.workplan_button(d)

shown = view.asked()
if shown is None:
    st.info(ui.t("reports.page.choose_hint"))
    st.stop()
if shown != choice:
    st.caption(ui.t("reports.page.choice_changed"))

personal = may_see_personal(d, ui.person(), shown.unit)
rep = view.report(d, shown, personal, today)
st.divider()
texts = view.preview(rep, shown)
st.divider()
view.downloads(rep, texts)
