"""账号: the sign-in accounts (administrators only): list, add, edit, new password, unlock,
remove. Accounts live in the users file on the server, never in the workbook."""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.ui import users as view

ui.page_header("common.nav.users", ui.t("auth.users_intro"))
accounts = view.users().accounts()
if accounts:
    st.dataframe(view.accounts_frame(view.users()), hide_index=True, width="stretch", key="acc")
else:
    st.info(ui.t("auth.no_accounts"))

with st.expander(ui.t("auth.add_heading"), icon=":material/person_add:"):
    view.account_form("acc_add", None)

if accounts:
    st.subheader(ui.t("auth.edit_heading"))
    chosen = st.selectbox(
        ui.t("auth.choose"),
        [None, *sorted(accounts)],
        format_func=lambda login: ui.t("auth.choose_placeholder") if login is None else login,
        key="acc_chosen",
        placeholder=ui.t("auth.choose_placeholder"),
    )
    if chosen:
        view.account_form(f"acc_edit_{chosen}", accounts[chosen])
        view.account_actions(accounts[chosen])
