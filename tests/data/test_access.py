"""Who may write what, enforced where every write passes (`Workbook.write`).

The permission matrix: every write operation (append, update, delete) on every table, by
every role, unscoped and limited to a unit, on a record inside and outside that unit;
allowed or refused as the issue says, and a refusal writes nothing. The expectations are
spelled out here, independently of unionplan.data.access. Then the unit tree, personal
data, and the ops that only an administrator may run.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.memory_store import MemoryStore
from tests.people import admin, person
from unionplan.data import access, schema
from unionplan.data.access import LOCAL_ADMIN, ROLES, UnitTree
from unionplan.data.cells import to_cell
from unionplan.data.store.base import Grid
from unionplan.data.tables import parse_workbook
from unionplan.data.workbook import RecordUpdate, Workbook
from unionplan.errors import PermissionDeniedError
from unionplan.ops import backup, demo, transfer

LANG = "zh-Hans"
DAY = dt.date(2026, 3, 8)
SCOPE = "U-IN"  # the unit a scoped person is limited to; U-IN-2 is under it

# Who writes which table, as the issue says (an admin writes them all but the audit log).
WRITERS = {
    "activities": {"editor"},
    "targets": {"editor"},
    "progress": {"editor"},
    "units": set(),
    "settings": set(),
    "aid_cases": {"aid"},
    "aid_payments": {"aid"},
    "fund_income": {"aid"},
    "aid_events": {"aid"},
    "audit_log": None,  # nobody: the workbook layer writes it beside each write
}
# Tables whose records belong to a unit; a record of the others is outside every scope.
UNIT_BOUND = {"activities", "targets", "progress", "aid_cases", "aid_payments", "aid_events"}

UNITS = [
    {"id": "U-TOP", "name": "某某镇总工会"},
    {"id": "U-IN", "name": "一分会", "parent": "U-TOP"},
    {"id": "U-IN-2", "name": "一分会第一小组", "parent": "U-IN"},
    {"id": "U-OUT", "name": "二分会", "parent": "U-TOP"},
]
# A record of every table inside the scope ("in") and outside it ("out").
RECORDS: dict[str, dict[str, dict]] = {
    "activities": {
        "in": {"id": "A-IN", "title": "三八节", "unit": "U-IN-2"},
        "out": {"id": "A-OUT", "title": "春游", "unit": "U-OUT"},
    },
    "targets": {
        "in": {"id": "T-IN", "title": "入会率", "unit": "U-IN"},
        "out": {"id": "T-OUT", "title": "建会数", "unit": "U-OUT"},
    },
    "progress": {  # P-IN has no unit of its own: it counts for its target's unit
        "in": {"id": "P-IN", "target_id": "T-IN", "date": DAY, "value": 1},
        "out": {"id": "P-OUT", "target_id": "T-IN", "date": DAY, "value": 1, "unit": "U-OUT"},
    },
    "units": {
        "in": {"id": "U-NEW-IN", "name": "三小组", "parent": "U-IN"},
        "out": {"id": "U-NEW-OUT", "name": "四小组", "parent": "U-OUT"},
    },
    "aid_cases": {
        "in": {"id": "C-IN", "name": "张某芳", "unit": "U-IN-2", "status": "active"},
        "out": {"id": "C-OUT", "name": "王某军", "unit": "U-OUT", "status": "active"},
    },
    "aid_payments": {
        "in": {"id": "D-IN", "case_id": "C-IN", "date": DAY, "cash": 500},
        "out": {"id": "D-OUT", "case_id": "C-OUT", "date": DAY, "cash": 500},
    },
    "aid_events": {
        "in": {"id": "E-IN", "case_id": "C-IN", "date": DAY, "kind": "note", "details": "走访"},
        "out": {"id": "E-OUT", "case_id": "C-OUT", "date": DAY, "kind": "note", "details": "走访"},
    },
    "fund_income": {
        "in": {"id": "I-1", "date": DAY, "source": "aid_fund", "amount": 1000},
        "out": {"id": "I-2", "date": DAY, "source": "aid_fund", "amount": 2000},
    },
    "settings": {
        "in": {"id": "S-1", "key": "union_name", "value": "某某镇总工会"},
        "out": {"id": "S-2", "key": "plan_year", "value": "2026"},
    },
    "audit_log": {
        "in": {"id": "L-1", "user": "x", "table": "activities", "record_id": "A-IN"},
        "out": {"id": "L-2", "user": "x", "table": "activities", "record_id": "A-OUT"},
    },
}
# A change for an update of each table (an audit row is never updated by anyone).
CHANGES = {
    "activities": {"location": "礼堂"},
    "targets": {"notes": "季度检查"},
    "progress": {"note": "已核实"},
    "units": {"notes": "改名"},
    "aid_cases": {"phone": "13800000000"},
    "aid_payments": {"goods": "大米"},
    "aid_events": {"by": "李主席"},
    "fund_income": {"handler": "周委员"},
    "settings": {"value": "改"},
    "audit_log": {"user": "someone else"},
}


def _grid(table: schema.Table, records: list[dict]) -> Grid:
    stamped = [{"version": 1, **r} for r in records]
    return [table.headers(LANG)] + [
        [to_cell(c, r.get(c.key), LANG) for c in table.columns] for r in stamped
    ]


@cache
def _grids() -> dict[str, Grid]:
    grids: dict[str, Grid] = {}
    for key, table in schema.TABLES.items():
        records = list(RECORDS[key].values())
        if key == "units":
            records = UNITS  # the new units are what the matrix appends
        grids[table.label.get(LANG)] = _grid(table, records)
    return grids


def _workbook() -> tuple[Workbook, MemoryStore]:
    store = MemoryStore(copy.deepcopy(_grids()))
    return Workbook(store, ttl=0), store


def _allowed(role: str, scoped: bool, table: str, where: str) -> bool:
    writers = WRITERS[table]
    if writers is None:
        return False
    if role == "admin":
        return True
    if role not in writers:
        return False
    return not scoped or (table in UNIT_BOUND and where == "in")


def _who(role: str, scoped: bool) -> access.Person:
    return person(f"{role}-{'scoped' if scoped else 'all'}", role, unit=SCOPE if scoped else None)


CASES = [
    (op, table, role, scoped, where)
    for op in ("append", "update", "delete")
    for table in WRITERS
    for role in ROLES
    for scoped in (False, True)
    for where in ("in", "out")
    if not (role == "admin" and scoped)  # an admin is never limited to a unit
]


@pytest.mark.parametrize(("op", "table", "role", "scoped", "where"), CASES)
def test_permission_matrix(op: str, table: str, role: str, scoped: bool, where: str) -> None:
    wb, store = _workbook()
    who = _who(role, scoped)
    rec = RECORDS[table][where]
    before = copy.deepcopy(store.grids)

    version = 1 if "version" in schema.TABLES[table].keys else 0

    def act() -> None:
        if op == "append":
            new = {k: v for k, v in rec.items() if k != "id"}
            if table == "units":
                new = rec  # units are not in the workbook yet: append them as they are
            wb.append(table, new, who)
        elif op == "update":
            wb.update(table, rec["id"], CHANGES[table], expected_version=version, actor=who)
        else:
            wb.delete(table, rec["id"], expected_version=version, actor=who)

    if table == "units" and op != "append":
        rec = UNITS[1 if where == "in" else 3]  # existing units: U-IN and U-OUT
    if _allowed(role, scoped, table, where):
        act()
        if op == "delete" and "deleted" not in schema.TABLES[table].keys:
            return  # settings rows cannot be marked deleted: nothing to write
        assert store.grids != before
        audit = wb.load(fresh=True).df("audit_log")
        assert audit["user"].iloc[-1] == who.login  # the signed-in person, never a name
    else:
        with pytest.raises(PermissionDeniedError) as refused:
            act()
        assert refused.value.key in ("errors.access_role", "errors.access_scope")
        assert store.grids == before  # a refusal writes nothing, not even a header


@pytest.mark.parametrize(
    ("into", "allowed"), [("U-IN-2", True), ("U-OUT", False), ("", False), ("不存在的单位", False)]
)
def test_a_scoped_person_cannot_move_a_record_out_of_their_units(into: str, allowed: bool) -> None:
    wb, _ = _workbook()
    editor = _who("editor", True)
    change = {"unit": into}
    if allowed:
        wb.update("activities", "A-IN", change, expected_version=1, actor=editor)
        assert wb.load(fresh=True).record("activities", "A-IN")["unit"] == into
        return
    with pytest.raises(PermissionDeniedError):
        wb.update("activities", "A-IN", change, expected_version=1, actor=editor)


def test_a_scoped_person_cannot_take_a_record_into_their_units() -> None:
    wb, _ = _workbook()
    with pytest.raises(PermissionDeniedError):
        wb.update(
            "activities", "A-OUT", {"unit": "U-IN"}, expected_version=1, actor=_who("editor", True)
        )


def test_one_refused_record_stops_the_whole_write() -> None:
    wb, store = _workbook()
    before = copy.deepcopy(store.grids)
    with pytest.raises(PermissionDeniedError):
        wb.write(
            appends=[("activities", {"title": "新活动", "unit": "U-IN"})],
            updates=[RecordUpdate("activities", "A-OUT", {"title": "改"}, 1)],
            actor=_who("editor", True),
        )
    assert store.grids == before


def test_a_new_case_and_its_history_are_judged_by_the_new_cases_unit() -> None:
    wb, _ = _workbook()
    officer = _who("aid", True)
    wb.write(
        appends=[
            ("aid_cases", {"id": "C-NEW", "name": "陈某梅", "unit": "U-IN-2"}),
            ("aid_events", {"case_id": "C-NEW", "kind": "note", "details": "申请"}),
        ],
        actor=officer,
    )
    with pytest.raises(PermissionDeniedError):
        wb.write(
            appends=[
                ("aid_cases", {"id": "C-NEW2", "name": "赵某平", "unit": "U-OUT"}),
                ("aid_events", {"case_id": "C-NEW2", "kind": "note", "details": "申请"}),
            ],
            actor=officer,
        )


def test_a_unit_typed_by_name_is_the_unit_of_that_name() -> None:
    wb, _ = _workbook()
    by_name = person("wang", "editor", unit="一分会")  # the admin typed the unit's name
    wb.append("activities", {"title": "读书会", "unit": "一分会第一小组"}, by_name)
    with pytest.raises(PermissionDeniedError):
        wb.append("activities", {"title": "读书会", "unit": "二分会"}, by_name)


def test_an_unknown_scope_opens_nothing() -> None:
    wb, _ = _workbook()
    lost = person("li", "editor", unit="已撤销的分会")
    for unit in ("U-IN", "U-OUT", "已撤销的分会"):
        with pytest.raises(PermissionDeniedError):
            wb.append("activities", {"title": "x", "unit": unit}, lost)


# ------------------------------------------------------------------ the unit tree


def test_unit_tree_covers_the_unit_and_those_under_it() -> None:
    data = parse_workbook(_grids())
    units = UnitTree.from_frames(data.df("units"))
    assert units.covers("U-IN", "U-IN") and units.covers("U-IN", "U-IN-2")
    assert units.covers("U-TOP", "U-IN-2")
    assert not units.covers("U-IN", "U-TOP") and not units.covers("U-IN", "U-OUT")
    assert not units.covers("U-IN", None) and not units.covers(None, "U-IN")


def test_a_loop_of_parents_in_the_sheet_ends() -> None:
    looped = pd.DataFrame({"id": ["U-A", "U-B"], "parent": ["U-B", "U-A"], "name": ["甲", "乙"]})
    units = UnitTree.from_frames(looped)
    assert units.covers("U-A", "U-B") and units.covers("U-B", "U-A")
    assert not units.covers("U-A", "U-C")


# ------------------------------------------------------------------ personal data


@pytest.mark.parametrize(
    ("who", "case_unit", "sees"),
    [
        (person("v", "viewer"), "U-IN", False),
        (person("e", "editor"), "U-IN", False),
        (person("a", "aid"), "U-OUT", True),
        (person("a", "aid", unit="U-IN"), "U-IN-2", True),
        (person("a", "aid", unit="U-IN"), "U-OUT", False),
        (person("a", "aid", unit="U-IN"), None, False),
        (person("x", "admin"), "U-OUT", False),  # running the app opens no hardship file
        (person("x", "admin", "aid"), "U-OUT", True),
        (person("x", "admin", "aid", unit="U-IN"), "U-OUT", True),  # an admin is never scoped
        (LOCAL_ADMIN, "U-OUT", True),  # single-person mode keeps its own files
    ],
)
def test_who_sees_personal_data(who: access.Person, case_unit: str | None, sees: bool) -> None:
    units = UnitTree.from_frames(parse_workbook(_grids()).df("units"))
    assert access.can_see_personal(who, case_unit, units) is sees


# ------------------------------------------------------------------ administrators' ops


@pytest.mark.parametrize("role", ["viewer", "editor", "aid"])
def test_backup_copy_and_start_empty_are_refused_to_anyone_but_an_admin(
    role: str, tmp_path: Path
) -> None:
    wb, store = _workbook()
    who = person("x", *ROLES[: ROLES.index(role) + 1])  # every role up to this one, no admin
    before = copy.deepcopy(store.grids)
    with pytest.raises(PermissionDeniedError):
        backup.backup_store(store, who)
    with pytest.raises(PermissionDeniedError):
        transfer.copy_workbook(store, MemoryStore(), actor=who)
    with pytest.raises(PermissionDeniedError):
        demo.start_empty(wb, who, backup_dir=tmp_path)
    with pytest.raises(PermissionDeniedError):
        wb.set_setting("union_name", "别的工会", who)
    assert store.grids == before and not list(tmp_path.iterdir())


def test_a_backup_is_complete_for_an_admin_who_keeps_the_aid_files() -> None:
    _, store = _workbook()
    data = parse_workbook(_grids())

    def cases_of(who: access.Person) -> list[tuple]:
        book = load_workbook(io.BytesIO(backup.backup_store(store, who)))
        return list(book[schema.AID_CASES.label.zh_hans].iter_rows(values_only=True))

    cases = cases_of(person("boss", "admin", "aid"))
    assert {"张某芳", "王某军"} <= {v for row in cases for v in row}
    assert len(cases) == 1 + len(data.df("aid_cases"))
    # The admin role alone: every row is there, the personal values masked.
    masked = cases_of(admin())
    assert len(masked) == len(cases)
    assert not {"张某芳", "王某军"} & {v for row in masked for v in row}
