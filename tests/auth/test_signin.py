"""Signing in: the right password in, a wrong one out, five failures lock the account for
15 minutes (a restart does not reset that), a missing account answers the same after the
same work; tokens that keep a session across a reload, and their end."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.people import admin
from unionplan.auth import manage, passwords, signin, tokens
from unionplan.auth.accounts import UsersFile

PASSWORD = "春风十里不如你-2026"
NOW = 1_800_000_000.0


@pytest.fixture
def wang(users: UsersFile) -> UsersFile:
    manage.add_account(users, admin(), "wang", ["editor"], password=PASSWORD, name="王老师")
    return users


def test_the_right_password_signs_in(wang: UsersFile) -> None:
    session = signin.sign_in(wang, "Wang", PASSWORD, NOW)
    assert session is not None and session.account.login == "wang"
    assert session.account.person().roles == frozenset({"editor"})


@pytest.mark.parametrize("password", ["wrong", PASSWORD[:-1], "", PASSWORD + " ", "x" * 5000])
def test_a_wrong_password_does_not(wang: UsersFile, password: str) -> None:
    assert signin.sign_in(wang, "wang", password, NOW) is None


def test_five_failures_lock_the_account_for_15_minutes_across_a_restart(
    wang: UsersFile, users_path: Path
) -> None:
    for n in range(signin.MAX_FAILURES):
        assert signin.sign_in(wang, "wang", f"wrong-{n}", NOW + n) is None
    restarted = UsersFile(users_path)  # a new process reads the lock from the file
    assert restarted.get("wang").locked(NOW + 10)
    assert signin.sign_in(restarted, "wang", PASSWORD, NOW + 60) is None  # locked: refused
    assert signin.sign_in(restarted, "wang", PASSWORD, NOW + signin.LOCK_S - 1) is None
    assert signin.sign_in(restarted, "wang", PASSWORD, NOW + signin.LOCK_S + 5) is not None
    manage.unlock_account(restarted, admin(), "wang")


def test_failures_below_the_limit_are_forgotten_after_a_good_sign_in(wang: UsersFile) -> None:
    for n in range(signin.MAX_FAILURES - 1):
        signin.sign_in(wang, "wang", "wrong", NOW + n)
    assert signin.sign_in(wang, "wang", PASSWORD, NOW + 10) is not None
    assert wang.get("wang").failures == 0


def test_an_admin_unlocks_an_account(wang: UsersFile) -> None:
    for n in range(signin.MAX_FAILURES):
        signin.sign_in(wang, "wang", "wrong", NOW + n)
    manage.unlock_account(wang, admin(), "wang")
    assert signin.sign_in(wang, "wang", PASSWORD, NOW + 20) is not None


def test_a_missing_account_answers_the_same_after_the_same_work(
    wang: UsersFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified: list[bool] = []
    real = passwords.verify

    def counting(stored: str | None, password: str) -> bool:
        verified.append(stored is None)
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify", counting)
    assert signin.sign_in(wang, "nobody", PASSWORD, NOW) is None
    assert signin.sign_in(wang, "not a login!", PASSWORD, NOW) is None
    assert signin.sign_in(wang, "wang", "wrong", NOW) is None
    # one argon2 verification each: against a dummy hash when there is no account
    assert verified == [True, True, False]
    assert wang.get("nobody") is None and len(wang.accounts()) == 1  # no trace kept


def test_tokens_resume_a_session_until_they_expire(wang: UsersFile) -> None:
    session = signin.sign_in(wang, "wang", PASSWORD, NOW)
    assert signin.resume(wang, session.token, NOW + 60).login == "wang"
    assert signin.resume(wang, session.token, NOW + tokens.TTL_S + 1) is None


def test_a_forged_or_altered_token_is_refused(wang: UsersFile, users_path: Path) -> None:
    session = signin.sign_in(wang, "wang", PASSWORD, NOW)
    body, sig = session.token.split(".")
    other_secret = b"0" * 64
    forged, _ = tokens.issue(other_secret, "wang", 1, NOW)
    for bad in (
        forged,
        body + "." + sig[:-2] + ("AA" if sig[-2:] != "AA" else "BB"),
        body[:-1] + ("A" if body[-1] != "A" else "B") + "." + sig,
        "",
        "nonsense",
        "a.b.c",
        session.token + "x" * 600,
    ):
        assert signin.resume(wang, bad, NOW + 1) is None, bad
    # the secret is the server's own, private, and not in the users file
    secret_file = tokens.secret_path(users_path)
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert secret_file.read_text() not in users_path.read_text()


def test_sign_out_revokes_that_token_only(wang: UsersFile) -> None:
    phone = signin.sign_in(wang, "wang", PASSWORD, NOW)
    desk = signin.sign_in(wang, "wang", PASSWORD, NOW + 1)
    signin.sign_out(wang, phone.token, NOW + 2)
    assert signin.resume(wang, phone.token, NOW + 3) is None
    assert signin.resume(wang, desk.token, NOW + 3).login == "wang"


def test_a_new_password_or_a_removed_account_ends_every_session(wang: UsersFile) -> None:
    session = signin.sign_in(wang, "wang", PASSWORD, NOW)
    manage.set_password(wang, admin(), "wang", "the-new-password")
    assert signin.resume(wang, session.token, NOW + 1) is None
    again = signin.sign_in(wang, "wang", "the-new-password", NOW + 2)
    manage.remove_account(wang, admin(), "wang")
    assert signin.resume(wang, again.token, NOW + 3) is None


def test_revoked_tokens_are_forgotten_once_expired(wang: UsersFile) -> None:
    old = signin.sign_in(wang, "wang", PASSWORD, NOW)
    signin.sign_out(wang, old.token, NOW + 1)
    later = NOW + tokens.TTL_S + 10
    new = signin.sign_in(wang, "wang", PASSWORD, later)
    signin.sign_out(wang, new.token, later + 1)
    assert list(wang.revoked()) == [new.claims.token_id]


def test_nothing_secret_reaches_the_logs(
    wang: UsersFile, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    session = signin.sign_in(wang, "wang", PASSWORD, NOW)
    signin.sign_in(wang, "wang", "wrong-one", NOW)
    signin.resume(wang, session.token, NOW + 1)
    signin.sign_out(wang, session.token, NOW + 2)
    out = capsys.readouterr()
    said = caplog.text + out.out + out.err + repr(session.account)
    secret = tokens.server_secret(wang.path).decode()
    for value in (PASSWORD, "wrong-one", session.token, session.account.password_hash, secret):
        assert value not in said
