"""数据与连接: which workbook is in use, its data issues, a backup, where the aid files are kept,
the history of changes, and a Google Sheet."""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.errors import UnionplanError
from unionplan.ops import connect
from unionplan.ui.backup import backup_button
from unionplan.ui.connection import google_connect
from unionplan.ui.history import history_section
from unionplan.ui.locks import office_lock_notice
from unionplan.ui.placement import aid_placement_section

ui.page_header("common.nav.data")
loc = ui.location()
where = connect.describe_location(loc)

# -- which workbook ---------------------------------------------------------------------
st.subheader(ui.t("data.current_heading"))
try:
    d = ui.data()
except UnionplanError as exc:
    d = None
    ui.show_error(exc)
    st.caption(ui.t("data.load_failed"))

info, actions = st.columns([3, 1])
with info:
    lines = [
        ("data.kind_label", ui.t("data.kind_" + where["kind"])),
        ("data.source_label", ui.t("data.source_" + where["source"])),
    ]
    if d:
        lines.append(("data.loaded_label", ui.fmt_loaded_at(d)))
    st.markdown("  \n".join(f"**{ui.t(k)}**{ui.t('common.colon')}{v}" for k, v in lines))
    st.code(where["place"], language=None, wrap_lines=True)
    if d:
        st.caption(ui.t("data.records_caption", counts=ui.record_counts_text(d)))
with actions:
    ui.refresh_button()
    if loc.source == "session" and st.button(ui.t("data.use_local"), key="use_local"):
        ui.forget_location()
        ui.flash(ui.t("data.back_to_local"))
        st.rerun()

office_lock_notice()  # the workbook open in Excel/WPS/LibreOffice: saves wait

# -- data issues ------------------------------------------------------------------------
if d:
    st.subheader(ui.t("data.issues_heading", n=len(d.issues)))
    if d.issues:
        st.caption(ui.t("data.issues_count", n=len(d.issues)))
        ui.issues_table(d)
    else:
        st.success(ui.t("data.issues_none"), icon=":material/check_circle:")

# -- backup (only of a workbook that could be read) --------------------------------------
if d:
    st.subheader(ui.t("data.backup_heading"))
    st.caption(ui.t("data.backup_help"))
    backup_button(d)

# -- where the aid files are kept (personal data) ----------------------------------------
if d:
    aid_placement_section(d)

# -- who changed what -------------------------------------------------------------------
if d:
    history_section(d)

# -- Google Sheets ----------------------------------------------------------------------
st.subheader(ui.t("data.google_heading"))
google_connect()
