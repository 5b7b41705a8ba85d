"""The local .xlsx store: round trips, values stay data, other content survives, and no write
is lost to another thread, process or store instance."""

from __future__ import annotations

import datetime as dt
import decimal
import multiprocessing
import os
import shutil
import threading
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import filelock
import openpyxl
import pytest

from tests.data.store.excel_extras import FEATURES, decorate, surviving
from unionplan.data.store.xlsx import XlsxStore
from unionplan.errors import BackendUnavailableError, ConfigError, NotFoundError

HEADER = ["编号", "活动名称", "日期", "预算(元)"]


def _new(path: Path) -> XlsxStore:
    store = XlsxStore(path)
    store.create_tabs({"活动": HEADER, "操作日志": ["编号", "时间", "操作人"]})
    return store


def _ids(grid: list[list]) -> list:
    return [row[0] for row in grid[1:] if row]


def _assert_valid_package(path: Path) -> None:
    """Every CRC checks out and every XML part parses (Excel refuses a file otherwise)."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ET.fromstring(z.read(name))


# ---------------------------------------------------------------- basics


def test_missing_file_reads_as_empty_and_has_no_token(tmp_path: Path) -> None:
    store = XlsxStore(tmp_path / "none" / "wb.xlsx")
    assert store.read_all() == {}
    assert store.change_token() is None
    assert store.location == str((tmp_path / "none" / "wb.xlsx").resolve())


def test_round_trip_with_chinese_text(tmp_path: Path) -> None:
    path = tmp_path / "data" / "工会.xlsx"  # parent folder does not exist yet
    store = _new(path)
    store.append_rows(
        "活动",
        [
            ["A-1", "三八妇女节插花活动", "2026-03-08", 1200],
            ["A-2", "职工趣味运动会", None, 3000.5],
        ],
        id_col=1,
    )
    assert store.change_token() is not None

    fresh = XlsxStore(path).read_all()
    assert list(fresh) == ["活动", "操作日志"]
    assert fresh["活动"] == [
        HEADER,
        ["A-1", "三八妇女节插花活动", "2026-03-08", 1200],
        ["A-2", "职工趣味运动会", None, 3000.5],
    ]
    assert fresh["操作日志"] == [["编号", "时间", "操作人"]]

    ws = openpyxl.load_workbook(path)["活动"]
    assert ws["A1"].font.b is True
    assert ws.freeze_panes == "A2"
    _assert_valid_package(path)


def test_change_token_sees_a_save_within_the_same_mtime_tick(tmp_path: Path) -> None:
    # FAT and exFAT keep mtime in steps of seconds, so do some network shares: another
    # program saving the file in place with the same size within one step leaves inode,
    # size and mtime as they were. The workbook cache keys on this token and must still
    # notice the save.
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [["A-1", "x"]], id_col=1)
    before, st = store.change_token(), os.stat(path)
    edited = tmp_path / "edited.xlsx"
    shutil.copyfile(path, edited)
    XlsxStore(edited).update_cells("活动", [(2, 2, "y")])
    path.write_bytes(edited.read_bytes())  # saved in place: the same file, the same inode
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # within the same mtime step
    after = os.stat(path)
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        st.st_ino,
        st.st_size,
        st.st_mtime_ns,
    )  # the premise: nothing but the content tells the two saves apart
    assert store.change_token() != before
    assert XlsxStore(path).read_tab("活动")[1] == ["A-1", "y"]


def test_create_tabs_leaves_existing_tabs_alone(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [["A-1", "x"]], id_col=1)
    store.create_tabs({"活动": ["other", "header"], "目标": ["编号", "目标名称"]})
    grids = XlsxStore(path).read_all()
    assert list(grids) == ["活动", "操作日志", "目标"]
    assert grids["活动"] == [HEADER, ["A-1", "x"]]
    assert grids["目标"] == [["编号", "目标名称"]]


def test_bad_tab_name_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        XlsxStore(tmp_path / "wb.xlsx").create_tabs({"a/b": ["x"]})


def test_missing_tab_is_not_found(tmp_path: Path) -> None:
    store = _new(tmp_path / "wb.xlsx")
    with pytest.raises(NotFoundError):
        store.read_tab("没有")
    with pytest.raises(NotFoundError):
        store.append_rows("没有", [["x"]], id_col=1)


def test_request_stats_count_reads_and_writes(tmp_path: Path) -> None:
    store = _new(tmp_path / "wb.xlsx")  # 1 write
    store.append_rows("活动", [["A-1"]], id_col=1)
    store.update_cells("活动", [(2, 2, "x")])
    store.read_all()
    store.read_tab("活动")
    assert store.stats.snapshot() == (2, 3)


# ---------------------------------------------------------------- values are data


FORMULA_LIKE = ["=1+1", '=HYPERLINK("http://x")', "+86 138 0000 0000", "-5", "@user"]


def test_formula_looking_strings_are_stored_as_text(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [FORMULA_LIKE], id_col=1)
    store.update_cells("活动", [(2, 6, "=SUM(A1:A9)")])

    ws = openpyxl.load_workbook(path)["活动"]
    for cell, text in zip(ws[2], [*FORMULA_LIKE, "=SUM(A1:A9)"], strict=True):
        assert cell.data_type == "s"
        assert cell.value == text
    assert ws["A2"].value == "=1+1"
    assert XlsxStore(path).read_all()["活动"][1] == [*FORMULA_LIKE, "=SUM(A1:A9)"]


def _odd_values() -> list:
    # pandas and numpy are imported here only: the process test's children import this module.
    import numpy as np
    import pandas as pd

    return [
        "plain",
        "  leading and trailing  ",
        "line\r\nbreak\nand\ttab",
        "bell\x07char",
        "_x0041_ stays literal",
        "<b>&amp;</b>",
        5,
        5.0,
        -0.125,
        1e20,
        2**60,  # more digits than a double keeps: stored as text
        True,
        False,
        dt.date(2026, 3, 8),
        dt.datetime(2026, 3, 8, 14, 30, 15, 123456),
        None,
        "",
        float("nan"),
        decimal.Decimal("1.25"),
        np.int64(3),
        np.float64(2.5),
        pd.Timestamp("2026-05-01 08:00"),
        pd.NaT,
        pd.NA,
        "末尾",
    ]


def test_odd_values_read_back_as_the_transaction_saw_them(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    odd = _odd_values()
    with store.transaction():
        store.append_rows("活动", [odd], id_col=1)
        seen = store.read_tab("活动")
    after = XlsxStore(path).read_tab("活动")
    assert after == seen
    row = after[1]
    assert row[:6] == odd[:6]
    assert row[6:11] == [5, 5, -0.125, 1e20, str(2**60)]
    assert row[11:13] == [True, False]
    assert row[13] == dt.datetime(2026, 3, 8)
    assert row[14] == dt.datetime(2026, 3, 8, 14, 30, 15, 123000)
    assert row[15:18] == [None, None, None]
    assert row[18:22] == [1.25, 3, 2.5, dt.datetime(2026, 5, 1, 8)]
    assert row[22:] == [None, None, "末尾"]
    # openpyxl (Excel's view) agrees on the types
    ws = openpyxl.load_workbook(path)["活动"]
    assert ws["N2"].is_date and ws["N2"].number_format == "yyyy-mm-dd"
    assert ws["L2"].data_type == "b"


# ---------------------------------------------------------------- other content survives


def _titled_workbook(path: Path) -> None:
    """What a union office hands over: a merged title row, the header in row 2, a column
    the app does not know, a formula of the user's own, styles, and a second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动"
    ws["A1"] = "某某公司工会2026年活动计划"
    ws.merge_cells("A1:F1")
    ws.append(["编号", "活动名称", "日期", "预算(元)", "版本", "自定义备注"])
    ws.append(["A-1", "春节慰问", "2026-01-20", 5000, 1, "领导参加"])
    ws.append(["A-2", "植树", "2026-03-12", 800, 1, None])
    ws["G3"] = "=D3*2"
    ws["F4"].fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
    ws["F4"] = "黄色"
    wb.create_sheet("说明")["A1"] = "不要删除本表"
    wb.save(path)


