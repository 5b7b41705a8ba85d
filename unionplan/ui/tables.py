"""Long tables a page at a time: a table of a federation's ten thousand activities still
costs its serialisation on every rerun even though the grid only draws what is in view,
so past `PAGE_ROWS` rows the table shows one page and a picker for the others.

A table that fits one page looks as it always did: no picker, no caption.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.ui import lang, t

PAGE_ROWS = 500  # rows per page: a base union's year fits on one; a federation's pages
PICKER_WIDTH = 320  # px: "第 9,501–10,000 条（共 10,000 条）" and no wider than a phone


def page_count(n_rows: int, rows: int = PAGE_ROWS) -> int:
    return max(1, -(-n_rows // rows))


def page_picker(
    n_rows: int,
    key: str,
    rows: int = PAGE_ROWS,
    *,
    label_key: str = "common.table_page_label",
    text_key: str = "common.table_page",
) -> slice:
    """Which rows of a table of `n_rows` to show: all when they fit one page, else the
    page picked in a selectbox ("第 1–500 条"); a page past the end (the table shrank
    after a filter) goes back to the first."""
    pages = page_count(n_rows, rows)
    if pages == 1:
        st.session_state.pop(key, None)
        return slice(0, n_rows)
    if st.session_state.get(key) not in range(pages):
        st.session_state[key] = 0
    lg = lang()  # bound now: AppTest calls format functions after the run

    def label(p: int) -> str:
        first, last = p * rows + 1, min((p + 1) * rows, n_rows)
        return i18n.t(
            text_key,
            lg,
            first=i18n.fmt_number(first, lg),
            last=i18n.fmt_number(last, lg),
            n=i18n.fmt_number(n_rows, lg),
        )

    page = st.selectbox(t(label_key), range(pages), format_func=label, key=key, width=PICKER_WIDTH)
    return slice(page * rows, min((page + 1) * rows, n_rows))


def paged_dataframe(df: pd.DataFrame, key: str, rows: slice, **kwargs: Any) -> None:
    """`st.dataframe` of the rows `rows` (from `page_picker`) of `df`."""
    st.dataframe(df.iloc[rows], key=key, **kwargs)
