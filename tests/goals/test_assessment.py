"""Roll-up of unit figures through the unit tree and the assessment score, by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.goals.test_targets import make_data
from unionplan.goals import assessment
from unionplan.goals import targets as tg

D = dt.date

# 街道总工会 U-1 with two community joint unions; U-2 has a union group U-4 under it.
UNITS = [
    {"name": "街道总工会", "kind": "federation"},
    {"name": "东社区联合工会", "parent": "U-1", "kind": "joint"},
    {"name": "西社区联合工会", "parent": "U-1", "kind": "joint"},
    {"name": "东社区一组", "parent": "U-2", "kind": "group"},
]


def test_rate_rolls_up_as_sums_of_numerators_and_denominators() -> None:
    rate = {"title": "集体合同签订率", "metric": "rate", "target_value": "90%", "unit": "U-1"}
    progress = [
        # East reports twice: only its latest snapshot (43 of 50) counts.
        {"target_id": "T-1", "date": "2026-03-01", "numerator": 30, "denominator": 50,
         "unit": "U-2"},
        {"target_id": "T-1", "date": "2026-06-01", "numerator": 43, "denominator": 50,
         "unit": "U-2"},
        {"target_id": "T-1", "date": "2026-05-01", "numerator": 9, "denominator": 10,
         "unit": "U-3"},
        {"target_id": "T-1", "date": "2026-05-02", "numerator": 5, "denominator": 6,
         "unit": "U-4"},  # the group's own part, under East
    ]  # fmt: skip
    data = make_data([rate], progress, UNITS)
    row = tg.evaluate(data, D(2026, 6, 30)).iloc[0]
    # 43 + 9 + 5 = 57 of 50 + 10 + 6 = 66 -> 86.36%; the mean of 86%, 90%, 83% is 86.4%,
    # and of the two communities' own figures 88%: neither is what was signed.
    assert (row["numerator"], row["denominator"]) == (57, 66)
    assert row["actual"] == pytest.approx(57 / 66)
    parts = tg.unit_breakdown(data, "T-1", D(2026, 6, 30)).set_index("unit")
    assert parts.loc["U-2", ["numerator", "denominator"]].tolist() == [48, 56]  # East + group
    assert parts.loc["U-2", "value"] == pytest.approx(48 / 56)
    assert parts.loc["U-3", "value"] == pytest.approx(0.9)
    assert len(parts) == 2


def test_counts_roll_up_as_sums_and_outside_units_are_kept_apart() -> None:
    count = {"title": "新建工会", "metric": "count", "target_value": 10, "unit": "U-2"}
    progress = [
        {"target_id": "T-1", "date": "2026-03-01", "value": 2, "unit": "U-4"},
        {"target_id": "T-1", "date": "2026-04-01", "value": 1},  # no unit: the target's own
        {"target_id": "T-1", "date": "2026-04-02", "value": 3, "unit": "U-3"},  # not East's
    ]
    data = make_data([count], progress, UNITS)
    assert tg.evaluate(data, D(2026, 6, 30)).iloc[0]["actual"] == 6
    parts = tg.unit_breakdown(data, "T-1", D(2026, 6, 30))
    assert dict(zip(parts["unit"], parts["value"], strict=True)) == {
        None: 3.0,
        "U-4": 2.0,
        "U-2": 1.0,
    }


def test_tree_helpers_survive_a_loop_in_the_sheet() -> None:
    units = pd.DataFrame({"id": ["A", "B", "C"], "parent": ["B", "A", None]})
    parents = assessment.parent_map(units)
    assert assessment.ancestors(parents, "A") == ["A", "B"]
    assert assessment.descendants(parents, "C") == {"C"}
    ok = pd.DataFrame({"id": ["F", "E", "G"], "parent": [None, "F", "E"]})
    assert assessment.descendants(assessment.parent_map(ok), "F") == {"F", "E", "G"}


def test_assessment_score_hand_computed() -> None:
    targets = [
        # East: weights 2, 1, 1 -> (2 × 0.5 + 1 × 1 + 1 × 0) / 4 × 100 = 50.0
        {"title": "培训", "metric": "count", "target_value": 10, "unit": "U-2", "weight": 2},
        {"title": "签订率", "metric": "rate", "target_value": "80%", "unit": "U-2"},  # capped
        {"title": "职代会", "metric": "milestone", "deadline": "2026-06", "unit": "U-2"},
        # West: a single target at 3 of 4 -> 75.0; a weight-0 target does not count.
        {"title": "走访", "metric": "count", "target_value": 4, "unit": "U-3", "weight": 5},
        {"title": "附加", "metric": "count", "target_value": 4, "unit": "U-3", "weight": 0},
        # At most: 9,000 spent of a 12,000 limit is fully achieved.
        {"title": "经费", "metric": "amount", "target_value": 12000, "direction": "at_most",
         "unit": "U-1", "weight": 3},
    ]  # fmt: skip
    progress = [
        {"target_id": "T-1", "date": "2026-03-01", "value": 5},
        {"target_id": "T-2", "date": "2026-03-01", "numerator": 45, "denominator": 50},
        {"target_id": "T-4", "date": "2026-03-01", "value": 3},
        {"target_id": "T-6", "date": "2026-03-01", "value": 9000},
    ]
    data = make_data(targets, progress, UNITS)
    ev = tg.evaluate(data, D(2026, 7, 31))
    scores = assessment.unit_scores(ev, data.df("units"))
    assert scores["unit"].tolist() == ["U-1", "U-3", "U-2"]  # best first
    assert scores["name"].tolist() == ["街道总工会", "西社区联合工会", "东社区联合工会"]
    assert scores["score"].tolist() == pytest.approx([100.0, 75.0, 50.0])
    assert scores["n_targets"].tolist() == [1, 1, 3]
    assert scores["weight"].tolist() == [3.0, 5.0, 4.0]
    assert assessment.unit_scores(ev.iloc[0:0], data.df("units")).empty
