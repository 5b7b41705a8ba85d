"""A report's tables as an .xlsx: targets, activities held, aid by kind (and the payments
with names only in a report for someone allowed to see them).

The rows are the .docx's (`docx_report.*_rows`), so the two files never disagree. Every
value is written as text exactly as the report prints it; text that looks like a formula
stays text (openpyxl would otherwise store "=…" as a formula).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook as XlsxBook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from unionplan.data.parse import looks_like_formula
from unionplan.reports import docx_report as rows
from unionplan.reports import narrative as words
from unionplan.reports.report import Report

MAX_WIDTH = 60  # characters: long titles wrap in Excel rather than push the sheet wide


def _sheet(ws: Worksheet, header: Sequence[str], body: Sequence[Sequence[str]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for values in body:
        ws.append(["" if v is None else str(v) for v in values])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for col in ws.columns:
        width = max((len(str(c.value or "")) for c in col), default=4)
        ws.column_dimensions[col[0].column_letter].width = min(MAX_WIDTH, width * 2 + 2)
    ws.freeze_panes = "A2"


def to_xlsx(report: Report) -> bytes:
    lang = report.lang
    book = XlsxBook()
    first = book.active
    assert first is not None
    first.title = words.t("sheet_targets", lang)
    _sheet(first, rows.header(rows.TARGET_COLUMNS, lang), rows.targets_rows(report))
    _sheet(
        book.create_sheet(words.t("sheet_activities", lang)),
        rows.header(rows.ACTIVITY_COLUMNS, lang),
        rows.activity_rows(report),
    )
    _sheet(
        book.create_sheet(words.t("sheet_aid", lang)),
        rows.header(rows.AID_COLUMNS, lang),
        rows.aid_rows(report),
    )
    if report.personal:
        _sheet(
            book.create_sheet(words.t("sheet_payments", lang)),
            rows.header(rows.PAYMENT_COLUMNS, lang),
            rows.payment_rows(report),
        )
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
