"""发放与资金: the payments of a year, the forms to record a payment and a fund income
(aid officers), each fund source's balance now and over time, and the year's charts.
Layout only: the logic is `unionplan.aid` and `unionplan.ui.aid_money`."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from unionplan import ui
from unionplan.ui import aid
from unionplan.ui import aid_money as view

today = dt.date.today()
d = ui.data()
ui.page_header("aidui.payments_title", ui.t("aidui.payments_intro"))
year = view.year_picker(d, today)
if not aid.keeper():
    st.caption(ui.t("aidui.masked_note"))

payments, add, fund, charts = st.tabs(
    [
        ui.t("aidui.tab_payments"),
        ui.t("aidui.tab_add_payment"),
        ui.t("aidui.tab_fund"),
        ui.t("aidui.tab_charts"),
    ]
)
with payments:
    view.payments_table(d, year)
    if aid.keeper():
        view.edit_payment(d, year)
with add:
    if aid.keeper():
        view.payment_form(d)
    else:
        aid.read_only_note()
with fund:
    view.balances(d, today)
    if aid.keeper():
        view.income_form()
with charts:
    view.year_charts(d, year)
