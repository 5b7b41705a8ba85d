"""The history of changes on screen: the data page's section (filters, a page of lines,
the export for administrators), one record's history under its edit form, and an aid
case's history (the case, its payments and its history records) for the aid pages.

Everything is computed by `unionplan.history`; what depends only on the load (the audit
rows prepared, the people and tables they name, which case each payment belongs to) is
computed once per load and shared. Each rerun filters, and flattens only what is shown.
Personal data is masked for the signed-in person as `history.personal_access` says.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import history, i18n
from unionplan.data import limits
from unionplan.data.tables import WorkbookData
from unionplan.history import Filters
from unionplan.ops.backup import XLSX_MIME
from unionplan.ui import data, derived, lang, person, t, tables

PAGE = 100  # saves per page: a few hundred lines, quick to draw on a phone


# ------------------------------------------------------------------ once per load


Prepared = tuple[pd.DataFrame, dict[str, str], dict[tuple[str, str], str], list[str], list[str]]


def _prepared(d: WorkbookData) -> Prepared:
    rows = history.audit_rows(d)
    people, tables = history.choices(rows)
    return rows, history.case_index(d, rows), history.record_titles(d), people, tables


def prepared(d: WorkbookData) -> Prepared:
    """The audit rows, the case index, record titles, people and tables, once per load
    (a 50,000-row log: about a quarter of a second), shared read-only by every session
    (`derived`, the cache of everything computed from a load)."""
    return derived(_prepared, d)


# ------------------------------------------------------------------ lines for this person


def _lines(d: WorkbookData, rows: pd.DataFrame) -> pd.DataFrame:
    """`rows` flattened, masked for the signed-in person, headers in their language."""
    _, index, titles, _, _ = prepared(d)
    personal = history.personal_access(d, person(), index)
    if history.masks_any(rows, personal):
        st.caption(t("history.masked_note"))
    shown = history.flatten(rows, lang(), personal=personal, titles=titles)
    return history.headed(shown, lang())


def _table(d: WorkbookData, rows: pd.DataFrame, key: str) -> None:
    """A page of `rows` as lines, with the page picker when they do not fit one."""
    shown = rows.iloc[
        tables.page_picker(
            len(rows), f"{key}_page", PAGE, label_key="history.page_label", text_key="history.page"
        )
    ]
    lines = _lines(d, shown)
    st.caption(
        t("history.count", n=i18n.fmt_number(len(rows), lang()), shown=len(lines))
        if len(shown) < len(rows)
        else t("history.count_all", n=i18n.fmt_number(len(rows), lang()))
    )
    st.dataframe(lines, hide_index=True, width="stretch", key=key)


# ------------------------------------------------------------------ the data page


def _filters(people: list[str], tables: list[str]) -> Filters:
    lg = lang()
    c1, c2 = st.columns(2)
    who = c1.multiselect(t("history.filter_people"), people, key="hist_people")
    which = c2.multiselect(
        t("history.filter_tables"),
        tables,
        format_func=lambda k: history.table_label(k, lg),
        key="hist_tables",
    )
    c3, c4, c5 = st.columns(3)
    start = c3.date_input(t("history.filter_start"), value=None, key="hist_start")
    end = c4.date_input(t("history.filter_end"), value=None, key="hist_end")
    record = c5.text_input(
        t("history.filter_record"),
        placeholder=t("history.filter_record_ph"),
        key="hist_record",
        max_chars=limits.MAX_LABEL_CHARS,
    )
    return Filters(
        tuple(who),
        tuple(which),
        start if isinstance(start, dt.date) else None,
        end if isinstance(end, dt.date) else None,
        record,
    )


def history_section(d: WorkbookData) -> None:
    """The data page's history: who changed what and when, filtered; the export for
    administrators (`history.export` refuses anyone else)."""
    st.subheader(t("history.heading"))
    st.caption(t("history.intro"))
    rows, index, titles, people, tables = prepared(d)
    if rows.empty:
        st.info(t("history.none"))
        return
    f = _filters(people, tables)
    picked = history.select(rows, f)
    if picked.empty:
        st.info(t("history.none_filtered"))
        return
    _table(d, picked, "hist_table")
    if person().is_admin:
        _export_button(d, picked, index, titles)


def _export_button(
    d: WorkbookData,
    picked: pd.DataFrame,
    index: dict[str, str],
    titles: dict[tuple[str, str], str],
) -> None:
    """The export of every line the filters select, built only when clicked (on another
    thread, hence everything bound here)."""
    lg, who = lang(), person()
    if len(picked) > history.EXPORT_MAX_LINES:
        st.caption(
            t(
                "history.export_too_many",
                n=i18n.fmt_number(len(picked), lg),
                max=i18n.fmt_number(history.EXPORT_MAX_LINES, lg),
            )
        )
        return
    personal = history.personal_access(d, who, index)

    def build() -> bytes:
        return history.export(who, picked, lg, personal=personal, titles=titles)

    st.download_button(
        t("history.export_button"),
        build,
        file_name=f"{t('history.export_file')}-{dt.datetime.now():%Y%m%d-%H%M}.xlsx",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        help=t("history.export_help"),
        key="hist_export",
    )


# ------------------------------------------------------------------ one record, one case


def _expander(d: WorkbookData, rows: pd.DataFrame, key: str) -> None:
    with st.expander(t("history.record_heading", n=len(rows)), icon=":material/history:"):
        if rows.empty:
            st.caption(t("history.record_none"))
        else:
            _table(d, rows, key)


def record_history(table_key: str, record_id: Any, *, key: str) -> None:
    """One record's history of changes, in an expander (under its edit form)."""
    d = data()
    rows = prepared(d)[0]
    _expander(d, history.record_rows(rows, table_key, [str(record_id)]), key)


def case_history(case_id: Any, *, key: str) -> None:
    """An aid case's history of changes: the case, its payments and its history records,
    masked for a reader who may not see the case's personal data."""
    d = data()
    rows, index, *_ = prepared(d)
    _expander(d, history.case_rows(rows, str(case_id), index), key)
