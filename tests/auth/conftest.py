"""Accounts for tests: a users file in a temporary folder, and argon2 with a cheap profile
(the real one costs ~1 s of CPU per hash on a small machine, by design)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from unionplan.auth import passwords
from unionplan.auth.accounts import ENV_USERS_FILE, UsersFile

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashes() -> Iterator[None]:
    passwords.use_hasher(CHEAP)
    yield
    passwords.use_hasher(PasswordHasher())


@pytest.fixture
def users_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "private" / "users.toml"
    monkeypatch.setenv(ENV_USERS_FILE, str(path))
    return path


@pytest.fixture
def users(users_path: Path) -> UsersFile:
    return UsersFile(users_path)
