"""Holidays for 2026 (statutory data present), 2027 (chinese_calendar 1.11 raises) and years
far outside the library's data, checked against known dates."""

from __future__ import annotations

import datetime as dt

import pytest

from unionplan.plan import holidays

D = dt.date
FESTIVAL_KEYS = {
    "new_year",
    "spring_festival",
    "lantern",
    "womens_day",
    "qingming",
    "labour_day",
    "youth_day",
    "dragon_boat",
    "party_day",
    "army_day",
    "teachers_day",
    "mid_autumn",
    "national_day",
    "double_ninth",
}


def _festival(year: int, key: str) -> dt.date:
    (hit,) = [h for h in holidays.festivals(year) if h.key == key]
    return hit.start


def _spans(year: int, kind: str) -> list[tuple[str, dt.date, dt.date]]:
    return [(h.key, h.start, h.end) for h in holidays.statutory(year) if h.kind == kind]


def test_2026_statutory_breaks_and_swapped_workdays() -> None:
    breaks = _spans(2026, "statutory")
    assert ("spring_festival", D(2026, 2, 15), D(2026, 2, 23)) in breaks
    assert ("national_day", D(2026, 10, 1), D(2026, 10, 7)) in breaks
    assert ("labour_day", D(2026, 5, 1), D(2026, 5, 5)) in breaks
    assert ("mid_autumn", D(2026, 9, 25), D(2026, 9, 27)) in breaks
    workdays = [start for _, start, _ in _spans(2026, "workday")]
    assert workdays == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert holidays.has_statutory_data(2026)


def test_2026_festivals() -> None:
    assert _festival(2026, "spring_festival") == D(2026, 2, 17)
    assert _festival(2026, "lantern") == D(2026, 3, 3)
    assert _festival(2026, "dragon_boat") == D(2026, 6, 19)
    assert _festival(2026, "mid_autumn") == D(2026, 9, 25)
    assert _festival(2026, "double_ninth") == D(2026, 10, 18)
    assert _festival(2026, "qingming") == D(2026, 4, 5)


def test_2027_has_festivals_without_statutory_data() -> None:
    # chinese_calendar 1.11 raises NotImplementedError for 2027; the calendar must not.
    assert holidays.statutory(2027) == ()
    assert not holidays.has_statutory_data(2027)
    assert _festival(2027, "spring_festival") == D(2027, 2, 6)
    assert _festival(2027, "lantern") == D(2027, 2, 20)
    assert _festival(2027, "qingming") == D(2027, 4, 5)
    assert _festival(2027, "dragon_boat") == D(2027, 6, 9)
    assert _festival(2027, "mid_autumn") == D(2027, 9, 15)
    assert _festival(2027, "double_ninth") == D(2027, 10, 8)
    assert _festival(2027, "womens_day") == D(2027, 3, 8)
    assert _festival(2027, "teachers_day") == D(2027, 9, 10)
    assert {h.key for h in holidays.for_year(2027)} == FESTIVAL_KEYS


@pytest.mark.parametrize(
    ("year", "spring", "mid_autumn"),
    [
        (1990, D(1990, 1, 27), D(1990, 10, 3)),  # before chinese_calendar's data (2004)
        (2050, D(2050, 1, 23), D(2050, 9, 30)),  # long after it
    ],
)
def test_years_far_outside_the_library_data(
    year: int, spring: dt.date, mid_autumn: dt.date
) -> None:
    assert holidays.statutory(year) == ()
    assert _festival(year, "spring_festival") == spring
    assert _festival(year, "mid_autumn") == mid_autumn


@pytest.mark.parametrize("year", range(1950, 2151, 7))
def test_every_year_has_every_festival_in_its_season(year: int) -> None:
    fest = {h.key: h.start for h in holidays.festivals(year)}
    assert set(fest) == FESTIVAL_KEYS
    assert all(d.year == year for d in fest.values())
    assert D(year, 1, 21) <= fest["spring_festival"] <= D(year, 2, 20)
    assert fest["lantern"] - fest["spring_festival"] == dt.timedelta(days=14)
    assert D(year, 4, 3) <= fest["qingming"] <= D(year, 4, 6)
    assert D(year, 5, 28) <= fest["dragon_boat"] <= D(year, 6, 25)
    assert D(year, 9, 7) <= fest["mid_autumn"] <= D(year, 10, 8)
    assert D(year, 10, 1) <= fest["double_ninth"] <= D(year, 11, 3)


def test_names_in_three_languages() -> None:
    for h in holidays.for_year(2026):
        names = {h.name(lang) for lang in ("zh-Hans", "zh-Hant", "en")}
        assert all(names)
    by_key = {h.key: h for h in holidays.festivals(2026)}
    assert by_key["womens_day"].name("zh-Hans") == "三八妇女节"
    assert by_key["womens_day"].name("zh-Hant") == "三八婦女節"
    assert by_key["double_ninth"].name("en") == "Double Ninth Festival"


def test_any_error_from_the_library_means_no_statutory_data(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import chinese_calendar

    def broken(day: dt.date) -> tuple[bool, str]:
        raise KeyError(day)  # not NotImplementedError: a different gap in its tables

    holidays.statutory.cache_clear()
    monkeypatch.setattr(chinese_calendar, "get_holiday_detail", broken)
    try:
        assert holidays.statutory(2025) == ()
        assert {h.kind for h in holidays.for_year(2025)} == {"festival"}
    finally:
        holidays.statutory.cache_clear()


def test_between_crosses_the_new_year() -> None:
    found = holidays.between(D(2026, 12, 20), D(2027, 2, 10))
    assert [h.key for h in found] == ["new_year", "spring_festival"]
    assert found[1].start == D(2027, 2, 6)
    oct1 = [h for h in holidays.between(D(2026, 10, 1), D(2026, 10, 1))]
    assert [(h.key, h.kind) for h in oct1] == [
        ("national_day", "festival"),
        ("national_day", "statutory"),
    ]
