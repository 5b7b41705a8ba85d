"""The 活动安排 export: month, theme, numbered items, as the seed plans lay it out; every
cell is text, never a formula."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from unionplan import i18n
from unionplan.data.parse import PlanDate as P
from unionplan.data.store.xlsx import XlsxStore
from unionplan.plan import schedule_xlsx

ROWS = [
    {"id": "A-1", "title": "庆祝三八妇女节", "category": "festival", "start": P(2026, 3, 8)},
    {"id": "A-2", "title": "趣味运动会", "category": "culture_sports", "start": P(2026, 3)},
    {
        "id": "A-3",
        "title": "工会活动",
        "category": "culture_sports",
        "start": P(2026, 3, 6),
        "time": "16:20-17:00",
        "recurrence": "biweekly",
        "recurrence_until": None,
        "end": P(2026, 4, 30),
        "occurrences": "2026-04-03=skipped; 2026-04-17=skipped",
    },
    {"id": "A-4", "title": "送清凉", "category": "care", "start": P(2026, 7), "end": P(2026, 8)},
    {"id": "A-5", "title": "乒乓球赛", "category": "culture_sports", "start": P(2026, 10), "status": "cancelled"},
    {"id": "A-6", "title": "=HYPERLINK(\"http://x\")", "category": "other", "start": P(2026, 12, 1)},
    {"id": "A-7", "title": "教代会", "category": "democratic", "start": P(2026, 6, 10), "end": P(2026, 6, 11)},
]  # fmt: skip


@pytest.fixture
def df() -> pd.DataFrame:
    cols = ["id", "title", "category", "start", "end", "time", "status", "recurrence",
            "recurrence_until", "occurrences"]  # fmt: skip
    return pd.DataFrame(ROWS).reindex(columns=cols)


def test_months_items_and_themes(df: pd.DataFrame) -> None:
    plans = {p.month: p for p in schedule_xlsx.build(df, 2026, "zh-Hans")}
    assert sorted(plans) == [3, 6, 7, 12]  # April's sessions were all skipped; October cancelled
    assert plans[3].items == [
        "趣味运动会",  # month-only items lead their month, then by date
        "工会活动（每两周，16:20-17:00）",  # listed once in its month, with its rule
        "庆祝三八妇女节（3月8日）",
    ]
    assert plans[3].theme == "文体活动、节日庆祝"
    assert plans[6].items == ["教代会（6月10日至6月11日）"]
    assert plans[7].items == ["送清凉（2026年7月至2026年8月）"]
    assert plans[12].theme == ""  # only "other" that month: no theme rather than "其他"


def test_given_themes_win_and_empty_months_on_request(df: pd.DataFrame) -> None:
    plans = schedule_xlsx.build(df, 2026, "en", themes={3: "争创活动"}, include_empty=True)
    assert [p.month for p in plans] == list(range(1, 13))
    assert plans[2].theme == "争创活动"
    assert plans[0].items == [] and plans[0].theme == ""
    assert plans[5].items == ["教代会 (Jun 10 – Jun 11)"]


def test_xlsx_layout_and_text_cells(df: pd.DataFrame) -> None:
    plans = schedule_xlsx.build(df, 2026, "zh-Hans")
    raw = schedule_xlsx.to_xlsx(plans, 2026, "zh-Hans")
    ws = load_workbook(io.BytesIO(raw)).active
    assert ws.title == "活动安排"
    assert ws["A1"].value == "2026年工会活动安排"
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]] == ["月份", "活动主题", "具体内容"]
    assert [ws.cell(r, 1).value for r in range(3, 7)] == ["3月", "6月", "7月", "12月"]
    assert ws["C3"].value.splitlines() == [
        "1、趣味运动会",
        "2、工会活动（每两周，16:20-17:00）",
        "3、庆祝三八妇女节（3月8日）",
    ]
    # An activity named like a formula stays text: nothing is evaluated when opened.
    assert ws["C6"].value == '1、=HYPERLINK("http://x")（12月1日）'
    assert ws["C6"].data_type == "s"
    assert all(c.data_type == "s" for row in ws.iter_rows(min_row=1) for c in row if c.value)


def test_formula_like_title_alone_in_a_cell_is_text() -> None:
    plans = [schedule_xlsx.MonthPlan(1, theme="=1+1", items=[])]
    ws = load_workbook(
        io.BytesIO(schedule_xlsx.to_xlsx(plans, 2026, "en", title="=SUM(A1)"))
    ).active
    assert ws["A1"].value == "=SUM(A1)" and ws["A1"].data_type == "s"
    assert ws["B3"].value == "=1+1" and ws["B3"].data_type == "s"
    assert ws["A3"].value == "Month 1"


def test_control_characters_pasted_from_word_are_kept(tmp_path: Path) -> None:
    """A title with Word's manual line break (\x0b) or a bell (\x07) once crashed the export."""
    rows = pd.DataFrame(
        [{"id": "A-1", "title": "教代会\x0b第二天", "start": P(2026, 6, 10)},
         {"id": "A-2", "title": "提醒\x07签到", "start": P(2026, 6, 12)}]
    ).reindex(columns=["id", "title", "category", "start", "end", "time", "status",
                       "recurrence", "recurrence_until", "occurrences"])  # fmt: skip
    raw = schedule_xlsx.to_xlsx(schedule_xlsx.build(rows, 2026, "zh-Hans"), 2026, "zh-Hans")
    path = tmp_path / "schedule.xlsx"
    path.write_bytes(raw)
    items = XlsxStore(path).read_all()["活动安排"][2][2]  # as Excel and the app read it
    # split("\n"), not splitlines(): that would split at the \x0b as well
    assert items.split("\n") == ["1、教代会\x0b第二天（6月10日）", "2、提醒\x07签到（6月12日）"]


def test_a_month_longer_than_a_cell_continues_on_an_overflow_tab(tmp_path: Path) -> None:
    title = "长" * 200
    plans = [schedule_xlsx.MonthPlan(3, "节日", [title] * 200)]  # 40,000+ characters in one cell
    path = tmp_path / "schedule.xlsx"
    path.write_bytes(schedule_xlsx.to_xlsx(plans, 2026, "zh-Hans"))
    book = XlsxStore(path).read_all()
    overflow = i18n.t("common.export.overflow_sheet", "zh-Hans")
    assert list(book) == ["活动安排", overflow]
    kept = book["活动安排"][2][2]
    marker = i18n.t("common.export.overflow_marker", "zh-Hans", sheet=overflow, row=2)
    rest = "".join(row[2] for row in book[overflow][1:])
    assert kept.endswith(marker)
    assert (kept[: -len(marker)] + rest).count(title) == 200


def test_empty_schedule() -> None:
    empty = pd.DataFrame(columns=["id", "title", "start", "recurrence"])
    assert schedule_xlsx.build(empty, 2026, "zh-Hans") == []
    ws = load_workbook(io.BytesIO(schedule_xlsx.to_xlsx([], 2026, "zh-Hant"))).active
    assert ws["A1"].value == "2026年工會活動安排" and ws.max_row == 2
