"""The calendar periods a union's year is reported in: months, quarters, halves, the year.

One place for their bounds, so the targets page, the overview, the activity filters and
the charts agree on where a quarter starts and ends. Periods are named by codes "Q1"–"Q4",
"H1", "H2" and "Y" where a single value must say which one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from unionplan.data.parse import PlanDate
from unionplan.data.values import is_missing

Bounds = tuple[dt.date, dt.date]  # first and last day, both included

PERIOD_CODES: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y")


def month_end(year: int, month: int) -> dt.date:
    """The last day of a month; months past 12 roll into the next years (month 14 = Feb)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int) -> Bounds:
    return dt.date(year, month, 1), month_end(year, month)


def quarter_of(day: dt.date) -> int:
    """1–4: the quarter `day` falls in."""
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> Bounds:
    """First and last day of quarter 1–4 of `year`."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"no quarter {quarter!r}")
    first = 3 * quarter - 2
    return dt.date(year, first, 1), month_end(year, first + 2)


def is_quarter_end(day: dt.date) -> bool:
    end = quarter_bounds(day.year, quarter_of(day))[1]
    # Month and day, not ==: a pandas Timestamp never equals a plain date.
    return (day.month, day.day) == (end.month, end.day)


def half_of(day: dt.date) -> int:
    """1 for January–June, 2 for July–December."""
    return 1 if day.month <= 6 else 2


def half_bounds(year: int, half: int) -> Bounds:
    """First and last day of half 1 or 2 of `year`."""
    if half not in (1, 2):
        raise ValueError(f"no half-year {half!r}")
    first = 1 if half == 1 else 7
    return dt.date(year, first, 1), month_end(year, first + 5)


def year_bounds(year: int) -> Bounds:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def period_bounds(year: int, code: str) -> Bounds:
    """First and last day of a quarter ("Q1"…"Q4"), half ("H1", "H2") or the year ("Y")."""
    code = code.upper()
    if code == "Y":
        return year_bounds(year)
    if code in ("H1", "H2"):
        return half_bounds(year, int(code[1]))
    if code in ("Q1", "Q2", "Q3", "Q4"):
        return quarter_bounds(year, int(code[1]))
    raise ValueError(f"unknown period code {code!r}")


def last_day(value: Any) -> dt.date | None:
    """The last day a date-like cell allows: a month-only PlanDate ("6月") runs to the
    month's end, a datetime counts by its day; anything else (blank, text) is None."""
    if is_missing(value):
        return None
    if isinstance(value, PlanDate):
        return value.last()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
