"""`python -m unionplan user …` as an administrator runs it on the server, in a real
subprocess: the password only ever on standard input, never printed back, messages in
the chosen language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from unionplan import i18n
from unionplan.auth import passwords
from unionplan.auth.accounts import ENV_USERS_FILE, UsersFile

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "春风十里不如你-2026"


@pytest.fixture
def users_file(tmp_path: Path) -> Path:
    return tmp_path / "data" / "users.toml"


def user(users_file: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), ENV_USERS_FILE: str(users_file)}
    return subprocess.run(
        [sys.executable, "-m", "unionplan", "user", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_add_list_passwd_edit_unlock_remove(users_file: Path) -> None:
    added = user(
        users_file,
        "add", "wang", "--roles", "editor,aid", "--unit", "一分会", "--name", "王老师",
        "--email", "wang@example.org", "--password-stdin",
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == i18n.t(
        "cli.user_added", "zh-Hans", login="wang", path=str(users_file)
    )
    assert users_file.stat().st_mode & 0o777 == 0o600
    account = UsersFile(users_file).get("wang")
    assert passwords.verify(account.password_hash, PASSWORD)
    assert (account.roles, account.unit, account.email) == (
        frozenset({"editor", "aid"}), "一分会", "wang@example.org"
    )  # fmt: skip

    listed = user(users_file, "--lang", "en", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0] == i18n.t("cli.user_list_header", "en")
    assert lines[1].split("\t") == ["wang", "王老师", "aid,editor", "一分会", "wang@example.org"]

    changed = user(users_file, "passwd", "wang", "--password-stdin", stdin="another-secret\n")
    assert changed.returncode == 0, changed.stderr
    assert passwords.verify(UsersFile(users_file).get("wang").password_hash, "another-secret")

    assert user(users_file, "edit", "wang", "--roles", "viewer", "--unit", "").returncode == 0
    account = UsersFile(users_file).get("wang")
    assert account.roles == frozenset({"viewer"}) and account.unit is None

    assert user(users_file, "unlock", "wang").returncode == 0
    assert user(users_file, "remove", "wang").returncode == 0
    assert not UsersFile(users_file).has_accounts()
    every = "".join(p.stdout + p.stderr for p in (added, listed, changed))
    assert PASSWORD not in every and "another-secret" not in every and "$argon2" not in every


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (["add", "boss", "--roles", "admin", "--unit", "一分会", "--password-stdin"],
         "auth.err.admin_unit"),
        (["add", "wang", "--roles", "chief", "--password-stdin"], "auth.err.bad_roles"),
        (["add", "wang", "--roles", "viewer"], "auth.err.password_or_email"),
        (["passwd", "nobody", "--password-stdin"], "auth.err.no_account"),
        (["remove", "nobody"], "auth.err.no_account"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_refusals_are_explained_in_the_chosen_language(
    users_file: Path, args: list[str], key: str, lang: str
) -> None:
    done = user(users_file, "--lang", lang, *args, stdin=PASSWORD + "\n")
    assert done.returncode == 2
    first = i18n.t(key, lang, roles="chief", login="nobody", detail="", n=8).split("{")[0]
    assert done.stderr.startswith(first[:12]), done.stderr
    assert not users_file.exists() or not UsersFile(users_file).has_accounts()


def test_a_short_password_is_refused(users_file: Path) -> None:
    done = user(users_file, "add", "wang", "--roles", "viewer", "--password-stdin", stdin="1234\n")
    assert done.returncode == 2
    assert done.stderr.strip() == i18n.t("auth.err.password_short", "zh-Hans", n=8)
