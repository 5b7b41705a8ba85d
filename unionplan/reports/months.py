"""Months as plans write them at the head of a line: "三月份", "七、八月份", "一二月", "7-8月".

`read_months` reads the month expression that opens a (folded) line and says where the
rest of the line starts. It scans characters one by one, at most a few dozen of them, so
it costs the same on a 100,000-character line as on a short one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unionplan.data.parse import PlanDate

_CN_DIGIT = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_LIST_SEPS = frozenset("、,/和及与")
_RANGE_SEPS = frozenset("-~至到—–")
_MAX_TOKENS = 12
_YEAR = re.compile(r"(?:\d{4}|\d{2}[xX_]{2})\s*年\s*")


@dataclass(frozen=True)
class MonthHead:
    """The month expression that opens a line."""

    months: tuple[int, ...]  # in the order written, each once
    span: bool  # consecutive months ("七、八月", "3-5月"): one activity over all of them
    day: int | None  # "3月8日": a day was given (then `months` has one month)
    end: int  # where the rest of the line starts
    valid: bool  # False: shaped like a month ("13月", "8-3月") but not one


def cn_int(text: str, i: int = 0) -> tuple[int | None, int]:
    """A small Chinese number at text[i:] ("三" 3, "十二" 12, "二十" 20, "两" 2): (value, end)."""
    n = len(text)
    if i >= n:
        return None, i
    ch = text[i]
    if ch == "十":
        if i + 1 < n and text[i + 1] in _CN_DIGIT:
            return 10 + _CN_DIGIT[text[i + 1]], i + 2
        return 10, i + 1
    if ch not in _CN_DIGIT:
        return None, i
    value = _CN_DIGIT[ch]
    if i + 1 < n and text[i + 1] == "十":
        if i + 2 < n and text[i + 2] in _CN_DIGIT:
            return value * 10 + _CN_DIGIT[text[i + 2]], i + 3
        return value * 10, i + 2
    return value, i + 1


def _cn_month(text: str, i: int) -> tuple[int | None, int]:
    """One month numeral: "十一" and "十二" whole; "一二" is two months, read one by one."""
    n = len(text)
    if i < n and text[i] == "十":
        if i + 1 < n and text[i + 1] in "一二":
            return 10 + _CN_DIGIT[text[i + 1]], i + 2
        return 10, i + 1
    if i < n and text[i] in _CN_DIGIT and text[i] != "两":
        return _CN_DIGIT[text[i]], i + 1
    return None, i


def _arabic(text: str, i: int, most: int = 2) -> tuple[int | None, int]:
    j = i
    while j < len(text) and j - i < most and text[j].isdigit() and text[j].isascii():
        j += 1
    if j == i or (j < len(text) and text[j].isdigit()):
        return None, i  # no digits, or more than `most` of them (a year, a count)
    return int(text[i:j]), j


def read_months(folded: str) -> MonthHead | None:
    """The month expression opening a folded line, or None when the line opens otherwise."""
    i = 0
    m = _YEAR.match(folded)
    if m:
        i = m.end()
    tokens: list[int] = []
    ranged: list[bool] = []  # ranged[k]: token k was joined to the one before by "至", "-"
    chinese = False
    n = len(folded)
    while len(tokens) < _MAX_TOKENS:
        value, j = _arabic(folded, i)
        if value is None:
            value, j = _cn_month(folded, i)
            if value is None:
                return None
            chinese = True
        tokens.append(value)
        i = j
        had_month = i < n and folded[i] == "月"
        if had_month:
            i += 1
            if i < n and folded[i] == "份":
                i += 1
        # what joins this month to the next one, if another follows
        k = i
        while k < n and folded[k] == " ":
            k += 1
        sep = folded[k] if k < n else ""
        if sep in _LIST_SEPS or sep in _RANGE_SEPS:
            nxt_value, _ = _arabic(folded, k + 1)
            if nxt_value is None:
                nxt_value, _ = _cn_month(folded, k + 1)
            if nxt_value is None:
                break
            ranged.append(sep in _RANGE_SEPS)
            i = k + 1
            continue
        if not had_month and chinese and _cn_month(folded, i)[0] is not None:
            ranged.append(False)  # "七八月", "一二月份": numerals side by side
            continue
        if not had_month:
            return None  # "五一庆祝活动", "三是…": a numeral, but no 月 after it
        break
    if not folded[:i].endswith(("月", "份")):
        return None
    day = None
    value, j = _arabic(folded, i)
    if value is None:
        value, j = cn_int(folded, i)
    if value is not None and j < n and folded[j] in "日号":
        day, i = value, j + 1
    months: list[int] = []
    valid = all(1 <= t <= 12 for t in tokens)
    for k, t in enumerate(tokens):
        if k and ranged[k - 1] and valid:
            start = months[-1] if months else t
            if t < start:
                valid = False  # "11-2月" crosses the year: left to the person
                break
            months.extend(range(start + 1, t + 1))
        elif t not in months:
            months.append(t)
    if day is not None and len(tokens) > 1:
        valid = False  # "3、4月8日": which month has the day?
    if valid and day is not None:
        try:
            PlanDate(2000, tokens[0], day).first()
        except ValueError:
            valid = False
    ordered = sorted(months)
    span = valid and len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1))
    return MonthHead(tuple(months), span, day, i, valid)


_DEADLINE_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]")
_DEADLINE_MONTH = re.compile(r"(\d{1,2})月(?!\d{1,2}[日号])")
_DEADLINE_QUARTER = re.compile(r"([1-4一二三四])季度")
_QUARTER_END = {"1": 3, "2": 6, "3": 9, "4": 12, "一": 3, "二": 6, "三": 9, "四": 12}


def deadline_of(folded: str, year: int) -> PlanDate | None:
    """The latest date a "时限" value names: "3月;11月" -> Nov, "3月25日前" -> Mar 25,
    "1、4季度" -> Dec, "1-12月" -> Dec. None when it names none."""
    found: list[PlanDate] = []
    for m in _DEADLINE_DAY.finditer(folded):
        month, day = int(m.group(1)), int(m.group(2))
        try:
            found.append(PlanDate(year, month, day))
            found[-1].first()
        except ValueError:
            found.pop()
    for m in _DEADLINE_MONTH.finditer(folded):
        month = int(m.group(1))
        if 1 <= month <= 12:
            found.append(PlanDate(year, month))
    for m in _DEADLINE_QUARTER.finditer(folded):
        found.append(PlanDate(year, _QUARTER_END[m.group(1)]))
    return max(found, key=lambda d: d.last()) if found else None