def test_title_rows_merged_cells_and_unknown_columns_survive(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    _titled_workbook(path)
    store = XlsxStore(path)
    store.append_rows("活动", [["A-3", "读书会", "2026-04-23", 300, 1]], id_col=1)
    store.update_cells("活动", [(4, 4, 900), (4, 5, 2)])

    wb = openpyxl.load_workbook(path)
    ws = wb["活动"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws["A1"].value == "某某公司工会2026年活动计划"
    assert ws["F3"].value == "领导参加"
    assert ws["G3"].value == "=D3*2"
    assert (ws["F4"].value, ws["F4"].fill.fgColor.rgb) == ("黄色", "00FFFF00")
    assert [c.value for c in ws[4]][:5] == ["A-2", "植树", "2026-03-12", 900, 2]
    assert [c.value for c in ws[5]][:5] == ["A-3", "读书会", "2026-04-23", 300, 1]
    assert wb["说明"]["A1"].value == "不要删除本表"
    _assert_valid_package(path)
    assert XlsxStore(path).read_tab("活动")[4] == ["A-3", "读书会", "2026-04-23", 300, 1]


def test_charts_pictures_and_excel_extensions_survive_writes_to_their_tab(tmp_path: Path) -> None:
    # What a full openpyxl load + save drops (bench/bench_xlsx_store.py --openpyxl shows it):
    # a write must keep every one of these, on the very tab it writes to.
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [[f"A-{i}", "活动", None, i * 100] for i in range(1, 6)], id_col=1)
    decorate(path, "活动")
    assert all(surviving(path).values())
    other = XlsxStore(path)
    other.append_rows("活动", [["A-6", "读书会", dt.date(2026, 4, 23), 300]], id_col=1)
    other.update_cells("活动", [(3, 4, 150), (2, 2, "改名")])
    with other.transaction():
        other.create_tabs({"备注": ["编号", "内容"]})
        other.append_rows("备注", [["N-1", "新表"]], id_col=1)
    assert surviving(path) == dict.fromkeys(FEATURES, True)
    _assert_valid_package(path)
    grid = XlsxStore(path).read_tab("活动")
    assert grid[1:3] == [["A-1", "改名", None, 100], ["A-2", "活动", None, 150]]
    assert grid[-1] == ["A-6", "读书会", dt.datetime(2026, 4, 23), 300]


def test_a_write_changes_only_the_part_of_the_tab_it_writes_to(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [["A-1", "活动", None, 100]], id_col=1)
    decorate(path, "活动")
    with zipfile.ZipFile(path) as z:
        before = {n: z.read(n) for n in z.namelist()}
    XlsxStore(path).append_rows("操作日志", [["L-1", "2026-03-08", "我"]], id_col=1)
    with zipfile.ZipFile(path) as z:
        after = {n: z.read(n) for n in z.namelist()}
    assert list(after) == list(before)
    assert {n for n in before if after[n] != before[n]} == {"xl/worksheets/sheet2.xml"}


def test_append_goes_below_the_last_value_even_after_gaps(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.update_cells("活动", [(7, 3, "far down")])
    store.append_rows("活动", [["A-9"]], id_col=1)
    grid = XlsxStore(path).read_tab("活动")
    assert grid[6] == [None, None, "far down"]
    assert grid[7] == ["A-9"]


# An Excel-style package written by hand: shared strings, `spans`, x14ac attributes, a shared
# formula with its calcChain, formatted empty rows below the data, a summary sheet.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRINGS = [
    "工会活动计划",
    "编号",
    "名称",
    "日期",
    "预算",
    "公式",
    "A-1",
    "A-2",
    "A-3",
    "合计",
    "自定义",
]
_SHEET1 = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}" xmlns:r="{_R}"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac"
 xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">
