"""The local workbook open in an office program: say so, and let an admin ignore a stale lock.

While Excel/WPS (``~$name.xlsx``) or LibreOffice (``.~lock.name.xlsx#``) keeps its lock file
beside the workbook, saves are refused with WorkbookOpenElsewhereError (forms show it and
keep their input). A lock left behind by a crash would block saving for good, so the data
page offers to ignore that one lock file; the file itself is left where it is.
"""

from __future__ import annotations

import streamlit as st

from unionplan import ui
from unionplan.errors import UnionplanError


def office_lock_notice(*, key: str = "ignore_office_lock") -> None:
    """A warning while a lock file is there, with the admin's "ignore this lock" button.

    Only the data page calls it, and the data page is for admins (sign-in gates it).
    """
    try:
        wb = ui.workbook()
    except UnionplanError:
        return  # no workbook to open: the page already says why
    lock = wb.office_lock()
    if lock is None:
        return
    st.subheader(ui.t("data.lock_heading"))
    st.warning(ui.t("data.lock_found", name=lock.name), icon=":material/lock:")
    if st.button(ui.t("data.lock_ignore"), key=key):
        wb.ignore_office_lock(lock)
        ui.flash(ui.t("data.lock_ignored", name=lock.name))
        st.rerun()
