"""A report's tables as an .xlsx: targets, activities held, aid by kind (and the payments
with names only in a report for someone allowed to see them).

The rows are the .docx's (`docx_report.*_rows`), so the two files never disagree. Every
value is written as text exactly as the report prints it, as every export writes text
(`data.xlsx_export`): never a formula, control characters escaped, not a crash.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook as XlsxBook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from unionplan.data.xlsx_export import CellWriter
from unionplan.reports import docx_report as rows
from unionplan.reports import narrative as words
from unionplan.reports.report import Report

MAX_WIDTH = 60  # characters: long titles wrap in Excel rather than push the sheet wide


def _sheet(
    cells: CellWriter, ws: Worksheet, header: Sequence[str], body: Sequence[Sequence[str]]
) -> None:
    for c, name in enumerate(header, start=1):
        cells.text(ws.cell(1, c), name)
        ws.cell(1, c).font = Font(bold=True)
    for r, values in enumerate(body, start=2):
        for c, value in enumerate(values, start=1):
            cells.text(ws.cell(r, c), value)
    for col in ws.columns:
        width = max((len(str(c.value or "")) for c in col), default=4)
        ws.column_dimensions[col[0].column_letter].width = min(MAX_WIDTH, width * 2 + 2)
    ws.freeze_panes = "A2"


def to_xlsx(report: Report) -> bytes:
    lang = report.lang
    book = XlsxBook()
    cells = CellWriter(book, lang)
    first = book.active
    assert first is not None
    first.title = words.t("sheet_targets", lang)
    _sheet(cells, first, rows.header(rows.TARGET_COLUMNS, lang), rows.targets_rows(report))
    _sheet(
        cells,
        book.create_sheet(words.t("sheet_activities", lang)),
        rows.header(rows.ACTIVITY_COLUMNS, lang),
        rows.activity_rows(report),
    )
    _sheet(
        cells,
        book.create_sheet(words.t("sheet_aid", lang)),
        rows.header(rows.AID_COLUMNS, lang),
        rows.aid_rows(report),
    )
    if report.personal:
        _sheet(
            cells,
            book.create_sheet(words.t("sheet_payments", lang)),
            rows.header(rows.PAYMENT_COLUMNS, lang),
            rows.payment_rows(report),
        )
    return cells.save()
