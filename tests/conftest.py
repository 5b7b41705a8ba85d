"""Fixtures every test package may use.

- The fake Google Sheets API (tests/fake_sheets.py): `fake_sheets` (a running server),
  `sheets_emulator` (the same, with the app's Google connections routed to it) and
  `gsheets_store` (a store on a fresh fake spreadsheet).
- `service_account_file`: the test service-account key (`TEST_SERVICE_ACCOUNT`) as the JSON
  file people download from Google.
- The workbook layer's load cache is emptied around every test, so that no test can see a
  load another test left behind (it is process-wide, keyed by location).

Page-test fixtures (AppTest, Streamlit's caches, demo and empty workbooks) are in
tests/pages/conftest.py; browser-test fixtures in tests/browser/conftest.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_sheets import (  # noqa: F401 - fixtures offered to every test
    TEST_SERVICE_ACCOUNT,
    fake_sheets,
    gsheets_store,
    sheets_emulator,
)
from unionplan.data import workbook


@pytest.fixture(autouse=True)
def empty_workbook_cache() -> Iterator[None]:
    workbook._CACHE.clear()
    yield
    workbook._CACHE.clear()


@pytest.fixture
def service_account_file(tmp_path: Path) -> Path:
    """The test service-account key as a JSON file, as downloaded from Google Cloud."""
    path = tmp_path / "service_account.json"
    path.write_text(json.dumps(TEST_SERVICE_ACCOUNT), encoding="utf-8")
    return path
