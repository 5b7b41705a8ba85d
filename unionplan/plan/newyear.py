"""Starting a year's plan (新建计划): from a starter template, or from last year's plan.

    new = new_year_from_template("school", 2027, data=workbook.load())
    new = new_year_from_last(workbook.load(), 2027)
    start_new_year(workbook, new, actor)          # ONE Workbook.write, plan_year included

Templates are plan files (unionplan/plan/templates/*.toml, read by planfile.py) for a
school union, a township or street federation, an enterprise union and a hospital union.
Last year's plan is copied with its dates moved to the new year: an activity held around a
lunar festival (its title names the festival, its day is near it) keeps its distance to the
festival's new date, so 中秋 on 25 September 2026 becomes 15 September 2027; a weekly or
fortnightly series keeps its weekday; progress, outcomes, actual figures and statuses stay
behind in the old year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from unionplan.data import schema
from unionplan.data.access import Person
from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.data.tables import WorkbookData, new_id
from unionplan.data.values import is_blank, py
from unionplan.data.workbook import RecordUpdate, Workbook
from unionplan.errors import UnionplanError, ValidationError
from unionplan.plan import holidays, recurrence
from unionplan.plan.planbuild import PlanBuilder
from unionplan.plan.planfile import PlanFile, load

TEMPLATE_KINDS: tuple[str, ...] = ("school", "township", "enterprise", "hospital")
_TEMPLATES = Path(__file__).parent / "templates"

# What names a lunar festival in an activity's title, and how far from the festival an
# activity may be to move with it: Spring Festival visits start a month and more ahead.
FESTIVAL_WORDS: dict[str, tuple[str, ...]] = {
    "spring_festival": ("春节", "春節", "spring festival", "chinese new year"),
    "lantern": ("元宵", "lantern"),
    "qingming": ("清明", "qingming"),
    "dragon_boat": ("端午", "dragon boat"),
    "mid_autumn": ("中秋", "mid-autumn", "mid autumn"),
    "double_ninth": ("重阳", "重陽", "double ninth"),
}
DAYS_BEFORE = 45
DAYS_AFTER = 15

# Fields of last year's rows that tell what happened, not what was planned.
_RESULTS = ("actual_participants", "actual_cost", "occurrences", "import_key")
_SYSTEM = {c.key for c in schema.SYSTEM_COLUMNS} | {"id"}


@dataclass
class NewYear:
    """The records a new year's plan writes, and the plan_year setting it moves to."""

    year: int
    appends: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    updates: list[RecordUpdate] = field(default_factory=list)
    source: str = ""  # the template's kind, or "last" for last year's plan

    def count(self, table: str) -> int:
        return sum(1 for key, _ in self.appends if key == table)


@cache
def template(kind: str) -> PlanFile:
    """A starter plan, read and checked once per process."""
    if kind not in TEMPLATE_KINDS:
        raise UnionplanError(kind, key="reports.err_template_kind", kind=kind)
    return load(_TEMPLATES / f"{kind}.toml")


def template_sections(kind: str) -> list[str]:
    """The plan sections (工作板块) of a template, in the order its targets name them."""
    return list(dict.fromkeys(t.section for t in template(kind).plan.targets))


# ------------------------------------------------------------------ from a template


def new_year_from_template(kind: str, year: int, *, data: WorkbookData | None = None) -> NewYear:
    """The template's units, targets and activities for `year`, all planned.

    With `data`, a unit the workbook already has (same name) is reused instead of added
    again, and plan_year is updated in place; every record gets a fresh id, so the plan
    can be added to a workbook that already holds other years.
    """
    _check_year(year)
    pf = template(kind)
    built = PlanBuilder(pf.plan, year, dt.date(year - 1, 12, 31)).plan_records()
    existing = _unit_names(data) if data is not None else {}
    ids: dict[str, str] = {}
    out = NewYear(year, source=kind)
    for rec in built["units"]:
        known = existing.get(schema.norm(rec["name"]))
        if known:
            ids[rec["id"]] = known
            continue
        ids[rec["id"]] = new_id(TABLES["units"].id_prefix)
    for table in ("targets", "activities"):
        for rec in built[table]:
            ids[rec["id"]] = new_id(TABLES[table].id_prefix)
    for table in ("units", "targets", "activities"):
        for rec in built[table]:
            if table == "units" and ids[rec["id"]] in existing.values():
                continue
            values = _plan_values(table, rec)
            values["id"] = ids[rec["id"]]
            for ref in ("parent", "unit", "target_id"):
                if values.get(ref):
                    values[ref] = ids.get(values[ref])
            out.appends.append((table, values))
    out.appends.extend(_plan_year_appends(data, year))
    out.updates.extend(_plan_year_updates(data, year))
    return out


def _unit_names(data: WorkbookData) -> dict[str, str]:
    units = data.df("units")
    if units.empty:
        return {}
    return {
        schema.norm(n): str(i) for i, n in zip(units["id"], units["name"], strict=True) if n and i
    }


