"""Aggregates for charts and reports, and the figures drawn from them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.aid.conftest import CASES, ID_X, PAYMENTS, data_of, standard
from unionplan.aid import charts, stats
from unionplan.aid.fund import balances
from unionplan.data.tables import WorkbookData

D = Decimal
MORE = [
    {"id": "D-4", "case_id": "C-3", "date": "2026-08-25", "kind": "school_grant", "cash": "1000",
     "fund_source": "charity"},
    {"id": "D-5", "case_id": "C-7", "date": "2026-12-05", "kind": "warmth", "cash": "500.5",
     "fund_source": "aid_fund"},
    {"id": "D-6", "case_id": "C-1", "date": "2025-12-05", "kind": "warmth", "cash": "9999",
     "fund_source": "aid_fund"},  # last year: not counted
]  # fmt: skip
# C-7 is the same person as C-1 (a second file, same ID number).
CASE_7 = {"id": "C-7", "name": "张某芳", "id_number": ID_X, "unit": "U-3",
          "causes": ["illness"], "status": "active"}  # fmt: skip


@pytest.fixture
def year_data() -> WorkbookData:
    return data_of(**standard(aid_cases=[*CASES, CASE_7], aid_payments=[*PAYMENTS, *MORE]))


def test_paid_by_kind_and_quarter(year_data: WorkbookData) -> None:
    frame = stats.paid_by_kind_quarter(year_data, 2026)
    got = {(r["kind"], r["quarter"]): (r["payments"], r["total"]) for r in frame.to_dict("records")}
    assert got == {
        ("warmth", 1): (2, D("1800.00")),  # 800 + 200 goods + 800
        ("warmth", 4): (1, D("500.50")),
        ("school_grant", 3): (1, D("1000.00")),
        ("illness_relief", 2): (1, D("3000.00")),
    }
    assert frame["kind"].tolist()[:2] == ["warmth", "warmth"]  # the schema's order of kinds


def test_paid_by_main_cause_adds_up_to_what_was_paid(year_data: WorkbookData) -> None:
    frame = stats.paid_by_cause(year_data, 2026)
    got = {r["cause"]: (r["cases"], r["payments"], r["total"]) for r in frame.to_dict("records")}
    assert got == {
        "illness": (2, 3, D("4500.50")),  # C-1 twice (goods included), C-7 once
        "disability": (1, 1, D("800.00")),  # C-2's first cause
        "single_parent": (1, 1, D("1000.00")),
    }
    assert sum(frame["total"], D(0)) == stats.people_helped(year_data, 2026).total


def test_people_helped_counts_persons_once_and_every_time(year_data: WorkbookData) -> None:
    h = stats.people_helped(year_data, 2026)
    # C-1 and C-7 are one person; C-2 and C-3 the others: 3 persons, 5 payments
    assert (h.persons, h.person_times) == (3, 5)
    assert h.cash == D("6100.50") and h.goods_value == D("200.00")
    q = stats.helped_by_quarter(year_data, 2026)
    assert q["persons"].tolist() == [2, 1, 1, 1]
    assert q["person_times"].tolist() == [2, 1, 1, 1]
    text = stats.summary_text(year_data, 2026, "zh-Hans")
    assert text.startswith("2026年共帮扶困难职工3人、5人次")
    assert "¥6,300.50" in text


def test_figures_draw_only_aggregates(year_data: WorkbookData) -> None:
    figures = [
        charts.paid_by_kind_quarter(stats.paid_by_kind_quarter(year_data, 2026), "zh-Hans"),
        charts.paid_by_cause(stats.paid_by_cause(year_data, 2026), "en"),
        charts.people_helped(stats.helped_by_quarter(year_data, 2026), "zh-Hant"),
        charts.fund_balance(balances(year_data, dt.date(2026, 12, 31)), "zh-Hans",
                            dt.date(2026, 12, 31)),
    ]  # fmt: skip
    for fig in figures:
        text = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
        for secret in ("张某芳", "王某军", ID_X, "13812345678", "化疗"):
            assert secret not in text
    kinds = [t.name for t in figures[0].data]
    assert kinds == ["送温暖", "金秋助学", "大病救助"]  # the schema's order of kinds
    assert list(figures[0].data[0].y) == [1800.0, 0.0, 0.0, 500.5]
    sources = {t.name for t in figures[3].data}
    assert sources == {"帮扶资金", "上级工会拨款", "慈善会"}
    aid_fund = next(t for t in figures[3].data if t.name == "帮扶资金")
    # 9999 paid in Dec 2025 before any income: the line starts negative, in vermillion
    assert aid_fund.y[0] < 0 and aid_fund.marker.color[0] == charts.NEGATIVE


def test_empty_workbook() -> None:
    empty = data_of()
    assert stats.paid_by_kind_quarter(empty, 2026).empty
    assert stats.paid_by_cause(empty, 2026).empty
    assert stats.people_helped(empty, 2026).persons == 0
    charts.paid_by_kind_quarter(stats.paid_by_kind_quarter(empty, 2026), "en")
    charts.fund_balance(balances(empty, dt.date(2026, 1, 1)), "en")
