"""The users file: accounts on the server, never in the shared workbook.

Everyone who can edit the sheet could otherwise make themselves admin, so accounts live in
a TOML file on the server (``UNIONPLAN_USERS_FILE``, default ``data/users.toml``; data/ is
git-ignored): per account its roles, unit, display name, optional e-mail (for sign-in
through an identity provider), argon2 password hash, failed sign-ins and lock, and a
session generation that revokes its sign-in tokens. Tokens revoked one by one (a
sign-out) are kept until they expire.

The file is readable by its owner only (0600, unionplan.files) and replaced atomically;
a read-modify-write holds a file lock, so the app's sessions and the command line never
lose each other's changes. Reads are cached until the file changes on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import filelock

from unionplan import files
from unionplan.data.access import ADMIN, Person, parse_roles
from unionplan.errors import ConfigError, UnionplanError
from unionplan.ops.config import ROOT

ENV_USERS_FILE = "UNIONPLAN_USERS_FILE"
DEFAULT_USERS_FILE = ROOT / "data" / "users.toml"
_LOGIN = re.compile(r"^[\w.@-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_MAX_TEXT = 200  # display names, units


class AccountError(UnionplanError):
    """An account cannot be added or changed as asked (message keys ``auth.err.*``)."""

    key = "auth.err.generic"


@dataclass(frozen=True)
class Account:
    login: str
    roles: frozenset[str]
    password_hash: str = field(default="", repr=False)
    name: str = ""
    unit: str | None = None
    email: str | None = None
    generation: int = 1
    failures: int = 0
    locked_until: float = 0.0

    @property
    def display_name(self) -> str:
        return self.name or self.login

    def person(self) -> Person:
        return Person(self.login, self.display_name, self.roles, self.unit)

    def locked(self, now: float) -> bool:
        return self.locked_until > now


def users_file_path() -> Path:
    env = os.environ.get(ENV_USERS_FILE, "").strip()
    return Path(env).expanduser().resolve() if env else DEFAULT_USERS_FILE


def norm_login(login: str) -> str:
    return login.strip().casefold()


def check_login(login: str) -> str:
    """The login as stored (folded); AccountError for one that is not a plain word."""
    folded = norm_login(login)
    if not _LOGIN.match(folded):
        raise AccountError(login, key="auth.err.bad_login")
    return folded


def check_fields(
    roles: frozenset[str], unit: str | None, email: str | None, name: str | None
) -> None:
    if not roles:
        raise AccountError("no roles", key="auth.err.no_roles")
    if ADMIN in roles and unit:
        # An admin writes units and settings and takes backups: there is no such thing
        # as an admin of one unit, and a silently ignored unit would mislead.
        raise AccountError("admin with a unit", key="auth.err.admin_unit")
    if email is not None and not _EMAIL.match(email):
        raise AccountError(email, key="auth.err.bad_email")
    for text in (unit, name):
        if text is not None and len(text) > _MAX_TEXT:
            raise AccountError("too long", key="auth.err.too_long", limit=_MAX_TEXT)


def roles_from(text: str | list[str]) -> frozenset[str]:
    try:
        return parse_roles(text)
    except ValueError as exc:
        raise AccountError(str(exc), key="auth.err.bad_roles", roles=str(exc)) from exc


# ------------------------------------------------------------------ the file


@dataclass
class _Doc:
    """The file's content while it is being changed."""

    accounts: dict[str, Account] = field(default_factory=dict)
    revoked: dict[str, float] = field(default_factory=dict)  # token id -> its expiry


def _account(login: str, raw: Mapping[str, Any]) -> Account:
    unit = raw.get("unit") or None
    email = raw.get("email") or None
    return Account(
        login=login,
        roles=roles_from(list(raw.get("roles", []))),
        password_hash=str(raw.get("password", "")),
        name=str(raw.get("name", "")),
        unit=str(unit) if unit else None,
        email=str(email) if email else None,
        generation=int(raw.get("generation", 1)),
        failures=int(raw.get("failures", 0)),
        locked_until=float(raw.get("locked_until", 0)),
    )


def _parse(text: str, path: Path) -> _Doc:
    try:
        raw = tomllib.loads(text)
        accounts = {
            norm_login(k): _account(norm_login(k), v) for k, v in raw.get("accounts", {}).items()
        }
        revoked = {str(k): float(v) for k, v in raw.get("revoked", {}).items()}
    except (tomllib.TOMLDecodeError, AccountError, TypeError, ValueError, AttributeError) as exc:
        # Never guess at a damaged accounts file: refusing everyone is the safe failure.
        raise ConfigError(f"{path}: {exc}", key="auth.err.bad_file", path=str(path)) from exc
    return _Doc(accounts, revoked)


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML string


def _render(doc: _Doc) -> str:
    out = [
        "# unionplan accounts, managed with `python -m unionplan user ...`.",
        "# Never commit or share this file: it holds password hashes.",
        "",
    ]
    for login in sorted(doc.accounts):
        a = doc.accounts[login]
        out.append(f"[accounts.{_s(login)}]")
        out.append(f"name = {_s(a.name)}")
        out.append("roles = [" + ", ".join(_s(r) for r in sorted(a.roles)) + "]")
        if a.unit:
            out.append(f"unit = {_s(a.unit)}")
        if a.email:
            out.append(f"email = {_s(a.email)}")
        out.append(f"password = {_s(a.password_hash)}")
        out.append(f"generation = {int(a.generation)}")
        out.append(f"failures = {int(a.failures)}")
        out.append(f"locked_until = {float(a.locked_until)!r}")
        out.append("")
    if doc.revoked:
        out.append("[revoked]")
        out.extend(f"{_s(k)} = {float(v)!r}" for k, v in sorted(doc.revoked.items()))
        out.append("")
    return "\n".join(out)


