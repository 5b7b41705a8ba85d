"""Workbook.write: several appends and updates across tables, with their audit rows, in one
store write; ids given up front kept; a version conflict writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data.workbook import RecordUpdate, Workbook
from unionplan.errors import ConflictError, NotFoundError

SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]


def _workbook() -> tuple[Workbook, MemoryStore]:
    store = MemoryStore({"设置": SETTINGS})
    wb = Workbook(store)
    wb.append("aid_cases", {"id": "C-1", "name": "张小明", "status": "active"}, actor=admin("u"))
    wb.append("activities", {"id": "A-1", "title": "春节慰问"}, actor=admin("u"))
    wb.load()
    return wb, store


def test_appends_and_updates_across_tables_are_one_write() -> None:
    wb, store = _workbook()
    writes = store.stats.writes
    out = wb.write(appends=[
            ("aid_events", {"id": "E-FIXED1", "case_id": "C-1", "kind": "visit",
                            "details": "走访"}),
            ("aid_events", {"case_id": "C-1", "kind": "note", "details": "备注"}),
        ],
        updates=[
            RecordUpdate("aid_cases", "C-1", {"status": "helping"}, 1),
            RecordUpdate("activities", "A-1", {"title": "春节慰问（改）"}, 1),
        ],
        actor=admin("帮扶专干"),
    )  # fmt: skip
    assert store.stats.writes == writes + 1
    assert out[0]["id"] == "E-FIXED1"
    assert out[1]["id"].startswith("E-") and out[1]["version"] == 1
    assert out[2]["status"] == "helping" and out[2]["version"] == 2
    data = wb.load(fresh=True)
    assert data.record("aid_cases", "C-1")["status"] == "helping"
    assert data.record("activities", "A-1")["title"] == "春节慰问（改）"
    assert len(data.df("aid_events")) == 2
    log = data.df("audit_log").iloc[2:]  # after the two set-up appends
    assert sorted(zip(log["table"], log["action"], strict=True)) == [
        ("activities", "update"),
        ("aid_cases", "update"),
        ("aid_events", "append"),
        ("aid_events", "append"),
    ]
    details = [json.loads(c).get("details") for c in log["changes"]]
    assert [None, "•••"] in details  # sensitive: masked in the audit log


def test_a_conflict_writes_only_its_audit_row_and_a_missing_row_nothing() -> None:
    # Issue 10: the attempt that lost is on record (action "conflict"), nothing else of it.
    wb, store = _workbook()
    writes = store.stats.writes
    audit_before = len(wb.load(fresh=True).df("audit_log"))
    with pytest.raises(ConflictError):
        wb.write(
            appends=[("aid_events", {"case_id": "C-1", "kind": "note", "details": "x"})],
            updates=[RecordUpdate("aid_cases", "C-1", {"status": "helping"}, 7)],
            actor=admin("u"),
        )
    with pytest.raises(NotFoundError):
        wb.write(updates=[RecordUpdate("aid_cases", "C-404", {"notes": "x"}, 1)],
                      actor=admin("u"))  # fmt: skip
    assert store.stats.writes == writes + 1  # the conflict's audit row
    data = wb.load(fresh=True)
    assert data.df("aid_events").empty
    assert data.record("aid_cases", "C-1")["status"] != "helping"
    log = data.df("audit_log").iloc[audit_before:]
    assert list(zip(log["table"], log["record_id"], log["action"], strict=True)) == [
        ("aid_cases", "C-1", "conflict")
    ]
    assert json.loads(log["changes"].iat[0])["status"][1] == "helping"


def test_nothing_to_write_is_no_write() -> None:
    wb, store = _workbook()
    writes = store.stats.writes
    assert wb.write(actor=admin("u")) == []
    same = wb.write(updates=[RecordUpdate("aid_cases", "C-1", {"status": "active"}, 1)],
                         actor=admin("u"))  # fmt: skip
    assert same[0]["version"] == 1  # unchanged: not rewritten
    assert store.stats.writes == writes
