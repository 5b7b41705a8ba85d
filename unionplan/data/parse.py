"""Reading what people type into cells: loose dates, months, amounts, rates and flags.

Every parser takes the raw cell (str, int, float, datetime, None) and returns
``(value, problem)``: the best value it could make (or None) and a message key from the
``issues`` locale area when the text was not understood. Parsers never raise.

Text longer than `limits.MAX_PARSE_CHARS` is not read at all (it is reported as too long;
the cell keeps it), and no pattern here can backtrack: a whitespace run is matched once,
possessively (``\\s*+``), so the work grows with the text, not with its square.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from unionplan.data.limits import MAX_PARSE_CHARS
from unionplan.data.values import is_blank

Problem = str | None

# Excel and Google Sheets count days from 1899-12-30 (Lotus' leap-year bug included).
_SERIAL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000  # 1954 .. 2119: anything else is not a date

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "正": 1,
    "腊": 12,
    "冬": 11,
}


@dataclass(frozen=True, order=True)
class PlanDate:
    """A date that may be known only to the month ("3月" in a plan)."""

    year: int
    month: int
    day: int | None = None

    @property
    def month_only(self) -> bool:
        return self.day is None

    def first(self) -> dt.date:
        return dt.date(self.year, self.month, self.day or 1)

    def last(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month, self.day)
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    def iso(self) -> str:
        """How the value is written back to a cell: "2026-03-08" or "2026-03"."""
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()

    @classmethod
    def of(cls, d: dt.date) -> PlanDate:
        return cls(d.year, d.month, d.day)


def clean(raw: Any) -> str:
    """Text of a cell, NFKC-folded (full-width digits and punctuation to ASCII), trimmed."""
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def _cn_number(text: str) -> int | None:
    """'三' -> 3, '十二' -> 12, '二十' -> 20; None when not a small Chinese numeral."""
    if not text or any(ch not in _CN_DIGITS for ch in text):
        return None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    if len(text) == 1:
        return _CN_DIGITS[text]
    return None


def _valid(y: int, m: int, d: int | None) -> PlanDate | None:
    try:
        if d is None:
            if 1 <= m <= 12 and 1900 <= y <= 2200:
                return PlanDate(y, m)
            return None
        dt.date(y, m, d)
        return PlanDate(y, m, d) if 1900 <= y <= 2200 else None
    except ValueError:
        return None


def _from_serial(value: float) -> dt.date | None:
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return _SERIAL_EPOCH + dt.timedelta(days=int(value))
    return None


# Possessive `\s*+` (Python 3.11): a run of spaces is taken whole and never given back, so
# "2026-3" + 10,000 spaces + "x" fails in one pass instead of trying every split of the run.
_ISO = re.compile(
    r"^(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+(?:[-/.月]\s*+(\d{1,2})\s*+[日号]?)?\s*+(?:月份?)?$"
)
_ISO_TIME = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_MD = re.compile(r"^(\d{1,2})\s*+[月./-]\s*+(\d{1,2})\s*+[日号]?$")
_M = re.compile(r"^(\d{1,2})\s*+月份?$")
_CN_M = re.compile(r"^([〇零一二两三四五六七八九十正腊冬]{1,3})月份?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_plandate(raw: Any, default_year: int) -> tuple[PlanDate | None, Problem]:
    """A day or a month. Year-less text ("3月8日", "3.8", "三月份") takes `default_year`."""
    if is_blank(raw):
        return None, None
    if isinstance(raw, dt.datetime):
        return PlanDate.of(raw.date()), None
    if isinstance(raw, dt.date):
        return PlanDate.of(raw), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        d = _from_serial(float(raw))
        return (PlanDate.of(d), None) if d else (None, "issues.bad_date")
    text = clean(raw)
    if len(text) > MAX_PARSE_CHARS:
        return None, "issues.too_long_date"
    text = text.rstrip("前左右")  # "3月25日前": the deadline is the date itself
    text = text.replace("上旬", "").replace("中旬", "").replace("下旬", "").strip()
    m = _ISO_TIME.match(text)
    if m:
        text = m.group(1)
    m = _ISO.match(text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        pd_ = _valid(y, mo, day)
        return (pd_, None) if pd_ else (None, "issues.bad_date")
    m = _COMPACT.match(text)
    if m:
        pd_ = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return (pd_, None) if pd_ else (None, "issues.bad_date")
    m = _MD.match(text)
    if m:
        pd_ = _valid(default_year, int(m.group(1)), int(m.group(2)))
        return (pd_, None) if pd_ else (None, "issues.bad_date")
    m = _M.match(text)
    if m:
        pd_ = _valid(default_year, int(m.group(1)), None)
        return (pd_, None) if pd_ else (None, "issues.bad_date")
    m = _CN_M.match(text)
    if m:
        n = _cn_number(m.group(1))
        pd_ = _valid(default_year, n, None) if n else None
        return (pd_, None) if pd_ else (None, "issues.bad_date")
    try:  # a serial typed or exported as text: "46089"
        return parse_plandate(float(text), default_year)
    except ValueError:
        return None, "issues.bad_date"


def parse_date(raw: Any, default_year: int) -> tuple[dt.date | None, Problem]:
    """A day. A month-only value is kept as its first day and reported."""
    pd_, problem = parse_plandate(raw, default_year)
    if pd_ is None:
        return None, problem
    if pd_.month_only:
        return pd_.first(), "issues.month_not_day"
    return pd_.first(), None


def parse_datetime(raw: Any) -> tuple[dt.datetime | None, Problem]:
    if is_blank(raw):
        return None, None
    if isinstance(raw, dt.datetime):
        return raw, None
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time()), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        d = _from_serial(float(raw))
        if d is None:
            return None, "issues.bad_date"
        frac = float(raw) - int(raw)
        return dt.datetime.combine(d, dt.time()) + dt.timedelta(days=frac), None
    text = clean(raw)
    if len(text) > MAX_PARSE_CHARS:
        return None, "issues.too_long_date"
    try:
        return dt.datetime.fromisoformat(text.replace("/", "-")), None
    except ValueError:
        pd_, _ = parse_plandate(text, 2000)
        if pd_ and not pd_.month_only:
            return dt.datetime.combine(pd_.first(), dt.time()), None
        return None, "issues.bad_date"


_NUM_JUNK = re.compile(r"[¥￥$,，\s元圆块人次家篇天个名项场户]|RMB|CNY|万元?$", re.I)


def parse_number(raw: Any) -> tuple[float | None, Problem]:
    """'1600', '1,600元', '¥1600', '1600.50', '1.2万' -> a float."""
    if is_blank(raw):
        return None, None
    if isinstance(raw, bool):
        return float(raw), None
    if isinstance(raw, (int, float)):
        return (float(raw), None) if math.isfinite(raw) else (None, "issues.bad_number")
    text = clean(raw)
    if len(text) > MAX_PARSE_CHARS:
        return None, "issues.too_long_number"
    scale = 10000.0 if re.search(r"万元?$", text) else 1.0
    body = _NUM_JUNK.sub("", text)
    body = body.lstrip("约").rstrip("多余+")  # "1400多名" -> 1400, an honest lower bound
    try:
        value = float(body) * scale
    except ValueError:
        return None, "issues.bad_number"
    return (value, None) if math.isfinite(value) else (None, "issues.bad_number")


def parse_money(raw: Any) -> tuple[float | None, Problem]:
    value, problem = parse_number(raw)
    if value is not None and value < 0:
        return value, "issues.negative"
    return value, problem


def parse_int(raw: Any) -> tuple[int | None, Problem]:
    value, problem = parse_number(raw)
    if value is None:
        return None, problem
    if value != int(value):
        return round(value), "issues.not_whole"
    return int(value), problem


def parse_quantity(raw: Any) -> tuple[float | None, Problem]:
    """A number or a percentage: '95%' -> 0.95, '0.95' -> 0.95, '12' -> 12.0."""
    if isinstance(raw, str) and clean(raw).endswith(("%", "％")):
        value, problem = parse_number(clean(raw).rstrip("%％"))
        return (None if value is None else value / 100.0), problem
    return parse_number(raw)


_TRUE = {"1", "true", "yes", "y", "是", "已删除", "已刪除", "删除", "x", "√", "✓"}
_FALSE = {"0", "false", "no", "n", "否", ""}


def parse_bool(raw: Any) -> tuple[bool, Problem]:
    if is_blank(raw):
        return False, None
    if isinstance(raw, bool):
        return raw, None
    text = clean(raw).casefold()
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return False, "issues.bad_bool"


def parse_version(raw: Any) -> tuple[int, Problem]:
    if is_blank(raw):
        return 0, None
    value, problem = parse_int(raw)
    if value is None or value < 0:
        return 0, "issues.bad_version"
    return value, problem


_SPLIT = re.compile(r"[、,，;；/|\s]+")


def split_multi(raw: Any) -> list[str]:
    return [p for p in _SPLIT.split(clean(raw)) if p]


_FORMULA_START = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    return text.startswith(_FORMULA_START)
