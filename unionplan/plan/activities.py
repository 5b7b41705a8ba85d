"""Activities (活动): what they mean, how they are checked, filtered, totalled and changed.

Plain pandas, no Streamlit. Pages and the calendar call these; the workbook stores what
they return. A record here is the activities table's row as a dict of column key ->
value (``PlanDate`` for start/end, codes for enums), as ``WorkbookData.record`` gives it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unionplan.data import limits, parse, periods
from unionplan.data.parse import PlanDate
from unionplan.data.periods import last_day
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, ACTIVITY_STATUS, RECURRENCE
from unionplan.data.values import is_blank
from unionplan.errors import ValidationError
from unionplan.i18n import fmt_date
from unionplan.plan import recurrence

# What the add/edit form carries: every column a person fills in (not id, occurrences
# or the system columns, which the app maintains).
FORM_FIELDS: tuple[str, ...] = (
    "title",
    "category",
    "start",
    "end",
    "time",
    "location",
    "unit",
    "responsible",
    "planned_participants",
    "actual_participants",
    "budget",
    "actual_cost",
    "status",
    "target_id",
    "recurrence",
    "recurrence_until",
    "notes",
)
TEXT_FIELDS = ("title", "location", "unit", "responsible", "target_id", "notes")
COUNT_FIELDS = ("planned_participants", "actual_participants")
MONEY_FIELDS = ("budget", "actual_cost")
DEFAULT_STATUS = "planned"
# An occurrence in one of these does not take place: a cancelled activity, or one session
# of a series marked skipped. Schedules and counts of what happens leave them out.
NOT_HAPPENING = frozenset({"cancelled", "skipped"})

EXPAND_COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "category",
    "date",
    "end",
    "month_only",
    "status",
    "recurring",
    "time",
    "unit",
    "responsible",
    "target_id",
)


# ------------------------------------------------------------------ small readers


def status_of(v: Any) -> str:
    """An activity's status code; a blank cell means it is still planned."""
    return v if isinstance(v, str) and v in ACTIVITY_STATUS.values else DEFAULT_STATUS


_TIME = re.compile(r"(上午|早上|中午|下午|晚上)?\s*+(\d{1,2})(?:[:：.](\d{2}))?")
# The dash between two times. Split on the character alone and strip the parts: a pattern
# with "\s*" around it would be tried at every space of a long run (quadratic work).
_TIME_DASH = re.compile(r"[-–—~～至到]")
_PM_WORDS = ("下午", "晚上")


def time_range(text: Any) -> tuple[dt.time, dt.time | None] | None:
    """'16:20-17:00', '下午4：20–5：00', '14:30' -> (start, end or None); None if unreadable.

    A "下午/晚上" before the first time applies to both ends, as people write it.
    """
    s = parse.clean(text)
    if not s or len(s) > limits.MAX_PARSE_CHARS:
        return None
    parts = _TIME_DASH.split(s, maxsplit=1)
    pm = False
    times: list[dt.time] = []
    for part in parts:
        m = _TIME.fullmatch(part.strip())
        if not m:
            return None
        pm = pm or (m.group(1) in _PM_WORDS)
        hour, minute = int(m.group(2)), int(m.group(3) or 0)
        if pm and hour < 12:
            hour += 12
        if hour > 23 or minute > 59:
            return None
        times.append(dt.time(hour, minute))
    start = times[0]
    end = times[1] if len(times) > 1 else None
    if end is not None and end <= start:
        return None
    return start, end


def format_time_range(value: tuple[dt.time, dt.time | None]) -> str:
    start, end = value
    text = start.strftime("%H:%M")
    return f"{text}-{end.strftime('%H:%M')}" if end else text


# ------------------------------------------------------------------ validation