<dimension ref="A1:F8"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>
<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>
<sheetData>
<row r="1" spans="1:6" ht="24" customHeight="1" x14ac:dyDescent="0.25"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1"/></row>
<row r="2" spans="1:6" x14ac:dyDescent="0.25"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" t="s"><v>3</v></c><c r="D2" t="s"><v>4</v></c><c r="E2" t="s"><v>5</v></c><c r="F2" t="s"><v>10</v></c></row>
<row r="3" spans="1:6" x14ac:dyDescent="0.25"><c r="A3" t="s"><v>6</v></c><c r="B3" t="s"><v>11</v></c><c r="C3" s="2"><v>46089</v></c><c r="D3"><v>1500</v></c><c r="E3"><f t="shared" ref="E3:E5" si="0">D3*2</f><v>3000</v></c></row>
<row r="4" spans="1:6" x14ac:dyDescent="0.25"><c r="A4" t="s"><v>7</v></c><c r="B4" t="s"><v>12</v></c><c r="D4"><v>500</v></c><c r="E4"><f t="shared" si="0"/><v>1000</v></c></row>
<row r="5" spans="1:6" x14ac:dyDescent="0.25"><c r="A5" t="s"><v>8</v></c><c r="D5"><v>0.5</v></c><c r="E5"><f t="shared" si="0"/><v>1</v></c></row>
<row r="6" spans="1:6" s="3" customFormat="1" x14ac:dyDescent="0.25"><c r="A6" s="3"/><c r="F6" s="3"/></row>
<row r="8" spans="1:6" s="3" customFormat="1" x14ac:dyDescent="0.25"><c r="A8" s="3"/></row>
</sheetData>
<mergeCells count="1"><mergeCell ref="A1:F1"/></mergeCells>
<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>
</worksheet>"""
_SHEET2 = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_MAIN}" xmlns:r="{_R}"><dimension ref="A1:B1"/><sheetData>
<row r="1" spans="1:2"><c r="A1" t="s"><v>9</v></c><c r="B1"><f>SUM(活动!D3:D100)</f><v>2000.5</v></c></row>
</sheetData></worksheet>"""


