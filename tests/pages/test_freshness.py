"""Every page says quietly how old its data is, with a refresh control (one ui helper,
from ui.page_header); an edit saved in the file shows on the next rerun."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.people import admin
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.ops.config import ENV_WORKBOOK

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = ["overview", "activities", "calendar", "targets", "data"]


@pytest.fixture
def workbook_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "union.xlsx"
    monkeypatch.setenv(ENV_WORKBOOK, str(path))
    Workbook(XlsxStore(str(path))).ensure_tabs("zh-Hans")
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def _page(page: str, lang: str = "zh-Hans") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _read_at(at: AppTest, lang: str) -> list[str]:
    prefix = i18n.t("common.loaded_at", lang, time="")
    return [c.value[len(prefix) :] for c in at.caption if c.value.startswith(prefix)]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_says_when_the_data_was_read(workbook_path: Path, page: str) -> None:
    at = _page(page)
    (when,) = _read_at(at, "zh-Hans")
    assert dt.datetime.strptime(when, "%H:%M")
    assert at.button(key="freshness_refresh")


def test_an_edit_in_the_file_shows_on_the_next_rerun_and_refresh_reads_again(
    workbook_path: Path,
) -> None:
    at = _page("activities", "en")
    assert not at.dataframe  # no activities yet
    other = Workbook(XlsxStore(str(workbook_path)), ttl=0)  # a person's save, in effect
    other.append("activities", {"title": "读书会"}, actor=admin("x"))
    at.run()
    assert "读书会" in at.dataframe[0].value.to_string()
    Workbook(XlsxStore(str(workbook_path)), ttl=0).append(
        "activities", {"title": "春游"}, actor=admin("x")
    )
    at.button(key="freshness_refresh").click().run()  # drops the cache: reads the file again
    assert not at.exception
    assert "春游" in at.dataframe[0].value.to_string()
    assert _read_at(at, "en")
