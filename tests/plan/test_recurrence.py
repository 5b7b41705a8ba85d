"""Recurrence rules: every other Friday across a year, month ends, quarters, half-years,
and the per-occurrence record ("2026-03-06=done; 2026-03-20=skipped")."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from unionplan.plan import recurrence
from unionplan.plan.recurrence import add_months, iter_dates, occurrences_between

D = dt.date


def test_every_other_friday_across_a_year() -> None:
    # The seeds' "双周五下午4:20–5:00 工会活动", starting the first Friday of 2026.
    days = list(iter_dates(D(2026, 1, 2), "biweekly", D(2026, 12, 31)))
    assert len(days) == 26
    assert all(d.weekday() == 4 for d in days)
    assert days[:3] == [D(2026, 1, 2), D(2026, 1, 16), D(2026, 1, 30)]
    assert days[-1] == D(2026, 12, 18)
    assert all((b - a).days == 14 for a, b in itertools.pairwise(days))


def test_biweekly_from_march_skips_the_in_between_fridays() -> None:
    days = list(iter_dates(D(2026, 3, 6), "biweekly", D(2026, 12, 31)))
    assert D(2026, 3, 13) not in days and D(2026, 3, 20) in days
    assert len(days) == 22 and days[-1] == D(2026, 12, 25)


def test_weekly_until_is_inclusive() -> None:
    days = list(iter_dates(D(2026, 9, 1), "weekly", D(2026, 9, 29)))
    assert days == [D(2026, 9, 1), D(2026, 9, 8), D(2026, 9, 15), D(2026, 9, 22), D(2026, 9, 29)]


def test_without_an_end_a_rule_runs_to_the_end_of_its_year() -> None:
    days = list(iter_dates(D(2026, 11, 15), "monthly"))
    assert days == [D(2026, 11, 15), D(2026, 12, 15)]


def test_monthly_on_the_31st_clamps_and_comes_back() -> None:
    days = list(iter_dates(D(2026, 1, 31), "monthly", D(2026, 6, 30)))
    assert days == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 31),  # back to the 31st: computed from the anchor, not from 28 Feb
        D(2026, 4, 30),
        D(2026, 5, 31),
        D(2026, 6, 30),
    ]


def test_monthly_on_the_29th_and_30th_in_february() -> None:
    assert list(iter_dates(D(2027, 1, 29), "monthly", D(2027, 3, 31))) == [
        D(2027, 1, 29),
        D(2027, 2, 28),
        D(2027, 3, 29),
    ]
    # 2028 is a leap year: the 29th exists.
    assert list(iter_dates(D(2028, 1, 30), "monthly", D(2028, 3, 31))) == [
        D(2028, 1, 30),
        D(2028, 2, 29),
        D(2028, 3, 30),
    ]


def test_quarterly_month_ends() -> None:
    assert list(iter_dates(D(2026, 1, 31), "quarterly", D(2026, 12, 31))) == [
        D(2026, 1, 31),
        D(2026, 4, 30),
        D(2026, 7, 31),
        D(2026, 10, 31),
    ]


def test_quarterly_across_the_new_year() -> None:
    assert list(iter_dates(D(2026, 11, 30), "quarterly", D(2027, 12, 31))) == [
        D(2026, 11, 30),
        D(2027, 2, 28),
        D(2027, 5, 30),
        D(2027, 8, 30),
        D(2027, 11, 30),
    ]


def test_halfyearly() -> None:
    assert list(iter_dates(D(2026, 8, 31), "halfyearly", D(2028, 12, 31))) == [
        D(2026, 8, 31),
        D(2027, 2, 28),
        D(2027, 8, 31),
        D(2028, 2, 29),
        D(2028, 8, 31),
    ]


def test_unknown_rule_is_an_error() -> None:
    with pytest.raises(ValueError):
        list(iter_dates(D(2026, 1, 1), "daily"))


@pytest.mark.parametrize("freq", recurrence.FREQS)
def test_window_matches_the_full_series(freq: str) -> None:
    start, until = D(2024, 1, 31), D(2027, 6, 30)
    full = list(iter_dates(start, freq, until))
    lo, hi = D(2026, 2, 10), D(2026, 11, 3)
    assert occurrences_between(start, freq, until, lo, hi) == [d for d in full if lo <= d <= hi]


def test_add_months_and_years() -> None:
    assert add_months(D(2026, 3, 31), 1) == D(2026, 4, 30)
    assert add_months(D(2026, 11, 15), 3) == D(2027, 2, 15)
    assert add_months(D(2026, 1, 15), -2) == D(2025, 11, 15)
    assert recurrence.add_years(D(2028, 2, 29), 1) == D(2029, 2, 28)


def test_ical_frequency_and_interval() -> None:
    assert recurrence.rule_index("biweekly") == ("WEEKLY", 2)
    assert recurrence.rule_index("quarterly") == ("MONTHLY", 3)
    assert recurrence.rule_index("halfyearly") == ("MONTHLY", 6)


# ------------------------------------------------------------------ the occurrences column


def test_parse_and_format_occurrences() -> None:
    states, bad = recurrence.parse_occurrences("2026-03-06=done; 2026-03-20=skipped", 2026)
    assert states == {D(2026, 3, 6): "done", D(2026, 3, 20): "skipped"}
    assert bad == []
    assert recurrence.format_occurrences(states) == "2026-03-06=done; 2026-03-20=skipped"


def test_parse_occurrences_as_people_type_them() -> None:
    states, bad = recurrence.parse_occurrences(
        "3月20日：跳过；4月3日=已完成\n五月=done; 随便写写", 2026
    )
    assert states == {D(2026, 3, 20): "skipped", D(2026, 4, 3): "done"}
    assert bad == ["五月=done", "随便写写"]  # a month is not an occurrence; a note is not a state


def test_set_state_keeps_order_and_unknown_notes() -> None:
    text = recurrence.set_state("2026-03-20=done; 备注", D(2026, 3, 6), "skipped", 2026)
    assert text == "2026-03-06=skipped; 2026-03-20=done; 备注"
    assert recurrence.set_state(text, D(2026, 3, 6), None, 2026) == "2026-03-20=done; 备注"
    with pytest.raises(ValueError):
        recurrence.set_state("", D(2026, 3, 6), "maybe", 2026)


def test_blank_occurrences() -> None:
    assert recurrence.parse_occurrences(None, 2026) == ({}, [])
    assert recurrence.parse_occurrences(float("nan"), 2026) == ({}, [])
    assert recurrence.set_state(float("nan"), D(2026, 3, 6), "done", 2026) == "2026-03-06=done"
