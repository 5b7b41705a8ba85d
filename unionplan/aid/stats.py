"""Aggregates of the aid work for charts and reports: paid by kind and quarter, by cause,
people helped (distinct persons and person-times), and the year in one sentence.

Only counts and sums leave this module, so everyone may see them; amounts are Decimals
to the fen (charts turn them into floats only to draw).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from unionplan import i18n
from unionplan.aid.fund import spent
from unionplan.aid.idcard import same_person_key
from unionplan.aid.money import ZERO, money_text, to_money
from unionplan.data import parse
from unionplan.data.periods import quarter_bounds, year_bounds
from unionplan.data.schema import AID_KIND, HARDSHIP_CAUSE
from unionplan.data.tables import WorkbookData

NO_CAUSE = ""  # cases whose causes were not filled in


def _payments_in(data: WorkbookData, year: int) -> list[dict[str, Any]]:
    pays = data.df("aid_payments")
    if pays.empty:
        return []
    return [
        p
        for p in pays.to_dict("records")
        if isinstance(p.get("date"), dt.date) and p["date"].year == year
    ]


def _quarter(d: dt.date) -> int:
    return (d.month - 1) // 3 + 1


def paid_by_kind_quarter(data: WorkbookData, year: int) -> pd.DataFrame:
    """kind, quarter (1-4), payments, cash, goods_value, total: one row per kind and
    quarter that had payments, kinds in the schema's order."""
    cells: dict[tuple[str, int], dict[str, Any]] = {}
    for p in _payments_in(data, year):
        kind = p.get("kind") or ""  # a payment whose kind was not filled in
        cell = cells.setdefault(
            (kind, _quarter(p["date"])),
            {"payments": 0, "cash": ZERO, "goods_value": ZERO},
        )
        cell["payments"] += 1
        cell["cash"] += to_money(p.get("cash"))
        cell["goods_value"] += to_money(p.get("goods_value"))
    order = {code: i for i, code in enumerate(AID_KIND.codes())}
    rows = [
        {"kind": k, "quarter": q, **v, "total": v["cash"] + v["goods_value"]}
        for (k, q), v in sorted(cells.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0]))
    ]
    cols = ["kind", "quarter", "payments", "cash", "goods_value", "total"]
    return pd.DataFrame(rows, columns=cols)


def paid_by_cause(data: WorkbookData, year: int) -> pd.DataFrame:
    """cause, cases, payments, total: each payment counted once, under its case's main
    cause (the first one listed), so the bars add up to what was paid."""
    cases = data.df("aid_cases")
    main: dict[str, str] = {}
    if not cases.empty:
        for cid, causes in zip(cases["id"], cases["causes"], strict=True):
            main[cid] = causes[0] if isinstance(causes, list) and causes else NO_CAUSE
    cells: dict[str, dict[str, Any]] = {}
    for p in _payments_in(data, year):
        cause = main.get(p.get("case_id"), NO_CAUSE)
        cell = cells.setdefault(cause, {"case_ids": set(), "payments": 0, "total": ZERO})
        cell["case_ids"].add(p.get("case_id"))
        cell["payments"] += 1
        cell["total"] += spent(p)
    order = {code: i for i, code in enumerate(HARDSHIP_CAUSE.codes())}
    rows = [
        {"cause": c, "cases": len(v["case_ids"]), "payments": v["payments"], "total": v["total"]}
        for c, v in sorted(cells.items(), key=lambda kv: order.get(kv[0], 99))
    ]
    return pd.DataFrame(rows, columns=["cause", "cases", "payments", "total"])


@dataclass(frozen=True)
class Helped:
    """People helped in a period: distinct persons, person-times (人次), and the amount."""

    persons: int
    person_times: int
    cash: Decimal
    goods_value: Decimal

    @property
    def total(self) -> Decimal:
        return self.cash + self.goods_value


def _person_keys(data: WorkbookData) -> dict[str, str]:
    """Case id -> a key for the person: two files with one ID number are one person."""
    cases = data.df("aid_cases")
    out: dict[str, str] = {}
    if cases.empty:
        return out
    for cid, number in zip(cases["id"], cases["id_number"], strict=True):
        out[cid] = same_person_key(number) if not parse.is_blank(number) else f"case:{cid}"
    return out


