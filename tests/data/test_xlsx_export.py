"""Text into exported .xlsx cells (unionplan.data.xlsx_export), the one way every export
writes text: never a formula; control characters escaped as the workbook keeps them and
read back unchanged by the app's own reader; a text longer than an Excel cell continued
on an overflow tab, nothing lost, every cell within Excel's limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from unionplan import i18n
from unionplan.data.limits import MAX_CELL_CHARS, cell_length
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.store.xlsx.values import ooxml_unescape
from unionplan.data.xlsx_export import CellWriter, xlsx_text

WIDE = "\U00020000"  # 𠀀: two UTF-16 units, as Excel counts

TRICKY = [
    "第一行\x07响铃",  # BEL pasted from Word
    "分栏\x0b符",  # vertical tab (Word's manual line break)
    "\x00\x01\x1f",
    "字面 _x0041_ 不是转义",  # must not come back as "A"
    '=HYPERLINK("http://x")',
    "+86 138",
    "@某人",
    "普通文字",
]


def _export(texts: list[str], tmp_path: Path, lang: str = "zh-Hans") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "活动"
    cells = CellWriter(book, lang)
    for r, text in enumerate(texts, start=1):
        cells.text(ws.cell(r, 1), text)
    path = tmp_path / "export.xlsx"
    path.write_bytes(cells.save())
    return path


def test_text_comes_back_unchanged_through_the_apps_reader(tmp_path: Path) -> None:
    path = _export(TRICKY, tmp_path)
    grid = XlsxStore(path).read_all()["活动"]
    assert [row[0] for row in grid] == TRICKY


def test_text_is_text_and_spelled_as_ooxml(tmp_path: Path) -> None:
    ws = load_workbook(_export(TRICKY, tmp_path)).active
    assert all(c.data_type == "s" for c in ws["A"])  # never "f": nothing is computed
    assert ws["A1"].value == "第一行_x0007_响铃"  # openpyxl shows the escape as stored
    assert ws["A4"].value == "字面 _x005F_x0041_ 不是转义"
    assert [ooxml_unescape(c.value) for c in ws["A"]] == TRICKY
    assert xlsx_text("无需转义") == "无需转义"


def test_empty_text_leaves_the_cell_empty(tmp_path: Path) -> None:
    ws = load_workbook(_export(["", "x"], tmp_path)).active
    assert ws["A1"].value is None and ws["A2"].value == "x"


@pytest.mark.parametrize("size", [MAX_CELL_CHARS + 1, 50_000, 3 * MAX_CELL_CHARS + 5])
def test_a_text_over_the_cell_limit_continues_on_an_overflow_tab(tmp_path: Path, size: int) -> None:
    text = ("困难职工情况说明。\x07" * (size // 10 + 1))[:size]
    path = _export(["前", text, "后"], tmp_path)
    book = load_workbook(path)
    sheet = i18n.t("common.export.overflow_sheet", "zh-Hans")
    assert book.sheetnames == ["活动", sheet]  # the overflow tab last
    ws, over = book["活动"], book[sheet]
    assert ws["A1"].value == "前" and ws["A3"].value == "后"
    kept = ooxml_unescape(ws["A2"].value)
    marker = i18n.t("common.export.overflow_marker", "zh-Hans", sheet=sheet, row=2)
    assert kept.endswith(marker)
    assert [c.value for c in over[1]] == [
        i18n.t(f"common.export.overflow_col_{k}", "zh-Hans") for k in ("cell", "piece", "text")
    ]
    rows = list(over.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["活动!A2"] * len(rows)
    assert [r[1] for r in rows] == list(range(2, len(rows) + 2))
    whole = kept[: -len(marker)] + "".join(ooxml_unescape(r[2]) for r in rows)
    assert whole == text  # nothing lost
    for value in [kept, *(ooxml_unescape(r[2]) for r in rows)]:
        assert cell_length(value) <= MAX_CELL_CHARS


def test_the_cut_counts_as_excel_counts_and_never_splits_a_character(tmp_path: Path) -> None:
    text = WIDE * (MAX_CELL_CHARS // 2 + 10)  # 32,787 units in 16,393 characters
    book = load_workbook(_export([text], tmp_path))
    kept = book["活动"]["A1"].value
    rest = [r[2] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    marker_at = kept.index("…")
    assert kept[:marker_at] + "".join(rest) == text
    assert cell_length(kept) <= MAX_CELL_CHARS


def test_two_long_cells_and_a_taken_tab_title(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Overflow"  # a tab of the workbook already has the name
    cells = CellWriter(book, "en")
    ws = book.active
    long = "x" * (MAX_CELL_CHARS + 100)
    cells.text(ws.cell(1, 1), long)
    cells.text(ws.cell(2, 1), long + "y")
    path = tmp_path / "e.xlsx"
    path.write_bytes(cells.save())
    out = load_workbook(path)
    assert out.sheetnames == ["Overflow", "Overflow (2)"]
    rows = list(out["Overflow (2)"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["Overflow!A1", "Overflow!A2"]
    assert out["Overflow"]["A2"].value.endswith("from row 3)")


@pytest.mark.parametrize(
    "text",
    ["\x07" * 10_000, "_x0041_" * 4_000, "响\x0b" * 5_000],
    ids=["bells", "literal escapes", "line breaks"],
)
def test_text_whose_stored_spelling_is_too_long_is_continued_not_cut(
    tmp_path: Path, text: str
) -> None:
    """Fine for Excel, but 7 characters each when stored: openpyxl would silently cut the
    stored spelling at 32,767 characters. It continues on the overflow tab instead."""
    assert cell_length(text) <= MAX_CELL_CHARS < len(xlsx_text(text))
    book = load_workbook(_export([text], tmp_path))
    stored = [book["活动"]["A1"].value] + [
        r[2] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)
    ]
    assert all(len(s) <= MAX_CELL_CHARS for s in stored)
    kept = ooxml_unescape(stored[0])
    head = kept[: kept.index("……")]
    assert head + "".join(ooxml_unescape(s) for s in stored[1:]) == text
