"""The length limits (unionplan.data.limits): the caps table, Excel's cell limit counted as
Excel counts, the workbook refusing any write a cell cannot hold, and audit rows that
always fit one cell."""

from __future__ import annotations

import json

import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data import limits
from unionplan.data.cells import audit_changes
from unionplan.data.schema import TABLES
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError

WIDE = "\U00020000"  # 𠀀, beyond U+FFFF: two UTF-16 code units, as Excel counts it


def test_every_form_field_has_a_cap_a_cell_can_hold() -> None:
    for table in TABLES.values():
        for col in table.columns:
            cap = limits.max_chars(table, col.key)
            assert 0 < cap <= limits.MAX_CELL_CHARS, (table.key, col.key)
            if col.kind not in ("text", "ref", "enum", "multienum"):
                assert cap == limits.MAX_PARSE_CHARS, (table.key, col.key, col.kind)


def test_caps_people_expect() -> None:
    acts = TABLES["activities"]
    assert limits.max_chars(acts, "title") == limits.FIELD_CHARS["title"]
    assert limits.max_chars(acts, "notes") == limits.TEXT_CHARS
    assert limits.max_chars(TABLES["targets"], "milestones") == limits.MAX_RULE_CHARS
    assert limits.FIELD_CHARS["title"] < limits.TEXT_CHARS < limits.MAX_CELL_CHARS


def test_the_cell_limit_counts_utf16_units() -> None:
    assert limits.cell_length("工会" + WIDE) == 4
    assert not limits.too_long_for_a_cell("长" * limits.MAX_CELL_CHARS)
    assert limits.too_long_for_a_cell("长" * (limits.MAX_CELL_CHARS + 1))
    half = limits.MAX_CELL_CHARS // 2
    assert not limits.too_long_for_a_cell(WIDE * half)
    assert limits.too_long_for_a_cell(WIDE * (half + 1))
    assert not limits.too_long_for_a_cell(10**40)  # only text is measured
    assert limits.cell_problems({"title": "x", "notes": "长" * 40_000}) == {
        "notes": ["forms.too_long_for_cell"]
    }


@pytest.fixture
def wb() -> Workbook:
    w = Workbook(MemoryStore(), ttl=0)
    w.ensure_tabs("zh-Hans")
    return w


def test_the_workbook_refuses_an_append_a_cell_cannot_hold(wb: Workbook) -> None:
    with pytest.raises(ValidationError) as err:
        wb.append("activities", {"title": "长" * (limits.MAX_CELL_CHARS + 1)}, admin("王"))
    assert err.value.problems == {"title": ["forms.too_long_for_cell"]}
    assert wb.load(fresh=True).df("activities").empty
    assert wb.load(fresh=True).df("audit_log").empty


def test_the_workbook_refuses_an_update_a_cell_cannot_hold(wb: Workbook) -> None:
    rec = wb.append("activities", {"title": "春游"}, admin("王"))
    with pytest.raises(ValidationError):
        wb.update(
            "activities",
            rec["id"],
            {"notes": "长" * (limits.MAX_CELL_CHARS + 1)},
            expected_version=1,
            actor=admin("王"),
        )
    row = wb.load(fresh=True).record("activities", rec["id"])
    assert row["version"] == 1 and row["notes"] is None
    wb.update(
        "activities",
        rec["id"],
        {"notes": "长" * limits.MAX_CELL_CHARS},
        expected_version=1,
        actor=admin("王"),
    )
    assert (
        len(wb.load(fresh=True).record("activities", rec["id"])["notes"]) == limits.MAX_CELL_CHARS
    )


def test_an_audit_row_always_fits_a_cell(wb: Workbook) -> None:
    big = "长" * limits.MAX_CELL_CHARS
    rec = wb.append("activities", {"title": "春游", "notes": big}, admin("王"))
    wb.update(
        "activities", rec["id"], {"notes": "短" + big[1:]}, expected_version=1, actor=admin("王")
    )
    log = wb.load(fresh=True).df("audit_log")
    assert len(log) == 2
    for text in log["changes"]:
        assert limits.cell_length(text) <= limits.MAX_CELL_CHARS
        changes = json.loads(text)  # still JSON, with how much was left out
        assert "…[+" in changes["notes"][-1]


@pytest.mark.parametrize("text", ["\x0b" * 30_000, '"' * 30_000, "长" * 30_000])
def test_audit_changes_fits_whatever_json_makes_of_the_text(text: str) -> None:
    out = audit_changes({"notes": [text, text + "x"], "title": ["a", "b"]})
    assert limits.cell_length(out) <= limits.MAX_CELL_CHARS
    assert json.loads(out)["title"] == ["a", "b"]


def test_audit_changes_leaves_a_short_change_alone() -> None:
    changes = {"title": ["春游", "秋游"], "budget": [None, 1600]}
    assert json.loads(audit_changes(changes)) == changes