def validate(raw: Mapping[str, Any], default_year: int) -> dict[str, Any]:
    """Check what a person typed into the form; return the clean record values.

    Raises ValidationError(problems) with message keys per field, before anything is
    written. Dates may be a day or only a month ("3月" is a month-only activity).
    """
    problems: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def bad(key: str, msg: str) -> None:
        problems.setdefault(key, []).append(msg)

    for key in TEXT_FIELDS:
        v = raw.get(key)
        out[key] = None if is_blank(v) else (parse.clean(v) or None)
    if not out["title"]:
        bad("title", "activities.err_title_required")

    for key, enum in (
        ("category", ACTIVITY_CATEGORY),
        ("status", ACTIVITY_STATUS),
        ("recurrence", RECURRENCE),
    ):
        v = raw.get(key)
        if is_blank(v):
            out[key] = None
        elif v in enum.values:
            out[key] = v
        else:
            bad(key, "issues.unknown_label")
            out[key] = None
    out["status"] = out["status"] or DEFAULT_STATUS

    for key in ("start", "end"):
        v = raw.get(key)
        if isinstance(v, PlanDate) or is_blank(v):
            out[key] = v if isinstance(v, PlanDate) else None
            continue
        if isinstance(v, dt.date):
            out[key] = PlanDate.of(v)
            continue
        value, problem = parse.parse_plandate(v, default_year)
        out[key] = value
        if problem:
            bad(key, problem)
    start, end = out["start"], out["end"]
    if start is None and "start" not in problems:
        bad("start", "activities.err_start_required")
    if start and end and end.last() < start.first():
        bad("end", "activities.err_end_before_start")

    v = raw.get("recurrence_until")
    until: dt.date | None = None
    if isinstance(v, dt.date):
        until = v
    elif not is_blank(v):
        pd_, problem = parse.parse_plandate(v, default_year)
        if problem or pd_ is None:
            bad("recurrence_until", problem or "issues.bad_date")
        else:
            until = pd_.last()  # "12月": the series runs to the end of December
    out["recurrence_until"] = until
    if out["recurrence"]:
        if start and start.month_only and out["recurrence"] in recurrence.DAY_RULES:
            bad("start", "activities.err_weekly_needs_day")
        if start and until and until < start.first():
            bad("recurrence_until", "activities.err_until_before_start")
    else:
        out["recurrence_until"] = None  # an end date without a rule means nothing

    v = raw.get("time")
    if is_blank(v):
        out["time"] = None
    else:
        tr = time_range(v)
        if tr is None:
            bad("time", "activities.err_bad_time")
            out["time"] = parse.clean(v)
        else:
            out["time"] = format_time_range(tr)

    for key in COUNT_FIELDS:
        n, problem = _count(raw.get(key))
        out[key] = n
        if problem:
            bad(key, problem)
    for key in MONEY_FIELDS:
        n, problem = _money(raw.get(key))
        out[key] = n
        if problem:
            bad(key, problem)

    if problems:
        raise ValidationError(problems)
    return out


def _count(v: Any) -> tuple[int | None, str | None]:
    if is_blank(v):
        return None, None
    value, problem = parse.parse_number(v)
    if value is None:
        return None, problem or "issues.bad_number"
    if value < 0:
        return None, "issues.negative"
    if value != int(value):
        return None, "activities.err_not_whole"
    return int(value), problem


def _money(v: Any) -> tuple[float | None, str | None]:
    if is_blank(v):
        return None, None
    value, problem = parse.parse_number(v)
    if value is None:
        return None, problem or "issues.bad_number"
    if value < 0:
        return None, "issues.negative"
    return value, problem


def form_values(record: Mapping[str, Any] | None) -> dict[str, str]:
    """A record as the text a form shows: '2026-03' for a month, '1600' for money."""
    out: dict[str, str] = {}
    for key in FORM_FIELDS:
        v = (record or {}).get(key)
        if is_blank(v):
            out[key] = ""
        elif isinstance(v, (PlanDate, dt.date)):
            out[key] = v.isoformat() if isinstance(v, dt.date) else v.iso()
        elif isinstance(v, float):
            out[key] = str(int(v)) if v.is_integer() else f"{v:.2f}"
        else:
            out[key] = str(v)
    return out