def _excel_style_workbook(path: Path) -> None:
    sst = "".join(f"<si><t>{s}</t></si>" for s in _STRINGS)
    sst += "<si><r><rPr><b/></rPr><t>富</t></r><r><t>文本</t></r></si>"  # 11: rich text
    sst += '<si><t xml:space="preserve"> 植树 </t></si>'  # 12
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/calcChain.xml" ContentType="{ct}.calcChain+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_R}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_R}"><workbookPr defaultThemeVersion="166925"/>'
            '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" '
            'windowHeight="12300"/></bookViews><sheets><sheet name="活动" sheetId="1" '
            'r:id="rId1"/><sheet name="汇总" sheetId="2" r:id="rId2"/></sheets>'
            '<calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_R}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_R}/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{_R}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId4" Type="{_R}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId5" Type="{_R}/calcChain" Target="calcChain.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN}"><fonts count="2"><font><sz val="11"/><name val="等线"/>'
            '</font><font><b/><sz val="16"/><name val="等线"/></font></fonts><fills count="2">'
            '<fill><patternFill patternType="none"/></fill><fill><patternFill '
            'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/>'
            '<top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
            'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="4">'
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" '
            'applyNumberFormat="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
            'xfId="0" applyAlignment="1"><alignment wrapText="1"/></xf></cellXfs>'
            '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}" count="13" uniqueCount="13">{sst}</sst>',
        "xl/calcChain.xml": (
            f'<calcChain xmlns="{_MAIN}"><c r="E3" i="1"/><c r="E4"/><c r="E5"/>'
            '<c r="B1" i="2"/></calcChain>'
        ),
        "xl/worksheets/sheet1.xml": _SHEET1,
        "xl/worksheets/sheet2.xml": _SHEET2,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)


