"""Turns a plan file into the demo's records for one year, as they would stand on `today`.

What the file says happened is shown up to `today`: activities before it are done (or
postponed, cancelled), progress, payments and income after it are not there yet. Figures
that a real year would vary (actual participants and costs) come from a random generator
seeded with the kind and year, so the output is the same on every run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.ops.demo.planfile import (
    Activity,
    Aid,
    Case,
    Day,
    History,
    PlanFile,
    Recurring,
    Target,
)
from unionplan.plan import holidays

DEMO_NOTE = "演示数据：姓名、身份证号、电话、住址均为虚构"

Record = dict[str, Any]


class Builder:
    """Records (dicts keyed by column) for each table of one demo year."""

    def __init__(self, pf: PlanFile, kind: str, year: int, today: dt.date) -> None:
        self.plan, self.year = pf.plan, year
        self.history = pf.history or History()
        # Nothing of the plan year has happened before it starts; all of it after it ends.
        self.cutoff = min(today, dt.date(year, 12, 31))
        self.rng = random.Random(f"unionplan-demo-{kind}-{year}")
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
        outcomes = {o.activity: o for o in self.history.outcomes}
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
            outcome = outcomes.get(a.key or "")
            status = self._status(outcome.status if outcome else None, start, end)
            rec = self._record(
                a,
                "activities",
                id=self._id("activities", a.key),
                start=start_pd,
                end=end_pd,
                unit=self.ids.get(a.unit or ""),
                status=status,
                target_id=self.ids.get(a.target or ""),
                notes="；".join(n for n in (a.notes, outcome.note if outcome else "") if n),
            )
            updated = None
            if status == "done":
                planned = a.planned_participants
                rec["actual_participants"] = max(1, round(planned * self.rng.uniform(0.85, 1.05)))
                if a.budget:
                    rec["actual_cost"] = round(a.budget * self.rng.uniform(0.8, 1.0), -1)
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

    # ---------------------------------------------------------- the history

    def progress(self, paid_by_month: Mapping[int, tuple[dt.date, float]]) -> list[Record]:
        """Progress entries up to today, the amount target's from what was paid each month."""
        aid = self.history.aid_progress
        entries: list[tuple[dt.date, Target, Record]] = []
        for t in self.plan.targets:
            for p in self.history.progress:
                if p.target != t.key:
                    continue
                if t.metric == "rate":
                    values = {"numerator": p.numerator, "denominator": p.denominator}
                else:
                    values = {"value": p.value, "unit": self.ids.get(p.unit or "")}
                entries.append((p.date.date(self.year), t, {**values, "note": p.note}))
            if aid and aid.target == t.key:
                for month, (last_day, total) in sorted(paid_by_month.items()):
                    note = aid.note.format(month=month)
                    entries.append((last_day, t, {"value": total, "note": note, "unit": None}))
        entries.sort(key=lambda e: (e[0], self.ids[e[1].key]))
        out = []
        for d, t, values in entries:
            if not self.happened(d):
                continue
            rec: Record = {"target_id": self.ids[t.key], "date": d, **values}
            rec["id"] = self._id("progress")
            out.append(self._stamp(rec, t.responsible, self._at(d, 16, 30)))
        return out

    def _on_file(self, c: Case, d: dt.date) -> bool:
        """Whether the case received visits on day d: opened, accepted, not yet closed."""
        if c.status in ("applied", "reviewing", "rejected") or c.opened_on.date(self.year) > d:
            return False
        return not (c.exited_on and c.exited_on.date(self.year) < d)

    def cases(self) -> list[Record]:
        out = []
        for n, c in enumerate(self.history.cases, start=1):
            opened = c.opened_on.date(self.year)
            if not self.happened(opened):
                continue  # not yet known on `today`
            exited = c.exited_on.date(self.year) if c.exited_on else None
            status = c.status
            if exited and not self.happened(exited):
                status, exited = "active", None  # still on file on `today`
            rec = self._record(
                c,
                "aid_cases",
                id=self._id("aid_cases", c.key),
                # 18 characters like a real number, but "XXXX" can never be a valid one.
                id_number=f"110101{c.birth}XXXX",
                phone=f"138-0000-{n:04d}",
                address=f"某某区某某路{n * 3 + 1}号（虚构地址）",
                unit=self.ids[c.unit],
                causes=list(c.causes),
                status=status,
                opened_on=opened,
                review_date=c.review_date.date(self.year) if c.review_date else None,
                exited_on=exited,
                notes=DEMO_NOTE,
            )
            created = self._at(opened, 10, 0)
            updated = self._at(exited, 11, 0) if exited else None
            out.append(self._stamp(rec, self.plan.union.aid_officer, created, updated))
        return out

    def payments(self) -> list[Record]:
        rows: list[tuple[dt.date, Record]] = []
        for r in self.history.rounds:
            d = r.date.date(self.year)
            if not self.happened(d):
                continue  # the cases it would visit may not be on file yet
            for c in self.history.cases:
                if not self._on_file(c, d) or (r.levels and c.level not in r.levels):
                    continue
                goods = not r.goods_levels or c.level in r.goods_levels
                rec = self._aid(
                    r,
                    self.ids[c.key],
                    d,
                    cash=r.cash[c.level] if r.cash else None,
                    goods=r.goods if goods else "",
                    goods_value=r.goods_value if goods and r.goods else None,
                )
                rows.append((d, rec))
        for p in self.history.payments:
            d = p.date.date(self.year)
            if not self.happened(d):
                continue
            rows.append((d, self._aid(p, self.ids[p.case], d)))
        rows.sort(key=lambda r: (r[0], r[1]["case_id"]))
        out = []
        for d, rec in rows:
            rec["id"] = self._id("aid_payments")
            out.append(self._stamp(rec, rec["handler"], self._at(d, 15, 0)))
        return out

    def _aid(self, entry: Aid, case_id: str, d: dt.date, **resolved: Any) -> Record:
        return self._record(
            entry,
            "aid_payments",
            case_id=case_id,
            date=d,
            activity_id=self.ids.get(entry.activity or ""),
            **resolved,
        )

    def income(self) -> list[Record]:
        out = []
        for i in self.history.income:
            d = i.date.date(self.year)
            if not self.happened(d):
                continue
            rec = self._record(i, "fund_income", id=self._id("fund_income"), date=d)
            out.append(self._stamp(rec, i.handler, self._at(d, 10, 0)))
        return out

    def settings(self) -> list[Record]:
        values = {
            "union_name": self.plan.union.name,
            "plan_year": str(self.year),
            "language": "简体中文",
            "demo": "1",
        }
        return [{"id": self._id("settings"), "key": k, "value": v} for k, v in values.items()]

    def records(self) -> dict[str, list[Record]]:
        """Every table's records, built in the order that gives ids as the demo has them."""
        records: dict[str, list[Record]] = {"settings": self.settings()}
        records["units"] = self.units()
        records["targets"] = self.targets()
        records["activities"] = self.activities()
        records["aid_cases"] = self.cases()
        records["aid_payments"] = self.payments()
        paid: dict[int, tuple[dt.date, float]] = {}
        for p in records["aid_payments"]:
            if p.get("cash"):
                last, total = paid.get(p["date"].month, (p["date"], 0.0))
                paid[p["date"].month] = (max(last, p["date"]), total + p["cash"])
        records["progress"] = self.progress(paid)
        records["fund_income"] = self.income()
        records["audit_log"] = []
        records["aid_events"] = []  # a case's history begins when the app files or changes it
        return records


def _month_day(d: dt.date) -> tuple[int, int]:
    return d.month, d.day
