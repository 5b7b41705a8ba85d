"""Who may do what: roles, member-unit scope, and the checks of the one write path.

A `Person` holds one or more roles: viewer (reads everything except personal aid data),
editor (activities, targets, progress), aid (aid cases, payments, the fund; personal data
included), admin (everything: units, settings, the workbook itself, but personal aid
data only when they hold the aid role as well). A person other than
an admin may be limited to one unit and the units under it: they see every unit's
aggregates, and add or change only records of that subtree, both as the record was and
as it will be. A record with no unit (a fund income, the union's own activity) belongs to
no subtree, so only an unscoped person may write it; a unit nobody can find fails closed.

Plain Python over the data layer's tables; `Workbook.write` calls `check_write` before
anything is written, and the ops functions (backup, copy, start empty) call `check_admin`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from unionplan.data import schema
from unionplan.data.values import is_blank, py
from unionplan.errors import PermissionDeniedError

VIEWER, EDITOR, AID, ADMIN = "viewer", "editor", "aid", "admin"
ROLES = (VIEWER, EDITOR, AID, ADMIN)

# Which role writes which table (an admin writes every one of them). The audit log is
# written by the workbook layer itself, beside each write, and by nobody directly.
WRITERS: Mapping[str, frozenset[str]] = {
    "activities": frozenset({EDITOR}),
    "targets": frozenset({EDITOR}),
    "progress": frozenset({EDITOR}),
    "aid_cases": frozenset({AID}),
    "aid_payments": frozenset({AID}),
    "fund_income": frozenset({AID}),
    "aid_events": frozenset({AID}),
    "units": frozenset(),
    "settings": frozenset(),
}
NOBODY = frozenset({"audit_log"})
# Tables whose records belong to the unit of the aid case they name.
_BY_CASE = frozenset({"aid_payments", "aid_events"})


@dataclass(frozen=True)
class Person:
    """Someone using the app: who they are, what they may do, and where."""

    login: str
    display_name: str
    roles: frozenset[str]
    unit: str | None = None  # a unit id or name; None: every unit

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def scoped(self) -> bool:
        """Limited to a unit subtree (an admin never is)."""
        return not self.is_admin and not is_blank(self.unit)


# The one person of single-person mode (no accounts): the machine's own user, admin, and
# the keeper of their own hardship files too (an admin alone does not see personal data).
LOCAL_ADMIN = Person("local", "local", frozenset({ADMIN, AID}))


def parse_roles(text: str | Iterable[str]) -> frozenset[str]:
    """'editor,aid' (or a list) -> the roles; an unknown role raises ValueError."""
    parts = text.replace("，", ",").split(",") if isinstance(text, str) else list(text)
    roles = frozenset(p.strip().casefold() for p in parts if p.strip())
    unknown = sorted(roles - set(ROLES))
    if unknown:
        raise ValueError(", ".join(unknown))
    return roles


# ------------------------------------------------------------------ units


@dataclass(frozen=True)
class UnitTree:
    """The units table as a tree, and the unit each case and target belongs to.

    Built from the loaded tables; a unit may be named by its id or by its name (a sheet
    edited by hand holds names where the app writes ids).
    """

    parents: Mapping[str, str | None] = field(default_factory=dict)  # unit id -> parent id
    by_name: Mapping[str, str] = field(default_factory=dict)  # folded name -> unit id
    case_units: Mapping[str, Any] = field(default_factory=dict)  # case id -> unit
    target_units: Mapping[str, Any] = field(default_factory=dict)  # target id -> unit

    @classmethod
    def from_frames(
        cls,
        units: pd.DataFrame,
        cases: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
    ) -> UnitTree:
        parents: dict[str, str | None] = {}
        by_name: dict[str, str] = {}
        if not units.empty:
            for uid, parent, name in zip(units["id"], units["parent"], units["name"], strict=True):
                if is_blank(uid):
                    continue
                parents[str(uid)] = None if is_blank(parent) else str(parent)
                if not is_blank(name):
                    by_name.setdefault(schema.norm(name), str(uid))
        # A parent typed by name is the unit of that name.
        parents = {u: (by_name.get(schema.norm(p), p) if p else None) for u, p in parents.items()}
        return cls(parents, by_name, _unit_index(cases), _unit_index(targets))

    def including(self, records: Iterable[tuple[str, Mapping[str, Any]]]) -> UnitTree:
        """The tree with the cases and targets of a write added, so a payment or history
        row written together with its new case is judged by that case's unit."""
        cases, targets = dict(self.case_units), dict(self.target_units)
        for key, rec in records:
            index = cases if key == "aid_cases" else targets if key == "targets" else None
            if index is not None and not is_blank(rec.get("id")):
                index[str(rec["id"])] = rec.get("unit")
        return UnitTree(self.parents, self.by_name, cases, targets)

    def resolve(self, unit: Any) -> str | None:
        """The unit id `unit` names (an id or a name), or None when it names none."""
        if is_blank(unit):
            return None
        text = str(unit).strip()
        if text in self.parents:
            return text
        return self.by_name.get(schema.norm(text))

    def ancestors(self, unit_id: str) -> list[str]:
        """The unit and every unit above it, nearest first (a loop in the sheet ends it)."""
        chain: list[str] = []
        node: str | None = unit_id
        while node is not None and node not in chain:
            chain.append(node)
            node = self.parents.get(node)
        return chain

    def covers(self, scope: Any, unit: Any) -> bool:
        """Whether `unit` is the unit `scope` or one under it. A unit that names nothing,
        on either side, is covered by no scope: an unknown name must not open anything."""
        root, leaf = self.resolve(scope), self.resolve(unit)
        return root is not None and leaf is not None and root in self.ancestors(leaf)


