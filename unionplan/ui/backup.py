"""The data page's backup download: the whole workbook as an .xlsx file (administrators
only: `backup.backup_store` checks the person who asked for it, and masks the personal
data of aid cases for one who is not also the union's aid officer)."""

from __future__ import annotations

import streamlit as st

from unionplan.data import access
from unionplan.data.tables import WorkbookData
from unionplan.ops import backup
from unionplan.ui import person, t, workbook


def backup_button(d: WorkbookData) -> None:
    """A download button whose file is built only when clicked (on another thread, hence
    the store bound here): a Google workbook is not re-read on every rerun of the page."""
    store, actor = workbook().store, person()
    if not access.can_see_all_personal(actor):
        st.caption(t("data.backup_masked"))
    st.download_button(
        t("data.backup_button"),
        lambda: backup.backup_store(store, actor),
        file_name=backup.backup_filename(name=d.settings.get("union_name", "")),
        mime=backup.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="backup",
    )
