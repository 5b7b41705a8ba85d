"""The overview's figures on a small hand-made workbook, on a fixed day in Q2."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from unionplan import overview
from unionplan.data import schema
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.goals import targets

TODAY = dt.date(2026, 5, 15)
LANG = "zh-Hans"


def _grid(key: str, records: list[dict[str, Any]]) -> list[list[Any]]:
    table = schema.TABLES[key]
    return [table.headers(LANG)] + [[r.get(k, "") for k in table.keys] for r in records]


def _workbook(**tables: list[dict[str, Any]]) -> WorkbookData:
    grids = {t.label.get(LANG): _grid(key, tables.get(key, [])) for key, t in schema.TABLES.items()}
    settings = [
        {"id": "S-1", "key": "plan_year", "value": "2026"},
        {"id": "S-2", "key": "union_name", "value": "某某中学工会"},
    ]
    grids[schema.SETTINGS.label.get(LANG)] = _grid("settings", settings)
    return parse_workbook(grids, location="test", kind="memory")


TARGETS = [
    # milestone, deadline passed, not done -> missed, listed as passed
    {"id": "T-M1", "title": "教代会换届", "metric": "节点", "deadline": "2026-04-30"},
    # milestone due in 21 days, not done -> at risk, listed as due
    {"id": "T-M2", "title": "女职工档案更新", "metric": "节点", "deadline": "2026-06-05"},
    # milestone done -> achieved, not listed although its deadline passed
    {"id": "T-M3", "title": "会员档案更新", "metric": "节点", "deadline": "2026-03-31"},
    # count 6 of 10 by mid-May (expected ~3.7) -> on track
    {"id": "T-C1", "title": "培训工会干部", "metric": "数量", "target_value": "10",
     "direction": "不低于", "period": "年度", "section": "素质工程"},
    # count 1 of 100 -> behind
    {"id": "T-C2", "title": "合理化建议", "metric": "数量", "target_value": "100",
     "direction": "不低于", "period": "年度", "section": "民主管理"},
]  # fmt: skip
PROGRESS = [
    {"id": "P-1", "target_id": "T-M3", "date": "2026-03-20", "value": "1"},
    {"id": "P-2", "target_id": "T-C1", "date": "2026-04-10", "value": "6"},
    {"id": "P-3", "target_id": "T-C2", "date": "2026-04-10", "value": "1"},
]
ACTIVITIES = [
    {"id": "A-1", "title": "五一劳动节庆祝", "start": "2026-05-01", "status": "已完成"},
    {"id": "A-2", "title": "教代会", "start": "2026-06-10", "status": "计划中", "category": "会议"},
    {"id": "A-3", "title": "端午慰问", "start": "6月", "status": "计划中", "category": "慰问帮扶"},
    {"id": "A-4", "title": "取消的球赛", "start": "2026-05-20", "status": "已取消"},
    {"id": "A-5", "title": "夏送清凉", "start": "2026-07-01", "status": "计划中"},
]
CASES = [
    {"id": "C-1", "name": "张某芳"},
    {"id": "C-2", "name": "李某强"},
]
PAYMENTS = [
    {"id": "D-1", "case_id": "C-1", "date": "2026-01-20", "cash": "1600", "goods_value": "200"},
    {"id": "D-2", "case_id": "C-1", "date": "2025-12-20", "cash": "500"},  # last year
    {"id": "D-3", "case_id": "C-2", "date": "2026-03-01", "cash": "1,000元"},
]


@pytest.fixture(scope="module")
def data() -> WorkbookData:
    return _workbook(
        targets=TARGETS,
        progress=PROGRESS,
        activities=ACTIVITIES,
        aid_cases=CASES,
        aid_payments=PAYMENTS,
    )


@pytest.fixture(scope="module")
def s(data: WorkbookData) -> overview.OverviewSummary:
    return overview.summary(data, TODAY)


def test_status_counts_come_from_targets_evaluate(s: overview.OverviewSummary, data) -> None:
    assert s.targets_total == 5
    assert s.status_counts == targets.status_counts(targets.evaluate(data, TODAY))
    assert s.status_counts["on_track"] == 1
    assert s.status_counts["at_risk"] == 1
    assert s.status_counts["behind"] == 1
    assert s.status_counts["achieved"] == 1
    assert s.status_counts["missed"] == 1


def test_attention_lists_behind_before_at_risk(s: overview.OverviewSummary) -> None:
    assert list(s.attention["id"]) == ["T-C2", "T-M2"]


def test_deadlines_passed_and_due(s: overview.OverviewSummary) -> None:
    assert list(s.deadlines_passed["id"]) == ["T-M1"]  # T-M3 is achieved: not listed
    assert list(s.deadlines_due["id"]) == ["T-M2"]


def test_upcoming_activities_next_30_days(s: overview.OverviewSummary) -> None:
    ids = list(s.upcoming["id"])
    assert "A-2" in ids and "A-3" in ids  # a day in the window, and a month overlapping it
    assert "A-4" not in ids  # cancelled
    assert "A-5" not in ids  # beyond 30 days
    assert "A-1" not in ids  # before today
    month_only = s.upcoming.set_index("id")["month_only"]
    assert bool(month_only["A-3"]) and not bool(month_only["A-2"])


def test_quarter_activity_counts(s: overview.OverviewSummary) -> None:
    assert s.quarter_activities == 3  # A-4 cancelled, A-5 in Q3
    assert s.quarter_done == 1


def test_aid_paid_this_year_sums_cash_and_goods(s: overview.OverviewSummary) -> None:
    assert s.aid_paid == 1600 + 200 + 1000
    assert s.aid_payments == 2
    assert s.aid_people == 2


def test_issue_count_and_settings(s: overview.OverviewSummary, data: WorkbookData) -> None:
    assert s.issue_count == len(data.issues) == 0  # the hand-made workbook is clean
    assert s.union_name == "某某中学工会"
    assert s.plan_year == 2026


def test_issue_count_counts_bad_cells() -> None:
    bad = [{"id": "A-9", "title": "春游", "start": "某天", "budget": "很多"}]
    d = _workbook(activities=bad)
    assert overview.summary(d, TODAY).issue_count == 2


def test_empty_workbook() -> None:
    s = overview.summary(_workbook(), TODAY)
    assert s.targets_total == 0
    assert all(v == 0 for v in s.status_counts.values())
    assert s.upcoming.empty and s.deadlines_passed.empty and s.deadlines_due.empty
    assert s.aid_paid == 0 and s.issue_count == 0
    for lang in ("zh-Hans", "en"):
        assert overview.upcoming_table(s, lang).empty
        assert overview.deadlines_table(s, lang).empty


def test_display_tables_are_localised(s: overview.OverviewSummary) -> None:
    zh = overview.upcoming_table(s, "zh-Hans")
    assert list(zh.columns) == ["日期", "活动", "类别", "状态"]
    assert "2026年6月10日" in set(zh["日期"])
    assert "2026年6月" in set(zh["日期"])  # month-only: no invented day
    en = overview.upcoming_table(s, "en")
    assert "Jun 10, 2026" in set(en["Date"])
    assert "Meeting" in set(en["Category"])

    dl = overview.deadlines_table(s, "zh-Hans")
    assert list(dl.columns)[:2] == ["期限", "目标"]  # what a phone shows first
    assert list(overview.attention_table(s, "zh-Hans").columns)[:2] == ["状态", "目标"]
    assert list(dl["目标"]) == ["教代会换届", "女职工档案更新"]  # passed first
    assert list(dl["期限"]) == ["已过期 15 天", "还有 21 天"]
    assert list(dl["状态"]) == ["未完成", "有风险"]
    assert list(overview.deadlines_table(s, "en")["Time left"]) == [
        "15 days overdue",
        "21 days left",
    ]


def test_quarter_label(s: overview.OverviewSummary) -> None:
    assert overview.quarter_label(s, "zh-Hans") == "2026年第二季度（2026年4月1日至2026年6月30日）"
    assert overview.quarter_label(s, "en") == "2026 Q2 (Apr 1, 2026 – Jun 30, 2026)"
