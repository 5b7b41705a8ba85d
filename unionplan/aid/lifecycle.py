"""Moving a case through its life, recording visits and notes, and reading its history.

Every status change is checked against `status.TRANSITIONS`, needs a reason, and is
written together with its history row (date, from, to, reason, who) in one write, so the
file tells its own history: `case_history` lays out those rows with the payments made to
the case, oldest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from unionplan.aid import status as st
from unionplan.aid.cases import DuplicateCaseError, find_duplicates, override_event
from unionplan.aid.money import to_money
from unionplan.data import parse
from unionplan.data.access import Person
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import RecordUpdate, Workbook
from unionplan.errors import ValidationError

MAX_DETAILS = 2000  # characters of a reason or a visit note


def _check_details(details: str | None, *, required: bool) -> str | None:
    text = (details or "").strip()
    if required and not text:
        raise ValidationError({"details": ["aid.status.reason_required"]})
    if len(text) > MAX_DETAILS:
        raise ValidationError({"details": ["aid.case.too_long"]})
    return text or None


def _case_fields_for(to_status: str, from_status: str | None, date: dt.date) -> dict[str, Any]:
    """The dates on the case row that follow a move (the history keeps the earlier ones)."""
    if to_status == st.FILED:
        return {"opened_on": date}
    if to_status == st.OUT_OF_HARDSHIP:
        return {"exited_on": date}
    if to_status == st.CLOSED:
        return {"closed_on": date}
    if to_status == st.HELPING and from_status == st.OUT_OF_HARDSHIP:
        return {"exited_on": None}  # back in hardship: no longer out of it
    if to_status == st.APPLICATION and from_status in (st.CLOSED, st.REJECTED):
        return {"exited_on": None, "closed_on": None}
    return {}


def change_status(
    workbook: Workbook,
    case_id: str,
    to_status: str,
    *,
    reason: str,
    actor: Person,
    expected_version: int,
    date: dt.date | None = None,
    by: str | None = None,
    review_date: dt.date | None = None,
    override: bool = False,
) -> dict[str, Any]:
    """Move a case to `to_status`; returns the case as written.

    Raises ValidationError for a move the table does not allow or a missing reason,
    DuplicateCaseError when filing a case that looks like another one (unless
    `override`, which is noted in the history), ConflictError when the case changed since
    `expected_version`. `by` is who decided, when it was not the person typing.
    """
    date = date or dt.date.today()
    details = _check_details(reason, required=True)
    data = workbook.load(fresh=True)
    case = data.record("aid_cases", case_id)
    from_status = case.get("status") or None
    if not st.allowed(from_status, to_status):
        raise ValidationError({"status": ["aid.status.not_allowed"]})
    events = [
        st.new_event(
            case_id,
            st.STATUS_CHANGE,
            date,
            details=details,
            by=by or actor.login,
            from_status=from_status,
            to_status=to_status,
        )
    ]
    if to_status == st.FILED:
        clashes = find_duplicates(data, case, exclude_id=case_id)
        if clashes and not override:
            raise DuplicateCaseError(clashes)
        if clashes:
            events.append(override_event(case_id, clashes, date, actor.login, data.language))
    changes = {"status": to_status, **_case_fields_for(to_status, from_status, date)}
    if review_date is not None:
        changes["review_date"] = review_date
    written = workbook.write(
        appends=[("aid_events", e) for e in events],
        updates=[RecordUpdate("aid_cases", case_id, changes, expected_version)],
        actor=actor,
    )
    return written[-1]


def record_visit(
    workbook: Workbook,
    case_id: str,
    details: str,
    *,
    actor: Person,
    date: dt.date | None = None,
    by: str | None = None,
    review_date: dt.date | None = None,
    expected_version: int | None = None,
    kind: str = st.VISIT,
) -> dict[str, Any]:
    """Record a visit (走访) or, with kind=NOTE, a note on a case; returns the history row.

    A visit often sets the next review: pass `review_date` and the case's `expected_version`
    and both are written in the same write.
    """
    if kind not in (st.VISIT, st.NOTE):
        raise ValidationError({"kind": ["aid.history.bad_kind"]})
    text = _check_details(details, required=True)
    date = date or dt.date.today()
    data = workbook.load()
    data.record("aid_cases", case_id)  # raises NotFoundError for an unknown case
    event = st.new_event(case_id, kind, date, details=text, by=by or actor.login)
    updates = []
    if review_date is not None:
        if expected_version is None:
            raise ValidationError({"review_date": ["aid.history.version_needed"]})
        updates.append(
            RecordUpdate("aid_cases", case_id, {"review_date": review_date}, expected_version)
        )
    written = workbook.write(appends=[("aid_events", event)], updates=updates, actor=actor)
    return written[0]


def add_note(
    workbook: Workbook,
    case_id: str,
    details: str,
    *,
    actor: Person,
    date: dt.date | None = None,
) -> dict[str, Any]:
    """A note in the case's history (a correction of an earlier line is a new note)."""
    return record_visit(workbook, case_id, details, actor=actor, date=date, kind=st.NOTE)


