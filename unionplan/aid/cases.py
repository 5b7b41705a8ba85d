"""The register of hardship cases (困难职工档案): checking a case, finding duplicates,
adding and editing cases, and picking cases by status, level, unit and cause.

A case's status is not edited here: it moves through `unionplan.aid.lifecycle`, which
records every move. Adding a case records its first status in the case's history in the
same write, so no case exists without the line that says how it came to be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from unionplan import i18n
from unionplan.aid import status as st
from unionplan.aid.idcard import check_id_number, same_person_key
from unionplan.aid.money import to_money
from unionplan.aid.notice import Notice
from unionplan.data import parse, schema
from unionplan.data.access import Person
from unionplan.data.tables import WorkbookData, new_id
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError

# Bounds on what the case form takes: far below Excel's 32,767 characters a cell, long
# enough for any real name, address or account of a family's situation.
MAX_LEN: dict[str, int] = {
    "name": 50,
    "id_number": 64,
    "phone": 64,
    "address": 200,
    "situation": 2000,
    "notes": 2000,
    "paired_cadre": 50,
}
MAX_FAMILY = 30


@dataclass(frozen=True)
class Clash:
    """An existing case that looks like the same person."""

    case_id: str
    reason: Literal["id_number", "name_unit"]
    status: str | None


class DuplicateCaseError(ValidationError):
    """Filing would make a second file for the same person; pass override=True to file anyway."""

    def __init__(self, clashes: list[Clash]) -> None:
        super().__init__({"id_number": ["aid.case.duplicate"]})
        self.key = "aid.case.duplicate"
        self.params = {"ids": "、".join(c.case_id for c in clashes)}
        self.clashes = clashes


@dataclass
class CaseCheck:
    """The verdict on a case's values: problems stop the write, notices do not."""

    values: dict[str, Any]  # as they will be stored (ID number normalised …)
    problems: dict[str, list[str]] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)

    def add(self, key: str, message: str) -> None:
        self.problems.setdefault(key, []).append(message)


def _name_key(name: object) -> str:
    return schema.norm(name)


def check_case(values: Mapping[str, Any], *, today: dt.date | None = None) -> CaseCheck:
    """Check a case's fields as the form gives them (codes for enums, numbers as numbers).

    An ID number marked as a mainland ID card (or with no kind chosen) must be one: 18
    characters with the right check digit, or the old 15-digit form (accepted, with a
    notice). Anything else needs the "other document" kind chosen explicitly.
    """
    out = CaseCheck(dict(values))
    v = out.values
    for key, limit in MAX_LEN.items():
        text = v.get(key)
        if isinstance(text, str) and len(text) > limit:
            out.add(key, "aid.case.too_long")
    if parse.is_blank(v.get("name")):
        out.add("name", "aid.case.name_required")
    number = v.get("id_number")
    kind = v.get("id_kind")
    if not parse.is_blank(number) and "id_number" not in out.problems:
        verdict = check_id_number(number, today=today)
        if kind == "other":
            v["id_number"] = str(number).strip()
        else:
            if verdict.ok:
                v["id_number"] = verdict.normalized
                v["id_kind"] = "mainland"
                if verdict.status == "old_form":
                    out.notices.append(
                        Notice("aid.id.old_form_notice", {"upgraded": verdict.upgraded or ""})
                    )
            else:
                out.add("id_number", verdict.message_key)
    family = v.get("family_size")
    if not parse.is_blank(family):
        size, problem = parse.parse_int(family)
        if problem or size is None or not 1 <= size <= MAX_FAMILY:
            out.add("family_size", "aid.case.bad_family_size")
    income = v.get("monthly_income")
    if not parse.is_blank(income):
        try:
            if to_money(income) < 0:
                out.add("monthly_income", "aid.case.negative")
        except ValueError:
            out.add("monthly_income", "aid.payment.bad_amount")
    return out


def find_duplicates(
    data: WorkbookData, values: Mapping[str, Any], *, exclude_id: str | None = None
) -> list[Clash]:
    """Existing cases with the same ID number (old and new forms compared as one), or
    with the same name in the same unit. Every case counts, whatever its status: a
    closed or rejected file is re-opened, not made twice."""
    cases = data.df("aid_cases")
    if cases.empty:
        return []
    number = values.get("id_number")
    id_key = same_person_key(number) if not parse.is_blank(number) else ""
    name_key = _name_key(values.get("name"))
    unit = values.get("unit") or None
    clashes: list[Clash] = []
    for rec in cases.to_dict("records"):
        if rec["id"] == exclude_id:
            continue
        other_id = rec.get("id_number")
        if id_key and not parse.is_blank(other_id) and same_person_key(other_id) == id_key:
            clashes.append(Clash(rec["id"], "id_number", rec.get("status")))
            continue
        other_unit = rec.get("unit") if not parse.is_blank(rec.get("unit")) else None
        if name_key and _name_key(rec.get("name")) == name_key and other_unit == unit:
            clashes.append(Clash(rec["id"], "name_unit", rec.get("status")))
    return clashes


