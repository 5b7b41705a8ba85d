"""The workbook backup: every tab and cell copied, formulas never computed."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.ops import backup

GRIDS = {
    "活动": [
        ["2026年活动安排"],  # a merged title row above the header
        [],
        ["编号", "活动名称", "开始日期", "预算(元)", "自定义列"],
        ["A-1", '=HYPERLINK("http://x")', "2026-03-08", 1600, "保留"],
        ["A-2", "+86 138", dt.datetime(2026, 5, 1, 9, 30), 99.5, "-负数开头"],
        ["A-3", "@某人", dt.date(2026, 6, 1), None, "bad\x07char"],
    ],
    "透视表": [["别的东西", 1, True]],  # a tab the app does not know
    "名字/带:非法[字符]*?": [["x"]],
    "a" * 40: [["long"]],
    "a" * 35: [["long too"]],
}


def _load(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_every_tab_is_copied_in_order() -> None:
    book = _load(backup.export_grids(GRIDS))
    assert book.sheetnames[:2] == ["活动", "透视表"]
    assert len(book.sheetnames) == len(GRIDS)
    assert book["透视表"]["A1"].value == "别的东西"
    assert book["透视表"]["C1"].value is True


def test_cells_keep_their_place_and_values() -> None:
    ws = _load(backup.export_grids(GRIDS))["活动"]
    assert ws["A1"].value == "2026年活动安排"
    assert ws["E3"].value == "自定义列"  # an unknown column is carried through
    assert ws["E4"].value == "保留"
    assert ws["D4"].value == 1600
    assert ws["D5"].value == 99.5
    assert ws["C5"].value == dt.datetime(2026, 5, 1, 9, 30)
    assert ws["C4"].value == "2026-03-08"  # text stays text
    assert ws["E6"].value == "badchar"  # control characters cannot live in xlsx


def test_formula_like_text_is_stored_as_text() -> None:
    ws = _load(backup.export_grids(GRIDS))["活动"]
    for ref, text in (
        ("B4", '=HYPERLINK("http://x")'),
        ("B5", "+86 138"),
        ("B6", "@某人"),
        ("E5", "-负数开头"),
    ):
        cell = ws[ref]
        assert cell.value == text
        assert cell.data_type == "s", ref  # "f" would make Excel compute it


def test_titles_are_made_valid_and_unique_for_excel() -> None:
    names = _load(backup.export_grids(GRIDS)).sheetnames
    assert all(len(n) <= 31 for n in names)
    assert not any(ch in n for n in names for ch in "[]:*?/\\")
    assert len(set(n.casefold() for n in names)) == len(names)


def test_backup_of_a_store_reads_it_once() -> None:
    store = MemoryStore({"设置": [["编号", "项目", "值"], ["S-1", "demo", "1"]]})
    data = backup.backup_store(store, admin())
    assert store.stats.reads == 1 and store.stats.writes == 0
    assert _load(data)["设置"]["C2"].value == "1"


def test_empty_workbook_is_still_a_valid_file() -> None:
    assert _load(backup.export_grids({})).sheetnames == ["Sheet"]


def test_filename() -> None:
    now = dt.datetime(2026, 3, 8, 14, 30)
    assert backup.backup_filename(now) == "unionplan-backup-20260308-1430.xlsx"
    assert backup.backup_filename(now, "某某中学 工会") == "某某中学_工会-backup-20260308-1430.xlsx"
    assert backup.backup_filename(now, "../..") == "unionplan-backup-20260308-1430.xlsx"
