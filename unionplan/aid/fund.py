"""The aid fund: a ledger per fund source, balances over time, and the check that keeps a
payment from spending money a source does not have.

Income (资金收入) adds to its source; a payment spends its cash plus the value of the
goods given (goods are bought with the fund's money) from its source. All amounts are
Decimals to the fen. A payment that would take its source below zero at any point from
its date on is refused unless it is marked as an advance (垫付): then it is allowed, the
balance shows negative and a notice says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from unionplan.aid import status as st
from unionplan.aid.money import ZERO, to_money
from unionplan.aid.notice import Notice
from unionplan.data import parse
from unionplan.data.access import Person
from unionplan.data.schema import FUND_SOURCE
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError

UNASSIGNED = ""  # the source of rows that name none: kept apart, never merged into one
# Undated rows count from the very start, so no money goes missing from a balance.
_UNDATED = dt.date.min

LEDGER_COLUMNS = ["date", "source", "kind", "record_id", "amount", "balance", "advance"]


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _UNDATED


def _source(value: object) -> str:
    return UNASSIGNED if parse.is_blank(value) else str(value)


def spent(payment: Mapping[str, Any]) -> Decimal:
    """What a payment takes from its fund: cash plus the value of the goods given."""
    return to_money(payment.get("cash")) + to_money(payment.get("goods_value"))


def _movements(
    data: WorkbookData, exclude_ids: Iterable[str] = ()
) -> list[tuple[dt.date, int, str, str, str, Decimal, bool]]:
    """(date, 0 income | 1 payment, created_at, source, id, signed amount, advance)."""
    skip = set(exclude_ids)
    out: list[tuple[dt.date, int, str, str, str, Decimal, bool]] = []

    def stamp(v: object) -> str:
        return v.isoformat() if isinstance(v, dt.datetime) and not pd.isna(v) else "~"

    income = data.df("fund_income")
    for r in income.to_dict("records") if not income.empty else []:
        if r["id"] in skip:
            continue
        out.append(
            (
                _day(r.get("date")),
                0,
                stamp(r.get("created_at")),
                _source(r.get("source")),
                str(r["id"]),
                to_money(r.get("amount")),
                False,
            )
        )
    pays = data.df("aid_payments")
    for r in pays.to_dict("records") if not pays.empty else []:
        if r["id"] in skip:
            continue
        out.append(
            (
                _day(r.get("date")),
                1,
                stamp(r.get("created_at")),
                _source(r.get("fund_source")),
                str(r["id"]),
                -spent(r),
                bool(r.get("advance")),
            )
        )
    # Money in before money out on the same day; then in the order rows were made.
    out.sort(key=lambda m: (m[0], m[1], m[2], m[4]))
    return out


def ledger(
    data: WorkbookData, as_of: dt.date | None = None, *, exclude_ids: Iterable[str] = ()
) -> pd.DataFrame:
    """Every movement of every source up to `as_of`, with the running balance per source."""
    rows = []
    running: dict[str, Decimal] = {}
    for day, kind, _, source, rid, amount, advance in _movements(data, exclude_ids):
        if as_of is not None and day > as_of:
            continue
        running[source] = running.get(source, ZERO) + amount
        rows.append(
            {
                "date": None if day == _UNDATED else day,
                "source": source,
                "kind": "income" if kind == 0 else "payment",
                "record_id": rid,
                "amount": amount,
                "balance": running[source],
                "advance": advance,
            }
        )
    return pd.DataFrame(rows, columns=LEDGER_COLUMNS)


def current_balances(data: WorkbookData, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """Source -> balance at the end of `as_of` (all time when None), known sources first."""
    out: dict[str, Decimal] = {}
    for _, _, _, source, _, amount, _ in (
        m for m in _movements(data) if as_of is None or m[0] <= as_of
    ):
        out[source] = out.get(source, ZERO) + amount
    order = {code: i for i, code in enumerate(FUND_SOURCE.codes())}
    return dict(sorted(out.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def balances(data: WorkbookData, as_of: dt.date) -> pd.DataFrame:
    """The balance of each source at the end of every day it moved, up to `as_of`, plus a
    last point on `as_of` itself: a time series for a chart (date, source, income, spent,
    balance). Undated rows are folded into the first dated point."""
    led = ledger(data, as_of)
    cols = ["date", "source", "income", "spent", "balance"]
    if led.empty:
        return pd.DataFrame(columns=cols)
    rows: list[dict[str, Any]] = []
    for source, part in led.groupby("source", sort=False):
        days: dict[dt.date, dict[str, Any]] = {}
        first = min((d for d in part["date"] if d is not None), default=as_of)
        for r in part.to_dict("records"):
            day = r["date"] or first
            cell = days.setdefault(
                day, {"date": day, "source": source, "income": ZERO, "spent": ZERO}
            )
            if r["amount"] >= 0:
                cell["income"] += r["amount"]
            else:
                cell["spent"] -= r["amount"]
            cell["balance"] = r["balance"]
        series = [days[d] for d in sorted(days)]
        if series[-1]["date"] < as_of:
            series.append(
                {
                    "date": as_of,
                    "source": source,
                    "income": ZERO,
                    "spent": ZERO,
                    "balance": series[-1]["balance"],
                }
            )
        rows.extend(series)
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- the overdraw check


@dataclass
class FundCheck:
    """What spending `amount` from `source` on `date` does to the source's balance."""

    source: str
    date: dt.date
    amount: Decimal
    balance_before: Decimal  # at the end of `date`, before this spending
    lowest_after: Decimal  # the lowest balance from `date` on, with this spending
    advance: bool

    @property
    def overdraws(self) -> bool:
        return self.amount > 0 and self.lowest_after < 0

    @property
    def refused(self) -> bool:
        return self.overdraws and not self.advance

    def notice(self) -> Notice | None:
        if not self.overdraws:
            return None
        params = {
            "source": FUND_SOURCE.values.get(self.source, self.source or "—"),
            "balance": self.balance_before,
            "after": self.lowest_after,
            "amount": self.amount,
        }
        key = "aid.fund.advance_negative" if self.advance else "aid.fund.overdraw"
        return Notice(key, params)


