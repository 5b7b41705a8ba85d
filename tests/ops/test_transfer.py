"""Copying a workbook between stores: nothing lost, values as people see them, no overwrite."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data.store.base import Store
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import parse_workbook
from unionplan.errors import UnionplanError
from unionplan.ops import demo, transfer

SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]

# As an xlsx store hands it over: a merged title row, a blank row, a header with an unknown
# column, datetimes and whole floats, padding Nones at row ends and a trailing blank row.
ACTIVITIES = [
    ["某某中学工会2026年活动安排", None, None, None, None, None],
    [None, None, None, None, None, None],
    ["编号", "活动名称", "开始日期", "预算（元）", "经办科室", "版本"],
    ["A-7KQ3ZP9M", "三八节趣味运动会", dt.datetime(2026, 3, 8), 1600.0, "工会办", 1],
    ["A-2", "春游踏青", "2026-04", 2000.5, None, 1.0],
    [None, None, None, None, None, None],
    ["A-3", "棋牌赛", dt.datetime(2026, 6, 19, 16, 20), None, "体艺组", 1],
    [None, None, None, None, None, None],
]
PIVOT = [["透视", "合计"], ["文体", 12.0]]


def source() -> MemoryStore:
    return MemoryStore({"设置": SETTINGS, "活动": ACTIVITIES, "透视表": PIVOT}, name="src")


def test_cell_out_gives_the_text_a_person_sees() -> None:
    assert transfer.cell_out(dt.datetime(2026, 3, 8)) == "2026-03-08"
    assert transfer.cell_out(dt.datetime(2026, 3, 8, 16, 20, 5, 99)) == "2026-03-08 16:20:05"
    assert transfer.cell_out(dt.date(2026, 3, 8)) == "2026-03-08"
    assert transfer.cell_out(1600.0) == 1600 and isinstance(transfer.cell_out(1600.0), int)
    assert transfer.cell_out(2000.5) == 2000.5
    assert transfer.cell_out("=SUM(A1)") == "=SUM(A1)"
    assert transfer.cell_out(None) is None


def test_copy_memory_to_memory_keeps_every_row_column_tab_and_id() -> None:
    src, dst = source(), MemoryStore(name="dst")
    seen: list[tuple[float, str]] = []
    copied = transfer.copy_workbook(
        src, dst, actor=admin(), progress=lambda s, m: seen.append((s, m))
    )

    assert copied == {"设置": 2, "活动": 3, "透视表": 1}
    assert list(dst.grids) == ["设置", "活动", "透视表"]  # tab order kept
    acts = dst.grids["活动"]
    assert acts[0] == ["某某中学工会2026年活动安排"]  # the title row, above the header
    assert acts[1] == []  # the blank row between title and header is kept in place
    assert acts[2] == ["编号", "活动名称", "开始日期", "预算（元）", "经办科室", "版本"]
    assert acts[3] == ["A-7KQ3ZP9M", "三八节趣味运动会", "2026-03-08", 1600, "工会办", 1]
    assert acts[4] == ["A-2", "春游踏青", "2026-04", 2000.5, None, 1]
    assert acts[5] == []  # a blank row in the middle stays, the trailing one goes
    assert acts[6] == ["A-3", "棋牌赛", "2026-06-19 16:20:00", None, "体艺组", 1]
    assert len(acts) == 7
    assert dst.grids["透视表"] == [["透视", "合计"], ["文体", 12]]
    assert seen[-1][0] == 1.0 and [m for _, m in seen[1:]] == ["设置", "活动", "透视表"]

    a, b = parse_workbook(src.read_all()), parse_workbook(dst.read_all())
    assert a.df("activities").drop(columns="_row").equals(b.df("activities").drop(columns="_row"))
    assert b.tables["activities"].extra == ["经办科室"]
    assert [i.key for i in a.issues] == [i.key for i in b.issues]


def test_copy_writes_once_per_tab() -> None:
    src, dst = source(), MemoryStore(name="dst")
    transfer.copy_workbook(src, dst, actor=admin())
    # one create_tabs for the three new tabs, one append per tab with rows below row 1
    assert dst.stats.by_kind == {"read_all": 1, "create_tabs": 1, "append": 3}


def test_refuses_a_destination_with_data_and_writes_nothing() -> None:
    dst = MemoryStore({"活动": [["编号", "活动名称"], ["A-9", "别人的活动"]]}, name="dst")
    with pytest.raises(UnionplanError) as err:
        transfer.copy_workbook(source(), dst, actor=admin())
    assert err.value.key == "errors.dest_not_empty"
    assert err.value.params["tabs"] == "活动"
    assert dst.stats.writes == 0
    assert dst.grids["活动"] == [["编号", "活动名称"], ["A-9", "别人的活动"]]


def test_refuses_data_under_another_title_of_the_same_table() -> None:
    dst = MemoryStore({"Activities": [["ID", "Title"], ["A-9", "theirs"]]}, name="dst")
    with pytest.raises(UnionplanError) as err:
        transfer.copy_workbook(source(), dst, actor=admin())
    assert err.value.key == "errors.dest_not_empty"
    assert dst.stats.writes == 0


def test_header_only_tabs_are_filled_not_duplicated() -> None:
    # A sheet the app set up: same-language tab with the same header, and an English
    # activities tab; the copy goes into them instead of adding second tabs.
    dst = MemoryStore(
        {
            "设置": [["编号", "项目", "值"]],
            "Activities": [["ID", "Title", "Start"]],
            "Sheet1": [],
        },
        name="dst",
    )
    copied = transfer.copy_workbook(source(), dst, actor=admin())
    assert copied["活动"] == 3
    assert list(dst.grids) == ["设置", "Activities", "Sheet1", "透视表"]
    assert dst.grids["设置"] == SETTINGS
    acts = dst.grids["Activities"]
    assert acts[0] == ["某某中学工会2026年活动安排", "", ""]  # old header cells blanked
    assert acts[2][:3] == ["编号", "活动名称", "开始日期"]
    assert acts[3][0] == "A-7KQ3ZP9M"
    data = parse_workbook(dst.read_all())
    assert sorted(data.df("activities")["id"]) == ["A-2", "A-3", "A-7KQ3ZP9M"]
    assert not [i for i in data.issues if i.key == "issues.duplicate_tab"]


def test_copy_back_and_forth_reads_the_same() -> None:
    first, second = MemoryStore(name="a"), MemoryStore(name="b")
    transfer.copy_workbook(source(), first, actor=admin())
    transfer.copy_workbook(first, second, actor=admin())
    assert second.grids == first.grids


# ---------------------------------------------------------------- real stores


def test_xlsx_to_memory_and_back(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    demo.create_demo(path, year=2025, kind="school")
    mem, back = MemoryStore(name="mem"), XlsxStore(tmp_path / "back.xlsx")
    copied = transfer.copy_workbook(XlsxStore(path), mem, actor=admin())
    assert copied["活动"] == 60 and copied["操作日志"] == 0
    transfer.copy_workbook(mem, back, actor=admin())
    assert _records(XlsxStore(path)) == _records(mem) == _records(back)
    assert back.read_all() == XlsxStore(path).read_all()


def test_local_to_google_and_back(tmp_path: Path, gsheets_store: GSheetsStore) -> None:
    path = tmp_path / "wb.xlsx"
    local = XlsxStore(path)
    local.create_tabs({"设置": SETTINGS[0], "活动": ACTIVITIES[0][:1], "透视表": PIVOT[0]})
    local.append_rows("设置", SETTINGS[1:], id_col=1)
    local.append_rows("活动", ACTIVITIES[1:], id_col=1)
    local.append_rows("透视表", PIVOT[1:], id_col=1)

    transfer.copy_workbook(local, gsheets_store, actor=admin())
    returned = XlsxStore(tmp_path / "returned.xlsx")
    transfer.copy_workbook(gsheets_store, returned, actor=admin())

    for store in (gsheets_store, returned):
        grids = store.read_all()
        acts = [[_text(c) for c in row] for row in grids["活动"]]
        assert acts[0] == ["某某中学工会2026年活动安排"]
        assert acts[2] == ["编号", "活动名称", "开始日期", "预算（元）", "经办科室", "版本"]
        assert acts[3] == ["A-7KQ3ZP9M", "三八节趣味运动会", "2026-03-08", "1600", "工会办", "1"]
        assert acts[6] == ["A-3", "棋牌赛", "2026-06-19 16:20:00", "", "体艺组", "1"]
        assert _records(store) == _records(local)
    assert set(gsheets_store.read_all()) == {"Sheet1", "设置", "活动", "透视表"}


def _text(value: object) -> str:
    value = transfer.cell_out(value)
    return "" if value is None else str(value)


def _records(store: Store) -> dict[str, list[dict]]:
    """Every table's records as parsed, without the sheet row numbers."""
    data = parse_workbook(store.read_all())
    return {
        key: data.df(key).drop(columns="_row").astype(str).to_dict("records") for key in data.tables
    }
