"""Every text input has a length cap, and the form refuses what a cell cannot hold (issue #9).

* Every ``st.text_input`` / ``st.text_area`` in the app's code passes ``max_chars`` (read
  from the source, so a new input without one fails here);
* the record form's caps come from the one table (`limits.max_chars`), and never cut a
  longer text already in the record (Streamlit trims a widget's value to its cap);
* a text over Excel's 32,767 characters is refused at the form with the localised
  message, and an edit that leaves such a text alone (typed in a Google sheet) is saved.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import ROOT
from tests.pages.apptest import PointApp, open_page
from tests.people import admin
from unionplan import i18n
from unionplan.data import limits
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITIES
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook

YEAR = dt.date.today().year
TEXT_WIDGETS = {"text_input", "text_area", "chat_input"}


def _sources() -> list[Path]:
    return [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "unionplan").rglob("*.py")]


def test_every_text_input_in_the_code_has_max_chars() -> None:
    found, missing = 0, []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TEXT_WIDGETS
            ):
                found += 1
                kw = {k.arg: k.value for k in node.keywords}
                cap = kw.get("max_chars")
                if cap is None or (isinstance(cap, ast.Constant) and cap.value is None):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found >= 8  # the form's two, the progress form's two, filters, done, data page
    assert not missing, missing


@pytest.fixture
def workbook(tmp_path: Path, point_app_at: PointApp) -> Path:
    path = tmp_path / "union.xlsx"
    Workbook(XlsxStore(str(path))).ensure_tabs("zh-Hans")
    point_app_at(path)
    return path


def _add(path: Path, **values: object) -> str:
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    rec = wb.append("activities", {"start": PlanDate(YEAR, 6, 10), **values}, admin("李老师"))
    return str(rec["id"])


def _set_cell_in_the_sheet(path: Path, rid: str, key: str, text: str) -> None:
    """What a hand edit of a Google sheet can do (50,000 characters a cell): bypass the app."""
    wb = Workbook(XlsxStore(str(path)), ttl=0)
    data = wb.load(fresh=True)
    td = data.tables["activities"]
    row = int(td.df.loc[td.df["id"] == rid, "_row"].iloc[0])
    wb.store.update_cells(td.title or "", [(row, td.colmap[key], text)])


def _open(rid: str) -> AppTest:
    at = open_page("activities", lang="zh-Hans")
    at.selectbox(key="act_chosen").set_value(rid).run()
    assert not at.exception
    return at


def _save(at: AppTest) -> AppTest:
    (button,) = [b for b in at.button if b.label == "保存"]
    return button.click().run()


def _stored(path: Path, rid: str, key: str) -> object:
    return Workbook(XlsxStore(str(path)), ttl=0).load(fresh=True).record("activities", rid)[key]


def test_the_form_caps_come_from_the_one_table(workbook: Path) -> None:
    rid = _add(workbook, title="教代会")
    at = _open(rid)
    field = f"act_sel_{rid}_edit"
    for name in ("title", "start", "time", "location", "responsible", "budget"):
        assert at.text_input(key=f"{field}:{name}").max_chars == limits.max_chars(
            ACTIVITIES, name
        ), name
    assert at.text_area(key=f"{field}:notes").max_chars == limits.max_chars(ACTIVITIES, "notes")
    assert limits.max_chars(ACTIVITIES, "start") == limits.MAX_PARSE_CHARS
    assert at.text_input(key="act_f_text").max_chars == limits.INPUT_CHARS["search"]


def test_a_longer_text_from_the_sheet_is_never_cut(workbook: Path) -> None:
    notes = "会议纪要。" * (limits.max_chars(ACTIVITIES, "notes") // 5 + 200)  # over the cap
    rid = _add(workbook, title="教代会", notes=notes)
    at = _open(rid)
    field = f"act_sel_{rid}_edit"
    assert at.text_area(key=f"{field}:notes").max_chars == len(notes)
    at.text_input(key=f"{field}:title").input("二届四次教代会")
    at = _save(at)
    assert not at.exception and not at.error
    assert _stored(workbook, rid, "title") == "二届四次教代会"
    assert _stored(workbook, rid, "notes") == notes


def test_text_a_cell_cannot_hold_is_refused_at_the_form(workbook: Path) -> None:
    rid = _add(workbook, title="教代会")
    sheet_notes = "长" * (limits.MAX_CELL_CHARS + 7_000)  # a Google sheet holds 50,000
    _set_cell_in_the_sheet(workbook, rid, "notes", sheet_notes)
    at = _open(rid)
    field = f"act_sel_{rid}_edit"
    assert at.text_area(key=f"{field}:notes").max_chars == len(sheet_notes)

    at.text_input(key=f"{field}:title").input("教职工代表大会")
    at = _save(at)  # the long notes are left alone: the edit is saved
    assert not at.exception and not at.error
    assert _stored(workbook, rid, "title") == "教职工代表大会"

    at.text_area(key=f"{field}:notes").input("短" + sheet_notes[1:])  # changed, still too long
    at = _save(at)
    message = i18n.t("forms.too_long_for_cell", "zh-Hans")
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    assert at.text_area(key=f"{field}:notes").value.startswith("短")  # the input is kept
    assert _stored(workbook, rid, "notes") == sheet_notes  # nothing was written
