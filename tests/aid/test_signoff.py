"""The sign-off sheet opens with openpyxl, its total is the sum of its rows to the fen (in
figures and in capitals), and it is set up to print on A4."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl

from tests.aid.conftest import CASES, data_of, standard
from unionplan.aid.campaigns import plan_campaign, plan_rows
from unionplan.aid.money import money_capital, to_money
from unionplan.aid.signoff import SIGN_ROW_HEIGHT, signoff_sheet
from unionplan.data.store.xlsx.values import ooxml_unescape

DAY = dt.date(2026, 1, 20)


def _sheet(**kw: object) -> tuple[openpyxl.Workbook, object]:
    data = data_of(**standard())
    plan = plan_campaign(data, "warmth", date=DAY, fund_source="higher_union",
                         amounts={"C-1": "800.10", "C-3": "333.33", "C-6": "0.57"},
                         amount="1000.01", goods="大米", goods_value=150)  # fmt: skip
    raw = signoff_sheet(
        data, plan_rows(data, plan), kind="warmth", date=DAY, campaign_id=plan.campaign_id, **kw
    )  # type: ignore[arg-type]
    book = openpyxl.load_workbook(io.BytesIO(raw))
    return book, plan


def test_total_is_the_sum_of_the_rows_in_figures_and_capitals() -> None:
    book, plan = _sheet()
    ws = book.active
    header = [c.value for c in ws[3]]
    assert header == ["序号", "姓名", "单位", "帮扶类型", "金额(元)", "签领人签字", "备注"]
    body = [r for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]
    assert [r[0] for r in body] == [1, 2, 3, 4]
    assert [r[1] for r in body] == ["张某芳", "陈某梅", "孙某丽", "王某军"]
    assert [r[2] for r in body] == ["一分会", "二分会", "二分会", "一分会第一小组"]
    assert {r[3] for r in body} == {"送温暖"}
    assert all(r[5] is None for r in body)  # the signature cells are blank
    rows_sum = sum((to_money(r[4]) for r in body), Decimal(0))
    assert rows_sum == Decimal("2134.01") == plan.total_cash
    # the defined name "total" points at the total cell
    dest = next(iter(book.defined_names["total"].destinations))
    total_cell = book[dest[0]][dest[1].replace("$", "")]
    assert to_money(total_cell.value) == rows_sum
    capital_row = [c.value for c in ws[total_cell.row]]
    assert capital_row[0] == "合计（4 户）"
    assert capital_row[5] == "大写：" + money_capital(rows_sum)
    assert capital_row[5] == "大写：人民币贰仟壹佰叁拾肆元零壹分"
    assert "大米（折价 150.00 元）" in body[0][6]


def test_print_setup_and_fonts() -> None:
    book, _ = _sheet()
    ws = book.active
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"  # A4
    assert ws.print_title_rows == "$3:$3"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.row_dimensions[4].height == SIGN_ROW_HEIGHT
    assert ws["B4"].font.name == "SimSun"
    assert ws["A1"].value == "慰问金发放签领表"
    assert "某某镇总工会" in ws["A2"].value and "2026年1月20日" in ws["A2"].value


def test_traditional_chinese_and_english() -> None:
    book, _ = _sheet(lang="zh-Hant")
    assert book.active["A1"].value == "慰問金發放簽領表"
    assert book.active["B4"].font.name == "PMingLiU"
    book, _ = _sheet(lang="en")
    assert book.active["E3"].value == "Amount (CNY)"
    assert book.active["D4"].value == "Winter warmth visit"


def test_text_stays_text_and_control_characters_are_kept() -> None:
    cases = [dict(c) for c in CASES]
    cases[0]["name"] = '=HYPERLINK("http://x")'
    data = data_of(**standard(aid_cases=cases))
    plan = plan_campaign(data, "warmth", date=DAY, fund_source="higher_union", amount=10,
                         notes="第一行\x07响铃")  # fmt: skip
    raw = signoff_sheet(data, plan_rows(data, plan), kind="warmth", date=DAY)
    ws = openpyxl.load_workbook(io.BytesIO(raw)).active
    assert ws["B4"].value == '=HYPERLINK("http://x")' and ws["B4"].data_type == "s"
    # Escaped the way the workbook keeps it: Excel (and the app) read the BEL back.
    assert ws["G4"].value == "第一行_x0007_响铃"
    assert ooxml_unescape(ws["G4"].value) == "第一行\x07响铃"
