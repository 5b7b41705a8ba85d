"""Shared set-up for AppTest page tests.

AppTest installs the app script as ``sys.modules["__main__"]`` and leaves it there; a
later test that spawns processes (multiprocessing re-imports ``__main__`` in the child)
would then run app.py in the child. `restore_main` puts the real one back.

AppTest re-detects "legacy multipage app" on every run because a ``pages/`` folder sits
beside app.py, and would then run a page script without app.py around it (and the app's
guard against that reruns, which drops a button click). The real server detects once
and app.py's ``st.navigation`` turns it off for good; `navigation_only` does so up front,
so every AppTest run goes through app.py as a user's would.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def restore_main() -> Iterator[None]:
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def navigation_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield
