"""Quarters, halves and the year: one set of bounds for every page."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from unionplan.data import periods
from unionplan.data.parse import PlanDate

D = dt.date


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(D(2026, 1, 1), 1), (D(2026, 3, 31), 1), (D(2026, 4, 1), 2), (D(2026, 12, 31), 4)],
)
def test_quarter_of(day: dt.date, quarter: int) -> None:
    assert periods.quarter_of(day) == quarter


def test_quarter_bounds() -> None:
    assert periods.quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert periods.quarter_bounds(2026, 2) == (D(2026, 4, 1), D(2026, 6, 30))
    assert periods.quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    with pytest.raises(ValueError):
        periods.quarter_bounds(2026, 5)


def test_every_day_lies_in_its_quarter() -> None:
    day = D(2028, 1, 1)
    while day.year == 2028:
        start, end = periods.quarter_bounds(day.year, periods.quarter_of(day))
        assert start <= day <= end
        assert periods.is_quarter_end(day) == (day == end)
        start, end = periods.half_bounds(day.year, periods.half_of(day))
        assert start <= day <= end
        day += dt.timedelta(days=1)


def test_halves_and_year() -> None:
    assert periods.half_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 6, 30))
    assert periods.half_bounds(2026, 2) == (D(2026, 7, 1), D(2026, 12, 31))
    assert periods.year_bounds(2026) == (D(2026, 1, 1), D(2026, 12, 31))
    assert periods.period_bounds(2026, "h2") == periods.half_bounds(2026, 2)
    assert periods.period_bounds(2026, "Q3") == periods.quarter_bounds(2026, 3)
    with pytest.raises(ValueError):
        periods.period_bounds(2026, "Q5")


def test_month_end_rolls_into_the_next_year() -> None:
    assert periods.month_end(2028, 2) == D(2028, 2, 29)
    assert periods.month_end(2026, 14) == D(2027, 2, 28)
    assert periods.month_bounds(2026, 4) == (D(2026, 4, 1), D(2026, 4, 30))


def test_quarter_end_of_a_pandas_timestamp() -> None:
    assert periods.is_quarter_end(pd.Timestamp(2026, 6, 30))
    assert not periods.is_quarter_end(pd.Timestamp(2026, 6, 29))


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (PlanDate(2026, 6), D(2026, 6, 30)),
        (PlanDate(2026, 6, 8), D(2026, 6, 8)),
        (dt.datetime(2026, 6, 8, 14, 30), D(2026, 6, 8)),
        (D(2026, 6, 8), D(2026, 6, 8)),
        (None, None),
        (pd.NaT, None),
        ("6月", None),
    ],
)
def test_last_day(value: object, day: dt.date | None) -> None:
    assert periods.last_day(value) == day
