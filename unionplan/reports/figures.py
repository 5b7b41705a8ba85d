"""The figures of a report, computed from the workbook: what a summary may quote.

Plain pandas, no Streamlit, no wording (narrative.py words them). The rules, which the
report's tests recompute independently:

* The *scope* is a member unit and every unit below it (None: the whole union). A row
  with no unit belongs to the top of the tree: it counts for the whole union and for a
  top-level unit, not for a unit further down.
* An activity is *held* in the period when one of its occurrences is done and falls in
  it (the day it starts; a recurring series counts each done session). Participants
  (person-times, 人次) and money spent are the actual figures of the held one-off
  activities; a series' sessions are counted but carry no per-session figures.
* Targets are those assigned to a unit in scope, with the status and actual of
  `unionplan.goals.targets.evaluate` on the report's as-of day (the period's last day, or
  today while it runs): cumulative from each target's window start, as the targets page.
* Aid is what was paid in the period to cases of units in scope, from
  `unionplan.aid.stats` (people, person-times, cash and goods by kind). Personal lines
  (names) are produced only when the person asking may see them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from unionplan.aid import stats
from unionplan.aid.money import ZERO, to_money
from unionplan.data.parse import PlanDate
from unionplan.data.periods import period_bounds, quarter_bounds
from unionplan.data.tables import WorkbookData
from unionplan.data.values import is_blank, py
from unionplan.goals import assessment
from unionplan.goals import targets as target_rules
from unionplan.plan import activities as activity_rules

NO_SECTION = ""  # activities that no plan section claims, and targets without one

# Where an activity belongs when neither its target nor a counting target places it: the
# words a section's name uses for the activity's category (the seeds' section names).
CATEGORY_SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "care": ("帮扶", "温暖", "关爱", "關愛", "幫扶", "aid", "care"),
    "women": ("女",),
    "culture_sports": ("文体", "文體", "文化", "culture", "sport"),
    "festival": ("文体", "文體", "文化", "culture"),
    "study": ("素质", "素質", "学习", "學習", "培训", "培訓", "quality", "training"),
    "skills": ("竞赛", "競賽", "素质", "素質", "skill", "quality"),
    "democratic": ("民主", "协商", "協商", "democra"),
    "meeting": ("自身建设", "自身建設", "own"),
    "awards": ("自身建设", "自身建設", "own"),
}


@dataclass(frozen=True)
class Scope:
    """The member unit a report is for (None: the whole union) and the units it covers."""

    unit: str | None
    units: frozenset[str]  # the unit and every unit below it; empty for the whole union
    includes_blank: bool  # rows with no unit count (whole union or a top-level unit)

    def covers(self, unit: Any) -> bool:
        u = py(unit)
        if self.unit is None:
            return True
        if is_blank(u):
            return self.includes_blank
        return str(u) in self.units


def scope_of(data: WorkbookData, unit: str | None) -> Scope:
    if unit is None:
        return Scope(None, frozenset(), True)
    parents = assessment.parent_map(data.df("units"))
    return Scope(
        unit,
        frozenset(assessment.descendants(parents, unit)),
        parents.get(unit) is None,
    )


@dataclass(frozen=True)
class Period:
    code: str  # "Q1"…"Q4", "H1", "H2", "Y"
    year: int
    start: dt.date
    end: dt.date
    as_of: dt.date  # the day targets are evaluated on

    @property
    def kind(self) -> str:
        """ "quarter", "half" or "year": which of the three reports this period gives."""
        return {"Q": "quarter", "H": "half", "Y": "year"}[self.code[0]]


def period_of(year: int, code: str, today: dt.date) -> Period:
    start, end = period_bounds(year, code)
    return Period(code.upper(), year, start, end, target_rules.as_of_for(year, code, today))


# ------------------------------------------------------------------ activities


@dataclass(frozen=True)
class ActivityLine:
    """One activity held in the period (a series: its sessions held)."""

    id: str
    date: dt.date  # the first session held in the period
    title: str
    category: str | None
    unit: str | None
    section: str
    sessions: int  # 1 for a one-off activity
    participants: int | None  # person-times; None for a series
    cost: Decimal | None
    recurring: bool


def held_activities(
    data: WorkbookData, period: Period, scope: Scope, sections: dict[str, str]
) -> list[ActivityLine]:
    """Activities held in the period in scope, in date order (see the module rules)."""
    acts = keyed(data.df("activities"))
    if acts.empty:
        return []
    acts = acts[[scope.covers(u) for u in acts["unit"]]]
    if acts.empty:
        return []
    occ = activity_rules.expand(acts, period.start, period.end)
    if occ.empty:
        return []
    in_period = [period.start <= d <= period.end for d in occ["date"]]
    occ = occ[(occ["status"] == "done").to_numpy() & in_period]
    rows = {str(r["id"]): r for r in acts.to_dict("records")}
    lines: dict[str, ActivityLine] = {}
    for o in occ.to_dict("records"):
        rid = str(o["id"])
        rec = rows[rid]
        if rid in lines:  # another session of a series
            prev = lines[rid]
            lines[rid] = dataclasses.replace(prev, sessions=prev.sessions + 1)
            continue
        recurring = bool(o["recurring"])
        people = py(rec.get("actual_participants"))
        cost = py(rec.get("actual_cost"))
        lines[rid] = ActivityLine(
            id=rid,
            date=o["date"],
            title=str(py(rec.get("title")) or ""),
            category=py(rec.get("category")),
            unit=py(rec.get("unit")),
            section=sections.get(rid, NO_SECTION),
            sessions=1,
            participants=None if recurring or people is None else int(people),
            cost=None if recurring or cost is None else to_money(cost),
            recurring=recurring,
        )
    return sorted(lines.values(), key=lambda a: (a.date, a.title))


def keyed(acts: pd.DataFrame) -> pd.DataFrame:
    """The activities with a key in `id` for every row: a row whose id is blank or repeats
    (a hand-made sheet; the data page lists it) is told apart by its sheet row."""
    if acts.empty:
        return acts
    seen: set[str] = set()
    ids = []
    for rid, row in zip(acts["id"], acts["_row"], strict=True):
        key = str(rid) if not is_blank(rid) and str(rid) not in seen else f"row:{row}"
        seen.add(key)
        ids.append(key)
    return acts.assign(id=ids)


def activity_sections(data: WorkbookData, section_names: list[str]) -> dict[str, str]:
    """Activity id -> the plan section it belongs to.

    Its linked target's section first; else the section of a target that counts its
    category; else the first section whose name has a word of its category; else none.
    """
    tgt = data.df("targets")
    by_target: dict[str, str] = {}
    by_category: dict[str, str] = {}
    if not tgt.empty:
        for rec in tgt.to_dict("records"):
            section = py(rec.get("section")) or NO_SECTION
            by_target[str(rec["id"])] = section
            if py(rec.get("count_source")) == "category" and py(rec.get("count_category")):
                by_category.setdefault(rec["count_category"], section)
    out: dict[str, str] = {}
    acts = keyed(data.df("activities"))
    for rec in acts.to_dict("records") if not acts.empty else []:
        linked = by_target.get(str(py(rec.get("target_id")) or ""))
        cat = py(rec.get("category"))
        section = linked or by_category.get(cat or "") or _by_words(cat, section_names)
        out[str(rec["id"])] = section or NO_SECTION
    return out


def _by_words(category: str | None, names: list[str]) -> str | None:
    words = CATEGORY_SECTION_WORDS.get(category or "", ())
    for name in names:
        folded = name.casefold()
        if any(w.casefold() in folded for w in words):
            return name
    return None


@dataclass(frozen=True)
class ActivityTotals:
    held: int  # sessions held (a one-off activity is one)
    participants: int
    cost: Decimal


def activity_totals(lines: Collection[ActivityLine]) -> ActivityTotals:
    return ActivityTotals(
        sum(a.sessions for a in lines),
        sum(a.participants or 0 for a in lines),
        sum((a.cost or ZERO for a in lines), ZERO),
    )


# ------------------------------------------------------------------ targets


@dataclass(frozen=True)
class TargetLine:
    """One target as evaluated on the report's as-of day."""

    id: str
    section: str
    title: str
    metric: str
    direction: str
    unit_of_measure: str
    target: float | None  # a rate as a fraction (0.9)
    actual: float | None
    numerator: float | None
    denominator: float | None
    pct_achieved: float | None
    status: str
    deadline: PlanDate | None
    responsible: str
    unit: str | None


