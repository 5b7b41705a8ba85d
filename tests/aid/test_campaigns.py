"""Campaigns: the plan (cases picked, amounts, total, warnings), one write for all rows,
exactly once: after Google applied a batch whose answer timed out, and when the same plan
is submitted again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.aid.conftest import data_of, grids, memory_workbook, standard
from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets, Fault, RecordingSleep
from tests.people import admin
from unionplan.aid.campaigns import (
    CampaignPlan,
    campaign_rows,
    plan_campaign,
    plan_rows,
    write_campaign,
)
from unionplan.aid.cases import CaseFilter
from unionplan.aid.fund import OverdrawError, current_balances
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.errors import BackendUnavailableError, ValidationError

D = Decimal
DAY = dt.date(2026, 5, 1)


def _plan(data: WorkbookData, **kw: Any) -> CampaignPlan:
    args: dict[str, Any] = {"date": DAY, "fund_source": "higher_union", "amount": 500}
    return plan_campaign(data, "warmth", **{**args, **kw})


def test_plan_picks_on_file_cases_and_totals_exactly(data: WorkbookData) -> None:
    plan = _plan(data, amount="333.33", goods="大米", goods_value="66.67", handler="帮扶专干",
                 approved_by="工会主席")  # fmt: skip
    # unit by unit in the units tab's order (U-2, U-3, U-4), the sheet's order within one
    assert [r["case_id"] for r in plan.rows] == ["C-1", "C-3", "C-6", "C-2"]
    assert plan.total_cash == D("1333.32") and plan.total_goods == D("266.68")
    assert plan.total == D("1600.00")
    assert len({r["id"] for r in plan.rows}) == 4  # ids fixed up front
    assert {r["campaign_id"] for r in plan.rows} == {plan.campaign_id}
    assert all(r["approved_by"] == "工会主席" and r["receipt_signed"] is False for r in plan.rows)
    assert plan.review["name"].tolist() == ["张某芳", "陈某梅", "孙某丽", "王某军"]
    # C-1 and C-2 had a warmth visit in January: still listed, with a notice
    assert sorted(plan.already_paid) == ["C-1", "C-2"]
    assert [n.key for n in plan.notices] == ["aid.campaign.already_paid"]
    assert "送温暖" in plan.notices[0].text("zh-Hans")
    assert not plan.blocked


def test_plan_filters_amounts_per_case_and_skipping(data: WorkbookData) -> None:
    plan = _plan(data, filters=CaseFilter(units=("U-3",)), amounts={"C-3": 800})
    assert [(r["case_id"], r["cash"]) for r in plan.rows] == [("C-3", D("800.00")),
                                                              ("C-6", D("500.00"))]  # fmt: skip
    skipped = _plan(data, skip_paid=True)
    assert [r["case_id"] for r in skipped.rows] == ["C-3", "C-6"]  # C-1, C-2 paid in January
    assert [n.key for n in skipped.notices] == ["aid.campaign.skipped_paid"]
    picked = _plan(data, case_ids=["C-6", "C-4"], amount=None, amounts={"C-6": 100})
    assert [r["case_id"] for r in picked.rows] == ["C-6"]  # C-4 has no amount: left out
    assert [n.key for n in picked.notices] == ["aid.campaign.no_amount"]


def test_plan_refuses_nonsense(data: WorkbookData) -> None:
    with pytest.raises(ValidationError) as err:
        _plan(data, amount=-5)
    assert err.value.problems == {"cash": ["aid.payment.negative"]}
    with pytest.raises(ValidationError) as err:
        _plan(data, filters=CaseFilter(statuses=("closed",)))
    assert err.value.problems == {"case_id": ["aid.campaign.no_rows"]}
    with pytest.raises(ValidationError) as err:
        _plan(data, case_ids=["C-404"])
    assert "aid.payment.case_unknown" in err.value.problems["case_id"]


def test_an_overdrawing_campaign_is_blocked_unless_an_advance() -> None:
    wb, store = memory_workbook(**standard())
    data = wb.load()
    plan = _plan(data, amount=1500)  # 6000 - 1800 = 4200 left; 4 x 1500 = 6000
    assert plan.blocked and plan.fund is not None and plan.fund.lowest_after == D("-1800.00")
    assert [n.key for n in plan.notices][-1] == "aid.fund.overdraw"
    writes = store.stats.writes
    with pytest.raises(OverdrawError):
        write_campaign(wb, plan, admin("u"))
    assert store.stats.writes == writes
    advance = _plan(data, amount=1500, advance=True)
    assert not advance.blocked
    assert write_campaign(wb, advance, admin("u")).written == 4
    assert current_balances(wb.load(fresh=True))["higher_union"] == D("-1800.00")


def test_the_whole_campaign_is_one_write_and_a_second_submit_writes_nothing() -> None:
    wb, store = memory_workbook(**standard())
    plan = _plan(wb.load())
    writes = store.stats.writes
    result = write_campaign(wb, plan, admin("帮扶专干"))
    assert (result.written, result.already_there) == (4, 0)
    assert store.stats.writes == writes + 1  # four payments, four audit rows: one write
    again = write_campaign(wb, plan, admin("帮扶专干"))
    assert (again.written, again.already_there) == (0, 4)
    data = wb.load(fresh=True)
    assert len(data.df("aid_payments")) == 3 + 4
    assert len(data.df("audit_log")) == 4
    rows = campaign_rows(data, plan.campaign_id)
    assert rows["cash"].sum() == D("2000.00")
    assert rows["name"].tolist() == ["张某芳", "陈某梅", "孙某丽", "王某军"]
    assert plan_rows(data, plan)["payment_id"].tolist() == rows["payment_id"].tolist()


def test_a_local_workbook_saves_the_campaign_once(tmp_path: Path) -> None:
    path = tmp_path / "工会.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, grid in grids(**standard()).items():
        ws = book.create_sheet(title)
        for row in grid:
            ws.append(row)
    book.save(path)
    wb = Workbook(XlsxStore(path))
    plan = _plan(wb.load())
    writes = wb.store.stats.writes
    write_campaign(wb, plan, admin("u"))
    assert wb.store.stats.writes == writes + 1
    ids = [r["id"] for r in plan.rows]
    assert set(ids) <= set(Workbook(XlsxStore(path)).load(fresh=True).df("aid_payments")["id"])


# ---------------------------------------------------------------- Google


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as f:
        yield f


def _google(fake: FakeSheets) -> tuple[Workbook, str]:
    key = fake.create_spreadsheet(tabs=grids(**standard()))
    store = GSheetsStore(key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host, timeout=0.5,
                         sleep=RecordingSleep(), rng=lambda: 1.0)  # fmt: skip
    wb = Workbook(store)
    wb.load(fresh=True)
    return wb, key


def _count(fake: FakeSheets, key: str, tab: str, ids: list[str]) -> dict[str, int]:
    cells = [str(c) for row in fake.values(key, tab) for c in row]
    return {i: sum(1 for c in cells if c == i) for i in ids}


def _audited(fake: FakeSheets, key: str, ids: list[str]) -> dict[str, int]:
    header, *rows = fake.values(key, "操作日志")
    col = header.index("记录编号")
    return {i: sum(1 for r in rows if len(r) > col and r[col] == i) for i in ids}


def test_google_timeout_after_the_batch_was_applied_writes_the_campaign_once(
    fake: FakeSheets,
) -> None:
    wb, key = _google(fake)
    plan = _plan(wb.load())
    ids = [r["id"] for r in plan.rows]
    fake.reset_log()
    fake.fail("spreadsheets.batchUpdate", Fault.timeout(delay=2.0, apply=True))
    result = write_campaign(wb, plan, admin("帮扶专干"))
    assert result.written == 4
    assert len(fake.requests("spreadsheets.batchUpdate")) == 1  # the probe saw it landed
    assert _count(fake, key, "帮扶发放", ids) == dict.fromkeys(ids, 1)
    assert _audited(fake, key, ids) == dict.fromkeys(ids, 1)
    # the officer, who saw a spinner for a long time, submits the same plan again
    assert write_campaign(wb, plan, admin("帮扶专干")).written == 0
    assert _count(fake, key, "帮扶发放", ids) == dict.fromkeys(ids, 1)
    assert "张某芳" not in str(fake.values(key, "操作日志"))  # the audit log is masked


def test_google_timeout_before_applying_is_retried_and_lands_once(fake: FakeSheets) -> None:
    wb, key = _google(fake)
    plan = _plan(wb.load())
    ids = [r["id"] for r in plan.rows]
    fake.reset_log()
    fake.fail("spreadsheets.batchUpdate", Fault.timeout(delay=2.0, apply=False))
    write_campaign(wb, plan, admin("u"))
    assert len(fake.requests("spreadsheets.batchUpdate")) == 2
    assert _count(fake, key, "帮扶发放", ids) == dict.fromkeys(ids, 1)
    assert _audited(fake, key, ids) == dict.fromkeys(ids, 1)


def test_google_down_writes_nothing_and_the_plan_can_be_sent_again(fake: FakeSheets) -> None:
    wb, key = _google(fake)
    plan = _plan(wb.load())
    ids = [r["id"] for r in plan.rows]
    fake.fail("spreadsheets.batchUpdate", Fault.error(500, times=None))
    with pytest.raises(BackendUnavailableError):
        write_campaign(wb, plan, admin("u"))
    fake.clear_faults()
    assert _count(fake, key, "帮扶发放", ids) == dict.fromkeys(ids, 0)
    assert write_campaign(wb, plan, admin("u")).written == 4
    assert _count(fake, key, "帮扶发放", ids) == dict.fromkeys(ids, 1)


def test_plans_are_built_on_a_snapshot_and_checked_again_on_fresh_data() -> None:
    wb, _ = memory_workbook(**standard())
    plan = _plan(wb.load(), amount=1000)  # 4000 of the 4200 left: fine when planned
    # meanwhile another officer pays 500 from the same source
    wb.append("aid_payments", {"case_id": "C-4", "date": DAY, "kind": "subsidy", "cash": 500,
                               "fund_source": "higher_union"}, actor=admin("other"))  # fmt: skip
    with pytest.raises(OverdrawError):
        write_campaign(wb, plan, admin("u"))
    assert data_of(**standard()).df("aid_payments").shape[0] == 3