def _unit_index(df: pd.DataFrame | None) -> dict[str, Any]:
    if df is None or df.empty or "unit" not in df.columns:
        return {}
    return {str(i): py(u) for i, u in zip(df["id"], df["unit"], strict=True) if not is_blank(i)}


def record_unit(table_key: str, record: Mapping[str, Any], units: UnitTree) -> Any:
    """The unit a record belongs to, for scope: its own unit column, the unit of the case
    a payment or event is for, the unit of the target a progress entry without a unit of
    its own counts towards; None for a table without units (fund income, settings)."""
    if table_key in _BY_CASE:
        return units.case_units.get(str(record.get("case_id") or ""))
    if table_key not in schema.TABLES or "unit" not in schema.TABLES[table_key].keys:
        return None
    unit = record.get("unit")
    if is_blank(unit) and table_key == "progress":
        return units.target_units.get(str(record.get("target_id") or ""))
    return None if is_blank(unit) else unit


# ------------------------------------------------------------------ the checks


def may_write_table(person: Person, table_key: str) -> bool:
    """Whether the person's roles let them write the table at all (scope aside)."""
    if table_key in NOBODY:
        return False
    if person.is_admin:
        return True
    return bool(WRITERS.get(table_key, frozenset()) & person.roles)


def write_refusal(
    person: Person,
    table_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    units: UnitTree,
) -> str | None:
    """Why the person may not turn `before` (None: a new record) into `after`, as a
    message key; None when they may."""
    if not may_write_table(person, table_key):
        return "errors.access_role"
    if person.scoped:
        for rec in (before, after):
            if rec is not None and not units.covers(
                person.unit, record_unit(table_key, rec, units)
            ):
                return "errors.access_scope"
    return None


def can_write(
    person: Person,
    table_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    units: UnitTree,
) -> bool:
    return write_refusal(person, table_key, before, after, units) is None


def check_write(
    person: Person,
    table_key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    units: UnitTree,
) -> None:
    """Raise PermissionDeniedError (with a message key) unless the write is allowed."""
    key = write_refusal(person, table_key, before, after, units)
    if key is not None:
        record_id = (before or after).get("id") or ""
        raise PermissionDeniedError(
            f"{person.login} may not write {table_key}/{record_id}",
            key=key,
            table=table_key,
            unit=person.unit or "",
        )


def check_admin(person: Person) -> None:
    """Backup, copy, start empty, connection and accounts: administrators only."""
    if not person.is_admin:
        raise PermissionDeniedError(f"{person.login} is not an admin", key="errors.access_admin")


def can_see_personal(person: Person, case_unit: Any, units: UnitTree) -> bool:
    """Whether the person may see the personal data of a case of `case_unit`: an aid
    officer (when scoped, for cases of their subtree only). The admin role alone does not
    open it: administrators run the app, aid officers keep the hardship files."""
    if not person.has(AID):
        return False
    return not person.scoped or units.covers(person.unit, case_unit)


def can_see_all_personal(person: Person) -> bool:
    """Whether every personal value may be shown unmasked (no per-case check needed)."""
    return person.has(AID) and not person.scoped