def _plan_values(table: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    keys = set(TABLES[table].keys) - _SYSTEM - set(_RESULTS)
    return {k: py(v) for k, v in rec.items() if k in keys and not is_blank(py(v))}


# ------------------------------------------------------------------ from last year


def new_year_from_last(data: WorkbookData, year: int) -> NewYear:
    """Last year's activities and targets, moved to `year`, planned, with no results.

    Last year is the workbook's plan_year. Activities dated in it and targets due in it
    (or with no deadline) are copied; units stay as they are. A copied activity keeps the
    link to its target's copy.
    """
    _check_year(year)
    old = data.plan_year
    if year == old:
        raise ValidationError({"year": ["reports.err_same_year"]})
    out = NewYear(year, source="last")
    target_ids: dict[str, str] = {}
    for rec in data.df("targets").to_dict("records"):
        deadline = py(rec.get("deadline"))
        if isinstance(deadline, PlanDate) and deadline.year != old:
            continue
        values = _plan_values("targets", rec)
        if isinstance(deadline, PlanDate):
            values["deadline"] = _shift_years(deadline, year - old)
        values["id"] = new_id(TABLES["targets"].id_prefix)
        target_ids[str(rec["id"])] = values["id"]
        out.appends.append(("targets", values))
    for rec in data.df("activities").to_dict("records"):
        start = py(rec.get("start"))
        if not isinstance(start, PlanDate) or start.year != old:
            continue  # undated rows belong to no year; other years' rows stay there
        values = _plan_values("activities", rec)
        values.update(_moved_dates(rec, old, year))
        values["status"] = "planned"
        values["id"] = new_id(TABLES["activities"].id_prefix)
        values["target_id"] = target_ids.get(str(py(rec.get("target_id")) or ""))
        out.appends.append(("activities", values))
    out.appends.extend(_plan_year_appends(data, year))
    out.updates.extend(_plan_year_updates(data, year))
    return out


def festival_of(title: Any, start: PlanDate) -> tuple[str, int] | None:
    """(festival key, days from it) when the activity is held around a lunar festival.

    The title must name the festival and the day fall from DAYS_BEFORE days before it to
    DAYS_AFTER days after; a month-only activity must be in the festival's month (its
    offset is 0). None otherwise.
    """
    text = str(title or "").casefold()
    for key, words in FESTIVAL_WORDS.items():
        if not any(w in text for w in words):
            continue
        day = _festival_day(key, start.year)
        if start.month_only:
            if day.month == start.month:
                return key, 0
            continue
        offset = (start.first() - day).days
        if -DAYS_BEFORE <= offset <= DAYS_AFTER:
            return key, offset
    return None


def _festival_day(key: str, year: int) -> dt.date:
    return next(h.start for h in holidays.festivals(year) if h.key == key)


def _moved_dates(rec: Mapping[str, Any], old: int, year: int) -> dict[str, Any]:
    """start, end and recurrence_until of an activity moved from year `old` to `year`."""
    start: PlanDate = py(rec["start"])
    end = py(rec.get("end"))
    freq = py(rec.get("recurrence"))
    fest = festival_of(rec.get("title"), start)
    if fest is not None:
        key, offset = fest
        day = _festival_day(key, year) + dt.timedelta(days=offset)
        new_start = PlanDate(year, day.month) if start.month_only else PlanDate.of(day)
    elif start.month_only:
        new_start = PlanDate(start.year + year - old, start.month)
    else:
        day = recurrence.add_years(start.first(), year - old)
        if freq in recurrence.DAY_RULES:
            # A weekly series keeps its weekday: the same weekday on or after the day.
            day += dt.timedelta(days=(start.first().weekday() - day.weekday()) % 7)
        new_start = PlanDate.of(day)
    out: dict[str, Any] = {"start": new_start}
    if isinstance(end, PlanDate):
        if end.month_only:
            months = (new_start.year - start.year) * 12 + new_start.month - start.month
            moved = recurrence.add_months(end.first(), months)
            out["end"] = PlanDate(moved.year, moved.month)
        else:
            out["end"] = PlanDate.of(new_start.first() + (end.first() - start.first()))
    until = py(rec.get("recurrence_until"))
    if isinstance(until, dt.date) and freq:
        out["recurrence_until"] = recurrence.add_years(until, year - old)
    return out


def _shift_years(d: PlanDate, years: int) -> PlanDate:
    if d.month_only:
        return PlanDate(d.year + years, d.month)
    return PlanDate.of(recurrence.add_years(d.first(), years))


# ------------------------------------------------------------------ plan_year and writing


def _check_year(year: int) -> None:
    if not 1900 < year < 2200:
        raise ValidationError({"year": ["reports.err_year"]})


def _plan_year_row(data: WorkbookData | None) -> dict[str, Any] | None:
    if data is None:
        return None
    df = data.df("settings")
    hit = df[df["key"] == "plan_year"] if not df.empty else df
    return None if hit.empty else {k: py(v) for k, v in hit.iloc[0].items()}


def _plan_year_appends(data: WorkbookData | None, year: int) -> list[tuple[str, dict[str, Any]]]:
    if _plan_year_row(data) is not None:
        return []
    return [("settings", {"key": "plan_year", "value": str(year)})]


def _plan_year_updates(data: WorkbookData | None, year: int) -> list[RecordUpdate]:
    row = _plan_year_row(data)
    if row is None:
        return []
    # Settings rows carry no version column: they read as version 0.
    version = int(row.get("version") or 0)
    return [RecordUpdate("settings", str(row["id"]), {"value": str(year)}, version)]


def start_new_year(workbook: Workbook, new: NewYear, actor: Person) -> list[dict[str, Any]]:
    """Write the new year's records and its plan_year in ONE store write (the plan year
    is a setting: an administrator's write, checked by the workbook layer)."""
    return workbook.write(appends=new.appends, updates=new.updates, actor=actor)
