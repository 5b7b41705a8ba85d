"""Signing in with a login and password, staying signed in with a token, signing out.

Failed sign-ins are counted per account and persisted in the users file: the fifth in a
row locks the account for 15 minutes, and a restart does not reset that. A wrong password,
an account that does not exist and a locked account all give the same answer (None) after
the same work (one argon2 verification), so nobody learns which accounts exist.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from unionplan.auth import passwords, tokens
from unionplan.auth.accounts import Account, UsersFile, check_login
from unionplan.errors import UnionplanError

MAX_FAILURES = 5
LOCK_S = 15 * 60


@dataclass(frozen=True)
class Session:
    """A successful sign-in: the account, and the token that lets a reload resume it."""

    account: Account
    token: str
    claims: tokens.Claims


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def authenticate(
    users: UsersFile, login: str, password: str, now: float | None = None
) -> Account | None:
    """The account when `password` is its password and it is not locked; else None."""
    now = _now(now)
    try:
        account = users.get(check_login(login))
    except UnionplanError:
        account = None  # not even a valid login: still one verification, below
    ok = passwords.verify(account.password_hash if account else None, password)
    if account is None or account.locked(now):
        return None  # a locked account: no new failure, and no hint that it exists
    if not ok:
        users.record_failure(account.login, now, limit=MAX_FAILURES, lock_s=LOCK_S)
        return None
    stronger = (
        passwords.hash_password(password) if passwords.needs_rehash(account.password_hash) else None
    )
    users.record_success(account.login, stronger)
    return users.get(account.login) or account


def sign_in(
    users: UsersFile, login: str, password: str, now: float | None = None
) -> Session | None:
    """Authenticate and issue a sign-in token; None on any failure (one answer for all)."""
    now = _now(now)
    account = authenticate(users, login, password, now)
    if account is None:
        return None
    token, claims = tokens.issue(
        tokens.server_secret(users.path), account.login, account.generation, now
    )
    return Session(account, token, claims)


def resume(users: UsersFile, token: str, now: float | None = None) -> Account | None:
    """The account a token from a cookie signs in, if it is genuine and still valid."""
    now = _now(now)
    if not token or not users.has_accounts():
        return None
    claims = tokens.read(tokens.server_secret(users.path), token, now)
    if claims is None or claims.token_id in users.revoked():
        return None
    account = users.get(claims.login)
    if account is None or account.generation != claims.generation:
        return None
    return account


def sign_out(users: UsersFile, token: str, now: float | None = None) -> None:
    """Revoke the token (a copy of the cookie kept elsewhere is useless from now on)."""
    now = _now(now)
    if not token or not users.path.exists():
        return
    claims = tokens.read(tokens.server_secret(users.path), token, now)
    if claims is not None:
        users.revoke(claims.token_id, claims.expires, now)


def for_email(users: UsersFile, email: str | None) -> Account | None:
    """The account an identity provider's e-mail maps to (no password involved)."""
    return users.by_email(email) if email else None
