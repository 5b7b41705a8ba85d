"""Starting a year: every template is a sound plan, and last year's plan moves to the new
year with festivals on their new lunar dates, series on their weekday and no results."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.empty_workbook import empty_workbook
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError
from unionplan.plan import newyear
from unionplan.plan.newyear import (
    TEMPLATE_KINDS,
    new_year_from_last,
    new_year_from_template,
    start_new_year,
    template,
)

USER = admin("测试员")


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_template_has_the_counts_a_plan_has(kind: str) -> None:
    plan = template(kind).plan
    assert template(kind).history is None
    n_activities = len(plan.activities) + len(plan.recurring)
    assert 15 <= n_activities <= 40
    assert 8 <= len(plan.targets) <= 15
    assert 5 <= len(newyear.template_sections(kind)) <= 9
    # month by month: every month of the year has something planned
    months = {a.month for a in plan.activities if a.month} | {
        newyear._festival_day(a.festival, 2026).month for a in plan.activities if a.festival
    }
    assert months == set(range(1, 13))


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_template_builds_with_zero_data_issues(kind: str) -> None:
    wb = empty_workbook()
    new = new_year_from_template(kind, 2027, data=wb.load())
    start_new_year(wb, new, USER)
    data = wb.load(fresh=True)
    assert data.issues == []
    assert data.plan_year == 2027
    plan = template(kind).plan
    assert len(data.df("targets")) == len(plan.targets)
    assert len(data.df("activities")) == len(plan.activities) + len(plan.recurring)
    assert set(data.df("activities")["status"]) == {"planned"}
    starts = data.df("activities")["start"]
    assert {s.year for s in starts} == {2027}
    # references point at the new rows
    unit_ids = set(data.df("units")["id"])
    assert set(data.df("activities")["unit"].dropna()) <= unit_ids
    target_ids = set(data.df("targets")["id"])
    assert set(data.df("activities")["target_id"].dropna()) <= target_ids
    assert data.df("activities")["target_id"].notna().any()


def test_template_reuses_units_the_workbook_has() -> None:
    wb = empty_workbook()
    first = new_year_from_template("school", 2026, data=wb.load())
    start_new_year(wb, first, USER)
    n_units = len(wb.load(fresh=True).df("units"))
    again = new_year_from_template("school", 2027, data=wb.load(fresh=True))
    assert again.count("units") == 0
    start_new_year(wb, again, USER)
    data = wb.load(fresh=True)
    assert len(data.df("units")) == n_units
    assert data.issues == []


def test_template_lunar_festivals_follow_the_year() -> None:
    for year, day in ((2026, dt.date(2026, 9, 23)), (2027, dt.date(2027, 9, 13))):
        new = new_year_from_template("school", year)
        fest = [v for t, v in new.appends if t == "activities" and "中秋" in v["title"]]
        assert fest[0]["start"] == PlanDate.of(day)  # two days before 中秋 (25 Sep / 15 Sep)


def test_unknown_template_kind() -> None:
    with pytest.raises(Exception) as err:
        template("bank")
    assert getattr(err.value, "key", "") == "reports.err_template_kind"


# ------------------------------------------------------------------ from last year


@pytest.fixture
def last_year() -> Workbook:
    wb = empty_workbook(2026)
    t_rate = {
        "id": "T-R",
        "title": "入会率",
        "metric": "rate",
        "target_value": 0.95,
        "deadline": PlanDate(2026, 12, 31),
        "section": "组织建设",
    }
    t_old = {
        "id": "T-OLD",
        "title": "前年的目标",
        "metric": "count",
        "target_value": 3,
        "deadline": PlanDate(2025, 12, 31),
    }
    acts = [
        {"id": "A-MID", "title": "中秋节教职工联欢", "start": PlanDate(2026, 9, 25),
         "status": "done", "actual_participants": 100, "actual_cost": 2800.0,
         "category": "festival", "target_id": "T-R"},
        {"id": "A-WEEK", "title": "每周四工间操", "start": PlanDate(2026, 3, 5),
         "recurrence": "weekly", "recurrence_until": dt.date(2026, 12, 31),
         "occurrences": "2026-03-05=done; 2026-03-12=skipped", "status": "in_progress"},
        {"id": "A-MONTH", "title": "三八节座谈会", "start": PlanDate(2026, 3),
         "status": "cancelled", "notes": "计划内"},
        {"id": "A-TWO", "title": "技能大赛", "start": PlanDate(2026, 5, 9),
         "end": PlanDate(2026, 5, 10), "status": "done"},
        {"id": "A-SF", "title": "春节前走访慰问", "start": PlanDate(2026, 1, 15),
         "status": "done"},
        {"id": "A-OLD", "title": "前年的活动", "start": PlanDate(2025, 6, 1)},
    ]  # fmt: skip
    progress = [
        {
            "id": "P-1",
            "target_id": "T-R",
            "date": dt.date(2026, 6, 30),
            "numerator": 90,
            "denominator": 100,
        },
    ]
    wb.write(
        appends=[("targets", t_rate), ("targets", t_old)]
        + [("activities", a) for a in acts]
        + [("progress", p) for p in progress],
        actor=USER,
    )
    return wb


def _moved(wb: Workbook, year: int = 2027) -> dict[str, dict]:
    data = wb.load(fresh=True)
    new = new_year_from_last(data, year)
    start_new_year(wb, new, USER)
    after = wb.load(fresh=True)
    assert after.issues == []
    assert after.plan_year == year
    acts = after.df("activities").to_dict("records")
    return {a["title"]: a for a in acts if a["start"].year == year}


def test_mid_autumn_moves_to_its_new_lunar_date(last_year: Workbook) -> None:
    moved = _moved(last_year)
    assert moved["中秋节教职工联欢"]["start"] == PlanDate(2027, 9, 15)


def test_spring_festival_visit_keeps_its_distance_to_the_festival(last_year: Workbook) -> None:
    # 2026: 17 Feb, visit on 15 Jan (33 days ahead); 2027: 6 Feb -> 4 Jan
    assert newyear._festival_day("spring_festival", 2027) == dt.date(2027, 2, 6)
    assert _moved(last_year)["春节前走访慰问"]["start"] == PlanDate(2027, 1, 4)


def test_weekly_series_is_kept_on_its_weekday(last_year: Workbook) -> None:
    week = _moved(last_year)["每周四工间操"]
    assert week["recurrence"] == "weekly"
    assert week["start"].first().weekday() == 3  # a Thursday, as in 2026
    assert week["start"] == PlanDate(2027, 3, 11)  # 5 Mar 2027 is a Friday: next Thursday
    assert week["recurrence_until"] == dt.date(2027, 12, 31)
    assert pd.isna(week["occurrences"])


def test_results_and_statuses_stay_behind(last_year: Workbook) -> None:
    moved = _moved(last_year)
    assert {a["status"] for a in moved.values()} == {"planned"}
    mid = moved["中秋节教职工联欢"]
    assert pd.isna(mid["actual_participants"]) and pd.isna(mid["actual_cost"])
    assert moved["三八节座谈会"]["start"] == PlanDate(2027, 3)
    assert moved["三八节座谈会"]["notes"] == "计划内"
    two = moved["技能大赛"]
    assert (two["start"], two["end"]) == (PlanDate(2027, 5, 9), PlanDate(2027, 5, 10))
    assert "前年的活动" not in moved
    data = last_year.load(fresh=True)
    # progress is not copied: the only progress row is last year's
    assert list(data.df("progress")["target_id"]) == ["T-R"]
    targets = data.df("targets")
    copies = targets[targets["title"] == "入会率"]
    assert len(copies) == 2
    new_target = copies[copies["deadline"] == PlanDate(2027, 12, 31)].iloc[0]
    assert mid["target_id"] == new_target["id"]
    assert "前年的目标" in set(targets["title"]) and len(targets) == 3


def test_same_year_is_refused(last_year: Workbook) -> None:
    with pytest.raises(ValidationError):
        new_year_from_last(last_year.load(), 2026)


def test_one_write(last_year: Workbook) -> None:
    store = last_year.store
    data = last_year.load(fresh=True)
    new = new_year_from_last(data, 2027)
    before = store.stats.writes
    start_new_year(last_year, new, USER)
    assert store.stats.writes == before + 1
