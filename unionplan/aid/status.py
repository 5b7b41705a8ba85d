"""The life of a hardship file: its statuses, the moves allowed between them, and the
history row (帮扶记录) every move, visit and note leaves.

application -> verified -> filed (建档) -> being helped -> out of hardship (脱困) -> closed
(销档); rejected (不予建档) from application or verification. The codes are those the
workbook already had where the meaning is the same (see schema.CASE_STATUS), so the
constants below are the names to use in code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from unionplan.data import parse
from unionplan.data.schema import AID_EVENTS
from unionplan.data.tables import new_id

APPLICATION = "applied"
VERIFIED = "reviewing"
FILED = "active"
HELPING = "helping"
OUT_OF_HARDSHIP = "exited"
CLOSED = "closed"
REJECTED = "rejected"

LIFE: tuple[str, ...] = (APPLICATION, VERIFIED, FILED, HELPING, OUT_OF_HARDSHIP, CLOSED)
# Cases that receive aid and campaigns pick by default.
ON_FILE: tuple[str, ...] = (FILED, HELPING)
# Cases whose review date matters: on file, and out of hardship until the file is closed
# (a family is looked at once more before its file is closed).
REVIEWED: tuple[str, ...] = (FILED, HELPING, OUT_OF_HARDSHIP)
# What a new case may start as: an application, or an existing paper file entered as filed.
INITIAL: tuple[str, ...] = (APPLICATION, FILED)

# The allowed moves. Back-steps are the ones real files take: a family out of hardship
# falls back into it (返困), a closed or rejected file is re-opened by a new application.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    APPLICATION: (VERIFIED, REJECTED),
    VERIFIED: (FILED, REJECTED),
    FILED: (HELPING, OUT_OF_HARDSHIP, CLOSED),
    HELPING: (OUT_OF_HARDSHIP, CLOSED),
    OUT_OF_HARDSHIP: (HELPING, CLOSED),
    CLOSED: (APPLICATION,),
    REJECTED: (APPLICATION,),
}

STATUS_CHANGE, VISIT, NOTE = "status_change", "visit", "note"


def allowed(from_status: str | None, to_status: str) -> bool:
    """Whether a case may move from `from_status` to `to_status`.

    A case without a status (typed by hand in the sheet) may be given any status once.
    """
    if to_status not in TRANSITIONS:
        return False
    if parse.is_blank(from_status):
        return True
    return to_status in TRANSITIONS.get(str(from_status), ())


def next_statuses(from_status: str | None) -> tuple[str, ...]:
    """The statuses a form may offer for a case now in `from_status`."""
    if parse.is_blank(from_status):
        return tuple(TRANSITIONS)
    return TRANSITIONS.get(str(from_status), ())


def new_event(
    case_id: str,
    kind: str,
    date: dt.date,
    *,
    details: str | None = None,
    by: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> dict[str, Any]:
    """One history row, its id fixed now so the batch it goes in can be recognised."""
    return {
        "id": new_id(AID_EVENTS.id_prefix),
        "case_id": case_id,
        "date": date,
        "kind": kind,
        "from_status": from_status or None,
        "to_status": to_status or None,
        "details": details or None,
        "by": by or None,
    }
