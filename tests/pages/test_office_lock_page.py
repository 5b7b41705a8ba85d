"""A form saving to a workbook open in Excel/WPS or LibreOffice (AppTest): the localised
message, the input kept, the page still reads; the same save lands once the lock is gone.
The data page names the lock and lets an admin ignore a stale one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.markup import md_text
from unionplan.ops.config import ENV_WORKBOOK

APP = str(Path(__file__).resolve().parents[2] / "app.py")
LOCKS = ["~$union.xlsx", ".~lock.union.xlsx#"]


@pytest.fixture
def workbook_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "union.xlsx"
    monkeypatch.setenv(ENV_WORKBOOK, str(path))
    Workbook(XlsxStore(str(path))).ensure_tabs("zh-Hans")
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def _page(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _titles(path: Path) -> list[str]:
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    return list(wb.load(fresh=True).df("activities")["title"])


@pytest.mark.parametrize("name", LOCKS)
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_save_refused_while_open_elsewhere_keeps_input(
    workbook_path: Path, name: str, lang: str
) -> None:
    lock = workbook_path.with_name(name)
    lock.write_bytes(b"owner")
    at = _page("activities", lang)
    assert not at.error  # reading works
    at.text_input(key="act_add:title").input("慈善一日捐")
    at.text_input(key="act_add:start").input("10月")
    (button,) = [b for b in at.button if b.label == i18n.t("activities.add_button", lang)]
    at = button.click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        i18n.t("errors.open_elsewhere", lang, lock_name=md_text(name), lock=md_text(str(lock)))
    ]
    assert at.text_input(key="act_add:title").value == "慈善一日捐"  # the input is kept
    assert _titles(workbook_path) == []
    lock.unlink()
    (button,) = [b for b in at.button if b.label == i18n.t("activities.add_button", lang)]
    at = button.click().run()
    assert not at.error
    assert _titles(workbook_path) == ["慈善一日捐"]


def test_data_page_lets_an_admin_ignore_a_stale_lock(workbook_path: Path) -> None:
    lock = workbook_path.with_name(LOCKS[0])
    lock.write_bytes(b"left by a crash")
    at = _page("data", "zh-Hans")
    assert i18n.t("data.lock_found", "zh-Hans", name=lock.name) in [w.value for w in at.warning]
    at.button(key="ignore_office_lock").click().run()
    assert not at.exception
    assert not [w for w in at.warning if lock.name in w.value]
    assert lock.exists()
    wb = Workbook(XlsxStore(str(workbook_path)), ttl=0)
    assert wb.office_lock() == lock  # another process (this store) still honours it
