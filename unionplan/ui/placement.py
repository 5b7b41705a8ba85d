"""The data page's "where the aid files are kept" section (administrators): the two choices
explained, where they are now, the check of who could read personal data outside the app,
the setting that names a separate aid workbook, and moving the aid files there.

The check and the setting are `unionplan.ops.aidsplit`; the locations `unionplan.ops.config`.
No field names a server path: a local aid workbook is a plain file name beside the plan's.
"""

from __future__ import annotations

import streamlit as st

from unionplan.auth.accounts import UsersFile
from unionplan.data import limits
from unionplan.data.access import Person
from unionplan.data.sheet_address import sheet_key, sheet_url
from unionplan.data.tables import WorkbookData
from unionplan.errors import UnionplanError
from unionplan.markup import md_text
from unionplan.ops import aidsplit, config
from unionplan.ui import flash, lang, location, person, show_error, t, workbook

_CHOICES = ("one", "local", "google")


def _people() -> list[Person]:
    try:
        return [a.person() for a in UsersFile().accounts().values()]
    except UnionplanError:
        return []  # an unreadable users file is the users page's to report


def _setting_form(d: WorkbookData) -> None:
    plan = location()
    current = d.settings.get(config.AID_SETTING, "").strip()
    choice = "one" if not current else ("google" if sheet_key(current) else "local")
    picked = st.radio(
        t("data.aid.choice_label"),
        _CHOICES,
        index=_CHOICES.index(choice),
        # Labels fixed now: the format function is kept and called after this run too.
        format_func={c: t(f"data.aid.choice_{c}") for c in _CHOICES}.__getitem__,
        key=f"aid_place_choice_{lang()}",  # a radio's value is kept by its label
    )
    value = ""
    if picked == "local":
        default = config.default_aid_name(plan)
        value = st.text_input(
            t("data.aid.name_label"),
            value=current if choice == "local" else default,
            help=t("data.aid.name_help", default=default),
            key="aid_place_name",
            max_chars=limits.INPUT_CHARS["sheet_url"],
        )
    elif picked == "google":
        email = workbook().store.service_account_email() or ""
        value = st.text_input(
            t("data.aid.url_label"),
            value=sheet_url(sheet_key(current) or "") if choice == "google" else "",
            help=t("data.aid.url_help", email=email),
            key="aid_place_url",
            max_chars=limits.INPUT_CHARS["sheet_url"],
        )
    if st.button(t("data.aid.save"), key="aid_place_save"):
        try:
            aidsplit.save_aid_setting(workbook(), plan, value, person())
        except UnionplanError as exc:
            show_error(exc)
            return
        flash(t("data.aid.saved"))
        st.rerun()


def _move_section(cases: int) -> None:
    """Move the aid files still in the plan workbook into the aid workbook now configured
    (what `python -m unionplan aid-split` does): asked for once more, then copied,
    compared, backed up and cleared, or nothing changes."""
    st.markdown(f"**{t('data.aid.move_heading')}**")
    st.caption(t("data.aid.move_help"))
    sure = st.checkbox(t("data.aid.move_confirm", n=cases), key="aid_move_confirm")
    if not st.button(t("data.aid.move_button"), key="aid_move", type="primary", disabled=not sure):
        return
    wb = workbook()
    if wb.aid is None:  # the setting was changed elsewhere meanwhile
        return
    try:
        with st.spinner(t("data.aid.moving")):
            result = aidsplit.split_aid(wb.store, wb.aid, actor=person())
    except UnionplanError as exc:
        show_error(exc)
        return
    wb.invalidate()
    st.session_state.pop("aid_move_confirm", None)
    backup = result.backup.name if result.backup else ""
    flash(t("data.aid.moved", rows=sum(result.rows.values()), backup=md_text(backup)))
    st.rerun()


def aid_placement_section(d: WorkbookData) -> None:
    """Explain the two ways of keeping the aid files, show which is in use, warn about
    personal data others could read, and (unless the server fixes it) let an admin choose."""
    st.subheader(t("data.aid.heading"))
    st.markdown(t("data.aid.intro"))
    plan = location()
    try:
        aid = config.resolve_aid_location(plan, lambda: d.settings)
    except UnionplanError as exc:
        show_error(exc)
        aid = None
    if aid is None:
        st.markdown(t("data.aid.place_one"))
    else:
        st.markdown(t("data.aid.place_split", source=t(f"data.aid.source_{aid.source}")))
        st.code(d.aid_location or aid.target, language=None, wrap_lines=True)
    findings = aidsplit.check_placement(d, plan, aid, _people())
    for f in findings:
        params = {k: md_text(v) if isinstance(v, str) else v for k, v in f.params.items()}
        st.warning(t(f.key, **params), icon=":material/warning:")
    if not findings and aid is not None:
        st.success(t("data.aid.ok"), icon=":material/check_circle:")
    if aid is not None and d.plan_personal_cases and person().is_admin:
        _move_section(d.plan_personal_cases)
    if aid is not None and aid.source in ("env", "secrets"):
        st.caption(t("data.aid.configured_elsewhere"))
    elif person().is_admin:
        _setting_form(d)
