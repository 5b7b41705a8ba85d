"""The fund in exact decimals: balances across many payments, an overdraw refused, an
advance allowed and shown as a negative balance with a warning, back-dated payments."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.aid.conftest import data_of, memory_workbook, standard
from tests.people import admin
from unionplan.aid.fund import (
    OverdrawError,
    add_payment,
    balances,
    check_payment,
    check_spending,
    current_balances,
    ledger,
    update_payment,
)
from unionplan.data.tables import WorkbookData
from unionplan.errors import ConflictError, ValidationError

D = Decimal


def _pay(i: int, cash: object, day: dt.date, **extra: object) -> dict[str, object]:
    return {"id": f"D-{i:04d}", "case_id": "C-1", "date": day, "kind": "subsidy",
            "cash": cash, "fund_source": "aid_fund", **extra}  # fmt: skip


def test_balances_to_the_fen_across_many_payments() -> None:
    day = dt.date(2026, 2, 1)
    income = [{"id": "I-1", "date": "2026-01-01", "source": "aid_fund", "amount": "1000.30"}]
    # 0.10 and 0.20 alternately, 1000 times: 150.00 exactly; floats would drift
    pays = [_pay(i, "0.1" if i % 2 else "0.2", day) for i in range(1000)]
    assert sum(0.1 if i % 2 else 0.2 for i in range(1000)) != 150.0  # the drift avoided
    data = data_of(**standard(fund_income=income, aid_payments=pays))
    assert current_balances(data)["aid_fund"] == D("850.30")
    led = ledger(data)
    assert led["balance"].iloc[-1] == D("850.30")
    assert all(isinstance(v, Decimal) for v in led["amount"])


def test_goods_value_is_spent_from_the_fund_too(data: WorkbookData) -> None:
    # higher_union: 6000 in, 800 cash + 200 goods, 800 cash out
    assert current_balances(data) == {"aid_fund": D("2000.00"), "higher_union": D("4200.00")}
    assert current_balances(data, dt.date(2026, 3, 1)) == {"higher_union": D("4200.00")}


def test_an_overdraw_is_refused(data: WorkbookData) -> None:
    pay = _pay(1, 2500, dt.date(2026, 5, 1), case_id="C-3")
    check = check_payment(data, pay)
    assert not check.ok and check.problems == {"cash": ["aid.fund.insufficient"]}
    assert check.fund is not None and check.fund.balance_before == D("2000.00")
    assert check.fund.lowest_after == D("-500.00")
    text = check.notices[0].text("zh-Hans")
    assert "帮扶资金" in text and "¥2,000.00" in text and "-¥500.00" in text
    wb, store = memory_workbook(**standard())
    wb.load()
    writes = store.stats.writes
    with pytest.raises(OverdrawError) as err:
        add_payment(wb, pay, actor=admin("u"))
    assert store.stats.writes == writes
    assert [n.key for n in err.value.notices] == ["aid.fund.overdraw"]


def test_an_advance_is_allowed_and_shows_negative_with_a_warning() -> None:
    wb, _ = memory_workbook(**standard())
    pay = _pay(1, "2500.50", dt.date(2026, 5, 1), case_id="C-3", advance=True)
    rec, notices = add_payment(wb, pay, actor=admin("帮扶专干"))
    assert rec["cash"] == D("2500.50")
    assert [n.key for n in notices] == ["aid.fund.advance_negative"]
    assert "-¥500.50" in notices[0].text("en")
    data = wb.load(fresh=True)
    assert current_balances(data)["aid_fund"] == D("-500.50")
    series = balances(data, dt.date(2026, 5, 15))
    fund = series[series["source"] == "aid_fund"]
    assert fund["balance"].tolist() == [D("5000.00"), D("2000.00"), D("-500.50"), D("-500.50")]
    assert fund["date"].tolist()[-1] == dt.date(2026, 5, 15)  # the line reaches today
    # the advance is marked in the ledger, and in the workbook
    assert ledger(data)["advance"].tolist()[-1]
    assert data.record("aid_payments", "D-0001")["advance"] is True


def test_a_back_dated_payment_may_not_leave_later_ones_uncovered(data: WorkbookData) -> None:
    # aid_fund: +5000 on 3/2, -3000 on 4/22. Paying 2500 on 3/10 leaves 2500 then, but
    # -500 after the April payment: refused.
    check = check_spending(data, "aid_fund", dt.date(2026, 3, 10), D("2500"))
    assert check.balance_before == D("5000.00")
    assert check.lowest_after == D("-500.00") and check.refused
    assert not check_spending(data, "aid_fund", dt.date(2026, 3, 10), D("2000")).refused
    # before any income at all
    early = check_spending(data, "aid_fund", dt.date(2026, 1, 1), D("1"))
    assert early.balance_before == D("0.00") and early.refused


def test_editing_a_payment_leaves_its_old_amount_out(data: WorkbookData) -> None:
    again = {"id": "D-3", "case_id": "C-1", "date": dt.date(2026, 4, 22), "kind": "subsidy",
             "cash": 5000, "fund_source": "aid_fund"}  # fmt: skip
    assert check_payment(data, again).ok  # 5000 - 5000 = 0, not 5000 - 8000
    assert not check_payment(data, {**again, "cash": "5000.01"}).ok


def test_other_problems(data: WorkbookData) -> None:
    check = check_payment(data, {"case_id": "C-404", "cash": -1})
    assert check.problems == {
        "case_id": ["aid.payment.case_unknown"],
        "date": ["aid.payment.date_required"],
        "kind": ["aid.payment.kind_required"],
        "cash": ["aid.payment.negative"],
    }
    no_source = {"case_id": "C-1", "date": dt.date(2026, 5, 1), "kind": "subsidy", "cash": 1}
    assert check_payment(data, no_source).problems == {
        "fund_source": ["aid.payment.source_required"]
    }
    legal_aid = {**no_source, "kind": "legal_aid", "cash": 0}  # nothing spent, no source
    assert check_payment(data, legal_aid).ok
    closed = check_payment(data, {**no_source, "case_id": "C-5", "fund_source": "aid_fund"})
    assert closed.ok and [n.key for n in closed.notices] == ["aid.payment.case_not_on_file"]


def test_rows_without_a_source_or_a_date_are_kept_apart_not_lost() -> None:
    income = [{"id": "I-1", "source": "charity", "amount": 100},
              {"id": "I-2", "date": "2026-02-01", "amount": 50}]  # fmt: skip
    data = data_of(**standard(fund_income=income, aid_payments=[]))
    assert current_balances(data) == {"charity": D("100.00"), "": D("50.00")}
    series = balances(data, dt.date(2026, 3, 1))
    charity = series[series["source"] == "charity"]
    assert charity["balance"].tolist() == [D("100.00")]
    assert ledger(data)["date"].tolist() == [None, dt.date(2026, 2, 1)]


# ------------------------------------------------------------------ correcting a payment


def test_a_payment_is_corrected_against_the_fund_without_its_old_amount() -> None:
    wb, store = memory_workbook(**standard())
    current = wb.load().record("aid_payments", "D-3")  # 3000 of the aid fund's 5000
    rec, notices = update_payment(
        wb,
        "D-3",
        {"cash": "5000"},  # all of it: fine once its own 3000 is left out
        expected_version=int(current["version"]),
        actor=admin("帮扶专干"),
    )
    assert rec["cash"] == D("5000.00") and notices == []
    data = wb.load(fresh=True)
    assert data.record("aid_payments", "D-3")["notes"] == "化疗费用救助"  # the rest stays
    assert current_balances(data)["aid_fund"] == D("0.00")
    log = data.df("audit_log")
    corrected = log[(log["record_id"] == "D-3") & (log["action"] == "update")]
    (change,) = corrected["changes"]  # the correction is in the audit log, before and after
    before, after = json.loads(change)["cash"]
    assert (D(str(before)), D(str(after))) == (D("3000"), D("5000"))
    # A cent more is an overdraw: refused and nothing written, unless marked an advance.
    again = data.record("aid_payments", "D-3")
    writes = store.stats.writes
    with pytest.raises(OverdrawError):
        update_payment(
            wb, "D-3", {"cash": "5000.01"}, expected_version=int(again["version"]),
            actor=admin("帮扶专干"),
        )  # fmt: skip
    assert store.stats.writes == writes
    rec, notices = update_payment(
        wb, "D-3", {"cash": "5000.01", "advance": True}, expected_version=int(again["version"]),
        actor=admin("帮扶专干"),
    )  # fmt: skip
    assert [n.key for n in notices] == ["aid.fund.advance_negative"]


def test_a_correction_meets_the_same_checks_and_the_version_it_was_opened_at() -> None:
    wb, store = memory_workbook(**standard())
    current = wb.load().record("aid_payments", "D-1")
    version = int(current["version"])
    with pytest.raises(ValidationError) as err:
        update_payment(wb, "D-1", {"cash": "-5"}, expected_version=version, actor=admin("u"))
    assert err.value.problems == {"cash": ["aid.payment.negative"]}
    # Someone corrected it meanwhile: the second correction is refused, not laid over it.
    update_payment(wb, "D-1", {"notes": "补登"}, expected_version=version, actor=admin("a"))
    with pytest.raises(ConflictError):
        update_payment(wb, "D-1", {"cash": "700"}, expected_version=version, actor=admin("b"))
    writes = store.stats.writes
    rec, _ = update_payment(wb, "D-1", {}, expected_version=version + 1, actor=admin("b"))
    assert store.stats.writes == writes and rec["notes"] == "补登"  # nothing to write
