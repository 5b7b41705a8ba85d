"""The separate aid workbook (issue #12): after a full round of aid work the plan workbook,
read raw (the .xlsx file's cells, the fake Google sheet's grids), holds no name, ID number
or phone of any case, nor does its audit log; the aid workbook holds them; one snapshot
shows both; an edit made in the aid file shows after a refresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.aid.conftest import ID_2, ID_X, LANG, UNITS, grid, grids
from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets, RecordingSleep
from tests.memory_store import MemoryStore
from tests.people import admin, person
from unionplan.aid import status as st
from unionplan.aid.campaigns import plan_campaign, write_campaign
from unionplan.aid.cases import add_case
from unionplan.aid.fund import add_payment
from unionplan.aid.lifecycle import change_status, record_visit
from unionplan.data import schema
from unionplan.data.access import AID
from unionplan.data.split import AID_TABLES
from unionplan.data.store.base import Grid, Store
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError

DAY = dt.date(2026, 5, 15)
OFFICER = person("帮扶专干", AID)
PEOPLE = [
    {"name": "钱某华", "id_number": ID_X, "phone": "13912340001", "unit": "U-2"},
    {"name": "孙某强", "id_number": ID_2, "phone": "13912340002", "unit": "U-3"},
]
SECRETS = [v for p in PEOPLE for k, v in p.items() if k != "unit"]

# A raw reader: every tab of a workbook as title -> cells, straight from the file / the fake.
Raw = Callable[[], dict[str, Grid]]
Pair = tuple[Store, Store, Raw, Raw]


def _plan_tabs() -> dict[str, Grid]:
    """A plan workbook with units and settings; its aid tabs hold headers only."""
    return grids(units=UNITS)


def _xlsx_pair(tmp_path: Path) -> Pair:
    plan, aid = tmp_path / "plan.xlsx", tmp_path / "plan-aid.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in _plan_tabs().items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(plan)

    def raw(path: Path) -> Raw:
        def read() -> dict[str, Grid]:
            wb = openpyxl.load_workbook(path)
            return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb}

        return read

    return XlsxStore(plan), XlsxStore(aid), raw(plan), raw(aid)


def _gsheets_pair(fake: FakeSheets) -> Pair:
    plan = fake.create_spreadsheet(tabs=_plan_tabs())
    aid = fake.create_spreadsheet(title="帮扶档案")

    def store(key: str) -> GSheetsStore:
        return GSheetsStore(
            key, TEST_SERVICE_ACCOUNT, session=fake.session(), sleep=RecordingSleep()
        )

    def raw(key: str) -> Raw:
        return lambda: {t: fake.values(key, t) for t in fake.titles(key)}

    return store(plan), store(aid), raw(plan), raw(aid)


@pytest.fixture(params=["xlsx", "gsheets"])
def pair(request: pytest.FixtureRequest, tmp_path: Path, fake_sheets: FakeSheets) -> Pair:
    return _xlsx_pair(tmp_path) if request.param == "xlsx" else _gsheets_pair(fake_sheets)


def _text(tabs: dict[str, Grid]) -> str:
    return "\n".join(str(c) for rows in tabs.values() for row in rows for c in row if c)


def _full_round(wb: Workbook) -> None:
    """What an aid officer does in a year, through the domain functions."""
    wb.append("fund_income", {"date": DAY, "source": "aid_fund", "amount": 20000}, OFFICER)
    ids = []
    for p in PEOPLE:
        case = add_case(wb, {**p, "causes": ["illness"], "level": "deep"}, actor=OFFICER, date=DAY)
        ids.append(case["id"])
    case = wb.load(fresh=True).record("aid_cases", ids[0])
    change_status(
        wb, ids[0], st.VERIFIED, reason="入户核实", actor=OFFICER,
        expected_version=int(case["version"]), date=DAY,
    )  # fmt: skip
    record_visit(wb, ids[1], "春节走访，送去慰问金", actor=OFFICER, date=DAY)
    plan = plan_campaign(
        wb.load(fresh=True), "warmth", date=DAY, fund_source="aid_fund", case_ids=ids, amount=500
    )
    write_campaign(wb, plan, OFFICER)
    add_payment(
        wb,
        {"case_id": ids[1], "date": DAY, "kind": "illness_relief", "cash": 1000,
         "fund_source": "aid_fund", "notes": "住院"},
        actor=OFFICER,
    )  # fmt: skip


def test_plan_workbook_holds_no_personal_data_after_a_full_round(pair: Pair) -> None:
    plan, aid, raw_plan, raw_aid = pair
    wb = Workbook(plan, ttl=0, aid=aid)
    wb.ensure_tabs()
    _full_round(wb)

    plan_text, aid_text = _text(raw_plan()), _text(raw_aid())
    for secret in SECRETS:
        assert secret not in plan_text  # no tab, the audit log included
        assert secret in aid_text
    # The work really happened, and was audited in the aid workbook's own log.
    data = wb.load(fresh=True)
    assert len(data.df("aid_cases")) == len(PEOPLE)
    assert len(data.df("aid_payments")) == len(PEOPLE) + 1
    assert not data.df("aid_events").empty and not data.df("fund_income").empty
    aid_log = raw_aid()[schema.AUDIT_LOG.label.get(LANG)]
    assert {"aid_cases", "aid_payments", "aid_events", "fund_income"} <= {r[3] for r in aid_log}
    plan_log = raw_plan()[schema.AUDIT_LOG.label.get(LANG)]
    assert not {r[3] for r in plan_log[1:]} & AID_TABLES
    # The plan workbook's aid tabs are still there, holding their header rows only.
    for key in AID_TABLES:
        assert len(raw_plan()[schema.TABLES[key].label.get(LANG)]) <= 1
    assert data.plan_personal_cases == 0


def test_one_snapshot_of_both_stores_and_an_aid_edit_shows_after_refresh(tmp_path: Path) -> None:
    plan, aid, _, _ = _xlsx_pair(tmp_path)
    wb = Workbook(plan, aid=aid)  # the cache follows both files' change tokens
    wb.ensure_tabs()
    add_case(wb, {**PEOPLE[0], "causes": ["illness"]}, actor=OFFICER, date=DAY)
    wb.append("activities", {"title": "春游", "month": 4}, admin())
    data = wb.load()
    assert set(data.df("units")["id"]) == {u["id"] for u in UNITS}  # from the plan workbook
    assert list(data.df("aid_cases")["name"]) == [PEOPLE[0]["name"]]  # from the aid workbook
    assert {"aid_cases", "activities"} <= set(data.df("audit_log")["table"])  # both logs
    assert data.aid_location == aid.location and data.location == plan.location

    # Someone edits the aid file in Excel: the next load sees it.
    book = openpyxl.load_workbook(aid.location)
    ws = book[schema.AID_CASES.label.get(LANG)]
    col = [c.value for c in ws[1]].index(schema.AID_CASES.column("name").label.get(LANG)) + 1
    ws.cell(2, col, "钱某华改")
    book.save(aid.location)
    assert list(wb.load().df("aid_cases")["name"]) == ["钱某华改"]


def test_a_write_mixing_aid_and_plan_tables_is_refused() -> None:
    plan, aid = MemoryStore(_plan_tabs()), MemoryStore()
    wb = Workbook(plan, ttl=0, aid=aid)
    wb.ensure_tabs()
    with pytest.raises(UnionplanError) as err:
        wb.write(
            appends=[("activities", {"title": "x"}), ("fund_income", {"amount": 1})],
            actor=admin(),
        )
    assert err.value.key == "errors.split_write"
    assert wb.load(fresh=True).df("activities").empty


def test_personal_data_left_in_the_plan_workbook_is_counted_not_read() -> None:
    tabs = _plan_tabs()
    tabs[schema.AID_CASES.label.get(LANG)] = grid("aid_cases", [{"id": "C-9", **PEOPLE[0]}])
    wb = Workbook(MemoryStore(tabs), ttl=0, aid=MemoryStore())
    wb.ensure_tabs()
    data = wb.load(fresh=True)
    assert data.plan_personal_cases == 1
    assert data.df("aid_cases").empty  # the aid tables come from the aid workbook only
    assert Workbook(MemoryStore(tabs), ttl=0).load().plan_personal_cases is None