def people_helped(data: WorkbookData, year: int, quarter: int | None = None) -> Helped:
    """Who was helped in `year` (or one quarter of it): each payment is one person-time."""
    start, end = year_bounds(year) if quarter is None else quarter_bounds(year, quarter)
    return helped_between(data, start, end)


def _payments_between(
    data: WorkbookData, start: dt.date, end: dt.date, cases: Collection[str] | None
) -> list[dict[str, Any]]:
    pays = data.df("aid_payments")
    if pays.empty:
        return []
    return [
        p
        for p in pays.to_dict("records")
        if isinstance(p.get("date"), dt.date)
        and start <= _day(p["date"]) <= end
        and (cases is None or str(p.get("case_id") or "") in cases)
    ]


def _day(d: dt.date) -> dt.date:
    return d.date() if isinstance(d, dt.datetime) else d


def helped_between(
    data: WorkbookData, start: dt.date, end: dt.date, cases: Collection[str] | None = None
) -> Helped:
    """Who was helped from `start` to `end` (both included), among `cases` when given
    (case ids: a member unit's report counts its own cases): each payment is one
    person-time, two files with one ID number one person."""
    keys = _person_keys(data)
    persons: set[str] = set()
    times = 0
    cash = goods = ZERO
    for p in _payments_between(data, start, end, cases):
        cid = str(p.get("case_id") or "")
        persons.add(keys.get(cid, f"case:{cid}"))
        times += 1
        cash += to_money(p.get("cash"))
        goods += to_money(p.get("goods_value"))
    return Helped(len(persons), times, cash, goods)


def helped_by_kind(
    data: WorkbookData, start: dt.date, end: dt.date, cases: Collection[str] | None = None
) -> pd.DataFrame:
    """kind, persons, person_times, cash, goods_value, total from `start` to `end`: one row
    per kind of aid paid, kinds in the schema's order (a blank kind last, as "")."""
    keys = _person_keys(data)
    cells: dict[str, dict[str, Any]] = {}
    for p in _payments_between(data, start, end, cases):
        cid = str(p.get("case_id") or "")
        cell = cells.setdefault(
            p.get("kind") or "", {"persons": set(), "times": 0, "cash": ZERO, "goods": ZERO}
        )
        cell["persons"].add(keys.get(cid, f"case:{cid}"))
        cell["times"] += 1
        cell["cash"] += to_money(p.get("cash"))
        cell["goods"] += to_money(p.get("goods_value"))
    order = {code: i for i, code in enumerate(AID_KIND.codes())}
    rows = [
        {
            "kind": k,
            "persons": len(v["persons"]),
            "person_times": v["times"],
            "cash": v["cash"],
            "goods_value": v["goods"],
            "total": v["cash"] + v["goods"],
        }
        for k, v in sorted(cells.items(), key=lambda kv: order.get(kv[0], 99))
    ]
    cols = ["kind", "persons", "person_times", "cash", "goods_value", "total"]
    return pd.DataFrame(rows, columns=cols)


def helped_by_quarter(data: WorkbookData, year: int) -> pd.DataFrame:
    """quarter, persons, person_times, total: the four quarters of `year`."""
    rows = []
    for q in (1, 2, 3, 4):
        h = people_helped(data, year, q)
        rows.append(
            {"quarter": q, "persons": h.persons, "person_times": h.person_times, "total": h.total}
        )
    return pd.DataFrame(rows, columns=["quarter", "persons", "person_times", "total"])


def summary_text(data: WorkbookData, year: int, lang: str) -> str:
    """The year's aid in the sentence summaries use: "全年帮扶困难职工15人、38人次，发放帮扶
    资金及物资合计¥21,000.00（其中现金¥18,000.00）"."""
    h = people_helped(data, year)
    return i18n.t(
        "aid.stats.summary",
        lang,
        year=year,
        persons=h.persons,
        times=h.person_times,
        total=money_text(h.total, lang),
        cash=money_text(h.cash, lang),
    )
