"""The record form (unionplan.ui.forms) as both forms use it, on the activities page:
the workbook is re-read on every run, so an open form must follow a newer version of its
row while nothing was typed, keep the input once something was, and refill itself when
it is drawn again after another action was shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.ops.config import ENV_WORKBOOK

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 120  # the first run imports pandas and friends: generous, not tight
YEAR = dt.date.today().year


@pytest.fixture
def activity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """A workbook with one activity the app is pointed at, and that activity's id."""
    path = tmp_path / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)))
    wb.ensure_tabs("zh-Hans")
    rec = wb.append(
        "activities", {"title": "教代会", "start": PlanDate(YEAR, 6, 10)}, admin("李老师")
    )
    monkeypatch.setenv(ENV_WORKBOOK, str(path))
    st.cache_resource.clear()
    yield path, rec["id"]
    st.cache_resource.clear()


def _edit_form(rid: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = "zh-Hans"
    at.run()
    at.switch_page("pages/activities.py").run()
    at.selectbox(key="act_chosen").set_value(rid).run()
    assert not at.exception
    return at


def _someone_else_sets(path: Path, rid: str, title: str) -> None:
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    row = wb.load(fresh=True).record("activities", rid)
    wb.update(
        "activities", rid, {"title": title}, expected_version=row["version"], actor=admin("李老师")
    )


def _save(at: AppTest) -> AppTest:
    (button,) = [b for b in at.button if b.label == "保存"]
    return button.click().run()


def test_an_untouched_form_follows_the_row_a_submitted_one_keeps_the_input(
    activity: tuple[Path, str],
) -> None:
    path, rid = activity
    at = _edit_form(rid)
    field = lambda name: at.text_input(key=f"act_sel_{rid}_edit:{name}")  # noqa: E731
    assert field("title").value == "教代会"

    _someone_else_sets(path, rid, "教职工代表大会")
    at.run()
    assert field("title").value == "教职工代表大会"  # nothing was submitted: it follows

    field("location").input("学校报告厅")
    field("end").input("不是日期")
    at = _save(at)  # refused: the input is now the user's
    assert at.error and field("end").value == "不是日期"
    _someone_else_sets(path, rid, "二届四次教代会")
    at.run()
    assert field("location").value == "学校报告厅" and field("end").value == "不是日期"
    assert field("title").value == "教职工代表大会"

    field("end").input("")
    at = _save(at)  # the row moved on since the form was filled: theirs beside mine
    assert not at.exception and not at.error
    assert any("第 2 版" in w.value and "第 3 版" in w.value for w in at.warning)
    assert field("location").value == "学校报告厅"


def test_the_form_refills_when_drawn_again(activity: tuple[Path, str]) -> None:
    _, rid = activity
    at = _edit_form(rid)
    action = f"act_sel_{rid}_action"
    at.segmented_control(key=action).set_value("done").run()
    at.segmented_control(key=action).set_value("edit").run()
    assert not at.exception
    assert at.text_input(key=f"act_sel_{rid}_edit:title").value == "教代会"
