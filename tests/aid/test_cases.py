"""The case register: checking a case's fields and ID number, duplicates and the explicit
override, adding a case with its first history row in one write, picking cases."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.aid.conftest import ID_2, ID_X, TODAY, data_of, memory_workbook, standard
from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.aid import status as st
from unionplan.aid.cases import (
    CaseFilter,
    DuplicateCaseError,
    add_case,
    check_case,
    find_duplicates,
    select_cases,
    unit_subtree,
    update_case,
)
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.errors import ValidationError


def test_a_mainland_number_must_be_right() -> None:
    check = check_case({"name": "张某", "id_number": "110101199003071234"}, today=TODAY)
    assert check.problems == {"id_number": ["aid.id.bad_check_digit"]}
    check = check_case({"name": "张某", "id_number": "E12345678"}, today=TODAY)
    assert check.problems == {"id_number": ["aid.id.other_document"]}


def test_other_document_is_an_explicit_choice() -> None:
    check = check_case(
        {"name": "张某", "id_kind": "other", "id_number": " E12345678 "}, today=TODAY
    )
    assert not check.problems
    assert check.values["id_number"] == "E12345678"
    assert check.values["id_kind"] == "other"


def test_a_valid_number_is_normalised_and_marked_mainland() -> None:
    check = check_case({"name": "张某", "id_number": "11010519491231002x"}, today=TODAY)
    assert not check.problems and not check.notices
    assert check.values["id_number"] == ID_X and check.values["id_kind"] == "mainland"


def test_an_old_number_is_accepted_with_a_notice() -> None:
    check = check_case({"name": "张某", "id_number": "110105491231002"}, today=TODAY)
    assert not check.problems
    assert [n.key for n in check.notices] == ["aid.id.old_form_notice"]
    assert ID_X in check.notices[0].text("zh-Hans")


def test_numbers_typed_as_text() -> None:
    check = check_case({"name": "x", "family_size": "三口", "monthly_income": "一千"})
    assert check.problems == {
        "family_size": ["aid.case.bad_family_size"],
        "monthly_income": ["aid.payment.bad_amount"],
    }
    assert not check_case({"name": "x", "family_size": "4", "monthly_income": "1,200元"}).problems


def test_other_fields() -> None:
    check = check_case(
        {"name": "", "family_size": 0, "monthly_income": -1, "address": "路" * 201},
        today=TODAY,
    )
    assert check.problems == {
        "name": ["aid.case.name_required"],
        "family_size": ["aid.case.bad_family_size"],
        "monthly_income": ["aid.case.negative"],
        "address": ["aid.case.too_long"],
    }


def test_duplicates_by_id_number_in_either_form(data: WorkbookData) -> None:
    clashes = find_duplicates(data, {"name": "别的名字", "id_number": ID_X.lower()})
    assert [(c.case_id, c.reason, c.status) for c in clashes] == [("C-1", "id_number", "active")]
    # the same person's old 15-digit number
    old = find_duplicates(data, {"name": "x", "id_number": "110105491231002"})
    assert [c.case_id for c in old] == ["C-1"]


def test_duplicates_by_name_in_the_same_unit_only(data: WorkbookData) -> None:
    same = find_duplicates(data, {"name": "吴某兰 ", "unit": "U-2"})
    assert [(c.case_id, c.reason) for c in same] == [("C-5", "name_unit")]
    assert find_duplicates(data, {"name": "吴某兰", "unit": "U-3"}) == []
    assert find_duplicates(data, {"name": "吴某兰", "unit": "U-2"}, exclude_id="C-5") == []


def test_add_case_writes_the_case_and_its_first_history_row_in_one_write() -> None:
    wb, store = memory_workbook(**standard())
    wb.load()
    _, writes = store.stats.snapshot()
    case = add_case(
        wb,
        {"name": "郑某华", "id_number": "110101900307125", "unit": "U-3", "level": "deep"},
        actor=admin("帮扶专干"),
        date=TODAY,
    )
    assert store.stats.writes == writes + 1  # case, history row, two audit rows: one write
    assert case["status"] == st.APPLICATION and case["id"].startswith("C-")
    data = wb.load(fresh=True)
    assert data.record("aid_cases", case["id"])["name"] == "郑某华"
    events = data.df("aid_events")
    row = events[events["case_id"] == case["id"]].iloc[0]
    assert (row["kind"], row["to_status"], row["by"], row["date"]) == (
        st.STATUS_CHANGE,
        st.APPLICATION,
        "帮扶专干",
        TODAY,
    )
    assert row["details"] == "提出帮扶申请"
    log = data.df("audit_log")
    assert sorted(log["table"]) == ["aid_cases", "aid_events"]
    assert "郑某华" not in str(store.grids["操作日志"])  # the audit log is masked


def test_add_case_raises_on_a_duplicate_and_files_with_an_override() -> None:
    wb, store = memory_workbook(**standard())
    wb.load()
    writes = store.stats.writes
    with pytest.raises(DuplicateCaseError) as err:
        add_case(
            wb, {"name": "张某芳", "unit": "U-9", "id_number": ID_X}, actor=admin("u"), date=TODAY
        )
    assert [c.case_id for c in err.value.clashes] == ["C-1"]
    assert err.value.params == {"ids": "C-1"}
    assert store.stats.writes == writes  # nothing written
    case = add_case(
        wb, {"name": "张某芳", "id_number": ID_X}, actor=admin("u"), date=TODAY, override=True
    )
    data = wb.load(fresh=True)
    events = data.df("aid_events")
    mine = events[events["case_id"] == case["id"]]
    assert mine["kind"].tolist() == [st.STATUS_CHANGE, st.NOTE]
    assert "C-1" in mine["details"].iloc[1]


def test_a_new_case_starts_as_an_application_or_an_entered_file() -> None:
    wb, _ = memory_workbook(**standard())
    with pytest.raises(ValidationError) as err:
        add_case(wb, {"name": "新人", "status": st.HELPING}, actor=admin("u"), date=TODAY)
    assert err.value.problems == {"status": ["aid.status.bad_initial"]}
    filed = add_case(wb, {"name": "新人", "status": st.FILED}, actor=admin("u"), date=TODAY)
    assert filed["opened_on"] == TODAY


def test_update_case_keeps_status_for_change_status_and_checks_identity() -> None:
    wb, _ = memory_workbook(**standard())
    with pytest.raises(ValidationError) as err:
        update_case(wb, "C-3", {"status": st.CLOSED}, expected_version=1, actor=admin("u"))
    assert err.value.problems == {"status": ["aid.status.use_change_status"]}
    with pytest.raises(DuplicateCaseError):
        update_case(wb, "C-3", {"id_number": ID_2}, expected_version=1, actor=admin("u"))
    out = update_case(
        wb, "C-3", {"id_number": ID_2}, expected_version=1, actor=admin("u"), override=True
    )
    assert out["id_number"] == ID_2 and out["id_kind"] == "mainland" and out["version"] == 2
    out = update_case(wb, "C-3", {"phone": "13900001111"}, expected_version=2, actor=admin("u"))
    assert out["phone"] == "13900001111"


def test_a_bad_number_typed_in_the_sheet_does_not_block_other_edits() -> None:
    cases = [{"id": "C-9", "name": "钱某", "id_number": "110101199003071234", "status": "active"}]
    wb, _ = memory_workbook(**standard(aid_cases=cases))
    out = update_case(wb, "C-9", {"phone": "13900001111"}, expected_version=1, actor=admin("u"))
    assert out["version"] == 2
    with pytest.raises(ValidationError) as err:
        update_case(
            wb, "C-9", {"id_number": "110101199003071235"}, expected_version=2, actor=admin("u")
        )
    assert err.value.problems == {"id_number": ["aid.id.bad_check_digit"]}
    with pytest.raises(ValidationError):
        update_case(wb, "C-9", {"id_kind": "mainland"}, expected_version=2, actor=admin("u"))
    out = update_case(wb, "C-9", {"id_number": "110101199003071233"}, expected_version=2,
                      actor=admin("u"))  # fmt: skip
    assert out["id_number"] == "110101199003071233"


def test_unit_subtree_includes_units_below_and_survives_a_loop() -> None:
    data = data_of(**standard())
    assert unit_subtree(data, ["U-2"]) == {"U-2", "U-4"}
    assert unit_subtree(data, ["U-1"]) == {"U-1", "U-2", "U-3", "U-4"}
    looped = data_of(units=[{"id": "U-1", "name": "a", "parent": "U-2"},
                            {"id": "U-2", "name": "b", "parent": "U-1"}])  # fmt: skip
    assert unit_subtree(looped, ["U-1"]) == {"U-1", "U-2"}


def test_select_cases_by_status_level_unit_and_cause(data: WorkbookData) -> None:
    ids = lambda f: sorted(select_cases(data, f)["id"])  # noqa: E731
    assert ids(CaseFilter()) == ["C-1", "C-2", "C-3", "C-6"]  # on file: filed or being helped
    assert ids(CaseFilter(levels=("deep",))) == ["C-1", "C-2"]
    assert ids(CaseFilter(units=("U-2",))) == ["C-1", "C-2"]  # C-2 is in a group under U-2
    assert ids(CaseFilter(causes=("schooling", "single_parent"))) == ["C-2", "C-3"]
    assert ids(CaseFilter(statuses=())) == ["C-1", "C-2", "C-3", "C-4", "C-5", "C-6"]
    assert ids(CaseFilter(statuses=(st.APPLICATION,))) == ["C-5"]


def test_store_untouched_by_a_refused_case() -> None:
    store = MemoryStore()
    wb = Workbook(store, ttl=0)
    with pytest.raises(ValidationError):
        add_case(wb, {"name": "", "id_number": "123"}, actor=admin("u"), date=dt.date(2026, 1, 1))
    assert store.stats.writes == 0
