"""People for tests that write: `admin("张三")` may write anything (the audit log names
them by login), `person(...)` holds the roles and unit a test needs."""

from __future__ import annotations

from unionplan.data.access import ADMIN, Person


def person(login: str = "u", *roles: str, unit: str | None = None) -> Person:
    return Person(login, login, frozenset(roles), unit)


def admin(login: str = "u") -> Person:
    return person(login, ADMIN)
