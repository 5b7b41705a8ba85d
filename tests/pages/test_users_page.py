"""The accounts page (administrators): add an account through the shared record form, change
its roles, give it a new password, refuse what the rules refuse, remove it; no password or
hash ever on the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.auth.conftest import CHEAP
from tests.pages.test_signin import PASSWORD, _app, _texts, users, workbook  # noqa: F401
from unionplan import i18n
from unionplan.auth import passwords
from unionplan.auth.accounts import UsersFile


@pytest.fixture(autouse=True)
def cheap_hashes() -> Iterator[None]:
    passwords.use_hasher(CHEAP)
    yield
    passwords.use_hasher(passwords.PasswordHasher())


def _add(at: AppTest, login: str, roles: list[str], password: str, again: str) -> AppTest:
    at.text_input(key="acc_add:login").input(login)
    at.text_input(key="acc_add:name").input("新同事")
    at.multiselect(key="acc_add:roles").set_value(roles)
    at.text_input(key="acc_add:password").input(password)
    at.text_input(key="acc_add:password2").input(again)
    return at.button(key="acc_add_submit").click().run()


@pytest.mark.usefixtures("users")
def test_add_change_and_remove_an_account() -> None:
    at = _app("boss", "users")
    assert not at.exception
    listed = at.dataframe[0].value
    assert sorted(listed.iloc[:, 0]) == sorted(UsersFile().accounts())

    _add(at, "chen", ["editor"], "a-good-password", "a-different-one")
    assert at.error  # the two passwords differ: nothing written
    assert UsersFile().get("chen") is None
    _add(at, "chen", ["editor"], "a-good-password", "a-good-password")
    assert not at.exception and not at.error
    assert any(s.value == i18n.t("auth.added", "zh-Hans", login="chen") for s in at.success)
    chen = UsersFile().get("chen")
    assert chen.roles == frozenset({"editor"}) and chen.name == "新同事"
    assert passwords.verify(chen.password_hash, "a-good-password")

    at.selectbox(key="acc_chosen").set_value("chen").run()
    form = "acc_edit_chen"
    at.multiselect(key=f"{form}:roles").set_value(["editor", "aid"])
    at.text_input(key=f"{form}:unit").input("初一年级分会")
    at.text_input(key=f"{form}:password").input("the-next-password")
    at.text_input(key=f"{form}:password2").input("the-next-password")
    at.button(key=f"{form}_submit").click().run()
    assert not at.exception and not at.error
    chen = UsersFile().get("chen")
    assert chen.roles == frozenset({"editor", "aid"}) and chen.unit == "初一年级分会"
    assert passwords.verify(chen.password_hash, "the-next-password")

    at.selectbox(key="acc_chosen").set_value("chen").run()
    at.button(key="rm_chen").click().run()
    assert UsersFile().get("chen") is None
    text = _texts(at)
    for secret in ("a-good-password", "the-next-password", "$argon2", PASSWORD):
        assert secret not in text


@pytest.mark.usefixtures("users")
def test_an_admin_cannot_demote_themselves_on_the_page() -> None:
    at = _app("boss", "users")
    at.selectbox(key="acc_chosen").set_value("boss").run()
    at.multiselect(key="acc_edit_boss:roles").set_value(["viewer"])
    at.button(key="acc_edit_boss_submit").click().run()
    assert [e.value for e in at.error] == [i18n.t("auth.err.self", "zh-Hans")]
    assert UsersFile().get("boss").roles == frozenset({"admin"})
