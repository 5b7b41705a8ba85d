"""Shared set-up for AppTest page tests.

Workbooks the app is pointed at (through the UNIONPLAN_WORKBOOK variable, for one test):
`demo_workbook` (this year's demo), `empty_workbook` (tabs and headers only),
`no_workbook` (nothing there yet: the app creates it), and `point_app_at` for a test that
builds its own. Streamlit's caches are emptied around every page test (`fresh_caches`).
Helpers to start a session are in tests/pages/apptest.py.

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

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager

from tests.pages.apptest import PointApp, clear_caches
from tests.pages.report_helpers import accounts, downloads, fake_charts  # noqa: F401 - fixtures
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.ops import demo
from unionplan.ops.config import ENV_WORKBOOK


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


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """No page test sees what an earlier one left in Streamlit's caches."""
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def point_app_at(monkeypatch: pytest.MonkeyPatch) -> PointApp:
    """Point the app at a workbook (a path, or a Google Sheet's address) for this test."""

    def point(target: Path | str) -> Path | str:
        monkeypatch.setenv(ENV_WORKBOOK, str(target))
        clear_caches()
        return target

    return point


@pytest.fixture
def demo_workbook(tmp_path: Path, point_app_at: PointApp) -> Path:
    """This year's demo workbook."""
    path = tmp_path / "unionplan.xlsx"
    demo.create_demo(path, year=dt.date.today().year)
    return point_app_at(path)


@pytest.fixture
def empty_workbook(tmp_path: Path, point_app_at: PointApp) -> Path:
    """A workbook with every tab and its header row, and no records."""
    path = tmp_path / "unionplan.xlsx"
    Workbook(XlsxStore(path)).ensure_tabs("zh-Hans")
    return point_app_at(path)


@pytest.fixture
def no_workbook(tmp_path: Path, point_app_at: PointApp) -> Path:
    """A path with no workbook yet: the app creates it on its first run."""
    return point_app_at(tmp_path / "unionplan.xlsx")
