"""Turns the plan of a plan file (units, targets, activities) into workbook records for a year.

The demo builder (unionplan.ops.demo.builder) extends this with what happened in the year;
a starter template (unionplan.plan.templates) uses it as it is, seen from before the year
begins, so every activity is planned. Ids are given in table order ("A-0001" …) and every
reference between entries (a unit's parent, a target's unit, an activity's target) is
resolved to the id its record gets.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.plan import holidays
from unionplan.plan.planfile import Activity, Day, Plan, Recurring

Record = dict[str, Any]


class PlanBuilder:
    """Records (dicts keyed by column) of a plan's units, targets and activities in `year`.

    `today` decides what has already happened: activities that ended before it are done,
    the others planned or in progress. A template is built with a `today` before the year.
    """

    def __init__(self, plan: Plan, year: int, today: dt.date) -> None:
        self.plan, self.year = plan, year
        # Nothing of the plan year has happened before it starts; all of it after it ends.
        self.cutoff = min(today, dt.date(year, 12, 31))
        now = dt.datetime.combine(today, dt.time(9, 0))
        # The plan is typed in at the start of the year (or now, for a year not begun).
        self.plan_created = min(dt.datetime(year, 1, 3, 9, 0), now)
        self.ids: dict[str, str] = {}  # file key -> record id, given in table order
        self.counters: dict[str, int] = {}

    # ---------------------------------------------------------- helpers

    def _id(self, table: str, key: str | None = None) -> str:
        prefix = TABLES[table].id_prefix
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        rid = f"{prefix}-{n:04d}"
        if key:
            self.ids[key] = rid
        return rid

    def _stamp(
        self, rec: Record, by: str, created: dt.datetime, updated: dt.datetime | None = None
    ) -> Record:
        rec.update(
            version=1,
            created_at=created,
            created_by=by,
            updated_at=max(created, updated or created),
            updated_by=by,
            deleted=False,
        )
        return rec

    def _at(self, d: dt.date, hour: int = 17, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(hour, minute))

    def happened(self, d: dt.date) -> bool:
        return d <= self.cutoff

    def _record(self, entry: Any, table: str, **resolved: Any) -> Record:
        """The entry's fields named like the table's columns, as written, then `resolved`.

        Plan files name fields after the columns, so only what needs the year or the ids
        (days, references to other entries) and what the builder decides is spelled out.
        """
        columns = TABLES[table].keys
        fields = (f.name for f in dataclasses.fields(entry))
        rec = {name: getattr(entry, name) for name in fields if name in columns}
        rec.update(resolved)
        unresolved = [k for k, v in rec.items() if isinstance(v, Day)]
        if unresolved:  # a Day is relative: written as it is, the cell would be nonsense
            raise TypeError(f"{table}: {unresolved} need a date of the plan year")
        return rec

    # ---------------------------------------------------------- what a demo adds

    def outcome(self, a: Activity) -> tuple[str | None, str]:
        """(status, note) of an activity that did not happen as planned; a plan has none."""
        return None, ""

    def results(self, a: Activity, rec: Record) -> None:
        """Fill in the actual figures of a done activity; a plan has none."""

    # ---------------------------------------------------------- the plan

    def units(self) -> list[Record]:
        out = []
        for u in self.plan.units:
            rec = self._record(
                u, "units", id=self._id("units", u.key), parent=self.ids.get(u.parent or "")
            )
            out.append(self._stamp(rec, self.plan.union.chair, self.plan_created))
        return out

    def targets(self) -> list[Record]:
        out = []
        for t in self.plan.targets:
            rec = self._record(
                t,
                "targets",
                id=self._id("targets", t.key),
                deadline=t.deadline.plandate(self.year),
                unit=self.ids.get(t.unit or ""),
            )
            out.append(self._stamp(rec, self.plan.union.chair, self.plan_created))
        return out

    def _status(self, outcome: str | None, start: dt.date, end: dt.date) -> str:
        if end < self.cutoff:
            return outcome or "done"
        if start <= self.cutoff:
            # A plan that was dropped before it began is recorded as soon as it is known.
            return outcome or "in_progress"
        return "planned"

    def _on_festival(self, a: Activity) -> Activity:
        if a.festival is None:
            return a
        day = next(h.start for h in holidays.festivals(self.year) if h.key == a.festival)
        day -= dt.timedelta(days=a.before)
        return dataclasses.replace(a, month=day.month, day=day.day, festival=None, before=0)

    def activities(self) -> list[Record]:
        acts = sorted(
            (self._on_festival(a) for a in self.plan.activities),
            key=lambda a: (a.month, a.day or 0),
        )
        # A recurring activity goes in date order among the others, so ids follow the rows.
        pending = sorted(self.plan.recurring, key=lambda r: r.first(self.year))
        out = []
        for a in acts:
            assert a.month is not None
            while pending and (a.month, a.day or 0) > _month_day(pending[0].first(self.year)):
                out.append(self._recurring(pending.pop(0)))
            if a.day is None:
                start_pd = PlanDate(self.year, a.month)
                start, end = start_pd.first(), start_pd.last()
                end_pd = None
            else:
                start = dt.date(self.year, a.month, a.day)
                end = start + dt.timedelta(days=a.days - 1)
                start_pd = PlanDate.of(start)
                end_pd = PlanDate.of(end) if a.days > 1 else None
            outcome, outcome_note = self.outcome(a)
            status = self._status(outcome, start, end)
            rec = self._record(
                a,
                "activities",
                id=self._id("activities", a.key),
                start=start_pd,
                end=end_pd,
                unit=self.ids.get(a.unit or ""),
                status=status,
                target_id=self.ids.get(a.target or ""),
                notes="；".join(n for n in (a.notes, outcome_note) if n),
            )
            updated = None
            if status == "done":
                self.results(a, rec)
                updated = self._at(min(end + dt.timedelta(days=1), self.cutoff), 17, 30)
            elif status in ("postponed", "cancelled"):
                updated = self._at(min(start - dt.timedelta(days=2), self.cutoff), 12, 0)
            out.append(self._stamp(rec, a.responsible, self.plan_created, updated))
        out.extend(self._recurring(r) for r in pending)
        return out

    def _recurring(self, a: Recurring) -> Record:
        first, until = a.first(self.year), dt.date(self.year, 12, 31)
        occurrences = []
        d = first
        while d <= until and self.happened(d):
            occurrences.append(f"{d.isoformat()}={'skipped' if a.skipped(d) else 'done'}")
            d += a.step
        if self.cutoff < first:
            status = "planned"
        elif self.cutoff < until:
            status = "in_progress"
        else:
            status = "done"
        rec = self._record(
            a,
            "activities",
            id=self._id("activities", a.key),
            start=PlanDate.of(first),
            unit=self.ids.get(a.unit or ""),
            status=status,
            recurrence=a.every,
            recurrence_until=until,
            occurrences="; ".join(occurrences),
        )
        last = dt.date.fromisoformat(occurrences[-1][:10]) if occurrences else None
        updated = self._at(last, 17, 10) if last else None
        return self._stamp(rec, a.responsible, self.plan_created, updated)

    def plan_records(self) -> dict[str, list[Record]]:
        """The plan's units, targets and activities, in the order that gives their ids."""
        return {
            "units": self.units(),
            "targets": self.targets(),
            "activities": self.activities(),
        }


def _month_day(d: dt.date) -> tuple[int, int]:
    return d.month, d.day
