"""Campaigns (春节送温暖, 金秋助学 …): pick cases, review the list and the total, then write
every payment in one operation, exactly once.

`plan_campaign` builds the payment rows with their ids fixed up front and says what to
look at before paying (the fund would be overdrawn, some families were already paid this
kind this year). `write_campaign` writes the rows and their audit rows in one store write
(one save locally, one atomic batchUpdate on Google). Because the ids are fixed in the
plan, writing the same plan again after a lost answer finds them there and writes
nothing; within one write, Google's retry after a timeout checks the first id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from unionplan.aid.cases import ON_FILE_CASES, CaseFilter, select_cases
from unionplan.aid.fund import FundCheck, OverdrawError, check_spending
from unionplan.aid.money import money_sum, to_money
from unionplan.aid.notice import Notice
from unionplan.data import parse
from unionplan.data.access import Person
from unionplan.data.schema import AID_KIND, AID_PAYMENTS
from unionplan.data.tables import WorkbookData, new_id
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError

CAMPAIGN_PREFIX = "K"  # campaign ids, "K-7KQ3ZP9M": no table of their own, a column of payments
MAX_ROWS = 2000  # a campaign larger than any union's register is a mistake, not a plan

PLAN_COLUMNS = ["payment_id", "case_id", "name", "unit", "level", "cash", "goods_value"]


@dataclass
class CampaignPlan:
    """A campaign ready to review and write. `rows` are the payment records."""

    campaign_id: str
    kind: str
    date: dt.date
    fund_source: str
    advance: bool
    rows: list[dict[str, Any]]
    review: pd.DataFrame  # one line per row: who, unit, level, amounts (personal: mask it)
    total_cash: Decimal
    total_goods: Decimal
    fund: FundCheck | None
    already_paid: list[str] = field(default_factory=list)  # case ids paid this kind this year
    notices: list[Notice] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.total_cash + self.total_goods

    @property
    def blocked(self) -> bool:
        """The fund would go below zero and the campaign is not marked as an advance."""
        return self.fund is not None and self.fund.refused


def paid_this_year(data: WorkbookData, kind: str, year: int) -> set[str]:
    """Cases that already received aid of `kind` in `year`."""
    pays = data.df("aid_payments")
    if pays.empty:
        return set()
    years = pays["date"].map(lambda d: d.year if isinstance(d, dt.date) else None)
    hit = pays[(pays["kind"] == kind) & (years == year)]
    return set(hit["case_id"].dropna())


def plan_campaign(
    data: WorkbookData,
    kind: str,
    *,
    date: dt.date,
    fund_source: str,
    filters: CaseFilter = ON_FILE_CASES,
    case_ids: Sequence[str] | None = None,
    amount: Any = None,
    amounts: Mapping[str, Any] | None = None,
    goods: str = "",
    goods_value: Any = None,
    handler: str = "",
    approved_by: str = "",
    advance: bool = False,
    activity_id: str | None = None,
    notes: str = "",
    skip_paid: bool = False,
    campaign_id: str | None = None,
) -> CampaignPlan:
    """Plan one payment per case picked by `filters` (or the explicit `case_ids`, in that
    order, after the officer reviewed the list).

    Each case gets `amounts[case_id]` when given, else `amount`; goods and their value
    are the same for every case. A case with neither cash nor goods is left out with a
    notice. `skip_paid` leaves out cases already paid this kind this year (otherwise
    they stay in, with a notice). Raises ValidationError for an unknown kind or source,
    a negative amount, or a plan with no rows.
    """
    problems: dict[str, list[str]] = {}
    if kind not in AID_KIND.values:
        problems.setdefault("kind", []).append("aid.payment.kind_required")
    if parse.is_blank(fund_source):
        problems.setdefault("fund_source", []).append("aid.payment.source_required")
    if case_ids is not None:
        cases = data.df("aid_cases")
        by_id = {r["id"]: r for r in cases.to_dict("records")} if not cases.empty else {}
        if any(cid not in by_id for cid in case_ids):
            problems.setdefault("case_id", []).append("aid.payment.case_unknown")
        picked = [by_id[cid] for cid in dict.fromkeys(case_ids) if cid in by_id]
    else:
        picked = select_cases(data, filters).to_dict("records")
    per_case = {k: to_money(v) for k, v in (amounts or {}).items()}
    default_cash = to_money(amount)
    goods_each = to_money(goods_value)
    if default_cash < 0 or goods_each < 0 or any(v < 0 for v in per_case.values()):
        problems.setdefault("cash", []).append("aid.payment.negative")
    if len(picked) > MAX_ROWS:
        problems.setdefault("case_id", []).append("aid.campaign.too_many")
    if problems:
        raise ValidationError(problems)

    campaign_id = campaign_id or new_id(CAMPAIGN_PREFIX)
    paid = paid_this_year(data, kind, date.year)
    notices: list[Notice] = []
    rows: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    already: list[str] = []
    empty: list[str] = []
    for rec in picked:
        cid = str(rec["id"])
        if cid in paid:
            already.append(cid)
            if skip_paid:
                continue
        cash = per_case.get(cid, default_cash)
        if cash == 0 and goods_each == 0 and parse.is_blank(goods):
            empty.append(cid)
            continue
        row = {
            "id": new_id(AID_PAYMENTS.id_prefix),
            "case_id": cid,
            "date": date,
            "kind": kind,
            "cash": cash,
            "goods": goods or None,
            "goods_value": goods_each if goods_each else None,
            "fund_source": fund_source,
            "handler": handler or None,
            "approved_by": approved_by or None,
            "receipt_signed": False,
            "advance": advance,
            "campaign_id": campaign_id,
            "activity_id": activity_id,
            "notes": notes or None,
        }
        rows.append(row)
        review.append(
            {
                "payment_id": row["id"],
                "case_id": cid,
                "name": rec.get("name"),
                "unit": rec.get("unit"),
                "level": rec.get("level"),
                "cash": cash,
                "goods_value": goods_each,
            }
        )
    if not rows:
        raise ValidationError({"case_id": ["aid.campaign.no_rows"]})
    if already:
        key = "aid.campaign.skipped_paid" if skip_paid else "aid.campaign.already_paid"
        notices.append(Notice(key, {"n": len(already), "kind": AID_KIND.values[kind]}))
    if empty:
        notices.append(Notice("aid.campaign.no_amount", {"n": len(empty)}))
    total_cash = money_sum(r["cash"] for r in rows)
    total_goods = money_sum(r["goods_value"] for r in rows)
    fund = check_spending(data, fund_source, date, total_cash + total_goods, advance=advance)
    notice = fund.notice()
    if notice:
        notices.append(notice)
    return CampaignPlan(
        campaign_id=campaign_id,
        kind=kind,
        date=date,
        fund_source=fund_source,
        advance=advance,
        rows=rows,
        review=pd.DataFrame(review, columns=PLAN_COLUMNS),
        total_cash=total_cash,
        total_goods=total_goods,
        fund=fund,
        already_paid=already,
        notices=notices,
    )


@dataclass(frozen=True)
class CampaignResult:
    written: int  # rows written by this call
    already_there: int  # rows found already written (a retry of a plan that had landed)
    campaign_id: str


def write_campaign(workbook: Workbook, plan: CampaignPlan, actor: Person) -> CampaignResult:
    """Write every payment of `plan` with its audit row in one store write, exactly once.

    Rows whose ids are already in the workbook are not written again, so submitting the
    same plan twice (a click repeated after a timeout) pays nobody twice. The fund is
    checked again on fresh data: OverdrawError if it would now go below zero and the plan
    is not an advance.
    """
    data = workbook.load(fresh=True)
    pays = data.df("aid_payments")
    present = set(pays["id"]) if not pays.empty else set()
    todo = [r for r in plan.rows if r["id"] not in present]
    if todo:
        amount = money_sum(r["cash"] for r in todo) + money_sum(r["goods_value"] for r in todo)
        fund = check_spending(data, plan.fund_source, plan.date, amount, advance=plan.advance)
        if fund.refused:
            raise OverdrawError(fund)
        workbook.write(appends=[("aid_payments", r) for r in todo], actor=actor)
    return CampaignResult(len(todo), len(plan.rows) - len(todo), plan.campaign_id)


SIGNOFF_COLUMNS = [
    "payment_id",
    "case_id",
    "name",
    "unit",
    "kind",
    "cash",
    "goods",
    "goods_value",
    "notes",
]


def _joined(data: WorkbookData, payments: list[dict[str, Any]]) -> pd.DataFrame:
    cases = data.df("aid_cases")
    by_id = {r["id"]: r for r in cases.to_dict("records")} if not cases.empty else {}
    rows = [
        {
            "payment_id": p["id"],
            "case_id": p["case_id"],
            "name": by_id.get(p["case_id"], {}).get("name"),
            "unit": by_id.get(p["case_id"], {}).get("unit"),
            "kind": p.get("kind"),
            "cash": to_money(p.get("cash")),
            "goods": p.get("goods"),
            "goods_value": to_money(p.get("goods_value")),
            "notes": p.get("notes"),
        }
        for p in payments
    ]
    return pd.DataFrame(rows, columns=SIGNOFF_COLUMNS)


def campaign_rows(data: WorkbookData, campaign_id: str) -> pd.DataFrame:
    """The payments of a written campaign with their cases' names and units, in the order
    they were written: the rows of its sign-off sheet (personal: aid officers only)."""
    pays = data.df("aid_payments")
    mine = pays[pays["campaign_id"] == campaign_id] if not pays.empty else pays
    return _joined(data, mine.to_dict("records"))


def plan_rows(data: WorkbookData, plan: CampaignPlan) -> pd.DataFrame:
    """The same rows for a plan not written yet (to print the sheet before paying)."""
    return _joined(data, plan.rows)
