"""The accounts page's widgets (administrators only): the list of accounts, the add and
edit forms (the shared record form, saving into the users file), a new password, unlock
and remove. Every change goes through unionplan.auth.manage, which refuses anyone but an
administrator; nothing here shows a password or a hash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from unionplan.auth import manage, passwords
from unionplan.auth.accounts import Account, UsersFile
from unionplan.data.access import ROLES
from unionplan.data.schema import Column, Label, Table
from unionplan.errors import UnionplanError, ValidationError
from unionplan.ui import flash, person, show_error, t
from unionplan.ui.forms import Field, RecordForm, record_form
from unionplan.ui.signin import role_names, users

MAX_TEXT = 200


def _label(key: str) -> Label:
    from unionplan import i18n

    return Label(*(i18n.t(f"auth.col.{key}", lang) for lang in ("zh-Hans", "zh-Hant", "en")))


# The accounts as a table of the record form: labels in three languages, no workbook tab.
ACCOUNTS = Table(
    "accounts",
    _label("login"),
    "",
    tuple(
        Column(k, _label(k))
        for k in ("login", "name", "roles", "unit", "email", "password", "password2")
    ),
    system=True,
)


def _role(code: str) -> str:
    return t(f"auth.role.{code}")


def accounts_frame(u: UsersFile) -> pd.DataFrame:
    """Every account as the page lists it: login, name, roles, unit, e-mail, state."""
    now = dt.datetime.now().timestamp()
    col = lambda k: t(f"auth.col.{k}")  # noqa: E731 - local shorthand
    rows = [
        {
            col("login"): a.login,
            col("name"): a.name,
            col("roles"): role_names_of(a),
            col("unit"): a.unit or "",
            col("email"): a.email or "",
            col("state"): t("auth.locked") if a.locked(now) else "",
        }
        for a in sorted(u.accounts().values(), key=lambda a: a.login)
    ]
    cols = [col(k) for k in ("login", "name", "roles", "unit", "email", "state")]
    return pd.DataFrame(rows, columns=cols)


def role_names_of(account: Account) -> str:
    return role_names(account.person())


def _to_widgets(record: Any) -> dict[str, Any]:
    rec = record or {}
    return {
        "login": rec.get("login", ""),
        "name": rec.get("name", ""),
        "roles": [r for r in ROLES if r in (rec.get("roles") or ())],
        "unit": rec.get("unit") or "",
        "email": rec.get("email") or "",
        "password": "",
        "password2": "",
    }


def _validate(raw: dict[str, Any]) -> dict[str, Any]:
    problems: dict[str, list[str]] = {}
    if "login" in raw and not str(raw.get("login") or "").strip():
        problems["login"] = ["auth.err.login_required"]
    if not raw.get("roles"):
        problems["roles"] = ["auth.err.no_roles"]
    if raw.get("password", "") != raw.get("password2", ""):
        problems["password2"] = ["auth.err.password_mismatch"]
    if problems:
        raise ValidationError(problems)
    return {
        k: v.strip() if isinstance(v, str) and "password" not in k else v for k, v in raw.items()
    }


def _save(opened: Any, values: dict[str, Any]) -> Account:
    u, actor = users(), person()
    if opened is None:
        return manage.add_account(
            u,
            actor,
            values["login"],
            values["roles"],
            password=values.get("password") or None,
            name=values.get("name", ""),
            unit=values.get("unit"),
            email=values.get("email"),
        )
    login = str(opened["login"])
    account = manage.change_account(
        u,
        actor,
        login,
        roles=values["roles"],
        name=values.get("name", ""),
        unit=values.get("unit", ""),
        email=values.get("email", ""),
    )
    if values.get("password"):
        account = manage.set_password(u, actor, login, values["password"])
    return account


def account_form(key: str, account: Account | None) -> None:
    """Add an account (None) or edit one; a password typed here becomes its new one."""
    login_row = [Field("login", required=True, max_chars=64)] if account is None else []
    pw = passwords.MAX_LENGTH
    form = RecordForm(
        key=key,
        table=ACCOUNTS,
        rows=[
            [*login_row, Field("name", max_chars=MAX_TEXT)],
            [Field("roles", kind="multi", required=True, options=ROLES, format=_role)],
            [
                Field("unit", help="auth.unit_help", max_chars=MAX_TEXT),
                Field("email", help="auth.email_help", max_chars=MAX_TEXT),
            ],
            [
                Field("password", kind="password", max_chars=pw),
                Field("password2", kind="password", max_chars=pw),
            ],
        ],
        to_widgets=_to_widgets,
        validate=_validate,
        submit_label=t("auth.add_button") if account is None else t("auth.save_button"),
        added=lambda v: t("auth.added", login=v.get("login", "")),
        saved=lambda v: t("auth.saved", login=account.login if account else ""),
        save=_save,
    )
    record = None
    if account is not None:
        record = {
            "id": account.login,
            "login": account.login,
            "name": account.name,
            "roles": sorted(account.roles),
            "unit": account.unit,
            "email": account.email,
        }
    record_form(form, record)


def account_actions(account: Account) -> None:
    """Unlock, and remove (after a confirmation) one account."""
    u, actor = users(), person()
    c1, c2 = st.columns(2)
    if c1.button(t("auth.unlock"), key=f"unlock_{account.login}", icon=":material/lock_open:"):
        _run(lambda: manage.unlock_account(u, actor, account.login), t("auth.unlocked"))
    with c2.popover(t("auth.remove"), icon=":material/person_remove:"):
        st.write(t("auth.remove_confirm", login=account.login))
        if st.button(t("auth.remove_button"), type="primary", key=f"rm_{account.login}"):
            _run(lambda: manage.remove_account(u, actor, account.login), t("auth.removed"))


def _run(action: Any, success: str) -> None:
    try:
        action()
    except UnionplanError as exc:
        show_error(exc)
        return
    flash(success)
    st.rerun()
