"""Plan tables (.xlsx, .csv) into the same preview: headers in three languages, merged
month cells, several items in one cell, columns mapped by hand, rows that cannot be read."""

from __future__ import annotations

import io

import openpyxl
import pytest

from unionplan.data.parse import PlanDate
from unionplan.errors import UnionplanError
from unionplan.reports.plan_table import parse_plan_table, table_columns

YEAR = 2026


def xlsx(rows: list[list[object]], merge: str | None = None, title_row: bool = True) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title_row:
        sheet.append(["某某中学工会2026年活动安排"])
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_with_a_merged_month_and_numbered_items_in_a_cell() -> None:
    data = xlsx(
        [
            ["月份", "活动主题", "具体内容", "负责人"],
            ["三月份", "争创活动", "1、开展“三八”节庆祝活动\n2、创建“学习年级组”", "女工委"],
            [None, None, "3、趣味运动会", "体育组"],  # under the merged 三月份 cell
            ["7-8月", None, "教职工疗休养", None],
            ["九月份", "教师节", None, None],  # a theme alone is the activity
        ],
        merge="A3:A4",
    )
    preview = parse_plan_table(data, "活动安排.xlsx", year=YEAR)
    assert preview.month_counts() == {(3,): 3, (7, 8): 1, (9,): 1}
    first = preview.activities[0]
    assert (first.title, first.theme, first.responsible, first.line) == (
        "开展“三八”节庆祝活动",
        "争创活动",
        "女工委",
        3,  # the sheet row the person sees
    )
    assert preview.activities[2].responsible == "体育组"
    summer = preview.activities[3]
    assert (summer.start, summer.end, summer.category) == (
        PlanDate(YEAR, 7),
        PlanDate(YEAR, 8),
        "care",
    )
    assert preview.activities[4].title == "教师节"
    assert preview.issues == []


def test_csv_with_english_headers_and_a_typed_category() -> None:
    text = "Month,Activities,Category\n3,Women's Day party,Festival\nApril,Spring outing,\n"
    preview = parse_plan_table(text.encode(), "plan.csv", year=YEAR)
    assert [a.title for a in preview.activities] == ["Women's Day party"]
    assert preview.activities[0].category == "festival"
    (issue,) = preview.issues
    assert (issue.line, issue.key) == (3, "reports.no_month_in_row")  # "April" is not read
    assert "Spring outing" in issue.text


def test_csv_in_traditional_chinese_saved_as_gbk_by_windows() -> None:
    text = "時間,活動內容\n3月,慶祝“三八”節\n10月,乒乓球賽\n"
    preview = parse_plan_table(text.encode("gb18030"), "計劃.csv", year=YEAR)
    assert [(a.title, a.months, a.category) for a in preview.activities] == [
        ("慶祝“三八”節", (3,), "festival"),
        ("乒乓球賽", (10,), "culture_sports"),
    ]


def test_columns_mapped_by_hand() -> None:
    data = xlsx([["时段", "安排", "备注"], ["5月", "劳模座谈", "x"]], title_row=False)
    assert parse_plan_table(data, "a.xlsx", year=YEAR).issues[0].key == "reports.no_header"
    preview = parse_plan_table(
        data, "a.xlsx", year=YEAR, columns={"month": "时段", "items": "安排"}
    )
    assert [(a.title, a.months) for a in preview.activities] == [("劳模座谈", (5,))]
    by_index = parse_plan_table(data, "a.xlsx", year=YEAR, columns={"month": 0, "items": 1})
    # No header row named: every row is data, and the header row itself has no month.
    assert [a.title for a in by_index.activities] == ["劳模座谈"]
    assert by_index.issues[0].key == "reports.no_month_in_row" and by_index.issues[0].line == 1


def test_columns_offered_for_mapping_show_their_top_cells() -> None:
    data = xlsx([["时段", "安排", None, "备注"], ["5月", "劳模座谈", None, "x"]])
    assert table_columns(data, "a.xlsx") == [
        (0, "A · 某某中学工会2026年活动安排 / 时段 / 5月"),
        (1, "B · 安排 / 劳模座谈"),
        (2, "C"),
        (3, "D · 备注 / x"),
    ]
    text = "甲,乙\n5月,座谈\n".encode()
    assert table_columns(text, "a.csv") == [(0, "A · 甲 / 5月"), (1, "B · 乙 / 座谈")]


def test_unknown_mapped_column_is_reported() -> None:
    data = xlsx([["月份", "内容"], ["5月", "座谈"]], title_row=False)
    preview = parse_plan_table(data, "a.xlsx", year=YEAR, columns={"month": "月份", "items": "无"})
    assert [i.key for i in preview.issues] == ["reports.unknown_column", "reports.no_header"]
    assert preview.empty


def test_a_dated_cell_keeps_its_day() -> None:
    import datetime as dt

    data = xlsx([["日期", "活动"], [dt.datetime(2026, 3, 8), "三八节"]], title_row=False)
    preview = parse_plan_table(data, "a.xlsx", year=YEAR)
    assert preview.activities[0].start == PlanDate(2026, 3, 8)


def test_a_damaged_file_is_a_clear_error() -> None:
    with pytest.raises(UnionplanError) as err:
        parse_plan_table(b"not a zip", "plan.xlsx", year=YEAR)
    assert err.value.key == "reports.err_unreadable"
    assert err.value.params == {"name": "plan.xlsx"}


def test_a_school_year_table_puts_its_spring_in_the_next_year() -> None:
    text = "月份,活动内容\n9月,教师节表彰\n11月,秋季运动会\n3月,三八节活动\n5月,五一劳模报告会\n"
    preview = parse_plan_table(text.encode(), "plan.csv", year=YEAR)
    assert [(a.title, a.start) for a in preview.activities] == [
        ("教师节表彰", PlanDate(YEAR, 9)),
        ("秋季运动会", PlanDate(YEAR, 11)),
        ("三八节活动", PlanDate(YEAR + 1, 3)),
        ("五一劳模报告会", PlanDate(YEAR + 1, 5)),
    ]
    assert [(i.line, i.key) for i in preview.issues] == [(4, "reports.next_year")]
