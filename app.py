"""unionplan: a trade union's year of work in one shared spreadsheet.

Entry point for ``streamlit run app.py``: page config, language, sign-in, the sidebar and
the navigation over the page scripts in ``pages/``. Nothing of the app runs before the
sign-in gate has decided who is using it (unionplan.ui.signin); a page a person's roles do
not open is registered hidden, and its address shows a refusal instead of the page.
"""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.ui import signin
from unionplan.ui.navigation import DEFAULT_PAGE, SECTIONS

DATA_PAGE = "pages/data.py"

ui.init_session()  # first, so ?lang= already applies to the browser tab's title
st.set_page_config(
    page_title=ui.t("common.app_title"),
    page_icon=":material/groups:",
    layout="wide",
    initial_sidebar_state="auto",
)

person = signin.gate()
if person is None:
    st.stop()  # the gate showed the sign-in page or a refusal, and nothing else

nav = {
    ui.t(section_key): [
        signin.page(person, name, script, ui.t(f"common.nav.{name}"), icon, name == DEFAULT_PAGE)
        for name, script, icon in entries
    ]
    for section_key, entries in SECTIONS
}
nav[ui.t("common.nav.section_data")].append(signin.help_page())
page = st.navigation(nav)
# The browser tab says which page and which app: "概览 · 工会工作计划".
st.set_page_config(page_title=f"{page.title} · {ui.t('common.app_title')}")
ui.sidebar()
signin.account_block(person)
signin.local_notice()
ui.run_page(page, DATA_PAGE if signin.may_open(person, "data") else None)
