"""Reviews due and overdue first, the count for the overview, pairings and unpaired cases."""

from __future__ import annotations

import datetime as dt

from tests.aid.conftest import TODAY
from unionplan.aid.reviews import (
    case_register,
    due_count,
    pairings,
    review_queue,
    review_state,
    unpaired_cases,
)
from unionplan.data.tables import WorkbookData


def test_review_states() -> None:
    day = dt.date(2026, 5, 15)
    assert review_state("active", dt.date(2026, 5, 14), day, 30) == ("overdue", -1)
    assert review_state("helping", day, day, 30) == ("due", 0)
    assert review_state("active", dt.date(2026, 6, 14), day, 30) == ("due", 30)
    assert review_state("active", dt.date(2026, 6, 15), day, 30) == ("later", 31)
    assert review_state("exited", None, day, 30) == ("no_date", None)
    assert review_state("closed", dt.date(2026, 1, 1), day, 30) == ("not_reviewed", None)
    assert review_state("applied", dt.date(2026, 1, 1), day, 30) == ("not_reviewed", None)


def test_register_puts_overdue_then_due_first(data: WorkbookData) -> None:
    reg = case_register(data, TODAY)
    # C-1 overdue (May 1), C-2 due (June 1), C-6 and C-4 on record without a date (same
    # unit, by name), C-3 later (September), C-5 an application (not reviewed)
    assert reg["id"].tolist() == ["C-1", "C-2", "C-6", "C-4", "C-3", "C-5"]
    assert reg["review"].tolist() == ["overdue", "due", "no_date", "no_date", "later",
                                      "not_reviewed"]  # fmt: skip
    assert reg["days_left"].tolist()[:2] == [-14, 17]
    assert reg.set_index("id")["unpaired"].to_dict() == {
        "C-1": False,
        "C-2": False,
        "C-3": True,  # filed, no cadre
        "C-4": False,
        "C-5": False,  # an application is not paired yet
        "C-6": False,
    }


def test_queue_and_count(data: WorkbookData) -> None:
    assert review_queue(data, TODAY)["id"].tolist() == ["C-1", "C-2"]
    assert due_count(data, TODAY) == 2
    assert due_count(data, TODAY, within_days=7) == 1
    assert due_count(data, dt.date(2026, 4, 1)) == 1  # only C-1, due May 1


def test_pairings_and_unpaired(data: WorkbookData) -> None:
    assert unpaired_cases(data)["id"].tolist() == ["C-3"]
    p = pairings(data)
    assert p["paired_cadre"].tolist() == ["李主席", "周委员", ""]
    assert p["case_ids"].tolist() == [["C-1", "C-2"], ["C-6"], ["C-3"]]
