"""One cache: the workbook's own. An edit saved in Excel or WPS (the file changes on disk,
not through the app) shows on the next rerun, without waiting for any TTL."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import DEFAULT_TTL, Workbook
from unionplan.ops.config import ENV_WORKBOOK

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120  # the first run imports pandas and friends: generous, not tight
YEAR = dt.date.today().year


@pytest.fixture
def workbook_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)))
    wb.ensure_tabs("zh-Hans")
    wb.append("activities", {"title": "春游踏青", "start": PlanDate(YEAR, 4)}, admin("李老师"))
    monkeypatch.setenv(ENV_WORKBOOK, str(path))
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def _save_in_excel(path: Path, old: str, new: str) -> None:
    """Change a cell the way a spreadsheet program does: the whole file saved anew."""
    before = path.stat()
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == old]
    assert len(cells) == 1
    cells[0].value = new
    book.save(path)
    # A later save has a later time; set it so the test does not depend on the clock's
    # resolution (two saves within one tick would look alike to any file-based check).
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 2_000_000_000))


def test_an_edit_saved_in_excel_shows_on_the_next_rerun(workbook_path: Path) -> None:
    assert DEFAULT_TTL >= 10  # the rerun below comes well inside the TTL
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "zh-Hans"
    at.run()
    at.switch_page("pages/activities.py").run()
    assert not at.exception
    assert "春游踏青" in at.dataframe[0].value.to_string()

    _save_in_excel(workbook_path, "春游踏青", "秋游登高")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value.to_string()
    assert "秋游登高" in table and "春游踏青" not in table