# ------------------------------------------------------------------ quick actions


def mark_done(actual_participants: Any = None, actual_cost: Any = None) -> dict[str, Any]:
    """Change set for "done": status plus the actual figures, checked like the form."""
    problems: dict[str, list[str]] = {}
    people, p1 = _count(actual_participants)
    cost, p2 = _money(actual_cost)
    if p1:
        problems["actual_participants"] = [p1]
    if p2:
        problems["actual_cost"] = [p2]
    if problems:
        raise ValidationError(problems)
    out: dict[str, Any] = {"status": "done"}
    if people is not None:
        out["actual_participants"] = people
    if cost is not None:
        out["actual_cost"] = cost
    return out


def cancel() -> dict[str, Any]:
    return {"status": "cancelled"}


def _shift(pd_: PlanDate | None, months: int) -> PlanDate | None:
    if pd_ is None:
        return None
    if pd_.month_only:
        moved = recurrence.add_months(pd_.first(), months)
        return PlanDate(moved.year, moved.month)
    return PlanDate.of(recurrence.add_months(pd_.first(), months))


def postpone(record: Mapping[str, Any], year: int, month: int) -> dict[str, Any]:
    """Change set moving an activity to another month, keeping its day and length.

    The day is clamped (31 March -> 30 April); a month-only activity stays month-only;
    a recurring series moves its end date by the same number of months.
    """
    start = record.get("start")
    if not isinstance(start, PlanDate):
        raise ValidationError({"start": ["activities.err_start_required"]})
    months = (year * 12 + month) - (start.year * 12 + start.month)
    out: dict[str, Any] = {"start": _shift(start, months), "status": "postponed"}
    end = record.get("end")
    if isinstance(end, PlanDate):
        out["end"] = _shift(end, months)
    until = last_day(record.get("recurrence_until"))
    if until and record.get("recurrence"):
        out["recurrence_until"] = recurrence.add_months(until, months)
    return out


def duplicate_next_year(record: Mapping[str, Any]) -> dict[str, Any]:
    """Values for a copy of the activity one year later, planned and with no results.

    Used at the start of a year to carry the annual rhythm (三八节, 教代会 …) forward.
    """
    out = {k: record.get(k) for k in FORM_FIELDS}
    for key in ("start", "end"):
        out[key] = _shift(record.get(key), 12)
    until = last_day(record.get("recurrence_until"))
    out["recurrence_until"] = recurrence.add_years(until, 1) if until else None
    out.update(status=DEFAULT_STATUS, actual_participants=None, actual_cost=None)
    return {k: (None if is_blank(v) else v) for k, v in out.items()}


def set_occurrence(
    record: Mapping[str, Any], day: dt.date, state: str | None, default_year: int
) -> dict[str, Any]:
    """Change set marking one occurrence of a recurring activity done or skipped."""
    return {
        "occurrences": recurrence.set_state(record.get("occurrences"), day, state, default_year)
    }


# ------------------------------------------------------------------ expansion


def series_of(row: Mapping[str, Any]) -> tuple[dt.date, str, dt.date] | None:
    """(first date, rule, last date) of a recurring row, or None when it does not repeat."""
    freq = row.get("recurrence")
    start = row.get("start")
    if not isinstance(start, PlanDate) or freq not in recurrence.STEP:
        return None
    first = start.first()
    until = last_day(row.get("recurrence_until"))
    if until is None and isinstance(row.get("end"), PlanDate):
        # A recurring row with an end date but no "repeats until" runs to that end date.
        until = row["end"].last()
    return first, freq, until or recurrence.default_until(first)


