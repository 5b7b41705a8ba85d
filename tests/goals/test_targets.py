"""Target status on chosen days, for each metric kind and direction; periods; validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from unionplan.data.cells import to_cell
from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.errors import ValidationError
from unionplan.goals import target_input as ti
from unionplan.goals import targets as tg

YEAR = 2026
D = dt.date


def grid(key: str, records: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    """A tab as the workbook would hold it: English headers, one row per record."""
    table = TABLES[key]
    rows = [table.headers("en")]
    for n, rec in enumerate(records, 1):
        rec = {"id": f"{table.id_prefix}-{n}", "version": 1, **rec}
        # Text goes in as typed ("70%", "6月"), the way people fill the sheet.
        rows.append(
            [
                v if isinstance(v := rec.get(c.key), str) else to_cell(c, v, "en")
                for c in table.columns
            ]
        )
    return rows


def make_data(
    targets: Sequence[Mapping[str, Any]] = (),
    progress: Sequence[Mapping[str, Any]] = (),
    units: Sequence[Mapping[str, Any]] = (),
    activities: Sequence[Mapping[str, Any]] = (),
    year: int = YEAR,
) -> WorkbookData:
    """A parsed workbook from plain records (ids T-1…, P-1…, U-1… unless given)."""
    tabs = {
        "Settings": [["ID", "Key", "Value"], ["S-1", "plan_year", str(year)]],
        "Targets": grid("targets", targets),
        "Progress": grid("progress", progress),
        "Units": grid("units", units),
        "Activities": grid("activities", activities),
    }
    return parse_workbook(tabs)


def one(data: WorkbookData, as_of: dt.date, target_id: str = "T-1") -> dict[str, Any]:
    df = tg.evaluate(data, as_of).set_index("id")
    return df.loc[target_id].to_dict()


# ------------------------------------------------------------------ periods


def test_period_bounds_quarters_halves_year() -> None:
    assert tg.period_bounds(YEAR, "Q1") == (D(2026, 1, 1), D(2026, 3, 31))
    assert tg.period_bounds(YEAR, "Q2") == (D(2026, 4, 1), D(2026, 6, 30))
    assert tg.period_bounds(YEAR, "Q3") == (D(2026, 7, 1), D(2026, 9, 30))
    assert tg.period_bounds(YEAR, "Q4") == (D(2026, 10, 1), D(2026, 12, 31))
    assert tg.period_bounds(YEAR, "H1") == (D(2026, 1, 1), D(2026, 6, 30))
    assert tg.period_bounds(YEAR, "H2") == (D(2026, 7, 1), D(2026, 12, 31))
    assert tg.period_bounds(YEAR, "Y") == (D(2026, 1, 1), D(2026, 12, 31))
    assert tg.period_bounds(2028, "Q1")[1] == D(2028, 3, 31)
    with pytest.raises(ValueError):
        tg.period_bounds(YEAR, "Q5")


def test_selector_as_of_is_period_end_or_today() -> None:
    today = D(2026, 5, 10)
    assert tg.as_of_for(YEAR, "Q1", today) == D(2026, 3, 31)  # past: its last day
    assert tg.as_of_for(YEAR, "Q2", today) == today  # running: today
    assert tg.as_of_for(YEAR, "H2", today) == today  # future: nothing recorded beyond today
    assert tg.as_of_for(2025, "Y", today) == D(2025, 12, 31)
    assert tg.current_period(YEAR, today) == "Q2"
    assert tg.current_period(2025, today) == "Y"


def test_target_window_for_half_and_quarter_targets() -> None:
    assert tg.target_window("quarter", YEAR, D(2026, 5, 10)) == (D(2026, 4, 1), D(2026, 6, 30))
    assert tg.target_window("half", YEAR, D(2026, 8, 1)) == (D(2026, 7, 1), D(2026, 12, 31))
    assert tg.target_window("year", YEAR, D(2026, 8, 1)) == (D(2026, 1, 1), D(2026, 12, 31))
    # A day outside the plan year is clamped into it.
    assert tg.target_window("quarter", YEAR, D(2027, 2, 1))[0] == D(2026, 10, 1)


def test_milestones_text_and_expected_share() -> None:
    points, ok = tg.parse_milestones("Q1:20%;Q2:50%；三季度:75%, Q4:100", YEAR)
    assert ok
    assert points == [(D(2026, 3, 31), 0.2), (D(2026, 6, 30), 0.5), (D(2026, 9, 30), 0.75),
                      (D(2026, 12, 31), 1.0)]  # fmt: skip
    start, due = D(2026, 1, 1), D(2026, 12, 31)
    assert tg.expected_share(start, due, D(2026, 3, 31), points) == pytest.approx(0.2)
    assert tg.expected_share(start, due, D(2026, 6, 30), points) == pytest.approx(0.5)
    # Half-way through Q3 (46 of 92 days): half-way between 50% and 75%.
    assert tg.expected_share(start, due, D(2026, 8, 15), points) == pytest.approx(0.625)
    assert tg.expected_share(start, due, D(2025, 12, 1), points) == 0.0
    # Linear without milestones: by the end of 30 June, 181 of 365 days.
    assert tg.expected_share(start, due, D(2026, 6, 30), []) == pytest.approx(181 / 365)
    assert tg.parse_milestones("Q1:50%;Q2:20%", YEAR)[1] is False  # going down: refused
    assert tg.parse_milestones("first bit: 20%", YEAR)[1] is False


# ------------------------------------------------------------------ counts


COUNT = {"title": "培训工会干部", "metric": "count", "target_value": 100, "section": "自身建设"}


@pytest.mark.parametrize(
    ("increments", "as_of", "status"),
    [
        ([], D(2025, 12, 31), "not_started"),  # before the year: nothing expected yet
        ([("2026-03-01", 23)], D(2026, 3, 31), "on_track"),  # 23 >= 0.9 × 24.7
        ([("2026-03-01", 20)], D(2026, 3, 31), "at_risk"),  # 20 >= 0.7 × 24.7
        ([("2026-03-01", 20)], D(2026, 6, 30), "behind"),  # 20 < 0.7 × 49.6
        ([("2026-03-01", 20), ("2026-06-01", 20)], D(2026, 6, 30), "at_risk"),  # 40/49.6=0.81
        ([("2026-03-01", 60), ("2026-06-01", 40)], D(2026, 6, 30), "achieved"),
        ([("2026-03-01", 60), ("2026-11-01", 30)], D(2027, 1, 5), "missed"),  # year over
        ([], D(2026, 2, 1), "behind"),  # nothing done while 8.5% was due
    ],
)
def test_count_at_least_statuses(
    increments: list[tuple[str, float]], as_of: dt.date, status: str
) -> None:
    progress = [{"target_id": "T-1", "date": d, "value": v} for d, v in increments]
    row = one(make_data([COUNT], progress), as_of)
    assert row["status"] == status
    assert row["target"] == 100
    assert row["actual"] == sum(v for d, v in increments if D.fromisoformat(d) <= as_of)


def test_count_expected_by_now_and_actual_ignore_later_rows() -> None:
    progress = [
        {"target_id": "T-1", "date": "2026-02-01", "value": 30},
        {"target_id": "T-1", "date": "2026-05-01", "value": 30},  # after as_of: not yet
    ]
    row = one(make_data([COUNT], progress), D(2026, 3, 31))
    assert row["actual"] == 30
    assert row["expected_by_now"] == pytest.approx(100 * 90 / 365)
    assert row["pct_achieved"] == pytest.approx(0.3)
    assert row["pace"] == pytest.approx(30 / (100 * 90 / 365))
    assert row["n_records"] == 1
    assert row["last_date"] == D(2026, 2, 1)


def test_a_hand_typed_value_counts_as_its_number_and_words_count_nothing() -> None:
    progress = [
        {"target_id": "T-1", "date": "2026-02-01", "value": "12"},  # typed as text
        {"target_id": "T-1", "date": "2026-02-02", "value": "约十个"},  # not a number
        {"target_id": "T-1", "date": "2026-02-03", "value": 2.5},
        {"target_id": "T-1", "date": "2026-02-04"},  # blank
    ]
    row = one(make_data([COUNT], progress), D(2026, 3, 31))
    assert row["actual"] == 14.5
    assert row["n_records"] == 4  # every row was a report, numbered or not
    assert row["last_date"] == D(2026, 2, 4)


def test_count_with_quarterly_milestones_follows_them_not_the_line() -> None:
    t = {**COUNT, "milestones": "Q1:10%;Q2:20%;Q3:60%;Q4:100%"}
    progress = [{"target_id": "T-1", "date": "2026-06-10", "value": 20}]
    row = one(make_data([t], progress), D(2026, 6, 30))
    assert row["expected_by_now"] == pytest.approx(20)  # the Q2 milestone exactly
    assert row["status"] == "on_track"  # linear would want 49.6 and call 20 behind
    row = one(make_data([COUNT], progress), D(2026, 6, 30))
    assert row["status"] == "behind"
    # By the end of Q3 the milestone asks for 60: 20 is a third of it.
    row = one(make_data([t], progress), D(2026, 9, 30))
    assert row["expected_by_now"] == pytest.approx(60)
    assert row["status"] == "behind"


def test_deadline_inside_the_year_shortens_the_line_and_is_missed_after() -> None:
    t = {**COUNT, "target_value": 10, "deadline": "6月"}  # month only: due 30 June
    progress = [{"target_id": "T-1", "date": "2026-03-01", "value": 5}]
    row = one(make_data([t], progress), D(2026, 3, 31))
    assert row["due"] == D(2026, 6, 30)
    assert row["deadline"] == PlanDate(2026, 6)
    assert row["expected_by_now"] == pytest.approx(10 * 90 / 181)
    assert row["status"] == "on_track"  # 5 of 4.97
    row = one(make_data([t], progress), D(2026, 7, 1))
    assert row["status"] == "missed"  # deadline passed with 5 of 10


def test_quarterly_count_counts_each_quarter_afresh() -> None:
    t = {"title": "信息报送", "metric": "count", "target_value": 2, "period": "quarter"}
    progress = [
        {"target_id": "T-1", "date": "2026-02-01", "value": 2},
        {"target_id": "T-1", "date": "2026-04-20", "value": 1},
    ]
    data = make_data([t], progress)
    assert one(data, D(2026, 3, 31))["status"] == "achieved"
    row = one(data, D(2026, 5, 15))
    assert row["actual"] == 1  # Q1's reports do not count for Q2
    assert row["window_start"] == D(2026, 4, 1)
    assert row["status"] == "on_track"  # 1 of 2 × 45/91
    assert one(data, D(2026, 6, 29))["status"] == "behind"  # 1 of 2 × 90/91
    assert one(data, D(2026, 6, 30))["status"] == "missed"  # Q2 ended with 1 of 2
    assert one(data, D(2026, 7, 1))["actual"] == 0  # Q3 starts empty


def test_amount_at_most_budget_pace_and_overrun() -> None:
    t = {"title": "活动经费支出", "metric": "amount", "target_value": 12000, "direction": "at_most"}

    def at(spent: list[tuple[str, float]], as_of: dt.date) -> dict[str, Any]:
        progress = [{"target_id": "T-1", "date": d, "value": v} for d, v in spent]
        return one(make_data([t], progress), as_of)

    assert at([], D(2026, 3, 31))["status"] == "on_track"  # nothing spent
    assert at([("2026-03-01", 3000)], D(2026, 3, 31))["status"] == "on_track"  # 3000 vs 2959
    assert at([("2026-03-01", 3800)], D(2026, 3, 31))["status"] == "at_risk"  # 2959/3800=0.78
    assert at([("2026-03-01", 6000)], D(2026, 3, 31))["status"] == "behind"  # twice the pace
    assert at([("2026-03-01", 12500)], D(2026, 3, 31))["status"] == "missed"  # over the limit
    row = at([("2026-03-01", 11000)], D(2026, 12, 31))
    assert row["status"] == "achieved"  # the year ended within the limit
    assert row["pct_achieved"] == 1.0
    assert at([("2026-03-01", 15000)], D(2027, 1, 3))["pct_achieved"] == pytest.approx(0.8)


# ------------------------------------------------------------------ rates


RATE = {
    "title": "工资集体协商覆盖率",
    "metric": "rate",
    "target_value": 90,  # typed as a percentage number: normalised to 0.9
    "baseline": "70%",
    "section": "维权",
}


def test_rate_snapshot_latest_counts_and_shows_both_numbers() -> None:
    progress = [
        {"target_id": "T-1", "date": "2026-03-01", "numerator": 38, "denominator": 50},
        {"target_id": "T-1", "date": "2026-06-01", "numerator": 43, "denominator": 50},
    ]
    data = make_data([RATE], progress)
    row = one(data, D(2026, 6, 30))
    assert row["target"] == pytest.approx(0.9)
    assert (row["numerator"], row["denominator"]) == (43, 50)
    assert row["actual"] == pytest.approx(0.86)
    # The line runs from the 70% baseline to 90%: by 30 June 70% + 20% × 181/365.
    assert row["expected_by_now"] == pytest.approx(0.7 + 0.2 * 181 / 365)
    assert row["status"] == "on_track"
    assert one(data, D(2026, 3, 31))["actual"] == pytest.approx(0.76)  # the March snapshot
    assert one(data, D(2027, 1, 1))["status"] == "missed"  # year over at 86% < 90%
    progress.append({"target_id": "T-1", "date": "2026-09-01", "numerator": 46, "denominator": 50})
    assert one(make_data([RATE], progress), D(2026, 9, 30))["status"] == "achieved"


def test_rate_with_no_snapshot_stands_at_its_baseline() -> None:
    row = one(make_data([RATE]), D(2026, 9, 30))
    assert row["actual"] == pytest.approx(0.7)
    # 70% against 70% + 20% × 273/365 = 84.96% expected: pace 0.82.
    assert row["status"] == "at_risk"
    assert row["n_records"] == 0
    no_baseline = {**RATE, "baseline": None}
    assert one(make_data([no_baseline]), D(2026, 9, 30))["status"] == "behind"  # 0 recorded


def test_rate_at_most_is_a_ceiling() -> None:
    t = {"title": "劳动争议发生率", "metric": "rate", "target_value": "5%", "direction": "at_most"}
    progress = [{"target_id": "T-1", "date": "2026-04-01", "numerator": 1, "denominator": 50}]
    data = make_data([t], progress)
    row = one(data, D(2026, 6, 30))
    assert row["expected_by_now"] == pytest.approx(0.05)  # no baseline: a ceiling all year
    assert row["status"] == "on_track"
    assert one(data, D(2026, 12, 31))["status"] == "achieved"
    progress.append({"target_id": "T-1", "date": "2026-06-01", "numerator": 4, "denominator": 50})
    data = make_data([t], progress)
    assert one(data, D(2026, 6, 30))["status"] == "behind"  # 8% vs 5%: 0.625
    assert one(data, D(2027, 1, 1))["status"] == "missed"


# ------------------------------------------------------------------ milestones


MILESTONE = {"title": "召开职代会", "metric": "milestone", "deadline": "2026-06-30"}


def test_milestone_done_missed_at_risk_not_started() -> None:
    data = make_data([MILESTONE])
    assert one(data, D(2026, 2, 1))["status"] == "not_started"
    assert one(data, D(2026, 6, 5))["status"] == "at_risk"  # 25 days to go, not done
    assert one(data, D(2026, 7, 1))["status"] == "missed"  # deadline passed
    done = make_data([MILESTONE], [{"target_id": "T-1", "date": "2026-05-20", "value": 1}])
    assert one(done, D(2026, 5, 10))["status"] == "not_started"  # not yet done on 10 May
    row = one(done, D(2026, 5, 21))
    assert row["status"] == "achieved"
    assert row["pct_achieved"] == 1.0
    started = make_data([MILESTONE], [{"target_id": "T-1", "date": "2026-03-01", "value": 0}])
    assert one(started, D(2026, 3, 10))["status"] == "on_track"  # work recorded, not done


# ------------------------------------------------------------------ from activities


def test_count_from_done_activities_of_a_category_and_linked() -> None:
    cat = {"title": "文体活动", "metric": "count", "target_value": 10,
           "count_source": "category", "count_category": "culture_sports"}  # fmt: skip
    linked = {"title": "知识竞赛", "metric": "count", "target_value": 2, "count_source": "linked"}
    acts = [
        {"title": "趣味运动会", "category": "culture_sports", "start": "2026-03-08",
         "status": "done"},
        {"title": "春游", "category": "culture_sports", "start": "2026-04", "status": "done"},
        {"title": "羽毛球赛", "category": "culture_sports", "start": "2026-05-10",
         "status": "planned"},
        {"title": "知识竞赛", "category": "study", "start": "2026-04-20", "status": "done",
         "target_id": "T-2"},
        {"title": "棋牌赛", "category": "culture_sports", "start": "2025-11-01",
         "status": "done"},  # last year's: outside the window
    ]  # fmt: skip
    # Progress typed against a computed target is ignored: the actual is computed.
    progress = [{"target_id": "T-1", "date": "2026-03-01", "value": 5}]
    data = make_data([cat, linked], progress, activities=acts)
    df = tg.evaluate(data, D(2026, 6, 30)).set_index("id")
    assert df.loc["T-1", "actual"] == 2
    assert df.loc["T-2", "actual"] == 1
    assert df.loc["T-1", "status"] == "behind"  # 2 of 4.96 expected
    assert tg.evaluate(data, D(2026, 3, 31)).set_index("id").loc["T-1", "actual"] == 1


# ------------------------------------------------------------------ the frame


def test_evaluate_columns_and_status_counts() -> None:
    progress = [{"target_id": "T-1", "date": "2026-03-01", "value": 100}]
    data = make_data([COUNT, MILESTONE, {"title": "无目标值", "metric": "count"}], progress)
    df = tg.evaluate(data, D(2026, 8, 1))
    for col in ("id", "title", "section", "metric", "direction", "target", "actual",
                "numerator", "denominator", "pct_achieved", "expected_by_now", "status",
                "deadline", "unit", "weight", "responsible"):  # fmt: skip
        assert col in df.columns
    assert df["status"].tolist() == ["achieved", "missed", "not_started"]
    assert df.loc[2, "problem"] == "targets.p_no_target_value"
    assert df["weight"].tolist() == [1.0, 1.0, 1.0]
    counts = tg.status_counts(df)
    assert counts == {"achieved": 1, "on_track": 0, "at_risk": 0, "behind": 0, "missed": 1,
                      "not_started": 1}  # fmt: skip
    assert tg.status_counts(tg.evaluate(make_data(), D(2026, 8, 1))) == dict.fromkeys(
        tg.STATUSES, 0
    )


def test_trend_points_cumulative_and_plan_line() -> None:
    progress = [
        {"target_id": "T-1", "date": "2026-02-01", "value": 10},
        {"target_id": "T-1", "date": "2026-05-01", "value": 30},
    ]
    pts = tg.trend(make_data([{**COUNT, "milestones": "Q1:20%;Q2:50%"}], progress), "T-1",
                   D(2026, 5, 15))  # fmt: skip
    assert pts["date"].tolist() == [D(2025, 12, 31), D(2026, 3, 31), D(2026, 5, 15),
                                    D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)]  # fmt: skip
    assert pts["actual"].tolist()[:3] == [0, 10, 40]
    assert pts["actual"].isna().tolist()[3:] == [True, True, True]
    assert pts["expected"].tolist()[1] == pytest.approx(20)
    assert pts["expected"].tolist()[3] == pytest.approx(50)
    assert pts["expected"].tolist()[-1] == pytest.approx(100)


# ------------------------------------------------------------------ validation


def test_clean_target_normalises_and_reports_every_problem() -> None:
    rec = ti.check_target(
        {
            "title": " 建会率 ",
            "metric": "rate",
            "target_value": "95",
            "deadline": "12月",
            "weight": "10",
            "milestones": "Q2:50%;Q4:100%",
        },
        YEAR,
    )
    assert rec["title"] == "建会率"
    assert rec["target_value"] == pytest.approx(0.95)
    assert rec["deadline"] == PlanDate(2026, 12)
    assert rec["direction"] == "at_least" and rec["period"] == "year"
    assert rec["weight"] == 10
    with pytest.raises(ValidationError) as exc:
        ti.check_target(
            {
                "title": "",
                "metric": "rate",
                "target_value": "150%",
                "weight": "-1",
                "deadline": "13月",
                "milestones": "Q9:5",
                "count_source": "category",
            },
            YEAR,
        )
    assert exc.value.problems == {
        "title": ["targets.v_required"],
        "target_value": ["targets.v_rate_range"],
        "weight": ["targets.v_negative"],
        "deadline": ["targets.v_bad_date"],
        "milestones": ["targets.v_bad_milestones"],
        "count_source": ["targets.v_source_count_only"],
        "count_category": ["targets.v_category_needed"],
    }
    _, problems = ti.clean_target({"title": "x", "metric": "count"}, YEAR)
    assert problems == {"target_value": ["targets.v_required"]}
    _, problems = ti.clean_target({"title": "x", "metric": "milestone"}, YEAR)
    assert problems == {}


def test_clean_progress_refuses_bad_input() -> None:
    rate = {"id": "T-1", "metric": "rate"}
    count = {"id": "T-2", "metric": "count"}
    day = D(2026, 3, 1)
    _, p = ti.clean_progress({"date": day, "numerator": 3, "denominator": 0}, rate)
    assert p == {"denominator": ["targets.v_denominator_positive"]}
    _, p = ti.clean_progress({"date": day, "numerator": 60, "denominator": 50}, rate)
    assert p == {"numerator": ["targets.v_numerator_gt_denominator"]}
    _, p = ti.clean_progress({"date": day, "value": -3}, count)
    assert p == {"value": ["targets.v_negative"]}
    _, p = ti.clean_progress({"date": day, "value": 2.5}, count)
    assert p == {"value": ["targets.v_whole"]}
    _, p = ti.clean_progress({"value": 2}, count)
    assert p == {"date": ["targets.v_required"]}
    _, p = ti.clean_progress({"date": day, "value": 2}, None)
    assert p == {"target_id": ["targets.v_unknown_target"]}
    computed = {"id": "T-3", "metric": "count", "count_source": "linked"}
    _, p = ti.clean_progress({"date": day, "value": 2}, computed)
    assert p == {"target_id": ["targets.v_computed"]}
    rec = ti.check_progress({"date": day, "numerator": 43, "denominator": 50, "note": " 签订 "},
                            rate)  # fmt: skip
    assert rec["value"] == pytest.approx(0.86) and rec["note"] == "签订"
    assert rec["target_id"] == "T-1"
