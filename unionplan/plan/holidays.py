"""Holidays and union days for any year a user plans, in the three languages.

Two sources. Statutory days off and the adjusted working days (调休) are decided by the
State Council each year, so they come from ``chinese_calendar`` while its data covers the
year; past its data (it raises for 2027 in 1.11) they are simply absent. The festivals
unions schedule around are always present: the fixed-date ones by rule, the lunar ones
(春节, 元宵, 端午, 中秋, 重阳) and 清明 computed astronomically by ``lunar_python``, so
no year runs off the end of a table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Literal

from lunar_python import Lunar, Solar

from unionplan.data.schema import L, Label

Kind = Literal["festival", "statutory", "workday"]


@dataclass(frozen=True)
class Holiday:
    """One day or span in the calendar: a festival, a statutory break, or a swapped workday."""

    key: str  # "spring_festival", "labour_day" …; "workday" for 调休上班
    kind: Kind
    start: dt.date
    end: dt.date  # inclusive; equal to start for a single day
    label: Label

    def name(self, lang: str) -> str:
        return self.label.get(lang)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# Festivals: (key, label, fixed (month, day) or lunar (month, day) or "qingming").
_FIXED: tuple[tuple[str, Label, int, int], ...] = (
    ("new_year", L("元旦", "元旦", "New Year's Day"), 1, 1),
    ("womens_day", L("三八妇女节", "三八婦女節", "Women's Day"), 3, 8),
    ("labour_day", L("五一劳动节", "五一勞動節", "Labour Day"), 5, 1),
    ("youth_day", L("五四青年节", "五四青年節", "Youth Day"), 5, 4),
    ("party_day", L("七一建党节", "七一建黨節", "CPC Founding Day"), 7, 1),
    ("army_day", L("八一建军节", "八一建軍節", "Army Day"), 8, 1),
    ("teachers_day", L("教师节", "教師節", "Teachers' Day"), 9, 10),
    ("national_day", L("国庆节", "國慶節", "National Day"), 10, 1),
)
_LUNAR: tuple[tuple[str, Label, int, int], ...] = (
    ("spring_festival", L("春节", "春節", "Spring Festival"), 1, 1),
    ("lantern", L("元宵节", "元宵節", "Lantern Festival"), 1, 15),
    ("dragon_boat", L("端午节", "端午節", "Dragon Boat Festival"), 5, 5),
    ("mid_autumn", L("中秋节", "中秋節", "Mid-Autumn Festival"), 8, 15),
    ("double_ninth", L("重阳节", "重陽節", "Double Ninth Festival"), 9, 9),
)
_QINGMING = L("清明节", "清明節", "Qingming Festival")

# chinese_calendar's English holiday names -> our key and labels for the days-off span.
_STATUTORY: dict[str, tuple[str, Label]] = {
    "New Year's Day": ("new_year", L("元旦假期", "元旦假期", "New Year holiday")),
    "Spring Festival": ("spring_festival", L("春节假期", "春節假期", "Spring Festival holiday")),
    "Tomb-sweeping Day": ("qingming", L("清明假期", "清明假期", "Qingming holiday")),
    "Labour Day": ("labour_day", L("劳动节假期", "勞動節假期", "Labour Day holiday")),
    "Dragon Boat Festival": (
        "dragon_boat",
        L("端午假期", "端午假期", "Dragon Boat holiday"),
    ),
    "National Day": ("national_day", L("国庆假期", "國慶假期", "National Day holiday")),
    "Mid-autumn Festival": ("mid_autumn", L("中秋假期", "中秋假期", "Mid-Autumn holiday")),
    "Anti-Fascist 70th Day": (
        "victory_day",
        L("抗战胜利纪念日", "抗戰勝利紀念日", "Victory Day holiday"),
    ),
}
WORKDAY_LABEL = L("调休上班", "調休上班", "Adjusted working day")


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(s.getYear(), s.getMonth(), s.getDay())


def _qingming(year: int) -> dt.date:
    # The Qingming solar term falls on 4, 5 or 6 April (3 April in rare years).
    for day in range(3, 7):
        if Solar.fromYmd(year, 4, day).getLunar().getJieQi() == "清明":
            return dt.date(year, 4, day)
    return dt.date(year, 4, 5)  # not reached for any year lunar_python supports


@cache
def festivals(year: int) -> tuple[Holiday, ...]:
    """The festivals and union days of a solar year, for any year, in date order."""
    out = [
        Holiday(k, "festival", dt.date(year, m, d), dt.date(year, m, d), lab)
        for k, lab, m, d in _FIXED
    ]
    for key, lab, m, d in _LUNAR:
        # Lunar year Y's 1st month starts in solar year Y, and its 9th month ends before
        # the next solar year, so every festival here falls in solar year Y.
        day = _lunar_to_solar(year, m, d)
        out.append(Holiday(key, "festival", day, day, lab))
    qm = _qingming(year)
    out.append(Holiday("qingming", "festival", qm, qm, _QINGMING))
    return tuple(sorted(out, key=lambda h: (h.start, h.key)))


@cache
def statutory(year: int) -> tuple[Holiday, ...]:
    """Statutory breaks (consecutive days off as one span) and adjusted working days.

    Empty when ``chinese_calendar`` has no data for the year. It raises
    NotImplementedError for such years, and whatever else a data gap in a third-party
    table raises must not take the calendar down, hence the broad catch.
    """
    try:
        import chinese_calendar

        details = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            details.append((day, *chinese_calendar.get_holiday_detail(day)))
            day += dt.timedelta(days=1)
    except Exception:  # see docstring: a year without data is normal, not a failure
        return ()
    out: list[Holiday] = []
    for day, is_off, name in details:
        if not name:
            continue  # an ordinary weekend or workday
        if not is_off:
            out.append(Holiday("workday", "workday", day, day, WORKDAY_LABEL))
            continue
        key, label = _STATUTORY.get(name, (str(name), L(str(name), str(name), str(name))))
        prev = out[-1] if out else None
        if (
            prev
            and prev.kind == "statutory"
            and prev.key == key
            and prev.end == day - dt.timedelta(days=1)
        ):
            out[-1] = Holiday(key, "statutory", prev.start, day, label)
        else:
            out.append(Holiday(key, "statutory", day, day, label))
    return tuple(out)


def has_statutory_data(year: int) -> bool:
    return bool(statutory(year))


def for_year(year: int) -> tuple[Holiday, ...]:
    """Everything to draw for a year: statutory spans, swapped workdays and festivals."""
    return tuple(sorted((*statutory(year), *festivals(year)), key=lambda h: (h.start, h.kind)))


def between(start: dt.date, end: dt.date) -> list[Holiday]:
    """Every holiday overlapping [start, end], across year boundaries."""
    out: list[Holiday] = []
    for year in range(start.year, end.year + 1):
        out.extend(h for h in for_year(year) if h.end >= start and h.start <= end)
    return out
