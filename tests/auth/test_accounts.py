"""The users file: accounts kept on the server, private, changed atomically, never holding
a password, only its salted hash."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from tests.people import admin, person
from unionplan.auth import manage, passwords
from unionplan.auth.accounts import AccountError, UsersFile
from unionplan.errors import ConfigError, PermissionDeniedError

PASSWORD = "春风十里不如你-2026"


def test_a_new_account_is_kept_with_a_salted_hash_in_a_private_file(
    users: UsersFile, users_path: Path
) -> None:
    manage.add_account(
        users, admin(), "Wang", ["editor", "aid"], password=PASSWORD, name="王老师", unit="一分会"
    )
    text = users_path.read_text(encoding="utf-8")
    assert PASSWORD not in text and "$argon2id$" in text
    assert stat.S_IMODE(users_path.stat().st_mode) == 0o600
    again = UsersFile(users_path).get("WANG")  # a new reader, logins fold case
    assert again is not None
    assert (again.login, again.name, again.roles, again.unit) == (
        "wang", "王老师", frozenset({"editor", "aid"}), "一分会"
    )  # fmt: skip
    assert passwords.verify(again.password_hash, PASSWORD)
    manage.add_account(users, admin(), "li", ["viewer"], password="another-password")
    assert passwords.verify(UsersFile(users_path).get("li").password_hash, "another-password")
    # two hashes of passwords never share a salt
    assert again.password_hash.split("$")[4] != users.get("li").password_hash.split("$")[4]


@pytest.mark.parametrize(
    ("login", "roles", "kwargs", "key"),
    [
        ("bad login", ["viewer"], {}, "auth.err.bad_login"),
        ("x" * 65, ["viewer"], {}, "auth.err.bad_login"),
        ("ok", [], {}, "auth.err.no_roles"),
        ("ok", ["boss"], {}, "auth.err.bad_roles"),
        ("ok", ["admin"], {"unit": "一分会"}, "auth.err.admin_unit"),
        ("ok", ["viewer"], {"email": "not-an-email"}, "auth.err.bad_email"),
        ("ok", ["viewer"], {"password": "short"}, "auth.err.password_short"),
        ("ok", ["viewer"], {"password": ""}, "auth.err.password_or_email"),
    ],
)
def test_what_an_account_cannot_be(
    users: UsersFile, login: str, roles: list[str], kwargs: dict, key: str
) -> None:
    kwargs.setdefault("password", PASSWORD)
    with pytest.raises(AccountError) as refused:
        manage.add_account(users, admin(), login, roles, **kwargs)
    assert refused.value.key == key
    assert not users.has_accounts()


def test_one_login_and_one_email_per_account(users: UsersFile) -> None:
    manage.add_account(users, admin(), "wang", ["viewer"], password=PASSWORD, email="w@x.cn")
    with pytest.raises(AccountError, match="wang"):
        manage.add_account(users, admin(), "WANG", ["viewer"], password=PASSWORD)
    with pytest.raises(AccountError) as taken:
        manage.add_account(users, admin(), "li", ["viewer"], password=PASSWORD, email="W@X.cn")
    assert taken.value.key == "auth.err.email_taken"
    assert users.by_email("w@X.CN").login == "wang"


def test_only_an_admin_manages_accounts(users: UsersFile) -> None:
    manage.add_account(users, admin(), "wang", ["viewer"], password=PASSWORD)
    for who in (person("e", "editor"), person("a", "aid"), person("v", "viewer")):
        with pytest.raises(PermissionDeniedError):
            manage.add_account(users, who, "li", ["admin"], password=PASSWORD)
        with pytest.raises(PermissionDeniedError):
            manage.change_account(users, who, "wang", roles=["admin"])
        with pytest.raises(PermissionDeniedError):
            manage.set_password(users, who, "wang", "a-new-password")
        with pytest.raises(PermissionDeniedError):
            manage.remove_account(users, who, "wang")
    assert users.get("wang").roles == frozenset({"viewer"})


def test_an_admin_cannot_remove_or_demote_themselves(users: UsersFile) -> None:
    boss = manage.add_account(users, admin(), "boss", ["admin"], password=PASSWORD).person()
    with pytest.raises(AccountError):
        manage.remove_account(users, boss, "boss")
    with pytest.raises(AccountError):
        manage.change_account(users, boss, "boss", roles=["viewer"])
    assert users.get("boss").roles == frozenset({"admin"})


def test_a_new_password_signs_out_every_device(users: UsersFile) -> None:
    manage.add_account(users, admin(), "wang", ["viewer"], password=PASSWORD)
    before = users.get("wang").generation
    manage.set_password(users, admin(), "wang", "a-brand-new-one")
    assert users.get("wang").generation == before + 1
    manage.change_account(users, admin(), "wang", name="王")  # other changes do not
    assert users.get("wang").generation == before + 1


def test_a_damaged_users_file_refuses_everyone(users_path: Path) -> None:
    users_path.parent.mkdir(parents=True)
    users_path.write_text("[accounts.wang\nroles = ", encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        UsersFile(users_path).has_accounts()
    assert bad.value.key == "auth.err.bad_file"


def test_concurrent_changes_are_all_kept(users: UsersFile, users_path: Path) -> None:
    """Sessions of the app and the command line write the same file: none loses another's."""
    errors: list[BaseException] = []

    def add(n: int) -> None:
        try:
            UsersFile(users_path).add(
                manage.Account(login=f"user{n}", roles=frozenset({"viewer"}), password_hash="x")
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(UsersFile(users_path).accounts()) == 12