def test_excel_style_file_reads(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    _excel_style_workbook(path)
    grids = XlsxStore(path).read_all()
    assert list(grids) == ["活动", "汇总"]
    assert grids["活动"] == [
        ["工会活动计划"],
        ["编号", "名称", "日期", "预算", "公式", "自定义"],
        ["A-1", "富文本", dt.datetime(2026, 3, 8), 1500, 3000],
        ["A-2", " 植树 ", None, 500, 1000],
        ["A-3", None, None, 0.5, 1],
    ]
    assert grids["汇总"] == [["合计", 2000.5]]


def test_excel_style_file_append_and_update_by_surgery(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    _excel_style_workbook(path)
    store = XlsxStore(path)
    store.append_rows("活动", [["A-4", "=新", dt.date(2026, 5, 1), 99]], id_col=1)
    store.update_cells("活动", [(4, 2, "植树节"), (5, 3, dt.datetime(2026, 6, 1, 9, 30))])

    grid = XlsxStore(path).read_tab("活动")
    assert grid[3] == ["A-2", "植树节", None, 500, 1000]
    assert grid[4] == ["A-3", None, dt.datetime(2026, 6, 1, 9, 30), 0.5, 1]
    assert grid[5] == ["A-4", "=新", dt.datetime(2026, 5, 1), 99]  # in the formatted row 6
    assert len(grid) == 6

    names = zipfile.ZipFile(path).namelist()
    assert "xl/calcChain.xml" in names  # no formula was touched
    assert "xl/sharedStrings.xml" in names
    wb = openpyxl.load_workbook(path)
    ws = wb["活动"]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 16
    assert ws["E3"].value == "=D3*2"
    assert ws["F6"].style_id == ws["A8"].style_id  # the row's untouched formatted cell
    assert ws["B6"].data_type == "s" and ws["B6"].value == "=新"
    assert ws["C6"].is_date
    assert wb["汇总"]["B1"].value == "=SUM(活动!D3:D100)"
    assert wb.calculation.fullCalcOnLoad  # Excel recomputes the user's sums on open
    _assert_valid_package(path)


def test_overwriting_formula_cells(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    _excel_style_workbook(path)
    store = XlsxStore(path)
    # A cell that only follows a shared formula: replaced in place, calcChain dropped.
    store.update_cells("活动", [(4, 5, 7)])
    assert "xl/calcChain.xml" not in zipfile.ZipFile(path).namelist()
    _assert_valid_package(path)
    assert b"calcChain" not in zipfile.ZipFile(path).read("[Content_Types].xml")
    assert XlsxStore(path).read_tab("活动")[3][4] == 7
    # The shared formula's master: left to openpyxl, which rewrites the followers.
    store.update_cells("活动", [(3, 5, 8)])
    ws = openpyxl.load_workbook(path)["活动"]
    assert (ws["E3"].value, ws["E4"].value, ws["E5"].value) == (8, 7, "=D5*2")
    assert XlsxStore(path).read_tab("活动")[2] == [
        "A-1",
        "富文本",
        dt.datetime(2026, 3, 8),
        1500,
        8,
    ]
    store.append_rows("活动", [["A-5"]], id_col=1)  # and the store carries on as usual
    assert XlsxStore(path).read_tab("活动")[-1] == ["A-5"]


def test_number_into_a_date_formatted_cell_reads_back_like_a_fresh_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.xlsx"
    _excel_style_workbook(path)
    store = XlsxStore(path)
    store.read_tab("活动")  # cached
    store.update_cells("活动", [(3, 3, 46090)])  # C3 is formatted as a date
    assert store.read_tab("活动") == XlsxStore(path).read_tab("活动")
    assert store.read_tab("活动")[2][2] == dt.datetime(2026, 3, 9)


def test_mac_1904_workbook_dates(tmp_path: Path) -> None:
    path = tmp_path / "mac.xlsx"
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.active.title = "活动"
    wb.active.append(["编号", "日期"])
    wb.save(path)
    XlsxStore(path).append_rows("活动", [["A-1", dt.date(2026, 3, 8)]], id_col=1)
    assert openpyxl.load_workbook(path)["活动"]["B2"].value == dt.datetime(2026, 3, 8)
    assert XlsxStore(path).read_tab("活动")[1] == ["A-1", dt.datetime(2026, 3, 8)]


def test_append_to_a_tab_without_any_cells(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "空"  # openpyxl writes <sheetData/>
    wb.save(path)
    store = XlsxStore(path)
    assert store.read_all() == {"空": []}
    store.append_rows("空", [["a", 1]], id_col=1)
    assert XlsxStore(path).read_all() == {"空": [["a", 1]]}


# ---------------------------------------------------------------- transactions


def test_read_tab_inside_a_transaction_sees_its_own_writes(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    before = path.read_bytes()
    with store.transaction():
        store.append_rows("活动", [["A-1", "x"]], id_col=1)
        store.update_cells("活动", [(2, 2, "y")])
        assert store.read_tab("活动") == [HEADER, ["A-1", "y"]]
        assert path.read_bytes() == before  # saved once, at the end
    assert path.read_bytes() != before
    assert XlsxStore(path).read_tab("活动") == [HEADER, ["A-1", "y"]]


def test_a_failing_transaction_leaves_the_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [["A-1"]], id_col=1)
    before = path.read_bytes()
    with pytest.raises(RuntimeError), store.transaction():
        store.append_rows("活动", [["A-2"]], id_col=1)
        store.create_tabs({"新表": ["x"]})
        raise RuntimeError("crash")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb.xlsx", "wb.xlsx.lock"]
    assert store.read_all() == XlsxStore(path).read_all()  # no phantom rows in memory
    store.append_rows("活动", [["A-3"]], id_col=1)
    assert _ids(XlsxStore(path).read_tab("活动")) == ["A-1", "A-3"]


def test_nested_transactions_save_once_and_roll_back_inner_failures(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    token = store.change_token()
    with store.transaction():
        store.append_rows("活动", [["A-1"]], id_col=1)
        with store.transaction():
            store.append_rows("活动", [["A-2"]], id_col=1)
        assert store.change_token() == token  # the inner block did not save
        with pytest.raises(KeyError), store.transaction():
            store.append_rows("活动", [["A-bad"]], id_col=1)
            raise KeyError("inner")
        store.append_rows("活动", [["A-3"]], id_col=1)
    assert _ids(XlsxStore(path).read_tab("活动")) == ["A-1", "A-2", "A-3"]


def test_lock_held_elsewhere_is_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    _new(path)
    store = XlsxStore(path, lock_timeout=0.2)
    with filelock.FileLock(str(path) + ".lock"), pytest.raises(BackendUnavailableError) as err:
        store.append_rows("活动", [["A-1"]], id_col=1)
    assert "locked by another session" in err.value.detail
    store.append_rows("活动", [["A-1"]], id_col=1)  # free again


# ---------------------------------------------------------------- several writers


def test_changes_by_another_instance_are_seen_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    one = _new(path)
    two = XlsxStore(path)
    assert two.read_tab("活动") == [HEADER]
    one.append_rows("活动", [["A-1"]], id_col=1)
    two.append_rows("活动", [["A-2"]], id_col=1)
    one.append_rows("活动", [["A-3"]], id_col=1)
    two.update_cells("活动", [(2, 2, "two was here")])
    assert one.read_tab("活动")[1:] == [["A-1", "two was here"], ["A-2"], ["A-3"]]


def test_only_tabs_changed_elsewhere_are_read_again(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    one = _new(path)
    one.append_rows("活动", [["A-1"]], id_col=1)
    before = one.read_all()
    XlsxStore(path).update_cells("操作日志", [(2, 1, "L-1")])
    after = one.read_all()
    assert after["活动"] == before["活动"]
    assert after["操作日志"] == [["编号", "时间", "操作人"], ["L-1"]]


def test_edits_made_in_another_program_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    store = _new(path)
    store.append_rows("活动", [["A-1"]], id_col=1)
    wb = openpyxl.load_workbook(path)  # as if someone typed a row in Excel and saved
    wb["活动"].append(["A-by-hand", "手工"])
    wb.save(path)
    store.append_rows("活动", [["A-2"]], id_col=1)
    assert _ids(store.read_tab("活动")) == ["A-1", "A-by-hand", "A-2"]


def test_threads_with_separate_instances_lose_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    _new(path)
    shared = XlsxStore(path)

    def work(t: int) -> None:
        own = XlsxStore(path)
        for i in range(25):
            (own if i % 5 else shared).append_rows("活动", [[f"T{t}-{i}"]], id_col=1)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    ids = _ids(XlsxStore(path).read_tab("活动"))
    assert len(ids) == 100
    assert sorted(ids) == sorted(f"T{t}-{i}" for t in range(4) for i in range(25))


def _append_in_process(path: str, prefix: str, n: int) -> None:
    # A generous lock timeout: on a loaded CI machine a writer may wait its turn for
    # many seconds, and this test is about lost rows, not about speed.
    store = XlsxStore(path, lock_timeout=300.0)
    for i in range(n):
        store.append_rows("活动", [[f"{prefix}-{i}", prefix]], id_col=1)


def test_processes_lose_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    _new(path)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_in_process, args=(str(path), p, 20)) for p in "PQ"]
    for p in procs:
        p.start()
    _append_in_process(str(path), "R", 20)  # and this process too
    for p in procs:
        p.join(600)
        assert p.exitcode == 0
    ids = _ids(XlsxStore(path).read_tab("活动"))
    assert sorted(ids) == sorted(f"{p}-{i}" for p in "PQR" for i in range(20))


# ---------------------------------------------------------------- broken files


@pytest.mark.parametrize(
    "content",
    [b"not a workbook at all", b"PK\x03\x04" + b"\0" * 100, b"\xd0\xcf\x11\xe0" + b"\0" * 600],
    ids=["text", "broken-zip", "ole"],
)
def test_a_corrupt_file_is_backend_unavailable(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "wb.xlsx"
    path.write_bytes(content)
    store = XlsxStore(path)
    with pytest.raises(BackendUnavailableError) as err:
        store.read_all()
    assert str(path) in err.value.detail
    with pytest.raises(BackendUnavailableError):
        store.append_rows("活动", [["A-1"]], id_col=1)
    assert path.read_bytes() == content  # never "repaired" by overwriting


def test_a_zip_that_is_not_a_workbook_is_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(BackendUnavailableError, match="workbook"):
        XlsxStore(path).read_all()


def test_a_truncated_workbook_is_backend_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    _new(path).append_rows("活动", [["A-1"]], id_col=1)
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(BackendUnavailableError):
        XlsxStore(path).read_all()


def test_a_damaged_part_the_app_never_reads_stops_a_save(tmp_path: Path) -> None:
    # Every save writes every part anew (zipio.py): a picture whose bytes are damaged is
    # found then, and the file is left as it is rather than saved with the damage.
    path = tmp_path / "wb.xlsx"
    _new(path).append_rows("活动", [["A-1"]], id_col=1)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/media/image1.png", b"x" * 5000)
    data = bytearray(path.read_bytes())
    at = data.index(b"xl/media/image1.png") + len("xl/media/image1.png")
    data[at + 5 : at + 7] = bytes(b ^ 0xFF for b in data[at + 5 : at + 7])
    path.write_bytes(bytes(data))
    store = XlsxStore(path)
    assert store.read_tab("活动") == [HEADER, ["A-1"]]
    with pytest.raises(BackendUnavailableError, match=r"image1\.png"):
        store.append_rows("活动", [["A-2"]], id_col=1)
    assert path.read_bytes() == bytes(data)


def test_a_path_that_is_not_xlsx_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        XlsxStore(tmp_path / "wb.csv")
    with pytest.raises(ConfigError):
        XlsxStore("  ")
