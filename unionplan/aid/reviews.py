"""Reviews and pairings: which files are due for review (动态管理), how many for the
overview, and which cadre is paired with which family (结对帮扶), unpaired ones flagged.

The frames keep the schema's column keys (name, unit, paired_cadre …) so a page can mask
them for a viewer with `privacy.mask_frame(schema.AID_CASES, frame)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd

from unionplan.aid import status as st
from unionplan.data import parse
from unionplan.data.tables import WorkbookData

DUE_WITHIN_DAYS = 30  # a review this close is due: the officer needs time to visit

ReviewState = Literal["overdue", "due", "no_date", "later", "not_reviewed"]
_RANK: dict[str, int] = {"overdue": 0, "due": 1, "no_date": 2, "later": 3, "not_reviewed": 4}

REGISTER_COLUMNS = [
    "id",
    "name",
    "unit",
    "level",
    "status",
    "paired_cadre",
    "review_date",
    "days_left",  # to the review date; negative when overdue
    "review",  # a ReviewState
    "unpaired",  # on file without a paired cadre
]


def review_state(
    status: str | None, review_date: object, today: dt.date, within_days: int
) -> tuple[ReviewState, int | None]:
    """The review state of one case and the days left to its review date."""
    if status not in st.REVIEWED:
        return "not_reviewed", None
    if not isinstance(review_date, dt.date):
        return "no_date", None
    if isinstance(review_date, dt.datetime):
        review_date = review_date.date()
    days = (review_date - today).days
    if days < 0:
        return "overdue", days
    if days <= within_days:
        return "due", days
    return "later", days


def case_register(
    data: WorkbookData, today: dt.date, *, within_days: int = DUE_WITHIN_DAYS
) -> pd.DataFrame:
    """Every case, those whose review is overdue or due first (most overdue first), then
    files on record without a review date, then the rest by unit and name."""
    cases = data.df("aid_cases")
    if cases.empty:
        return pd.DataFrame(columns=REGISTER_COLUMNS)
    rows = []
    for rec in cases.to_dict("records"):
        state, days = review_state(rec.get("status"), rec.get("review_date"), today, within_days)
        rows.append(
            {
                **{k: rec.get(k) for k in REGISTER_COLUMNS if k in rec},
                "days_left": days,
                "review": state,
                "unpaired": rec.get("status") in st.ON_FILE
                and parse.is_blank(rec.get("paired_cadre")),
            }
        )

    def key(r: dict) -> tuple:
        days = r["days_left"] if r["days_left"] is not None else 0
        return (_RANK[r["review"]], days, str(r.get("unit") or ""), str(r.get("name") or ""))

    rows.sort(key=key)
    out = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    out["days_left"] = out["days_left"].astype("Int64")
    return out


def review_queue(
    data: WorkbookData, today: dt.date, *, within_days: int = DUE_WITHIN_DAYS
) -> pd.DataFrame:
    """The cases whose review is overdue or due within `within_days`, overdue first."""
    reg = case_register(data, today, within_days=within_days)
    return reg[reg["review"].isin(["overdue", "due"])].reset_index(drop=True)


def due_count(data: WorkbookData, today: dt.date, *, within_days: int = DUE_WITHIN_DAYS) -> int:
    """How many reviews are overdue or due: the figure the overview shows an aid officer."""
    return len(review_queue(data, today, within_days=within_days))


def unpaired_cases(data: WorkbookData) -> pd.DataFrame:
    """Cases on file with no cadre paired with them (every one should have one)."""
    cases = data.df("aid_cases")
    if cases.empty:
        return cases
    blank = cases["paired_cadre"].map(parse.is_blank)
    return cases[cases["status"].isin(st.ON_FILE) & blank].reset_index(drop=True)


def pairings(data: WorkbookData) -> pd.DataFrame:
    """Cadre -> the cases on file paired with them (结对帮扶), most cases first; cases
    without a cadre are gathered under a blank cadre so the page can flag them."""
    cases = data.df("aid_cases")
    cols = ["paired_cadre", "case_ids", "cases"]
    if cases.empty:
        return pd.DataFrame(columns=cols)
    on_file = cases[cases["status"].isin(st.ON_FILE)]
    groups: dict[str, list[str]] = {}
    for cadre, cid in zip(on_file["paired_cadre"], on_file["id"], strict=True):
        name = "" if parse.is_blank(cadre) else str(cadre).strip()
        groups.setdefault(name, []).append(str(cid))
    rows = [{"paired_cadre": k, "case_ids": v, "cases": len(v)} for k, v in groups.items()]
    rows.sort(key=lambda r: (r["paired_cadre"] == "", -r["cases"], r["paired_cadre"]))
    return pd.DataFrame(rows, columns=cols)