def target_lines(data: WorkbookData, period: Period, scope: Scope) -> list[TargetLine]:
    ev = target_rules.evaluate(data, period.as_of)
    out = []
    for r in ev.to_dict("records"):
        if not scope.covers(r.get("unit")):
            continue
        out.append(
            TargetLine(
                id=str(r["id"]),
                section=str(r.get("section") or NO_SECTION),
                title=str(r.get("title") or ""),
                metric=str(r["metric"]),
                direction=str(r["direction"]),
                unit_of_measure=str(r.get("unit_of_measure") or ""),
                target=_float(r.get("target")),
                actual=_float(r.get("actual")),
                numerator=_float(r.get("numerator")),
                denominator=_float(r.get("denominator")),
                pct_achieved=_float(r.get("pct_achieved")),
                status=str(r["status"]),
                deadline=r.get("deadline") if isinstance(r.get("deadline"), PlanDate) else None,
                responsible=str(r.get("responsible") or ""),
                unit=py(r.get("unit")),
            )
        )
    return out


def evaluated_frame(data: WorkbookData, period: Period, scope: Scope) -> pd.DataFrame:
    """The evaluated targets in scope, as `targets.evaluate` gives them (for the charts)."""
    ev = target_rules.evaluate(data, period.as_of)
    if ev.empty:
        return ev
    return ev[[scope.covers(u) for u in ev["unit"]]].reset_index(drop=True)


