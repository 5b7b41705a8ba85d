"""慰问活动: pay a round of aid at once (春节送温暖 …): pick the kind and the cases, review
the list and the total, write every payment in one operation, then download the sign-off
sheet (aid officers); the campaigns written so far as figures for everyone. Layout only:
the logic is `unionplan.aid.campaigns` and `unionplan.ui.aid_campaign`."""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.ui import aid
from unionplan.ui import aid_campaign as view

d = ui.data()
ui.page_header("aidui.campaigns_title", ui.t("aidui.campaigns_intro"))
if aid.keeper():
    view.last_written(d)
    view.plan_form(d)
    view.review(d)
else:
    aid.read_only_note()
st.subheader(ui.t("aidui.campaigns_done"))
view.written_table(d)
if aid.keeper():
    view.past_signoff(d)