def check_spending(
    data: WorkbookData,
    source: str,
    date: dt.date,
    amount: Decimal,
    *,
    advance: bool = False,
    exclude_ids: Iterable[str] = (),
) -> FundCheck:
    """Would spending `amount` from `source` on `date` take it below zero then or later?

    Later matters: a payment back-dated before an income that later payments relied on
    would leave those later payments uncovered.
    """
    before = ZERO
    lowest: Decimal | None = None
    running = ZERO
    applied = False
    for day, _, _, src, _, value, _ in _movements(data, exclude_ids):
        if src != source:
            continue
        if day > date and not applied:
            running -= amount
            applied = True
            lowest = running if lowest is None else min(lowest, running)
        running += value
        if day <= date:
            before = running
        if applied:
            lowest = running if lowest is None else min(lowest, running)
    if not applied:
        running -= amount
        lowest = running if lowest is None else min(lowest, running)
    assert lowest is not None
    return FundCheck(source, date, amount, before, lowest, advance)


class OverdrawError(ValidationError):
    """A payment would take its fund below zero and is not marked as an advance."""

    def __init__(self, check: FundCheck) -> None:
        super().__init__({"cash": ["aid.fund.insufficient"]})
        self.key = "aid.fund.insufficient"
        notice = check.notice()
        # The notice says which source and by how much, in the reader's language.
        self.notices = [notice] if notice else []
        self.check = check


