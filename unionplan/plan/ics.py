"""The .ics export: activities and target deadlines for phone and desktop calendars.

A recurring activity is one event with an RRULE (its skipped occurrences as EXDATE), not
a pile of copies, so a phone shows it as a series. Month-only activities are all-day
events spanning their month; deadlines are all-day events, because the phone calendars
people use (iOS, Android/Google) ignore VTODO. UIDs come from the workbook ids, so
importing a newer export updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar, Event, vRecur

from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, ACTIVITY_STATUS
from unionplan.data.values import is_blank
from unionplan.plan import activities, recurrence

TZ = ZoneInfo("Asia/Shanghai")
UID_DOMAIN = "unionplan"
PRODID = "-//unionplan//union work plan//ZH"


def uid(record_id: str, suffix: str = "") -> str:
    return f"{record_id}{suffix}@{UID_DOMAIN}"


def _monthday_rule(day: int) -> dict[str, Any]:
    """BYMONTHDAY parts that clamp the 29th–31st to a shorter month's last day.

    "The last of 28..day" (BYMONTHDAY=28,..,day;BYSETPOS=-1) is the anchor day where
    the month has it and the month's last day otherwise, as `recurrence` computes.
    """
    if day <= 28:
        return {"bymonthday": [day]}
    return {"bymonthday": list(range(28, day + 1)), "bysetpos": [-1]}


def _description(rec: Mapping[str, Any], lang: str, unit_names: Mapping[str, str]) -> str:
    lines = []
    for key in ("category", "status", "unit", "responsible", "planned_participants", "notes"):
        v = rec.get(key)
        if is_blank(v):
            continue
        if key == "category":
            v = ACTIVITY_CATEGORY.label(v, lang)
        elif key == "status":
            v = ACTIVITY_STATUS.label(activities.status_of(v), lang)
        elif key == "unit":
            v = unit_names.get(v, v)
        label = ACTIVITIES.column(key).label.get(lang)
        lines.append(f"{label}: {v}")
    return "\n".join(lines)


def activity_event(
    rec: Mapping[str, Any],
    lang: str,
    stamp: dt.datetime,
    unit_names: Mapping[str, str] | None = None,
) -> Event | None:
    """One VEVENT for an activity record; None when it has no start to place it."""
    start = rec.get("start")
    if not isinstance(start, PlanDate):
        return None
    ev = Event()
    ev.add("uid", uid(str(rec["id"])))
    ev.add("dtstamp", stamp)
    ev.add("summary", str(rec.get("title") or rec["id"]))
    if not is_blank(rec.get("location")):
        ev.add("location", str(rec["location"]))
    desc = _description(rec, lang, unit_names or {})
    if desc:
        ev.add("description", desc)
    if not is_blank(rec.get("category")):
        ev.add("categories", [ACTIVITY_CATEGORY.label(rec["category"], lang)])
    status = activities.status_of(rec.get("status"))
    if status == "cancelled":
        ev.add("status", "CANCELLED")
    version = rec.get("version")
    if not is_blank(version):
        ev.add("sequence", int(version))

    rule = activities.series_of(rec)
    month_only = start.month_only and not (rule and rule[1] in recurrence.DAY_RULES)
    times = None if month_only else activities.time_range(rec.get("time"))
    first = start.first()
    if rule is None:
        end = rec.get("end")
        last = max(end.last(), first) if isinstance(end, PlanDate) else start.last()
    else:
        # Each occurrence is one day, or its whole month when planned by month only.
        last = start.last() if month_only else first

    if times is None:
        ev.add("dtstart", first)
        ev.add("dtend", last + dt.timedelta(days=1))  # DTEND of a date is exclusive
        ev.add("transp", "TRANSPARENT")  # an all-day plan item does not block the day
    else:
        t0, t1 = times
        begin = dt.datetime.combine(first, t0, TZ)
        ev.add("dtstart", begin)
        if t1 is not None:
            ev.add("dtend", dt.datetime.combine(last, t1, TZ))
        else:
            ev.add("duration", dt.timedelta(hours=1))

    if rule is not None:
        _, freq, until = rule
        fc_freq, interval = recurrence.rule_index(freq)
        parts: dict[str, Any] = {"freq": fc_freq}
        if interval > 1:
            parts["interval"] = interval
        if fc_freq == "MONTHLY" and not month_only:
            parts.update(_monthday_rule(first.day))
        if times is None:
            parts["until"] = until
        else:
            # With a local DTSTART, UNTIL must be UTC (RFC 5545 3.3.10).
            end_of_day = dt.datetime.combine(until, dt.time(23, 59, 59), TZ)
            parts["until"] = end_of_day.astimezone(dt.UTC)
        ev.add("rrule", vRecur(parts))
        states, _ = recurrence.parse_occurrences(rec.get("occurrences"), first.year)
        skipped = sorted(d for d, s in states.items() if s == "skipped")
        if skipped:
            if times is None:
                ev.add("exdate", skipped)
            else:
                ev.add("exdate", [dt.datetime.combine(d, times[0], TZ) for d in skipped])
    return ev


def deadline_event(rec: Mapping[str, Any], lang: str, stamp: dt.datetime) -> Event | None:
    """An all-day event on a target's deadline (a month-only deadline: its last day)."""
    deadline = rec.get("deadline")
    if not isinstance(deadline, PlanDate):
        return None
    day = deadline.last()
    ev = Event()
    ev.add("uid", uid(str(rec["id"]), "-deadline"))
    ev.add("dtstamp", stamp)
    ev.add("summary", i18n.t("calendar.deadline", lang, title=rec.get("title") or rec["id"]))
    ev.add("dtstart", day)
    ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("transp", "TRANSPARENT")
    if not is_blank(rec.get("responsible")):
        ev.add("description", f"{i18n.t('calendar.responsible', lang)}: {rec['responsible']}")
    return ev


def export(
    activities_df: pd.DataFrame,
    targets_df: pd.DataFrame | None,
    lang: str,
    *,
    name: str = "",
    unit_names: Mapping[str, str] | None = None,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The .ics file for these activities and these targets' deadlines.

    `stamp` (DTSTAMP) defaults to now; tests pass a fixed one so the output is stable.
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or i18n.t("calendar.ics_name", lang))
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for rec in activities_df.to_dict("records") if not activities_df.empty else []:
        ev = activity_event(rec, lang, stamp, unit_names)
        if ev is not None:
            cal.add_component(ev)
    if targets_df is not None and not targets_df.empty:
        for rec in targets_df.to_dict("records"):
            ev = deadline_event(rec, lang, stamp)
            if ev is not None:
                cal.add_component(ev)
    cal.add_missing_timezones()  # VTIMEZONE for Asia/Shanghai, which some phones need
    return cal.to_ical()
