"""Turns a plan file into the demo's records for one year, as they would stand on `today`.

What the file says happened is shown up to `today`: activities before it are done (or
postponed, cancelled), progress, payments and income after it are not there yet. Figures
that a real year would vary (actual participants and costs) come from a random generator
seeded with the kind and year, so the output is the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

from unionplan.plan.planbuild import PlanBuilder, Record
from unionplan.plan.planfile import Activity, Aid, Case, History, PlanFile, Target

DEMO_NOTE = "演示数据：姓名、身份证号、电话、住址均为虚构"


class Builder(PlanBuilder):
    """Records (dicts keyed by column) for each table of one demo year."""

    def __init__(self, pf: PlanFile, kind: str, year: int, today: dt.date) -> None:
        super().__init__(pf.plan, year, today)
        self.history = pf.history or History()
        self.rng = random.Random(f"unionplan-demo-{kind}-{year}")
        self._outcomes = {o.activity: o for o in self.history.outcomes}

    def outcome(self, a: Activity) -> tuple[str | None, str]:
        o = self._outcomes.get(a.key or "")
        return (o.status, o.note) if o else (None, "")

    def results(self, a: Activity, rec: Record) -> None:
        planned = a.planned_participants
        rec["actual_participants"] = max(1, round(planned * self.rng.uniform(0.85, 1.05)))
        if a.budget:
            rec["actual_cost"] = round(a.budget * self.rng.uniform(0.8, 1.0), -1)

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
