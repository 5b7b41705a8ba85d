"""Helpers for the 报告 section's page tests (reports, plan import, new plan): what a
download button hands the browser, charts without a browser, sessions signed in with a
role, and everything a page shows as one text to search.

Its fixtures (`downloads`, `fake_charts`, `accounts`) are offered to every page test by
tests/pages/conftest.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.auth.conftest import CHEAP
from tests.pages.apptest import new_app
from tests.people import admin
from tests.reports.conftest import PNG
from unionplan.auth import manage, passwords, signin
from unionplan.auth.accounts import ENV_USERS_FILE, UsersFile
from unionplan.reports import docx_base

PASSWORD = "春风十里不如你-2026"
# login -> roles: one account per role the pages treat differently
ROLES = {"boss": ["admin"], "wang": ["editor"], "zhou": ["aid"], "leader": ["viewer"]}


class Downloads:
    """What each download button of the runs offered, by its key: the file's name and
    its bytes (a deferred button's callable is called, as a click would)."""

    def __init__(self) -> None:
        self.offered: dict[str, tuple[str, Any]] = {}

    def bytes(self, key: str) -> bytes:
        _, data = self.offered[key]
        data = data() if callable(data) else data
        return data if isinstance(data, bytes) else str(data).encode("utf-8")

    def name(self, key: str) -> str:
        return self.offered[key][0]


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Downloads:
    seen = Downloads()
    real = st.download_button

    def spy(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("key"):
            seen.offered[str(kwargs["key"])] = (str(kwargs.get("file_name")), data)
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    return seen


@pytest.fixture
def fake_charts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Charts drawn as a 1x1 PNG without starting chromium (kaleido takes seconds); the
    figures asked for are listed."""
    drawn: list[Any] = []

    def draw(fig: Any) -> bytes:
        drawn.append(fig)
        return PNG

    monkeypatch.setattr(docx_base, "plotly_png", draw)
    monkeypatch.setattr(docx_base, "kaleido_session", nullcontext)
    return drawn


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[UsersFile]:
    """Accounts mode, one account per role of `ROLES` (cheap password hashes)."""
    passwords.use_hasher(CHEAP)
    path = tmp_path / "private" / "users.toml"
    monkeypatch.setenv(ENV_USERS_FILE, str(path))
    users = UsersFile(path)
    for login, roles in ROLES.items():
        manage.add_account(users, admin(), login, roles, password=PASSWORD)
    st.cache_resource.clear()
    yield users
    passwords.use_hasher(passwords.PasswordHasher())


def signed_in(login: str, page: str, *, lang: str = "zh-Hans") -> AppTest:
    """A session of `login` (signed in by its token, as a reload would be) on a page."""
    at = new_app(lang=lang)
    session = signin.sign_in(UsersFile(), login, PASSWORD)
    assert session is not None
    at.session_state["_signin_token"] = session.token
    at.switch_page(f"pages/{page}.py")
    return at.run()


def docx_text(data: bytes) -> str:
    d = docx.Document(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    lines += [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join(lines)


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


def problems(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]
