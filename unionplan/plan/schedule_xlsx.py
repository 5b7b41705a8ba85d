"""The month-by-month activity schedule (活动安排) as an .xlsx to print or hand in.

Laid out like the schedules in real plans: a title row, then one row per month with the
month, its theme and the numbered items ("1、庆祝三八节（3月8日）"). openpyxl is used
here only because .xlsx is the export format; every cell is written as every export writes
text (`data.xlsx_export`): never as a formula, so an activity named "=SUM(...)" stays a
name; a control character pasted from Word escaped, not a crash.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from unionplan import i18n
from unionplan.data import periods
from unionplan.data.schema import ACTIVITY_CATEGORY, RECURRENCE
from unionplan.data.xlsx_export import CellWriter
from unionplan.plan import activities

MAX_THEME_PARTS = 3


@dataclass
class MonthPlan:
    """One row of the schedule."""

    month: int
    theme: str = ""
    items: list[str] = field(default_factory=list)


def _short_date(d: dt.date, lang: str) -> str:
    return f"{d:%b} {d.day}" if lang == "en" else f"{d.month}月{d.day}日"


def _item(row: Mapping, lang: str) -> str:
    title = str(row.get("title") or row.get("id"))
    notes: list[str] = []
    start, end = row["date"], row["end"]
    if row.get("recurring"):
        notes.append(RECURRENCE.label(row["_rule"], lang))
    elif row.get("month_only"):
        if (end.year, end.month) != (start.year, start.month):
            notes.append(
                i18n.t(
                    "calendar.range",
                    lang,
                    first=i18n.fmt_month(start.year, start.month, lang),
                    last=i18n.fmt_month(end.year, end.month, lang),
                )
            )
    elif end > start:
        notes.append(
            i18n.t(
                "calendar.range", lang, first=_short_date(start, lang), last=_short_date(end, lang)
            )
        )
    else:
        notes.append(_short_date(start, lang))
    tr = activities.time_range(row.get("time"))
    if tr:
        notes.append(activities.format_time_range(tr))
    if not notes:
        return title
    return f"{title}（{'，'.join(notes)}）" if lang != "en" else f"{title} ({', '.join(notes)})"


def build(
    df: pd.DataFrame,
    year: int,
    lang: str,
    themes: Mapping[int, str] | None = None,
    include_empty: bool = False,
) -> list[MonthPlan]:
    """The schedule rows for `year` from activity records.

    A recurring activity is listed once in each month it happens in, with its rule
    ("每两周"), as plans list "双周五下午4:20–5:00 工会活动" under every month. A
    multi-month item is listed in its first month with its range. Cancelled activities
    and skipped occurrences are left out. The theme is `themes[month]` when given, else
    the month's most frequent categories ("节日庆祝、文体活动").
    """
    lo, hi = periods.year_bounds(year)
    occ = activities.expand(df, lo, hi)
    rules = dict(zip(df["id"], df["recurrence"], strict=True)) if not df.empty else {}
    plans = {m: MonthPlan(m) for m in range(1, 13)}
    categories: dict[int, Counter] = {m: Counter() for m in range(1, 13)}
    listed: set[tuple[int, str]] = set()
    for row in occ.to_dict("records"):
        if row["status"] in activities.NOT_HAPPENING or row["date"].year != year:
            continue
        month = row["date"].month
        if row["recurring"]:
            if (month, row["id"]) in listed:
                continue
            listed.add((month, row["id"]))
            row["_rule"] = rules.get(row["id"])
        plans[month].items.append(_item(row, lang))
        if isinstance(row.get("category"), str) and row["category"] != "other":
            categories[month][row["category"]] += 1  # "其他" says nothing as a theme
    out = []
    for m, plan in plans.items():
        given = (themes or {}).get(m)
        if given:
            plan.theme = given
        else:
            top = [c for c, _ in categories[m].most_common(MAX_THEME_PARTS)]
            sep = "、" if lang != "en" else ", "
            plan.theme = sep.join(ACTIVITY_CATEGORY.label(c, lang) for c in top)
        if plan.items or include_empty:
            out.append(plan)
    return out


def to_xlsx(plans: list[MonthPlan], year: int, lang: str, title: str = "") -> bytes:
    """The schedule as .xlsx bytes: title row, header row, one row per month."""
    wb = Workbook()
    ws = wb.active
    ws.title = i18n.t("calendar.schedule_sheet", lang)
    cells = CellWriter(wb, lang)
    _text = cells.text
    heading = title or i18n.t("calendar.schedule_title", lang, year=year)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    top_left = Alignment(wrap_text=True, vertical="top")

    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    _text(ws.cell(1, 1), heading)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    headers = [
        i18n.t("calendar.col_month", lang),
        i18n.t("calendar.col_theme", lang),
        i18n.t("calendar.col_items", lang),
    ]
    for j, h in enumerate(headers, start=1):
        c = ws.cell(2, j)
        _text(c, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="E8E8E8")
        c.border = border
        c.alignment = Alignment(horizontal="center")
    sep = "、" if lang != "en" else ". "
    for i, plan in enumerate(plans, start=3):
        month = i18n.t("calendar.month_n", lang, month=plan.month)
        items = "\n".join(f"{n}{sep}{text}" for n, text in enumerate(plan.items, start=1))
        for j, value in enumerate((month, plan.theme, items), start=1):
            c = ws.cell(i, j)
            _text(c, value)
            c.border = border
            c.alignment = top_left
            c.number_format = "@"
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 70
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    return cells.save()
