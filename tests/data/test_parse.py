"""What people type into cells: dates, months, amounts, rates, flags."""

from __future__ import annotations

import datetime as dt

import pytest

from unionplan.data import parse
from unionplan.data.parse import PlanDate

Y = 2026


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-03-08", PlanDate(2026, 3, 8)),
        ("2026/3/8", PlanDate(2026, 3, 8)),
        ("2026年3月8日", PlanDate(2026, 3, 8)),
        ("２０２６年３月８日", PlanDate(2026, 3, 8)),  # full-width digits
        ("3月8日", PlanDate(Y, 3, 8)),
        ("3.8", PlanDate(Y, 3, 8)),
        ("3月25日前", PlanDate(Y, 3, 25)),
        ("三月", PlanDate(Y, 3)),
        ("三月份", PlanDate(Y, 3)),
        ("十二月", PlanDate(Y, 12)),
        ("3月", PlanDate(Y, 3)),
        ("2026-03", PlanDate(2026, 3)),
        ("2026年3月", PlanDate(2026, 3)),
        (46089, PlanDate(2026, 3, 8)),  # an Excel / Sheets serial
        ("46089", PlanDate(2026, 3, 8)),
        (dt.datetime(2026, 3, 8, 9, 30), PlanDate(2026, 3, 8)),
        (dt.date(2026, 3, 8), PlanDate(2026, 3, 8)),
        ("2026-03-08 00:00:00", PlanDate(2026, 3, 8)),
    ],
)
def test_plandate_accepts_what_people_type(raw: object, expected: PlanDate) -> None:
    value, problem = parse.parse_plandate(raw, Y)
    assert problem is None
    assert value == expected


@pytest.mark.parametrize("raw", ["13月", "2026-02-30", "下周", "abc", 5, "3.45"])
def test_bad_dates_are_issues_not_crashes(raw: object) -> None:
    value, problem = parse.parse_plandate(raw, Y)
    assert value is None
    assert problem == "issues.bad_date"


def test_blank_is_empty_without_issue() -> None:
    assert parse.parse_plandate("  ", Y) == (None, None)
    assert parse.parse_plandate(None, Y) == (None, None)
    assert parse.parse_number("\u3000") == (None, None)


def test_month_only_range() -> None:
    feb = PlanDate(2028, 2)
    assert feb.month_only
    assert feb.first() == dt.date(2028, 2, 1)
    assert feb.last() == dt.date(2028, 2, 29)
    assert PlanDate(2026, 12).last() == dt.date(2026, 12, 31)
    assert feb.iso() == "2028-02"


def test_date_column_given_a_month_reports_it() -> None:
    value, problem = parse.parse_date("3月", Y)
    assert value == dt.date(Y, 3, 1)
    assert problem == "issues.month_not_day"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1600", 1600.0),
        ("1,600元", 1600.0),
        ("¥1600", 1600.0),
        ("￥1,600.50", 1600.5),
        ("1600.50", 1600.5),
        (1600, 1600.0),
        ("1.2万", 12000.0),
        ("1400多", 1400.0),
        ("53人次", 53.0),
    ],
)
def test_amounts(raw: object, expected: float) -> None:
    assert parse.parse_money(raw) == (expected, None)


def test_bad_and_negative_amounts() -> None:
    assert parse.parse_money("一千六") == (None, "issues.bad_number")
    assert parse.parse_money("-5") == (-5.0, "issues.negative")


@pytest.mark.parametrize(
    ("raw", "expected"), [("95%", 0.95), ("95％", 0.95), ("0.95", 0.95), ("12", 12.0), (0.9, 0.9)]
)
def test_rates(raw: object, expected: float) -> None:
    value, problem = parse.parse_quantity(raw)
    assert problem is None
    assert value == pytest.approx(expected)


def test_int_rounds_and_reports() -> None:
    assert parse.parse_int("12") == (12, None)
    assert parse.parse_int("12.6") == (13, "issues.not_whole")


def test_bool_and_version() -> None:
    assert parse.parse_bool("是") == (True, None)
    assert parse.parse_bool("") == (False, None)
    assert parse.parse_bool("也许") == (False, "issues.bad_bool")
    assert parse.parse_version("3") == (3, None)
    assert parse.parse_version("x") == (0, "issues.bad_version")


def test_formula_detection() -> None:
    assert all(parse.looks_like_formula(s) for s in ["=1+1", "+86", "-负数", "@x"])
    assert not parse.looks_like_formula("正常文本")