class UsersFile:
    """The accounts of one users file; safe to share between sessions and threads."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else users_file_path()
        self._cache: tuple[tuple[int, int, int], _Doc] | None = None
        self._mutex = threading.RLock()
        self._lock = filelock.FileLock(str(self.path) + ".lock")

    def _stamp(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _read(self) -> _Doc:
        with self._mutex:
            stamp = self._stamp()
            if stamp is None:
                return _Doc()
            if self._cache is not None and self._cache[0] == stamp:
                return self._cache[1]
            doc = _parse(self.path.read_text(encoding="utf-8"), self.path)
            self._cache = (stamp, doc)
            return doc

    # -------------------------------------------------------------- reading

    def accounts(self) -> dict[str, Account]:
        return dict(self._read().accounts)

    def has_accounts(self) -> bool:
        return bool(self._read().accounts)

    def get(self, login: str) -> Account | None:
        return self._read().accounts.get(norm_login(login))

    def by_email(self, email: str) -> Account | None:
        want = email.strip().casefold()
        if not want:
            return None
        return next(
            (a for a in self._read().accounts.values() if (a.email or "").casefold() == want),
            None,
        )

    def revoked(self) -> Mapping[str, float]:
        return dict(self._read().revoked)

    # -------------------------------------------------------------- changing

    @contextlib.contextmanager
    def editing(self) -> Iterator[_Doc]:
        """Read the file fresh under the lock, let the caller change it, write it back."""
        files.private_dir(self.path.parent)
        with self._mutex, self._lock:
            self._cache = None
            current = self._read()
            doc = _Doc(dict(current.accounts), dict(current.revoked))
            yield doc
            files.write_private(self.path, _render(doc).encode("utf-8"))
            self._cache = None

    def add(self, account: Account) -> Account:
        check_fields(account.roles, account.unit, account.email, account.name)
        login = check_login(account.login)
        with self.editing() as doc:
            if login in doc.accounts:
                raise AccountError(login, key="auth.err.exists", login=login)
            self._check_email_free(doc, account.email, login)
            doc.accounts[login] = replace(account, login=login)
        return doc.accounts[login]

    def change(self, login: str, **fields: Any) -> Account:
        """Change fields of an account (roles, unit, name, email, password_hash …).

        A new password hash bumps the session generation: every device signed in with
        the old password is signed out.
        """
        login = norm_login(login)
        with self.editing() as doc:
            current = self._existing(doc, login)
            new = replace(current, **fields)
            check_fields(new.roles, new.unit, new.email, new.name)
            self._check_email_free(doc, new.email, login)
            if "password_hash" in fields:
                new = replace(new, generation=current.generation + 1, failures=0, locked_until=0)
            doc.accounts[login] = new
        return new

    def remove(self, login: str) -> None:
        login = norm_login(login)
        with self.editing() as doc:
            self._existing(doc, login)
            del doc.accounts[login]

    def unlock(self, login: str) -> None:
        self.change(login, failures=0, locked_until=0.0)

    def sign_out_everywhere(self, login: str) -> None:
        login = norm_login(login)
        with self.editing() as doc:
            current = self._existing(doc, login)
            doc.accounts[login] = replace(current, generation=current.generation + 1)

    def record_failure(self, login: str, now: float, *, limit: int, lock_s: float) -> None:
        """One more failed sign-in; the `limit`-th locks the account for `lock_s` seconds."""
        login = norm_login(login)
        with self.editing() as doc:
            current = doc.accounts.get(login)
            if current is None:
                return
            failures = current.failures + 1
            if failures >= limit:
                doc.accounts[login] = replace(current, failures=0, locked_until=now + lock_s)
            else:
                doc.accounts[login] = replace(current, failures=failures)

    def record_success(self, login: str, new_hash: str | None = None) -> None:
        """A good sign-in clears the failure count (and stores a stronger hash, if any)."""
        current = self.get(login)
        if current is None or (current.failures == 0 and new_hash is None):
            return  # nothing to write: a sign-in does not touch the file
        fields: dict[str, Any] = {"failures": 0}
        if new_hash:
            fields["password_hash"] = new_hash
        with self.editing() as doc:
            now = doc.accounts.get(norm_login(login))
            if now is not None:
                doc.accounts[now.login] = replace(now, **fields)

    def revoke(self, token_id: str, until: float, now: float) -> None:
        """Revoke one token until it would have expired anyway; forget expired ones."""
        with self.editing() as doc:
            doc.revoked = {k: v for k, v in doc.revoked.items() if v > now}
            doc.revoked[token_id] = until

    @staticmethod
    def _existing(doc: _Doc, login: str) -> Account:
        current = doc.accounts.get(login)
        if current is None:
            raise AccountError(login, key="auth.err.no_account", login=login)
        return current

    @staticmethod
    def _check_email_free(doc: _Doc, email: str | None, login: str) -> None:
        if not email:
            return
        for other in doc.accounts.values():
            if other.login != login and (other.email or "").casefold() == email.casefold():
                raise AccountError(email, key="auth.err.email_taken", login=other.login)
