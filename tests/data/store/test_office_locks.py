"""The local workbook open in Excel/WPS or LibreOffice: writes refused, reads fine, the same
save succeeds once the lock file is gone, and a stale lock can be ignored (not deleted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.people import admin
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import WorkbookOpenElsewhereError

LOCKS = ["~$工会.xlsx", ".~lock.工会.xlsx#"]  # Excel/WPS, LibreOffice


@pytest.fixture
def wb(tmp_path: Path) -> Workbook:
    wb = Workbook(XlsxStore(tmp_path / "工会.xlsx"), ttl=0)
    wb.ensure_tabs("zh-Hans")
    wb.append("activities", {"title": "春游"}, actor=admin("u"))
    return wb


@pytest.mark.parametrize("name", LOCKS)
def test_a_lock_file_refuses_writes_and_keeps_reads(
    wb: Workbook, tmp_path: Path, name: str
) -> None:
    lock = tmp_path / name
    lock.write_bytes(b"owner")
    before = (tmp_path / "工会.xlsx").read_bytes()
    with pytest.raises(WorkbookOpenElsewhereError) as info:
        wb.append("activities", {"title": "读书会"}, actor=admin("u"))
    assert info.value.params["lock_name"] == name
    message = i18n.t(info.value.key, "zh-Hans", **info.value.params)
    assert "Excel/WPS" in message and name in message
    rec = wb.load(fresh=True).df("activities").iloc[0]
    with pytest.raises(WorkbookOpenElsewhereError):
        wb.update("activities", rec["id"], {"notes": "x"}, expected_version=1, actor=admin("u"))
    assert (tmp_path / "工会.xlsx").read_bytes() == before  # nothing written
    assert [r for r in wb.load(fresh=True).df("activities")["title"]] == ["春游"]  # reads work
    lock.unlink()
    wb.append("activities", {"title": "读书会"}, actor=admin("u"))  # the same save, now it lands
    assert sorted(wb.load(fresh=True).df("activities")["title"]) == ["春游", "读书会"]


def test_excel_shortens_long_names_and_both_spellings_count(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "工会工作计划.xlsx")
    (tmp_path / "~$工作计划.xlsx").write_bytes(b"x")  # the first two characters replaced
    assert store.office_lock() == tmp_path / "~$工作计划.xlsx"


def test_an_admin_can_ignore_a_stale_lock_but_not_a_new_one(wb: Workbook, tmp_path: Path) -> None:
    lock = tmp_path / LOCKS[0]
    lock.write_bytes(b"left by a crash")
    assert wb.office_lock() == lock
    wb.ignore_office_lock(lock)
    assert wb.office_lock() is None
    wb.append("activities", {"title": "读书会"}, actor=admin("u"))
    assert lock.exists()  # the app never deletes the person's file
    lock.write_bytes(b"Excel opened it again")  # a new lock: honoured again
    assert wb.office_lock() == lock
    with pytest.raises(WorkbookOpenElsewhereError):
        wb.append("activities", {"title": "第三个"}, actor=admin("u"))
    with pytest.raises(ValueError):
        wb.ignore_office_lock(tmp_path / "别的文件")
