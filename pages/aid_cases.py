"""帮扶对象: the register of hardship cases (reviews due first, filters, the pairing of
each case with a cadre) and, for aid officers, the forms to add and edit a case, move
it through its life, record a visit or a note, and read its history. Layout only: the
logic is `unionplan.aid` and `unionplan.ui.aid` / `unionplan.ui.aid_cases`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from unionplan import ui
from unionplan.ui import aid
from unionplan.ui import aid_cases as forms

today = dt.date.today()
d = ui.data()
ui.page_header("aidui.cases_title", ui.t("aidui.cases_intro"))
aid.review_metrics(d, today)
if not aid.keeper():
    st.caption(ui.t("aidui.masked_note"))

register, pairing, one, add = st.tabs(
    [
        ui.t("aidui.tab_register"),
        ui.t("aidui.tab_pairing"),
        ui.t("aidui.tab_case"),
        ui.t("aidui.tab_add"),
    ]
)
with register:
    f = aid.register_filters(d)
    reg = aid.register(d, today, f)
    if reg.empty:
        st.info(ui.t("aidui.no_cases"))
    else:
        aid.register_table(d, reg)
with pairing:
    aid.pairing_table(d)
with one:
    if not aid.keeper():
        aid.read_only_note()
    else:
        visible = aid.case_visible(d)
        ids = [i for i, u in zip(reg["id"], reg["unit"], strict=True) if visible(u)]
        case = forms.pick_case(d, [str(i) for i in ids])
        if case is not None:
            edit, status, visit, history = st.tabs(
                [
                    ui.t("aidui.tab_edit"),
                    ui.t("aidui.tab_status"),
                    ui.t("aidui.tab_visit"),
                    ui.t("aidui.tab_history"),
                ]
            )
            with edit:
                forms.edit_case(d, case)
            with status:
                forms.status_form(case)
            with visit:
                forms.visit_form(case)
            with history:
                forms.history_table(d, case)
with add:
    if aid.keeper():
        forms.add_case(d)
    else:
        aid.read_only_note()
