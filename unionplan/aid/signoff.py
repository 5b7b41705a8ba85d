"""The sign-off sheet of a campaign (慰问金发放签领表) as an .xlsx to print and have each
family sign: title, union, kind and date; 序号, 姓名, 单位, 帮扶类型, 金额(元), a tall blank
signature cell and 备注 per row; the total in figures and in Chinese capitals; A4 with the
header row repeated on every page and the width fitted to the page.

It holds names: only the aid officer produces it. Amounts are written as exact Decimals
and the total is a value (not a formula), the sum of the rows to the fen. Text goes in as
every export writes it (`data.xlsx_export`): never a formula, and control characters
pasted from Word escaped the way the workbook keeps them, not lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.properties import PageSetupProperties

from unionplan import i18n
from unionplan.aid.money import money_capital, money_sum, to_money
from unionplan.data import parse
from unionplan.data.schema import AID_KIND
from unionplan.data.tables import WorkbookData
from unionplan.data.xlsx_export import CellWriter

# Faces every Chinese Windows and macOS has; the charset tells Excel which script.
FONTS: dict[str, tuple[str, int]] = {
    "zh-Hans": ("SimSun", 134),  # 宋体, GB2312
    "zh-Hant": ("PMingLiU", 136),  # 新細明體, Big5
    "en": ("SimSun", 134),  # the names are Chinese whatever the headings' language
}
SIGN_ROW_HEIGHT = 36  # points: room for a signature (and a thumbprint) by hand
WIDTHS = (6, 12, 22, 14, 12, 22, 20)  # 序号 姓名 单位 类型 金额 签字 备注, in characters
MONEY_FORMAT = "#,##0.00"


def _unit_names(data: WorkbookData) -> dict[str, str]:
    units = data.df("units")
    if units.empty:
        return {}
    return {str(u): str(n) for u, n in zip(units["id"], units["name"], strict=True) if n}


def _note(row: dict, lang: str) -> str:
    """备注: the goods given and their value, then the payment's own note."""
    parts = []
    goods, value = row.get("goods"), to_money(row.get("goods_value"))
    if not parse.is_blank(goods):
        parts.append(
            i18n.t("aid.signoff.goods", lang, goods=goods, value=f"{value:,.2f}")
            if value
            else str(goods)
        )
    if not parse.is_blank(row.get("notes")):
        parts.append(str(row["notes"]))
    return "；".join(parts) if lang != "en" else "; ".join(parts)


def signoff_sheet(
    data: WorkbookData,
    rows: pd.DataFrame,
    *,
    kind: str,
    date: dt.date,
    union_name: str | None = None,
    campaign_id: str = "",
    lang: str | None = None,
) -> bytes:
    """The sheet for `rows` (as `campaigns.campaign_rows` or `plan_rows` give them)."""
    lang = lang or data.language
    font_name, charset = FONTS.get(lang, FONTS["zh-Hans"])
    union = union_name if union_name is not None else data.settings.get("union_name", "")
    kind_label = AID_KIND.label(kind, lang)
    units = _unit_names(data)

    def font(**kw: object) -> Font:
        return Font(name=font_name, charset=charset, **kw)  # type: ignore[arg-type]

    wb = Workbook()
    ws = wb.active
    ws.title = i18n.t("aid.signoff.sheet", lang)
    cells = CellWriter(wb, lang)

    def _text(cell: Cell, value: object) -> None:
        cells.text(cell, None if parse.is_blank(value) else value)

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ncol = len(WIDTHS)

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    _text(ws.cell(1, 1), i18n.t("aid.signoff.title", lang))
    ws.cell(1, 1).font = font(bold=True, size=16)
    ws.cell(1, 1).alignment = centre
    ws.row_dimensions[1].height = 30
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    subtitle = i18n.t(
        "aid.signoff.subtitle",
        lang,
        union=union,
        kind=kind_label,
        date=i18n.fmt_date(date, lang),
        campaign=campaign_id,
    )
    _text(ws.cell(2, 1), subtitle)
    ws.cell(2, 1).font = font(size=11)
    ws.cell(2, 1).alignment = left
    header_row = 3
    for j, key in enumerate(("no", "name", "unit", "kind", "amount", "sign", "notes"), start=1):
        c = ws.cell(header_row, j)
        _text(c, i18n.t(f"aid.signoff.col_{key}", lang))
        c.font = font(bold=True)
        c.border = box
        c.alignment = centre
    r = header_row
    amounts: list[Decimal] = []
    for n, row in enumerate(rows.to_dict("records"), start=1):
        r += 1
        cash = to_money(row.get("cash"))
        amounts.append(cash)
        values: list[object] = [
            n,
            row.get("name"),
            units.get(str(row.get("unit")), row.get("unit")),
            AID_KIND.label(str(row.get("kind") or kind), lang),
            cash,
            "",
            _note(row, lang),
        ]
        for j, v in enumerate(values, start=1):
            c = ws.cell(r, j)
            if j == 1:
                c.value = v
            elif j == 5:
                c.value = cash  # a Decimal: written exactly as the fen amount
                c.number_format = MONEY_FORMAT
            else:
                _text(c, v)
            c.font = font()
            c.border = box
            c.alignment = centre if j in (1, 4, 5) else left
        ws.row_dimensions[r].height = SIGN_ROW_HEIGHT
    total = money_sum(amounts)
    r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=4)
    _text(ws.cell(r, 1), i18n.t("aid.signoff.total", lang, n=len(amounts)))
    ws.cell(r, 5).value = total
    ws.cell(r, 5).number_format = MONEY_FORMAT
    ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=ncol)
    _text(ws.cell(r, 6), i18n.t("aid.signoff.capital", lang, capital=money_capital(total)))
    for j in range(1, ncol + 1):
        c = ws.cell(r, j)
        c.font = font(bold=True)
        c.border = box
        c.alignment = centre if j <= 5 else left
    ws.row_dimensions[r].height = 24
    total_row = r
    r += 2
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
    _text(ws.cell(r, 1), i18n.t("aid.signoff.footer", lang))
    ws.cell(r, 1).font = font()
    ws.cell(r, 1).alignment = left
    ws.row_dimensions[r].height = 24

    for j, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as the list needs
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    # Where a reader (and the test) finds the total without parsing the layout.
    quoted = "'" + ws.title.replace("'", "''") + "'"
    wb.defined_names["total"] = DefinedName("total", attr_text=f"{quoted}!$E${total_row}")
    return cells.save()