@dataclass
class PaymentCheck:
    """Problems stop a payment (field -> message keys); notices are shown beside it."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    fund: FundCheck | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)


def check_payment(data: WorkbookData, payment: Mapping[str, Any]) -> PaymentCheck:
    """Check one payment before it is written (or rewritten: its own id is left out of
    the ledger). Refuses an overdraw unless `advance`; warns about a case not on file."""
    out = PaymentCheck()
    case_id = payment.get("case_id")
    cases = data.df("aid_cases")
    hit = cases[cases["id"] == case_id] if not cases.empty else cases
    if parse.is_blank(case_id) or hit.empty:
        out.add("case_id", "aid.payment.case_unknown")
    elif hit.iloc[0]["status"] not in st.ON_FILE:
        out.notices.append(Notice("aid.payment.case_not_on_file", {"id": case_id}))
    date = payment.get("date")
    if not isinstance(date, dt.date):
        out.add("date", "aid.payment.date_required")
    if parse.is_blank(payment.get("kind")):
        out.add("kind", "aid.payment.kind_required")
    try:
        cash, goods = to_money(payment.get("cash")), to_money(payment.get("goods_value"))
    except ValueError:
        out.add("cash", "aid.payment.bad_amount")
        return out
    if cash < 0:
        out.add("cash", "aid.payment.negative")
    if goods < 0:
        out.add("goods_value", "aid.payment.negative")
    amount = cash + goods
    source = payment.get("fund_source")
    if amount > 0 and parse.is_blank(source):
        out.add("fund_source", "aid.payment.source_required")
    if out.problems or not isinstance(date, dt.date):
        return out
    exclude = [payment["id"]] if payment.get("id") else []
    fund = check_spending(
        data,
        _source(source),
        _day(date),
        amount,
        advance=bool(payment.get("advance")),
        exclude_ids=exclude,
    )
    out.fund = fund
    notice = fund.notice()
    if fund.refused:
        out.add("cash", "aid.fund.insufficient")
    if notice:
        out.notices.append(notice)
    return out


def add_payment(
    workbook: Workbook, payment: Mapping[str, Any], *, actor: Person
) -> tuple[dict[str, Any], list[Notice]]:
    """Check a payment against fresh data and write it with its audit row (one write).

    Raises OverdrawError for an overdraw not marked as an advance, ValidationError for
    other problems. Returns the record as written and the notices to show.
    """
    check = _checked(workbook.load(fresh=True), payment)
    return workbook.append("aid_payments", _as_money(payment), actor), check.notices


def _checked(data: WorkbookData, payment: Mapping[str, Any]) -> PaymentCheck:
    """`check_payment`, raising for what refuses the write: an overdraw not marked as an
    advance (OverdrawError), any other problem (ValidationError)."""
    check = check_payment(data, payment)
    if check.fund is not None and check.fund.refused:
        raise OverdrawError(check.fund)
    if check.problems:
        raise ValidationError(check.problems)
    return check


def _as_money(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` with the amounts given as exact money."""
    out = dict(values)
    for key in ("cash", "goods_value"):
        if key in out and not parse.is_blank(out[key]):
            out[key] = to_money(out[key])
    return out


def update_payment(
    workbook: Workbook,
    payment_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    actor: Person,
) -> tuple[dict[str, Any], list[Notice]]:
    """Correct a payment (a mistyped amount, date or source), checked as a new one would
    be against fresh data with its own old amount left out of the ledger, and written
    only if nobody changed it since it was opened (ConflictError otherwise).

    Raises OverdrawError for an overdraw not marked as an advance, ValidationError for
    other problems. Returns the record as written and the notices to show.
    """
    data = workbook.load(fresh=True)
    current = data.record("aid_payments", payment_id)
    if not changes:
        return current, []
    check = _checked(data, {**current, **changes, "id": payment_id})
    rec = workbook.update(
        "aid_payments", payment_id, _as_money(changes), expected_version=expected_version,
        actor=actor,
    )  # fmt: skip
    return rec, check.notices
