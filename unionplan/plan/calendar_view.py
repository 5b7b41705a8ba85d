"""What the calendar page draws: FullCalendar event dicts and options, no Streamlit.

Activities are coloured by category with a colour-blind-safe palette (Paul Tol's
"muted" scheme); month-only activities span their month and sort to the top; target
deadlines are flagged markers; statutory holidays and swapped workdays are shaded
background spans with a titled all-day item, festivals are titled all-day items. The
list view (the one that works on a phone) lists a span once, on its first day, instead
of repeating it on every day it covers.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import pandas as pd

from unionplan import i18n
from unionplan.data import periods
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITY_CATEGORY, ACTIVITY_STATUS
from unionplan.data.values import records
from unionplan.plan import activities, recurrence
from unionplan.plan.holidays import Holiday

View = Literal["month", "week", "list"]
VIEWS: tuple[View, ...] = ("month", "week", "list")
FC_VIEW: dict[str, str] = {"month": "dayGridMonth", "week": "timeGridWeek", "list": "listMonth"}

# Paul Tol's muted palette: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLORS: dict[str, str] = {
    "festival": "#CC6677",
    "culture_sports": "#117733",
    "study": "#332288",
    "skills": "#999933",
    "meeting": "#88CCEE",
    "care": "#882255",
    "women": "#AA4499",
    "democratic": "#44AA99",
    "awards": "#DDCC77",
    "other": "#DDDDDD",
}
DEADLINE_COLOR = "#B2182B"
HOLIDAY_BG = "#F9D7D2"  # statutory days off: a pale red wash behind the day
WORKDAY_BG = "#D9D9D9"  # swapped working days: grey, "you work this weekend"
HOLIDAY_TEXT = "#8E1B12"
FESTIVAL_BG = "#FFF3E0"

# FullCalendar sorts by these fields in order; `order` is our own extended prop.
ORDER_MONTH_ONLY, ORDER_HOLIDAY, ORDER_DEADLINE, ORDER_ACTIVITY, ORDER_MORE = 0, 1, 2, 3, 4
FC_LOCALE = {"zh-Hans": "zh-cn", "zh-Hant": "zh-tw", "en": "en-gb"}


def text_color(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG relative luminance)."""
    rgb = [int(background.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if lum > 0.179 else "#FFFFFF"


def category_color(code: Any) -> str:
    return CATEGORY_COLORS.get(code if isinstance(code, str) else "", CATEGORY_COLORS["other"])


def legend(lang: str) -> list[tuple[str, str]]:
    """(label, colour) per category, in the schema's order, for the page's legend."""
    return [
        (ACTIVITY_CATEGORY.label(c, lang), CATEGORY_COLORS[c]) for c in ACTIVITY_CATEGORY.codes()
    ]


def legend_html(lang: str) -> str:
    """The colour key under the calendar: a swatch and label per category, then what
    the deadline flag and the shaded days mean."""
    items = "".join(
        '<span style="display:inline-block;margin:0 .6rem .2rem 0;white-space:nowrap">'
        '<span style="display:inline-block;width:.8rem;height:.8rem;border-radius:2px;'
        f'background:{color};vertical-align:middle;margin-right:.25rem"></span>'
        f"{html.escape(label)}</span>"
        for label, color in legend(lang)
    )
    return f"{items}<br><small>{html.escape(i18n.t('calendar.legend_hint', lang))}</small>"


def _iso(d: dt.date) -> str:
    return d.isoformat()


# ------------------------------------------------------------------ events


def activity_events(expanded: pd.DataFrame, lang: str, view: View = "month") -> list[dict]:
    """FullCalendar events for the rows of `activities.expand`."""
    out: list[dict] = []
    for row in records(expanded):
        color = category_color(row.get("category"))
        status = row.get("status") or activities.DEFAULT_STATUS
        title = str(row.get("title") or row.get("id"))
        if status == "done":
            title = "✓ " + title
        event: dict[str, Any] = {
            "id": f"{row['id']}|{row['date'].isoformat()}",
            "title": title,
            "backgroundColor": color,
            "borderColor": color,
            "textColor": text_color(color),
            "classNames": ["up-activity", f"up-status-{status}"],
            "extendedProps": {
                "kind": "activity",
                "activity_id": row["id"],
                "occurrence": row["date"].isoformat(),
                "order": ORDER_MONTH_ONLY if row.get("month_only") else ORDER_ACTIVITY,
            },
        }
        start: dt.date = row["date"]
        end: dt.date = row["end"] or start
        times = activities.time_range(row.get("time")) if not row.get("month_only") else None
        if row.get("month_only"):
            event["allDay"] = True
            event["classNames"].append("up-month-only")
            if view == "list":
                event["title"] = i18n.t("calendar.all_month", lang, title=title)
                event["start"] = _iso(start)
            else:
                event["start"], event["end"] = _iso(start), _iso(end + dt.timedelta(days=1))
        elif times is not None:
            t0, t1 = times
            event["allDay"] = False
            event["start"] = dt.datetime.combine(start, t0).isoformat()
            if t1 is not None:
                event["end"] = dt.datetime.combine(end, t1).isoformat()
        else:
            event["allDay"] = True
            event["start"] = _iso(start)
            if end > start:
                event["end"] = _iso(end + dt.timedelta(days=1))
        out.append(event)
    return out


def deadlines(
    targets: pd.DataFrame, start: dt.date, end: dt.date, units: Iterable[str] = ()
) -> pd.DataFrame:
    """Targets whose deadline falls in [start, end] (a month-only deadline: its last day).

    When `units` is given only targets assigned to those member units are kept.
    """
    if targets.empty or "deadline" not in targets:
        return targets.iloc[0:0]
    day = targets["deadline"].map(lambda p: p.last() if isinstance(p, PlanDate) else None)
    keep = day.map(lambda d: d is not None and start <= d <= end)
    units = list(units)
    if units:
        keep &= targets["unit"].isin(units)
    out = targets[keep].copy()
    out["deadline_day"] = day[keep]
    return out.sort_values("deadline_day")


def deadline_events(due: pd.DataFrame, lang: str) -> list[dict]:
    """Flag markers for the rows of `deadlines`."""
    out = []
    for row in due.to_dict("records"):
        out.append(
            {
                "id": f"deadline|{row['id']}",
                "title": i18n.t("calendar.deadline", lang, title=row.get("title") or row["id"]),
                "start": _iso(row["deadline_day"]),
                "allDay": True,
                "backgroundColor": "#FFFFFF",
                "borderColor": DEADLINE_COLOR,
                "textColor": DEADLINE_COLOR,
                "classNames": ["up-deadline"],
                "extendedProps": {
                    "kind": "deadline",
                    "target_id": row["id"],
                    "order": ORDER_DEADLINE,
                },
            }
        )
    return out


def holiday_events(items: Iterable[Holiday], lang: str, view: View = "month") -> list[dict]:
    """Background washes for days off and swapped workdays, and titled all-day items.

    A festival on the first day of its own statutory break (国庆节 on 1 October) is not
    drawn twice: the break is titled with the festival's name instead.
    """
    items = list(items)
    opening = {
        (h.key, h.start): h
        for h in items
        if h.kind == "festival"
        and any(s.kind == "statutory" and (s.key, s.start) == (h.key, h.start) for s in items)
    }
    out: list[dict] = []
    for h in items:
        if h.kind == "festival" and (h.key, h.start) in opening:
            continue
        name = h.name(lang)
        if h.kind == "statutory" and (h.key, h.start) in opening:
            name = opening[(h.key, h.start)].name(lang)
        after = _iso(h.end + dt.timedelta(days=1))
        if h.kind in ("statutory", "workday"):
            out.append(
                {
                    "id": f"bg|{h.key}|{h.start.isoformat()}",
                    "start": _iso(h.start),
                    "end": after,
                    "allDay": True,
                    "display": "background",
                    "backgroundColor": HOLIDAY_BG if h.kind == "statutory" else WORKDAY_BG,
                    "classNames": [f"up-{h.kind}-bg"],
                    "extendedProps": {"kind": h.kind, "order": ORDER_HOLIDAY},
                }
            )
            mark = i18n.t(f"calendar.mark_{h.kind}", lang)
            title = f"{mark} {name}"
            if view == "list" and h.days > 1:
                title = i18n.t(
                    "calendar.span",
                    lang,
                    title=title,
                    first=i18n.fmt_date(h.start, lang),
                    last=i18n.fmt_date(h.end, lang),
                )
        else:
            title = name
        event: dict[str, Any] = {
            "id": f"{h.kind}|{h.key}|{h.start.isoformat()}",
            "title": title,
            "start": _iso(h.start),
            "allDay": True,
            "backgroundColor": FESTIVAL_BG if h.kind == "festival" else "#FFFFFF",
            "borderColor": HOLIDAY_TEXT if h.kind != "workday" else "#595959",
            "textColor": HOLIDAY_TEXT if h.kind != "workday" else "#333333",
            "classNames": [f"up-{h.kind}"],
            "extendedProps": {"kind": h.kind, "order": ORDER_HOLIDAY},
        }
        if view != "list" and h.days > 1:
            event["end"] = after
        out.append(event)
    return out


def events(
    expanded: pd.DataFrame,
    due: pd.DataFrame,
    holiday_items: Iterable[Holiday],
    lang: str,
    view: View = "month",
) -> list[dict]:
    """Everything the calendar shows, in one list."""
    return [
        *holiday_events(holiday_items, lang, view),
        *deadline_events(due, lang),
        *activity_events(expanded, lang, view),
    ]


# ------------------------------------------------------------------ options


def locale(lang: str) -> dict[str, Any]:
    """A FullCalendar locale object. The component ships no locale bundles, so the
    labels are given here; month and weekday names come from the browser's Intl for
    the code ("2026年3月", "周一"), which every current browser has."""
    return {
        "code": FC_LOCALE.get(lang, "zh-cn"),
        "week": {"dow": 1, "doy": 4},  # weeks start on Monday in China
        "buttonText": button_text(lang),
        "allDayText": i18n.t("calendar.all_day", lang),
        "moreLinkText": i18n.t("calendar.more", lang),
        "noEventsText": i18n.t("calendar.no_events", lang),
        "weekText": i18n.t("calendar.week_short", lang),
    }


def button_text(lang: str) -> dict[str, str]:
    return {
        "today": i18n.t("calendar.today", lang),
        "month": i18n.t("calendar.view_month", lang),
        "week": i18n.t("calendar.view_week", lang),
        "day": i18n.t("calendar.view_day", lang),
        "list": i18n.t("calendar.view_list", lang),
        "prev": "‹",
        "next": "›",
    }


def options(
    lang: str,
    view: View,
    initial: dt.date,
    valid: tuple[dt.date, dt.date] | None = None,
    height: int = 680,
    *,
    navigation: bool = True,
) -> dict[str, Any]:
    """FullCalendar options for a view. The height is fixed so the component's frame,
    which is sized once when it mounts, never cuts the calendar off after navigation.
    `navigation=False` leaves out its ‹ › and today buttons (the page moves it)."""
    loc = locale(lang)
    opts: dict[str, Any] = {
        "initialView": FC_VIEW[view],
        "initialDate": _iso(initial),
        "locale": loc,
        "firstDay": 1,
        "buttonText": loc["buttonText"],
        "allDayText": loc["allDayText"],
        "noEventsText": loc["noEventsText"],
        "moreLinkText": loc["moreLinkText"],
        "headerToolbar": {
            "left": "prev,next today" if navigation else "",
            "center": "",
            "right": "title",
        },
        "height": height,
        "dayMaxEvents": True,
        "fixedWeekCount": False,
        "eventOrder": "order,start,-duration,allDay,title",
        "eventOrderStrict": True,
        "displayEventEnd": False,
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "slotMinTime": "07:00:00",
        "slotMaxTime": "21:00:00",
        "scrollTime": "08:00:00",
        "nowIndicator": True,
        "editable": False,
        "selectable": False,
        "navLinks": False,
    }
    if valid:
        opts["validRange"] = {"start": _iso(valid[0]), "end": _iso(valid[1] + dt.timedelta(days=1))}
    return opts


def height(view: View, phone: bool) -> int:
    """Calendar height in px. The month grid is tall enough on a desktop for a few
    all-month bars plus the day's holiday and items before "+N more" takes over."""
    if phone:
        return 600
    return 880 if view == "month" else 720


CUSTOM_CSS = """
.fc { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Source Han Sans SC",
      system-ui, sans-serif; font-size: 0.9rem; }
.fc .fc-toolbar { flex-wrap: wrap; gap: 0.4rem; }
.fc .fc-toolbar-title { font-size: 1.25rem; }
.fc .up-status-cancelled .fc-event-title, .fc .up-status-skipped .fc-event-title,
.fc .up-status-cancelled .fc-list-event-title, .fc .up-status-skipped .fc-list-event-title
  { text-decoration: line-through; opacity: 0.75; }
.fc .up-deadline { border-style: dashed; font-weight: 600; }
.fc .up-month-only { font-weight: 600; }
.fc .up-festival, .fc .up-statutory, .fc .up-workday { font-size: 0.8rem; }
.fc-event { cursor: pointer; }
.fc .up-festival, .fc .up-statutory, .fc .up-workday, .fc .up-deadline { cursor: default; }
@media (max-width: 500px) {
  .fc .fc-toolbar-title { font-size: 1.05rem; }
  .fc .fc-button { padding: 0.25rem 0.5rem; }
}
"""


# ------------------------------------------------------------------ a year of many events
# A base union's year (50–300 activities) goes to FullCalendar whole: its own ‹ › buttons
# then move at once. A federation's year is thousands of events, which the component
# would receive, hold and redraw on every rerun (10k activities: 3.5 MB each time). Past
# YEAR_EVENTS_MAX the calendar gets only the days in view, and the page moves it with its
# own buttons (each step a run that hands over the new days).

YEAR_EVENTS_MAX = 2000


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def visible_range(
    view: View, anchor: dt.date, valid: tuple[dt.date, dt.date] | None = None
) -> tuple[dt.date, dt.date]:
    """The days a calendar handed one view at a time gets when it stands at `anchor`:
    the month (of the grid or the list) or the week, kept inside `valid` (the year the
    calendar may show). It is also the calendar's valid range then, so the month grid
    greys the days of the months around, and moving the range moves the calendar."""
    if view == "week":
        start = _monday(anchor)
        end = start + dt.timedelta(days=6)
    else:
        start = anchor.replace(day=1)
        end = periods.month_end(start.year, start.month)
    if valid:
        start, end = max(start, valid[0]), min(end, valid[1])
    return start, max(start, end)


def step(view: View, anchor: dt.date, n: int) -> dt.date:
    """Where ‹ (n = -1) or › (n = 1) takes the calendar: a month (its first day) or a week."""
    if view == "week":
        return _monday(anchor) + dt.timedelta(days=7 * n)
    return recurrence.add_months(anchor.replace(day=1), n)


def overlapping(expanded: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The rows of `activities.expand` that touch [start, end]: the same rows `expand`
    gives for that window, taken from an expansion over a longer one."""
    if expanded.empty:
        return expanded
    keep = [
        d <= end and (e or d) >= start
        for d, e in zip(expanded["date"], expanded["end"], strict=True)
    ]
    return expanded[keep]


# How many activities a day shows, past which the rest fold into one "N more" item (a
# calendar handed a view at a time only). A federation's day holds dozens: FullCalendar
# would lay out all of them to show three (830 a month at 10k activities: 0.7 s a step
# in the browser), and a person reads them better as the day's list. Three and the item
# fill a month cell and the week's all-day row, so FullCalendar adds no "+N" of its own.
DAY_ITEMS_MAX: dict[str, int] = {"month": 3, "week": 3, "list": 12}


def fold_days(events: list[dict], view: View, lang: str) -> list[dict]:
    """`events` with each day's activities past `DAY_ITEMS_MAX[view]` folded into one
    item that opens the day's list. A day's activities are those starting on it, kept in
    the calendar's own order (all-month items first, then by time, then by title);
    holidays and deadlines are all kept."""
    limit = DAY_ITEMS_MAX[view]
    by_day: dict[str, list[dict]] = {}
    out: list[dict] = []
    for e in events:
        if e.get("extendedProps", {}).get("kind") == "activity":
            by_day.setdefault(str(e["start"])[:10], []).append(e)
        else:
            out.append(e)
    for day, items in by_day.items():
        if len(items) <= limit:
            out.extend(items)
            continue
        items.sort(key=lambda e: (e["extendedProps"]["order"], str(e["start"]), e["title"]))
        out.extend(items[:limit])
        out.append(more_event(day, len(items) - limit, lang))
    return out


def more_event(day: str, n: int, lang: str) -> dict:
    """The item standing for a day's `n` activities not drawn: a click opens the day."""
    return {
        "id": f"more|{day}",
        "title": i18n.t("calendar.more_on_day", lang, n=i18n.fmt_number(n, lang)),
        "start": day,
        "allDay": True,
        "backgroundColor": "#FFFFFF",
        "borderColor": "#595959",
        "textColor": "#1F1F1F",
        "classNames": ["up-more"],
        "extendedProps": {"kind": "more", "day": day, "order": ORDER_MORE},
    }


def clicked_day(state: Mapping[str, Any] | None) -> dt.date | None:
    """The day of a click on a day's "N more" item, else None."""
    if not state or state.get("callback") != "eventClick":
        return None
    props = ((state.get("eventClick") or {}).get("event") or {}).get("extendedProps") or {}
    if props.get("kind") != "more" or not props.get("day"):
        return None
    try:
        return dt.date.fromisoformat(str(props["day"]))
    except ValueError:
        return None


def day_table(
    expanded: pd.DataFrame, day: dt.date, lang: str, units: Mapping[str, str]
) -> pd.DataFrame:
    """The activities on `day` (rows of `activities.expand`) as the day's list: time,
    title, unit and status, in the calendar's order."""
    rows = []
    for row in records(overlapping(expanded, day, day)):
        unit, time = row.get("unit"), str(row.get("time") or "")
        if row.get("month_only"):
            when = i18n.t("calendar.whole_month", lang)
        elif (row.get("end") or row["date"]) > row["date"]:
            when = i18n.t(
                "calendar.range",
                lang,
                first=i18n.fmt_date(row["date"], lang),
                last=i18n.fmt_date(row["end"], lang),
            )
        else:
            when = time or i18n.t("calendar.all_day", lang)
        rows.append(
            {
                "id": row["id"],
                "occurrence": row["date"],
                "sort": (not row.get("month_only"), time, str(row.get("title") or "")),
                "when": when,
                "title": str(row.get("title") or row["id"]),
                "unit": units.get(unit, unit) if isinstance(unit, str) else "",
                "status": ACTIVITY_STATUS.label(activities.status_of(row.get("status")), lang),
            }
        )
    rows.sort(key=lambda r: r["sort"])
    cols = ["id", "occurrence", "when", "title", "unit", "status"]
    return pd.DataFrame([{c: r[c] for c in cols} for r in rows], columns=cols)


def clicked_activity(state: Mapping[str, Any] | None) -> tuple[str, str | None] | None:
    """(activity id, occurrence date) of an eventClick value, or None for anything else
    (a holiday, a deadline, a date click, no click)."""
    if not state or state.get("callback") != "eventClick":
        return None
    event = (state.get("eventClick") or {}).get("event") or {}
    props = event.get("extendedProps") or {}
    if props.get("kind") != "activity" or not props.get("activity_id"):
        return None
    return str(props["activity_id"]), props.get("occurrence")
