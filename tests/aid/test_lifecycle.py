"""A case's life: only the allowed moves, each leaving its history row (date, from, to,
reason, who) written with the case in one write; visits and notes; the history read back."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from tests.aid.conftest import ID_X, TODAY, data_of, memory_workbook, standard
from tests.people import admin
from unionplan.aid import status as st
from unionplan.aid.cases import DuplicateCaseError
from unionplan.aid.lifecycle import add_note, case_history, change_status, record_visit
from unionplan.data.schema import CASE_STATUS
from unionplan.errors import ConflictError, NotFoundError, ValidationError

EXPECTED_MOVES = {
    ("applied", "reviewing"),
    ("applied", "rejected"),
    ("reviewing", "active"),
    ("reviewing", "rejected"),
    ("active", "helping"),
    ("active", "exited"),
    ("active", "closed"),
    ("helping", "exited"),
    ("helping", "closed"),
    ("exited", "helping"),
    ("exited", "closed"),
    ("closed", "applied"),
    ("rejected", "applied"),
}
STATUSES = CASE_STATUS.codes()


def test_the_table_covers_every_status_and_names_the_life() -> None:
    assert set(st.TRANSITIONS) == set(STATUSES)
    assert st.LIFE == ("applied", "reviewing", "active", "helping", "exited", "closed")
    assert {(a, b) for a, bs in st.TRANSITIONS.items() for b in bs} == EXPECTED_MOVES


@pytest.mark.parametrize(("a", "b"), list(itertools.product(STATUSES, STATUSES)))
def test_allowed_is_exactly_the_table(a: str, b: str) -> None:
    assert st.allowed(a, b) == ((a, b) in EXPECTED_MOVES)


def test_a_case_without_a_status_may_be_given_any() -> None:
    assert all(st.allowed(None, s) for s in STATUSES)
    assert not st.allowed(None, "nonsense")


def _case(status: str, **extra: object) -> dict[str, object]:
    return {"id": "C-9", "name": "钱某", "unit": "U-2", "status": status, **extra}


@pytest.mark.parametrize(("a", "b"), sorted(EXPECTED_MOVES))
def test_every_allowed_move_leaves_its_record(a: str, b: str) -> None:
    wb, store = memory_workbook(**standard(aid_cases=[_case(a)]))
    wb.load()
    writes = store.stats.writes
    day = dt.date(2026, 4, 2)
    case = change_status(
        wb, "C-9", b, reason=f"{a}->{b} 依据", actor=admin("帮扶专干"), expected_version=1, date=day,
        by="工会主席",
    )  # fmt: skip
    assert store.stats.writes == writes + 1  # the case and its history row: one write
    assert case["status"] == b and case["version"] == 2
    data = wb.load(fresh=True)
    events = data.df("aid_events")
    assert len(events) == 1
    e = events.iloc[0]
    assert (e["case_id"], e["kind"], e["from_status"], e["to_status"]) == (
        "C-9",
        st.STATUS_CHANGE,
        a,
        b,
    )
    assert (e["date"], e["details"], e["by"], e["created_by"]) == (
        day,
        f"{a}->{b} 依据",
        "工会主席",
        "帮扶专干",
    )
    assert data.record("aid_cases", "C-9")["status"] == b


# change_status asks `allowed` (the whole matrix is tested above); through the workbook,
# one refused move out of every status is enough to show a refusal writes nothing.
REFUSED_SAMPLE = [(a, next(b for b in STATUSES if (a, b) not in EXPECTED_MOVES)) for a in STATUSES]


@pytest.mark.parametrize(("a", "b"), REFUSED_SAMPLE)
def test_a_refused_move_writes_nothing(a: str, b: str) -> None:
    wb, store = memory_workbook(**standard(aid_cases=[_case(a)]))
    wb.load()
    writes = store.stats.writes
    with pytest.raises(ValidationError) as err:
        change_status(wb, "C-9", b, reason="试试", actor=admin("u"), expected_version=1, date=TODAY)
    assert err.value.problems == {"status": ["aid.status.not_allowed"]}
    assert store.stats.writes == writes


def test_a_reason_is_required() -> None:
    wb, _ = memory_workbook(**standard())
    with pytest.raises(ValidationError) as err:
        change_status(wb, "C-5", st.VERIFIED, reason="  ", actor=admin("u"), expected_version=1)
    assert err.value.problems == {"details": ["aid.status.reason_required"]}


def test_the_case_row_keeps_the_dates_of_its_life() -> None:
    wb, _ = memory_workbook(**standard(aid_cases=[_case(st.VERIFIED)]))
    steps = [
        (st.FILED, dt.date(2026, 1, 5), {"opened_on": dt.date(2026, 1, 5)}),
        (st.HELPING, dt.date(2026, 1, 18), {}),
        (st.OUT_OF_HARDSHIP, dt.date(2026, 6, 30), {"exited_on": dt.date(2026, 6, 30)}),
        (st.HELPING, dt.date(2026, 8, 1), {"exited_on": None}),  # back into hardship
        (st.CLOSED, dt.date(2026, 12, 20), {"closed_on": dt.date(2026, 12, 20)}),
        (st.APPLICATION, dt.date(2027, 3, 1), {"closed_on": None, "exited_on": None}),
    ]
    for version, (to, day, fields) in enumerate(steps, start=1):
        case = change_status(wb, "C-9", to, reason="依据", actor=admin("u"), expected_version=version,
                             date=day)  # fmt: skip
        for key, value in fields.items():
            assert case.get(key) == value, (to, key)
    history = case_history(wb.load(fresh=True), "C-9")
    assert history["to_status"].tolist() == [s for s, _, _ in steps]
    assert history["from_status"].tolist() == [st.VERIFIED] + [s for s, _, _ in steps[:-1]]


def test_filing_a_duplicate_needs_the_override_which_is_noted() -> None:
    twin = _case(st.VERIFIED, id_number=ID_X)  # C-1 has this number
    wb, _ = memory_workbook(**standard(aid_cases=[*standard()["aid_cases"], twin]))
    with pytest.raises(DuplicateCaseError):
        change_status(wb, "C-9", st.FILED, reason="核实属实", actor=admin("u"), expected_version=1)
    case = change_status(wb, "C-9", st.FILED, reason="核实属实", actor=admin("u"), expected_version=1,
                         override=True)  # fmt: skip
    assert case["status"] == st.FILED
    kinds = case_history(wb.load(fresh=True), "C-9")["kind"].tolist()
    assert kinds == [st.STATUS_CHANGE, st.NOTE]


def test_a_stale_version_is_a_conflict_and_writes_no_history() -> None:
    wb, _ = memory_workbook(**standard())
    wb.update(
        "aid_cases", "C-5", {"phone": "13800000000"}, expected_version=1, actor=admin("other")
    )
    with pytest.raises(ConflictError):
        change_status(wb, "C-5", st.VERIFIED, reason="核实", actor=admin("u"), expected_version=1)
    assert wb.load(fresh=True).df("aid_events").empty


def test_visits_and_notes_with_the_next_review() -> None:
    wb, store = memory_workbook(**standard())
    wb.load()
    writes = store.stats.writes
    visit = record_visit(
        wb, "C-1", "入户走访，病情稳定，化疗进行中", actor=admin("李主席"), date=dt.date(2026, 5, 10),
        review_date=dt.date(2026, 11, 10), expected_version=1,
    )  # fmt: skip
    assert store.stats.writes == writes + 1
    assert visit["kind"] == st.VISIT
    add_note(
        wb,
        "C-1",
        "更正：上次走访日期应为5月9日",
        actor=admin("帮扶专干"),
        date=dt.date(2026, 5, 11),
    )
    data = wb.load(fresh=True)
    assert data.record("aid_cases", "C-1")["review_date"] == dt.date(2026, 11, 10)
    history = case_history(data, "C-1")
    assert history["kind"].tolist() == [
        st.STATUS_CHANGE,  # derived from the case's opened_on (no history kept before)
        "payment",
        "payment",
        st.VISIT,
        st.NOTE,
    ]
    assert history["source"].tolist()[0] == "aid_cases"
    assert history["cash"].tolist()[1:3] == [Decimal("800.00"), Decimal("3000.00")]
    with pytest.raises(ValidationError):
        record_visit(wb, "C-1", "", actor=admin("u"))
    with pytest.raises(ValidationError):
        record_visit(wb, "C-1", "x", actor=admin("u"), review_date=TODAY)  # no version given
    with pytest.raises(NotFoundError):
        record_visit(wb, "C-404", "x", actor=admin("u"))


def test_history_of_a_case_with_nothing_yet() -> None:
    data = data_of(**standard())
    history = case_history(data, "C-5")
    assert history.empty and "details" in history.columns
    with pytest.raises(NotFoundError):
        case_history(data, "C-404")
