"""The overview page's per-load work: the quarter's summary and its ready-to-show tables,
computed once per load, day and language and shared by every session (the target
statuses are the targets page's own cached evaluation, so the two pages agree)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from unionplan import overview
from unionplan.data.tables import WorkbookData
from unionplan.ui import derived, lang
from unionplan.ui.targets import evaluated


def _summary(d: WorkbookData, today: dt.date) -> overview.OverviewSummary:
    return overview.summary(d, today, evaluated(d, today))


def summary(d: WorkbookData, today: dt.date) -> overview.OverviewSummary:
    """`overview.summary` of the load `d` as seen on `today`. Do not mutate."""
    return derived(_summary, d, today)


def _tables(
    d: WorkbookData, today: dt.date, lg: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    s = summary(d, today)
    return (
        overview.attention_table(s, lg),
        overview.upcoming_table(s, lg),
        overview.deadlines_table(s, lg),
    )


def tables(d: WorkbookData, today: dt.date) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(attention, upcoming, deadlines) tables in the session's language."""
    return derived(_tables, d, today, lang())
