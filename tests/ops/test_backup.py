"""The workbook backup: every tab and cell copied, formulas never computed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import load_workbook

from tests.memory_store import MemoryStore
from tests.people import admin, person
from unionplan import i18n
from unionplan.data.limits import MAX_CELL_CHARS, cell_length
from unionplan.data.store.xlsx import XlsxStore
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
    # A control character is kept, escaped the way OOXML spells it (openpyxl shows the
    # escape; Excel and the app read the character back: see the round trip below).
    assert ws["E6"].value == "bad_x0007_char"


def test_a_backup_reads_back_as_the_store_read_it(tmp_path: Path) -> None:
    grids = {"活动": [["编号", "备注"], ["A-1", "bad\x07char \x0b _x0041_"], ["A-2", "=1+1"]]}
    path = tmp_path / "backup.xlsx"
    path.write_bytes(backup.export_grids(grids))
    assert XlsxStore(path).read_all() == grids


def test_a_cell_longer_than_excel_holds_is_continued_not_cut(tmp_path: Path) -> None:
    long = "困难情况说明" * 9_000  # 54,000 characters: a Google sheet holds 50,000 a cell
    grids = {"帮扶对象": [["编号", "困难情况"], ["C-1", long]], "设置": [["编号"]]}
    path = tmp_path / "backup.xlsx"
    path.write_bytes(backup.export_grids(grids))
    back = XlsxStore(path).read_all()
    overflow = i18n.t("common.export.overflow_sheet", "zh-Hans")
    assert list(back) == ["帮扶对象", "设置", overflow]  # the tabs in order, the overflow last
    kept = back["帮扶对象"][1][1]
    marker = i18n.t("common.export.overflow_marker", "zh-Hans", sheet=overflow, row=2)
    assert kept.endswith(marker) and cell_length(kept) <= MAX_CELL_CHARS
    pieces = [row[2] for row in back[overflow][1:]]
    assert all(row[0] == "帮扶对象!B2" for row in back[overflow][1:])
    assert kept[: -len(marker)] + "".join(pieces) == long


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


# ------------------------------------------------------------------ personal data


def _demo(tmp_path: Path) -> tuple[XlsxStore, list[str]]:
    """The demo workbook with an edit of a case's phone in its audit log, and every raw
    name, ID number and phone of its cases."""
    from unionplan.data.values import is_blank
    from unionplan.data.workbook import Workbook
    from unionplan.ops import demo

    path = tmp_path / "demo.xlsx"
    demo.create_demo(path, year=2026)
    wb = Workbook(XlsxStore(path))
    cases = wb.load().df("aid_cases")
    case = cases.iloc[0]
    wb.update("aid_cases", case["id"], {"phone": "13900001111"},
              expected_version=int(case["version"]), actor=person("zhou", "aid"))  # fmt: skip
    cases = wb.load(fresh=True).df("aid_cases")
    raw = [str(v) for k in ("name", "id_number", "phone") for v in cases[k] if not is_blank(v)]
    assert "13900001111" in raw and len(raw) > len(cases)
    return XlsxStore(path), raw


def _all_text(data: bytes) -> str:
    book = _load(data)
    return "\n".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


def test_an_administrator_without_the_aid_role_downloads_no_personal_value(
    tmp_path: Path,
) -> None:
    store, raw = _demo(tmp_path)
    text = _all_text(backup.backup_store(store, admin("boss")))
    assert [v for v in raw if v in text] == []
    assert "13900001111" not in text  # nor in the audit log's record of the edit
    assert "C-" in text and "某某中学工会" in text  # the rest is all there
    # An administrator who is also the union's aid officer gets everything.
    full = _all_text(backup.backup_store(store, person("boss", "admin", "aid")))
    assert all(v in full for v in raw)


def test_the_backup_kept_on_the_server_before_a_destructive_step_is_complete(
    tmp_path: Path,
) -> None:
    store, raw = _demo(tmp_path)
    path = backup.save_backup(store, admin("boss"), folder=tmp_path / "backups")
    text = _all_text(path.read_bytes())
    assert all(v in text for v in raw)