def add_case(
    workbook: Workbook,
    values: Mapping[str, Any],
    *,
    actor: Person,
    date: dt.date | None = None,
    reason: str | None = None,
    override: bool = False,
) -> dict[str, Any]:
    """Add a case (an application by default, or an existing file entered as filed).

    Raises ValidationError for bad fields and DuplicateCaseError when the same person
    already has a file, unless `override`; an override is written into the case's history.
    One write: the case, its first history row (and the override note), their audit rows.
    """
    date = date or dt.date.today()
    data = workbook.load(fresh=True)
    check = check_case(values, today=date)
    rec = check.values
    rec["status"] = rec.get("status") or st.APPLICATION
    if rec["status"] not in st.INITIAL:
        check.add("status", "aid.status.bad_initial")
    if check.problems:
        raise ValidationError(check.problems)
    clashes = find_duplicates(data, rec)
    if clashes and not override:
        raise DuplicateCaseError(clashes)
    rec["id"] = rec.get("id") or new_id(schema.AID_CASES.id_prefix)
    if rec["status"] == st.FILED and parse.is_blank(rec.get("opened_on")):
        rec["opened_on"] = date
    lang = data.language
    default_reason = "aid.history.entered" if rec["status"] == st.FILED else "aid.history.applied"
    events = [
        st.new_event(
            rec["id"],
            st.STATUS_CHANGE,
            date,
            details=reason or i18n.t(default_reason, lang),
            by=actor.login,
            to_status=rec["status"],
        )
    ]
    if clashes:
        events.append(override_event(rec["id"], clashes, date, actor.login, lang))
    written = workbook.write(
        appends=[("aid_cases", rec), *(("aid_events", e) for e in events)],
        actor=actor,
    )
    return written[0]


def override_event(
    case_id: str, clashes: list[Clash], date: dt.date, by: str, lang: str
) -> dict[str, Any]:
    """The note that says a case was filed although it looked like a duplicate."""
    ids = "、".join(c.case_id for c in clashes)
    return st.new_event(
        case_id,
        st.NOTE,
        date,
        details=i18n.t("aid.history.override", lang, ids=ids),
        by=by,
    )


def update_case(
    workbook: Workbook,
    case_id: str,
    changes: Mapping[str, Any],
    *,
    expected_version: int,
    actor: Person,
    override: bool = False,
) -> dict[str, Any]:
    """Edit a case's fields (not its status: that is `lifecycle.change_status`).

    The merged record is checked as a new one would be, and a change of name, unit or ID
    number that makes it look like another case needs `override`.
    """
    data = workbook.load(fresh=True)
    current = data.record("aid_cases", case_id)
    if "status" in changes and changes["status"] != current.get("status"):
        raise ValidationError({"status": ["aid.status.use_change_status"]})
    merged = {**current, **changes}
    check = check_case(merged)
    # Only what this edit touches: a wrong number typed in the sheet by hand must not
    # stop someone from correcting the phone (the number is flagged where it is shown).
    touched = set(changes) | ({"id_number"} if "id_kind" in changes else set())
    problems = {k: v for k, v in check.problems.items() if k in touched}
    if problems:
        raise ValidationError(problems)
    fixed = {k: check.values[k] for k in changes if k in check.values}
    if "id_kind" in check.values and check.values.get("id_kind") != current.get("id_kind"):
        fixed["id_kind"] = check.values["id_kind"]
    identity = ("name", "unit", "id_number")
    if any(k in changes for k in identity):
        clashes = find_duplicates(data, check.values, exclude_id=case_id)
        if clashes and not override:
            raise DuplicateCaseError(clashes)
    return workbook.update(
        "aid_cases", case_id, fixed, expected_version=expected_version, actor=actor
    )


# ---------------------------------------------------------------- picking cases


def unit_subtree(data: WorkbookData, unit_ids: Iterable[str]) -> set[str]:
    """The units given and every unit under them (a member-unit scope, a campaign filter)."""
    units = data.df("units")
    children: dict[str, list[str]] = {}
    if not units.empty:
        for uid, parent in zip(units["id"], units["parent"], strict=True):
            if uid and not parse.is_blank(parent):
                children.setdefault(str(parent), []).append(str(uid))
    out: set[str] = set()
    todo = [str(u) for u in unit_ids]
    while todo:
        u = todo.pop()
        if u in out:
            continue  # a loop typed by hand in the sheet must not hang the app
        out.add(u)
        todo.extend(children.get(u, []))
    return out


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to pick; an empty tuple means any. Units include the units under them."""

    statuses: tuple[str, ...] = st.ON_FILE
    levels: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()  # a case with any of these causes


ON_FILE_CASES = CaseFilter()


def select_cases(data: WorkbookData, f: CaseFilter = ON_FILE_CASES) -> pd.DataFrame:
    """The cases `f` picks, unit by unit."""
    cases = data.df("aid_cases")
    if cases.empty:
        return cases
    keep = pd.Series(True, index=cases.index)
    if f.statuses:
        keep &= cases["status"].isin(f.statuses)
    if f.levels:
        keep &= cases["level"].isin(f.levels)
    if f.units:
        keep &= cases["unit"].isin(unit_subtree(data, f.units))
    if f.causes:
        wanted = set(f.causes)
        keep &= cases["causes"].map(lambda cs: isinstance(cs, list) and bool(wanted & set(cs)))
    out = cases[keep]
    # Grouped by unit in the units tab's order (a sign-off list is handed out unit by
    # unit), the sheet's own order kept within a unit; cases without a unit last.
    units = data.df("units")
    rank = {u: i for i, u in enumerate(units["id"])} if not units.empty else {}
    order = out["unit"].map(lambda u: rank.get(u, len(rank)))
    return out.iloc[order.argsort(kind="stable")]
