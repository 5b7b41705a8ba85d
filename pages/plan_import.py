"""导入计划: the plan a union already wrote (pasted text, or a .txt/.md/.xlsx/.csv file)
becomes a preview of activities by month and targets with numbers, which the person
corrects and imports in one write; importing it again adds nothing. Layout only: the
importer is `unionplan.reports.importer`, the widgets `unionplan.ui.plan_import`."""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.ui import plan_import as view

d = ui.data()
ui.page_header("common.nav.plan_import", ui.t("reports.import.intro"))
if not (ui.may_write("activities") and ui.may_write("targets")):
    st.caption(ui.t("reports.import.read_only"))
    st.stop()  # reading a plan is for those who may import it: the workbook checks anyway

with st.container(border=True, key="imp_input"):
    src = view.source_input()
    year = view.year_input(d)
if src is None:
    st.info(ui.t("reports.import.hint"))
    st.stop()

columns = None
if src.is_table:
    first = view.read(src, year, None)
    if first is None:
        st.stop()  # the reason is shown
    columns = view.column_choice(src, missing=first[1].empty)
read = view.read(src, year, columns)
if read is None:
    st.stop()  # the reason is shown
reading, preview = read

st.subheader(ui.t("reports.import.preview_heading"))
if preview.empty:
    view.issues(preview)  # why nothing was found
    st.info(ui.t("reports.import.nothing"))
    st.stop()
edited = view.edit(preview, reading)
view.issues(preview)
st.divider()
view.import_button(d, edited)
