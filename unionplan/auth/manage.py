"""Managing accounts, the one way the command line and the admin page both use.

Every function takes the acting person and refuses anyone but an administrator, whatever
calls it (the command line acts as LOCAL_ADMIN: it runs on the server). An administrator
cannot remove their own account or take their own admin role away, so a union is never
left without one by a slip of the mouse.
"""

from __future__ import annotations

from collections.abc import Iterable

from unionplan.auth import passwords
from unionplan.auth.accounts import (
    Account,
    AccountError,
    UsersFile,
    check_login,
    norm_login,
    roles_from,
)
from unionplan.data.access import ADMIN, Person, check_admin


def new_hash(password: str) -> str:
    """The argon2 hash of an acceptable new password; AccountError says why not."""
    problem = passwords.check_new(password)
    if problem:
        raise AccountError("weak password", key=problem, n=passwords.MIN_LENGTH)
    return passwords.hash_password(password)


def _blank_none(text: str | None) -> str | None:
    return (text or "").strip() or None


def add_account(
    users: UsersFile,
    actor: Person,
    login: str,
    roles: Iterable[str],
    *,
    password: str | None = None,
    name: str = "",
    unit: str | None = None,
    email: str | None = None,
) -> Account:
    """A new account; with no password it can sign in only through the identity provider
    (so it needs an e-mail)."""
    check_admin(actor)
    if not password and not _blank_none(email):
        raise AccountError("no password", key="auth.err.password_or_email")
    account = Account(
        login=check_login(login),
        roles=roles_from(list(roles)),
        password_hash=new_hash(password) if password else "",
        name=name.strip(),
        unit=_blank_none(unit),
        email=_blank_none(email),
    )
    return users.add(account)


def change_account(
    users: UsersFile,
    actor: Person,
    login: str,
    *,
    roles: Iterable[str] | None = None,
    name: str | None = None,
    unit: str | None = None,
    email: str | None = None,
) -> Account:
    """Change roles, display name, unit or e-mail (None: leave as it is; "" clears)."""
    check_admin(actor)
    fields: dict[str, object] = {}
    if roles is not None:
        fields["roles"] = roles_from(list(roles))
        if norm_login(login) == actor.login and ADMIN not in fields["roles"]:
            raise AccountError(login, key="auth.err.self")
    if name is not None:
        fields["name"] = name.strip()
    if unit is not None:
        fields["unit"] = _blank_none(unit)
    if email is not None:
        fields["email"] = _blank_none(email)
    return users.change(login, **fields)


def set_password(users: UsersFile, actor: Person, login: str, password: str) -> Account:
    """A new password (every device signed in with the old one is signed out)."""
    check_admin(actor)
    if users.get(login) is None:
        raise AccountError(login, key="auth.err.no_account", login=login)
    return users.change(login, password_hash=new_hash(password))


def remove_account(users: UsersFile, actor: Person, login: str) -> None:
    check_admin(actor)
    if norm_login(login) == actor.login:
        raise AccountError(login, key="auth.err.self")
    users.remove(login)


def unlock_account(users: UsersFile, actor: Person, login: str) -> None:
    check_admin(actor)
    users.unlock(login)