# ---------------------------------------------------------------- history

HISTORY_COLUMNS = [
    "date",
    "kind",  # status_change | visit | note | payment
    "from_status",
    "to_status",
    "details",  # personal: masked with the events' `details` rule
    "by",
    "payment_kind",
    "cash",
    "goods",
    "goods_value",
    "record_id",
    "source",  # aid_events | aid_payments | aid_cases (dates kept on the case row only)
]


def _derived_rows(case: dict[str, Any]) -> list[dict[str, Any]]:
    """For a case entered before the app kept histories: its dates as status changes."""
    rows = []
    for key, to_status in (
        ("opened_on", st.FILED),
        ("exited_on", st.OUT_OF_HARDSHIP),
        ("closed_on", st.CLOSED),
    ):
        if not parse.is_blank(case.get(key)):
            rows.append(
                {
                    "date": case[key],
                    "kind": st.STATUS_CHANGE,
                    "to_status": to_status,
                    "record_id": case["id"],
                    "source": "aid_cases",
                }
            )
    return rows


def case_history(data: WorkbookData, case_id: str) -> pd.DataFrame:
    """Everything that happened to a case, oldest first: status changes with their
    reasons, visits, notes and payments. Raises NotFoundError for an unknown case."""
    case = data.record("aid_cases", case_id)
    rows: list[dict[str, Any]] = []
    order: list[Any] = []
    events = data.df("aid_events")
    mine = events[events["case_id"] == case_id] if not events.empty else events
    for e in mine.to_dict("records"):
        rows.append(
            {
                "date": e.get("date"),
                "kind": e.get("kind"),
                "from_status": e.get("from_status"),
                "to_status": e.get("to_status"),
                "details": e.get("details"),
                "by": e.get("by"),
                "record_id": e["id"],
                "source": "aid_events",
            }
        )
        order.append(e.get("created_at"))
    if not any(r["kind"] == st.STATUS_CHANGE for r in rows):
        for r in _derived_rows(case):
            rows.append(r)
            order.append(None)
    pays = data.df("aid_payments")
    mine = pays[pays["case_id"] == case_id] if not pays.empty else pays
    for p in mine.to_dict("records"):
        rows.append(
            {
                "date": p.get("date"),
                "kind": "payment",
                "payment_kind": p.get("kind"),
                "cash": to_money(p.get("cash")),
                "goods": p.get("goods"),
                "goods_value": to_money(p.get("goods_value")),
                "details": p.get("notes"),
                "by": p.get("handler"),
                "record_id": p["id"],
                "source": "aid_payments",
            }
        )
        order.append(p.get("created_at"))
    if not rows:
        return pd.DataFrame(columns=HISTORY_COLUMNS)

    def sort_key(i: int) -> tuple[Any, ...]:
        d = rows[i].get("date")
        day = d if isinstance(d, dt.date) else dt.date.max
        at = order[i]
        # ISO text sorts like time; "~" after any of it, for rows with no creation time.
        stamp = at.isoformat() if isinstance(at, dt.datetime) and not pd.isna(at) else "~"
        return (day, stamp, i)

    ordered = [rows[i] for i in sorted(range(len(rows)), key=sort_key)]
    return pd.DataFrame(ordered, columns=HISTORY_COLUMNS)
