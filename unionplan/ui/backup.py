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
    the store bound here): a Google workbook is not re-read on every rerun of the page.
    With a separate aid workbook, a second one for it: only for an administrator who is
    also the union's aid officer, since everything in it is personal."""
    wb, actor = workbook(), person()
    whole = access.can_see_all_personal(actor)
    if not whole:
        st.caption(t("data.backup_masked"))
    name = d.settings.get("union_name", "")
    buttons = st.container(horizontal=True)
    buttons.download_button(
        t("data.backup_button"),
        lambda store=wb.store: backup.backup_store(store, actor),
        file_name=backup.backup_filename(name=name),
        mime=backup.XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key="backup",
    )
    if wb.aid is None:
        return
    if not whole:
        st.caption(t("data.backup_aid_refused"))
        return
    buttons.download_button(
        t("data.backup_aid_button"),
        lambda store=wb.aid: backup.backup_store(store, actor),
        file_name=backup.backup_filename(name=f"{name}-{t('data.backup_aid_file')}"),
        mime=backup.XLSX_MIME,
        on_click="ignore",
        icon=":material/lock:",
        key="backup_aid",
    )