def _float(value: Any) -> float | None:
    value = py(value)
    if value is None:
        return None
    f = float(value)
    return None if f != f else f


# ------------------------------------------------------------------ aid


@dataclass(frozen=True)
class AidKindLine:
    kind: str
    persons: int
    person_times: int
    cash: Decimal
    goods_value: Decimal
    total: Decimal


@dataclass(frozen=True)
class AidPaymentLine:
    """One payment with the person's name: only in a report for someone allowed to see it."""

    date: dt.date
    name: str
    unit: str | None
    kind: str
    cash: Decimal
    goods_value: Decimal


@dataclass(frozen=True)
class AidFigures:
    persons: int
    person_times: int
    cash: Decimal
    goods_value: Decimal
    by_kind: tuple[AidKindLine, ...]
    payments: tuple[AidPaymentLine, ...]  # empty unless personal
    # kind, quarter, payments, total: the shape of aid.charts.paid_by_kind_quarter
    by_kind_quarter: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame, compare=False)

    @property
    def total(self) -> Decimal:
        return self.cash + self.goods_value


def cases_in_scope(data: WorkbookData, scope: Scope) -> set[str] | None:
    """Case ids of the units in scope; None (every case) for the whole union."""
    if scope.unit is None:
        return None
    cases = data.df("aid_cases")
    if cases.empty:
        return set()
    return {str(c) for c, u in zip(cases["id"], cases["unit"], strict=True) if scope.covers(u)}


def aid_figures(data: WorkbookData, period: Period, scope: Scope, *, personal: bool) -> AidFigures:
    cases = cases_in_scope(data, scope)
    helped = stats.helped_between(data, period.start, period.end, cases)
    kinds = stats.helped_by_kind(data, period.start, period.end, cases)
    by_kind = tuple(
        AidKindLine(
            str(r["kind"]),
            int(r["persons"]),
            int(r["person_times"]),
            r["cash"],
            r["goods_value"],
            r["total"],
        )
        for r in kinds.to_dict("records")
    )
    payments: tuple[AidPaymentLine, ...] = ()
    if personal:
        payments = _payment_lines(data, period, cases)
    return AidFigures(
        helped.persons,
        helped.person_times,
        helped.cash,
        helped.goods_value,
        by_kind,
        payments,
        _by_quarter(data, period, cases),
    )


def _by_quarter(data: WorkbookData, period: Period, cases: set[str] | None) -> pd.DataFrame:
    rows = []
    for q in (1, 2, 3, 4):
        q_start, q_end = quarter_bounds(period.year, q)
        start, end = max(q_start, period.start), min(q_end, period.end)
        if start > end:
            continue
        for r in stats.helped_by_kind(data, start, end, cases).to_dict("records"):
            rows.append(
                {
                    "kind": r["kind"],
                    "quarter": q,
                    "payments": r["person_times"],
                    "total": r["total"],
                }
            )
    return pd.DataFrame(rows, columns=["kind", "quarter", "payments", "total"])


def _payment_lines(
    data: WorkbookData, period: Period, cases: set[str] | None
) -> tuple[AidPaymentLine, ...]:
    pays = data.df("aid_payments")
    case_df = data.df("aid_cases")
    if pays.empty:
        return ()
    names, units = {}, {}
    if not case_df.empty:
        for rec in case_df.to_dict("records"):
            names[str(rec["id"])] = str(py(rec.get("name")) or "")
            units[str(rec["id"])] = py(rec.get("unit"))
    out = []
    for p in pays.to_dict("records"):
        day, cid = py(p.get("date")), str(py(p.get("case_id")) or "")
        if not isinstance(day, dt.date) or not period.start <= day <= period.end:
            continue
        if cases is not None and cid not in cases:
            continue
        out.append(
            AidPaymentLine(
                day,
                names.get(cid, cid),
                units.get(cid),
                str(py(p.get("kind")) or ""),
                to_money(p.get("cash")),
                to_money(p.get("goods_value")),
            )
        )
    return tuple(sorted(out, key=lambda p: (p.date, p.name)))
