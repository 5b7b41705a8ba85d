"""Recurring activities: when each occurrence falls, and the per-occurrence record.

Plain Python, no pandas. The rules are the ones plans use: every week, every other week
("双周五下午4:20–5:00 工会活动"), every month on the same day, every quarter, every
half-year. A monthly rule anchored on the 29th–31st falls on the month's last day in
shorter months and comes back to its own day afterwards, as people expect of "每月30日".
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator, Mapping

from unionplan.data import parse
from unionplan.data.limits import MAX_PARSE_CHARS
from unionplan.data.values import is_blank

FREQS: tuple[str, ...] = ("weekly", "biweekly", "monthly", "quarterly", "halfyearly")
# Step of each rule: (days, months); exactly one of them is non-zero.
STEP: dict[str, tuple[int, int]] = {
    "weekly": (7, 0),
    "biweekly": (14, 0),
    "monthly": (0, 1),
    "quarterly": (0, 3),
    "halfyearly": (0, 6),
}
DAY_RULES = frozenset({"weekly", "biweekly"})  # need a real day to anchor the weekday

# Outcome of one occurrence. Anything else a person types is reported, not guessed.
OCCURRENCE_STATES: tuple[str, ...] = ("done", "skipped")
_STATE_WORDS = {
    "done": "done",
    "完成": "done",
    "已完成": "done",
    "办结": "done",
    "已办结": "done",
    "completed": "done",
    "√": "done",
    "skipped": "skipped",
    "skip": "skipped",
    "跳过": "skipped",
    "已跳过": "skipped",
    "取消": "skipped",
    "已取消": "skipped",
    "cancelled": "skipped",
    "不开展": "skipped",
    "暂停": "skipped",
}


def add_months(day: dt.date, months: int, anchor_day: int | None = None) -> dt.date:
    """`day` moved by whole months, on `anchor_day` (default: its own day), clamped to
    the target month's last day so 31 January + 1 month is 28/29 February."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(anchor_day or day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """Same month and day `years` later; 29 February becomes 28 February."""
    return add_months(day, 12 * years)


def default_until(start: dt.date) -> dt.date:
    """A rule with no end date runs to the end of its plan year: plans are yearly."""
    return dt.date(start.year, 12, 31)


def iter_dates(start: dt.date, freq: str, until: dt.date | None = None) -> Iterator[dt.date]:
    """Every occurrence date from `start` (the first) up to and including `until`.

    Each date is computed from the anchor, never from the previous occurrence, so a
    clamp in February does not drag every later month to the 28th.
    """
    if freq not in STEP:
        raise ValueError(f"unknown recurrence {freq!r}")
    last = until or default_until(start)
    days, months = STEP[freq]
    n = 0
    while True:
        day = start + dt.timedelta(days=days * n) if days else add_months(start, months * n)
        if day > last:
            return
        yield day
        n += 1


def occurrences_between(
    start: dt.date,
    freq: str,
    until: dt.date | None,
    window_start: dt.date,
    window_end: dt.date,
) -> list[dt.date]:
    """Occurrence dates of a rule that fall in [window_start, window_end]."""
    stop = min(until or default_until(start), window_end)
    if freq in DAY_RULES and window_start > start:
        # Jump close to the window instead of walking a long series from its start.
        step = STEP[freq][0]
        skip = (window_start - start).days // step
        first = start + dt.timedelta(days=step * skip)
        return [d for d in _day_series(first, step, stop) if d >= window_start]
    return [d for d in iter_dates(start, freq, stop) if d >= window_start]


def _day_series(first: dt.date, step: int, stop: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= stop:
        yield day
        day += dt.timedelta(days=step)


def rule_index(freq: str) -> tuple[str, int]:
    """(iCalendar FREQ, INTERVAL) of a rule: biweekly is WEEKLY/2, quarterly MONTHLY/3."""
    return {
        "weekly": ("WEEKLY", 1),
        "biweekly": ("WEEKLY", 2),
        "monthly": ("MONTHLY", 1),
        "quarterly": ("MONTHLY", 3),
        "halfyearly": ("MONTHLY", 6),
    }[freq]


# ------------------------------------------------------------ the occurrences column

_SPLIT = re.compile(r"[;；,，\n]+")
_PAIR_SEP = re.compile(r"[=:：]")
_MAX_PART = 2 * MAX_PARSE_CHARS  # "2026-03-06=done" is 15 characters: longer is no outcome


def _pair(part: str) -> tuple[str, str] | None:
    """ "2026-03-06 = done" -> ("2026-03-06", "done"): split at the first "=", ":" or "："
    after the first character, sides stripped; None when a side is empty. (A pattern
    like "(.+?)\\s*=\\s*(.+)" would try every split of a long run of spaces.)"""
    sep = _PAIR_SEP.search(part, 1)
    if sep is None:
        return None
    day, state = part[: sep.start()].rstrip(), part[sep.end() :].strip()
    return (day, state) if state else None


def parse_occurrences(raw: object, default_year: int) -> tuple[dict[dt.date, str], list[str]]:
    """'2026-03-06=done; 2026-03-20=skipped' -> ({date: state}, [parts not understood]).

    Dates may be typed loosely ("3月20日=跳过"); a part without a readable day or state
    is returned as not understood rather than dropped silently.
    """
    out: dict[dt.date, str] = {}
    bad: list[str] = []
    if is_blank(raw):  # None, "" or the NaN pandas gives an empty text cell
        return out, bad
    for part in _SPLIT.split(parse.clean(raw)):
        part = part.strip()
        if not part:
            continue
        pair = _pair(part) if len(part) <= _MAX_PART else None
        if pair is None:
            bad.append(part)
            continue
        day, _ = parse.parse_plandate(pair[0], default_year)
        state = _STATE_WORDS.get(pair[1].casefold())
        if day is None or day.month_only or state is None:
            bad.append(part)
            continue
        out[day.first()] = state
    return out, bad


def format_occurrences(states: Mapping[dt.date, str]) -> str:
    """The column text for a set of outcomes, in date order: stable, so diffs stay small."""
    return "; ".join(f"{d.isoformat()}={states[d]}" for d in sorted(states))


def set_state(raw: object, day: dt.date, state: str | None, default_year: int) -> str:
    """The occurrences text with one date's outcome set (None clears it).

    Parts that were not understood are kept at the end, so nobody's note is lost.
    """
    if state is not None and state not in OCCURRENCE_STATES:
        raise ValueError(f"unknown occurrence state {state!r}")
    states, bad = parse_occurrences(raw, default_year)
    if state is None:
        states.pop(day, None)
    else:
        states[day] = state
    text = format_occurrences(states)
    return "; ".join([p for p in (text, *bad) if p])
