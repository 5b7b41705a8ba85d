"""The data page's "connect a Google Sheet" steps: paste the URL, give the key, test, use
the sheet for the session or for good, and copy the local workbook into it.

Every check and every failure message comes from `unionplan.ops.connect`; this module only
lays out the widgets and keeps the last successful test in the session.

The server's own key never leaves the server: the key is either uploaded here or the one
configured, and a secrets.toml (which holds the private key) is offered only for a key
this administrator uploaded in this session. No field names a file on the server.
"""

from __future__ import annotations

import streamlit as st

from unionplan.data import limits
from unionplan.data.sheet_address import sheet_key, sheet_url
from unionplan.errors import UnionplanError
from unionplan.ops import connect
from unionplan.ops.config import Location, open_store, resolve_location
from unionplan.ui import (
    clear_cache,
    flash,
    lang,
    location,
    person,
    show_error,
    t,
    use_location,
)

# (ConnectionCheck, ServiceAccount | None, login of whoever uploaded the key, or None when
# it is the server's) of the last good test
_CHECK = "_gs_check"
_MODES = ("upload", "configured")


def _account(loc: Location) -> tuple[connect.ServiceAccount | None, bool]:
    """Step ②: the key, uploaded or the one configured; and whether it was uploaded."""
    st.markdown(f"**{t('data.step_key')}**")
    st.caption(t("data.key_help"))
    try:
        configured = connect.configured_account(loc)
    except UnionplanError:
        configured = None
    modes = [m for m in _MODES if m != "configured" or configured]
    labels = {"upload": t("data.key_mode_upload"), "configured": t("data.key_configured")}
    mode = st.radio(
        t("data.step_key"),
        modes,
        index=modes.index("configured") if configured else 0,
        format_func=labels.__getitem__,
        horizontal=True,
        label_visibility="collapsed",
        key="gs_key_mode",
    )
    if mode == "configured":
        return configured, False
    up = st.file_uploader(t("data.key_upload"), type=["json"], key="gs_key_file")
    try:
        return (connect.read_service_account(up.getvalue()), True) if up else (None, False)
    except UnionplanError as exc:
        show_error(exc)
        return None, False


def _copy(check: connect.ConnectionCheck, account: connect.ServiceAccount | None) -> None:
    """Step ④: copy the local workbook into the tested sheet, with a progress bar."""
    local = connect.local_location(resolve_location())
    if local is None:
        return
    st.markdown(f"**{t('data.step_copy')}**")
    st.caption(t("data.copy_help"))
    if not connect.copy_available():
        st.caption(t("data.copy_unavailable"))
        return
    sure = st.checkbox(t("data.copy_confirm"), key="gs_copy_confirm")
    if not st.button(t("data.copy_button"), disabled=not sure, key="gs_copy"):
        return
    bar = st.progress(0.0)

    def progress(share: float, what: str) -> None:
        bar.progress(min(1.0, max(0.0, share)), text=t("data.copy_running", what=what))

    try:
        counts = connect.copy_to(
            open_store(local),
            connect.open_sheet(check.key, account),
            actor=person(),
            progress=progress,
        )
    except UnionplanError as exc:
        show_error(exc)
        return
    bar.progress(1.0)
    clear_cache()
    st.success(t("data.copy_done", n=sum(counts.values())), icon=":material/check_circle:")


def google_connect() -> None:
    """The four steps of connecting a Google Sheet."""
    loc = location()
    st.caption(t("data.google_intro"))
    url = st.text_input(
        t("data.step_url"),
        value=sheet_url(loc.target) if loc.kind == "gsheets" else "",
        placeholder=t("data.url_placeholder"),
        help=t("data.url_help"),
        key="gs_url",
        max_chars=limits.INPUT_CHARS["sheet_url"],
    )
    account, uploaded = _account(loc)
    if account:
        st.markdown(t("data.share_with"))
        st.code(account.email, language=None)

    st.markdown(f"**{t('data.step_test')}**")
    if st.button(t("data.test_button"), disabled=not url.strip(), key="gs_test", type="primary"):
        st.session_state.pop(_CHECK, None)
        try:
            with st.spinner(t("data.test_button")):
                st.session_state[_CHECK] = (
                    connect.check_connection(url, account),
                    account,
                    person().login if uploaded else None,
                )
        except UnionplanError as exc:
            show_error(exc)
    found = st.session_state.get(_CHECK)
    if not found or sheet_key(url) != found[0].key:
        return
    check, account, uploader = found
    if check.is_empty:
        st.success(t("data.test_ok_empty"), icon=":material/check_circle:")
    else:
        st.success(
            t("data.test_ok", tabs=len(check.tabs), found=len(check.tables_found)),
            icon=":material/check_circle:",
        )
        if check.tables_missing:
            sep = ", " if lang() == "en" else "、"
            names = sep.join(connect.table_label(k, lang()) for k in check.tables_missing)
            st.caption(t("data.tables_missing", tables=names))
    if st.button(t("data.use_sheet"), key="gs_use", icon=":material/swap_horiz:"):
        use_location(connect.location_for(check, account))
        clear_cache()
        flash(t("data.using_sheet"))
        st.rerun()
    if account and uploader is not None and uploader == person().login:
        # Only a key this administrator uploaded in this session: the server's own key
        # (secrets.toml, a key file) is never put in a download.
        st.caption(t("data.secrets_help"))
        st.download_button(
            t("data.secrets_button"),
            connect.secrets_toml(check, account),
            file_name="secrets.toml",
            mime="application/toml",
            on_click="ignore",
            key="gs_secrets",
        )
    _copy(check, account)