def _span(row: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    start = row.get("start")
    if not isinstance(start, PlanDate):
        return None
    end = row.get("end")
    last = end.last() if isinstance(end, PlanDate) else start.last()
    return start.first(), max(last, start.first())


def expand(df: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per occurrence in [start, end]: the activities as a calendar sees them.

    A non-recurring activity is one row when its span (a day, several days or its
    whole month) overlaps the window. A recurring activity yields a row per occurrence
    (each a single day, or a whole month when it is planned by month only), with the
    occurrence's own done/skipped state when one was recorded. Rows without a start
    cannot be placed and are left out.
    """
    rows: list[dict[str, Any]] = []
    for rec in df.to_dict("records") if not df.empty else []:
        base = {k: (None if is_blank(rec.get(k)) else rec.get(k)) for k in EXPAND_COLUMNS}
        status = status_of(rec.get("status"))
        pdate = rec.get("start")
        rule = series_of(rec)
        if rule is None:
            span = _span(rec)
            if span is None or span[1] < start or span[0] > end:
                continue
            rows.append(
                base
                | {
                    "date": span[0],
                    "end": span[1],
                    "month_only": bool(pdate.month_only),
                    "status": status,
                    "recurring": False,
                }
            )
            continue
        first, freq, until = rule
        month_only = bool(pdate.month_only) and freq not in recurrence.DAY_RULES
        states, _ = recurrence.parse_occurrences(rec.get("occurrences"), first.year)
        window_start = start.replace(day=1) if month_only else start
        for day in recurrence.occurrences_between(first, freq, until, window_start, end):
            last = periods.month_end(day.year, day.month) if month_only else day
            rows.append(
                base
                | {
                    "date": day,
                    "end": last,
                    "month_only": month_only,
                    "status": states.get(day, status),
                    "recurring": True,
                }
            )
    out = pd.DataFrame(rows, columns=list(EXPAND_COLUMNS))
    if not out.empty:
        out = out.sort_values(["date", "month_only", "title"], ascending=[True, False, True])
    return out.reset_index(drop=True)


def period_window(year: int, month: int | None, quarter: int | None) -> periods.Bounds:
    """The days a month / quarter / whole-year filter covers."""
    if month:
        return periods.month_bounds(year, month)
    if quarter:
        return periods.quarter_bounds(year, quarter)
    return periods.year_bounds(year)


# ------------------------------------------------------------------ filtering and totals


@dataclass
class Filters:
    """What the activities table and the calendar export are narrowed to."""

    year: int
    month: int | None = None
    quarter: int | None = None
    categories: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    text: str = ""


def filter_activities(
    df: pd.DataFrame, f: Filters, unit_names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Rows matching every filter; a recurring activity is in a period when one of its
    occurrences is. Text search looks at title, location, responsible, notes and unit."""
    if df.empty:
        return df
    keep = pd.Series(True, index=df.index)
    if f.categories:
        keep &= df["category"].isin(f.categories)
    if f.units:
        keep &= df["unit"].isin(f.units)
    if f.statuses:
        keep &= df["status"].map(status_of).isin(f.statuses)
    if f.responsible:
        keep &= df["responsible"].isin(f.responsible)
    needle = parse.clean(f.text).casefold()
    if needle:
        names = unit_names or {}
        haystack = df["unit"].map(lambda u: names.get(u, u) if isinstance(u, str) else "")
        for col in ("title", "location", "responsible", "notes"):
            haystack = haystack + " " + df[col].fillna("").astype(str)
        keep &= haystack.str.casefold().str.contains(needle, regex=False)
    return df[keep & _in_period(df[keep], f).reindex(df.index, fill_value=False)]


def _in_period(df: pd.DataFrame, f: Filters) -> pd.Series:
    """Whether each row falls in the filter's year, quarter or month.

    Spans are compared directly; only recurring rows are expanded into occurrences,
    so a 10k-row sheet filters in milliseconds, not seconds.
    """
    if df.empty:
        return pd.Series(False, index=df.index, dtype=bool)
    lo, hi = period_window(f.year, f.month, f.quarter)
    dated = df["start"].map(lambda p: isinstance(p, PlanDate)).astype(bool)
    recurring = dated & df["recurrence"].isin(list(recurrence.STEP))
    spans = [_span(r) for r in df[["start", "end"]].to_dict("records")]
    out = (
        pd.Series([s is not None and s[0] <= hi and s[1] >= lo for s in spans], index=df.index)
        & ~recurring
    )
    if recurring.any():
        ids = set(expand(df[recurring], lo, hi)["id"])
        out |= recurring & df["id"].isin(ids)
    if not (f.month or f.quarter):
        # Undated rows belong to no period; show them in the year view so they get fixed.
        out |= ~dated
    return out


@dataclass(frozen=True)
class Totals:
    count: int
    planned_participants: int
    actual_participants: int
    budget: float
    actual_cost: float


def totals(df: pd.DataFrame) -> Totals:
    """Count and sums of what is shown (blank figures count as nothing)."""
    if df.empty:
        return Totals(0, 0, 0, 0.0, 0.0)

    def total(col: str) -> float:
        return float(pd.to_numeric(df[col], errors="coerce").fillna(0).sum())

    return Totals(
        len(df),
        int(total("planned_participants")),
        int(total("actual_participants")),
        total("budget"),
        total("actual_cost"),
    )


def sort_by_start(df: pd.DataFrame) -> pd.DataFrame:
    """Activities in date order, month-only ones first in their month, undated last."""
    if df.empty:
        return df
    key = df["start"].map(
        lambda p: (p.first(), 0 if p.month_only else 1) if isinstance(p, PlanDate) else None
    )
    order = sorted(
        range(len(df)), key=lambda i: (key.iat[i] is None, key.iat[i] or (dt.date.min, 0))
    )
    return df.iloc[order]


def choices(values: Iterable[Any]) -> list[str]:
    """Distinct non-blank texts, sorted: the options of a filter."""
    return sorted({str(v) for v in values if not is_blank(v)})


def names(df: pd.DataFrame, name_col: str) -> dict[str, str]:
    """id -> name of a referenced table (units, targets), for showing and searching."""
    if df.empty or name_col not in df:
        return {}
    return {
        str(i): str(n) for i, n in zip(df["id"], df[name_col], strict=True) if i and not is_blank(n)
    }


def label(record: Mapping[str, Any], lang: str) -> str:
    """'2026年3月8日 · 三八节庆祝': how an activity is named in pickers."""
    start = record.get("start")
    when = fmt_date(start, lang) if isinstance(start, PlanDate) else "—"
    return f"{when} · {record.get('title') or record.get('id')}"


# Headers of the shown table come from the schema, so they match the sheet's columns.
TABLE_COLUMNS: tuple[str, ...] = (
    "start",
    "title",
    "category",
    "status",
    "time",
    "location",
    "unit",
    "responsible",
    "planned_participants",
    "actual_participants",
    "budget",
    "actual_cost",
    "recurrence",
    "id",
)


def table(
    df: pd.DataFrame,
    lang: str,
    unit_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The activities as shown on the page: labels in the user's language.

    Dates stay ISO-like ("2026-03-08", "2026-03" for a month) so clicking the column
    header sorts them in time order; numbers stay numbers so they sort as numbers.
    """
    units = unit_names or {}
    out = pd.DataFrame(index=df.index)
    for key in TABLE_COLUMNS:
        col = ACTIVITIES.column(key)
        series = df[key] if key in df else pd.Series([None] * len(df), index=df.index)
        if key == "start":
            series = series.map(lambda p: p.iso() if isinstance(p, PlanDate) else "")
            end = df["end"].map(lambda p: p.iso() if isinstance(p, PlanDate) else "")
            series = [f"{s} – {e}" if e and e != s else s for s, e in zip(series, end, strict=True)]
        elif key == "status":
            series = series.map(lambda v: ACTIVITY_STATUS.label(status_of(v), lang))
        elif col.enum is not None:
            enum = col.enum
            series = series.map(lambda v, e=enum: e.label(v, lang) if isinstance(v, str) else "")
        elif key == "unit":
            series = series.map(lambda v: units.get(v, v) if isinstance(v, str) else "")
        out[col.label.get(lang)] = list(series)
    return out.reset_index(drop=True)
