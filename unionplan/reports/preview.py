"""What an import would create: activity and target rows a person can correct, and issues.

`ImportPreview` is what the parsers return and what `importer.import_preview` writes. A
page shows `activity_frame()` and `target_frame()` in editable tables and rebuilds the
preview from the edited tables with `ImportPreview.from_frames`; the CLI prints it.
Every row carries an *import key*: a hash of what identifies the item in the plan (year,
months and title for an activity; year, title, value and unit for a target), stored with
the record, so importing the same plan again skips what is already in the workbook.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from unionplan import i18n
from unionplan.data import parse, schema
from unionplan.data.parse import PlanDate
from unionplan.reports.categories import guess_category
from unionplan.reports.lines import fold
from unionplan.reports.months import MonthHead

Level = Literal["warning", "info"]


@dataclass(frozen=True)
class ImportIssue:
    """A line (or run of lines) that did not become what it seemed to be, or a doubt.

    `key` is a message key of the `reports` locale area, `params` fill it. `level`
    "warning" asks the person to look (a month named twice, an empty month); "info"
    lists what was deliberately left out (prose outside the schedule, a website's ads),
    so no line is dropped without a word.
    """

    line: int | None  # 1-based line of the text, or sheet row of a table
    key: str
    text: str = ""  # the line as typed, shortened
    params: Mapping[str, Any] = field(default_factory=dict)
    last_line: int | None = None  # the run of lines ends here (same as `line` if one)
    level: Level = "warning"

    def message(self, lang: str) -> str:
        return i18n.t(self.key, lang, **dict(self.params))

    def where(self, lang: str) -> str:
        """ "第 3 行" / "第 3–9 行" / "line 3" / "lines 3–9"; "" when not tied to a line."""
        if self.line is None:
            return ""
        if self.last_line and self.last_line != self.line:
            return i18n.t("reports.lines", lang, first=self.line, last=self.last_line)
        return i18n.t("reports.line", lang, line=self.line)


@dataclass
class ActivityRow:
    """One activity the plan schedules. A span ("七、八月份") is one row from start to end."""

    title: str
    start: PlanDate | str | None  # a str only when a person typed one the preview keeps
    end: PlanDate | str | None = None
    category: str = "other"
    theme: str | None = None  # the month's theme heading ("新学期新面貌"), kept as notes
    responsible: str | None = None
    line: int | None = None
    import_key: str = ""
    include: bool = True

    @property
    def months(self) -> tuple[int, ...]:
        """The months the activity covers, in order: (7, 8) for a July–August span."""
        start = self.start if isinstance(self.start, PlanDate) else None
        if start is None:
            return ()
        end = self.end if isinstance(self.end, PlanDate) else start
        last = end.month if end.year == start.year else 12
        return tuple(range(start.month, max(last, start.month) + 1))


@dataclass
class TargetRow:
    """One target a sentence states ("每年不少于2篇")."""

    title: str
    value: float | None
    unit: str  # "%", "篇", "家", "元" …
    metric: str = "count"  # rate | count | amount | milestone
    direction: str = "at_least"
    period: str = "year"
    deadline: PlanDate | str | None = None
    section: str | None = None
    responsible: str | None = None
    note: str | None = None  # "1-2期": a range as written
    line: int | None = None
    import_key: str = ""
    include: bool = True


@dataclass
class ImportPreview:
    """Everything an import would create, and what the parser could not place."""

    year: int
    activities: list[ActivityRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    source: str = ""  # a file name, for messages

    @property
    def empty(self) -> bool:
        return not self.activities and not self.targets

    def month_counts(self) -> dict[tuple[int, ...], int]:
        """How many activities each month (or span of months) has: {(3,): 4, (7, 8): 5}."""
        counts: dict[tuple[int, ...], int] = {}
        for row in self.activities:
            counts[row.months] = counts.get(row.months, 0) + 1
        return counts

    # ---------------------------------------------------------- editable tables

    def activity_frame(self) -> pd.DataFrame:
        """The activity rows for an editable table: dates as text, enum values as codes."""
        return pd.DataFrame(
            [
                {
                    "include": r.include,
                    "start": _date_text(r.start),
                    "end": _date_text(r.end),
                    "title": r.title,
                    "category": r.category,
                    "responsible": r.responsible or "",
                    "theme": r.theme or "",
                    "line": r.line,
                    "import_key": r.import_key,
                }
                for r in self.activities
            ],
            columns=ACTIVITY_COLUMNS,
        ).astype({"line": "Int64"})

    def target_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "include": r.include,
                    "title": r.title,
                    "value": r.value,
                    "unit": r.unit,
                    "metric": r.metric,
                    "direction": r.direction,
                    "period": r.period,
                    "deadline": _date_text(r.deadline),
                    "section": r.section or "",
                    "responsible": r.responsible or "",
                    "note": r.note or "",
                    "line": r.line,
                    "import_key": r.import_key,
                }
                for r in self.targets
            ],
            columns=TARGET_COLUMNS,
        ).astype({"line": "Int64", "value": "float64"})

    @classmethod
    def from_frames(
        cls,
        year: int,
        activities: pd.DataFrame,
        targets: pd.DataFrame,
        *,
        issues: list[ImportIssue] | None = None,
        source: str = "",
    ) -> ImportPreview:
        """The preview as a person corrected it in the two tables.

        Rows added in the table have no import key yet; `importer.import_preview` gives
        them one from their content. Dates stay as typed when they cannot be read, so the
        import reports them instead of dropping the row.
        """
        acts = [
            ActivityRow(
                title=_text(r.get("title")) or "",
                start=_date_value(r.get("start"), year),
                end=_date_value(r.get("end"), year),
                category=_text(r.get("category")) or "other",
                theme=_text(r.get("theme")),
                responsible=_text(r.get("responsible")),
                line=_int(r.get("line")),
                import_key=_text(r.get("import_key")) or "",
                include=_flag(r.get("include")),
            )
            for r in activities.to_dict("records")
        ]
        tgts = [
            TargetRow(
                title=_text(r.get("title")) or "",
                value=_number(r.get("value")),
                unit=_text(r.get("unit")) or "",
                metric=_text(r.get("metric")) or "count",
                direction=_text(r.get("direction")) or "at_least",
                period=_text(r.get("period")) or "year",
                deadline=_date_value(r.get("deadline"), year),
                section=_text(r.get("section")),
                responsible=_text(r.get("responsible")),
                note=_text(r.get("note")),
                line=_int(r.get("line")),
                import_key=_text(r.get("import_key")) or "",
                include=_flag(r.get("include")),
            )
            for r in targets.to_dict("records")
        ]
        return cls(year, acts, tgts, list(issues or []), source)


ACTIVITY_COLUMNS = (
    "include",
    "start",
    "end",
    "title",
    "category",
    "responsible",
    "theme",
    "line",
    "import_key",
)
TARGET_COLUMNS = (
    "include",
    "title",
    "value",
    "unit",
    "metric",
    "direction",
    "period",
    "deadline",
    "section",
    "responsible",
    "note",
    "line",
    "import_key",
)
# Carried through the editable tables, not shown in them: where a row was read, its key.
UNSHOWN_COLUMNS = ("line", "import_key")


# ------------------------------------------------------------------ import keys


_NOT_WORD = re.compile(r"[\W_]+")


def _norm_title(title: str) -> str:
    return _NOT_WORD.sub("", schema.norm(fold(title)))


def _hash(*parts: object) -> str:
    text = "|".join(str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def activity_key(year: int, row: ActivityRow) -> str:
    """'a:…': the same activity of the same plan year gets the same key, however spelt
    (full-width, Traditional, spacing and punctuation do not count)."""
    day = row.start.day if isinstance(row.start, PlanDate) else None
    return "a:" + _hash(year, row.months, day, _norm_title(row.title))


def target_key(year: int, row: TargetRow) -> str:
    value = "" if row.value is None else f"{row.value:g}"
    return "t:" + _hash(year, _norm_title(row.title), value, row.unit)


# A plan whose schedule opens in July or later runs over a school year ("九月 … 次年六月"):
# the months after it turns back to a smaller one belong to the next calendar year.
SCHOOL_YEAR_FROM = 7


@dataclass
class YearTurn:
    """Which year each month heading of a schedule falls in, read in document order.

    A schedule that opens in the year's second half and then comes back to an earlier
    month (九月, 十月 … 十二月, 一月 … 六月) has turned the year: from that heading on,
    the months are the next year's. A calendar-year plan (二月 … 十二月) never turns.
    """

    year: int
    first: int | None = None
    last: int | None = None
    turned: bool = False

    def year_of(self, months: tuple[int, ...]) -> tuple[int, bool]:
        """(the year of a heading's months, whether the year turned at this heading)."""
        low, high = min(months), max(months)
        turns = (
            not self.turned
            and self.first is not None
            and self.first >= SCHOOL_YEAR_FROM
            and self.last is not None
            and low < self.last
        )
        if self.first is None:
            self.first = low
        self.turned = self.turned or turns
        self.last = high
        return self.year + (1 if self.turned else 0), turns


def activity_rows(
    year: int,
    head: MonthHead,
    title: str,
    *,
    category: str | None = None,
    theme: str | None = None,
    responsible: str | None = None,
    line: int | None = None,
) -> list[ActivityRow]:
    """The rows of one scheduled item: one over a span of consecutive months ("七、八月"),
    one in each month of a list that is not consecutive ("3、11月"), keyed."""
    months = sorted(head.months)
    ranges = [(months[0], months[-1])] if head.span else [(m, m) for m in head.months]
    rows = []
    for first, last in ranges:
        row = ActivityRow(
            title=title,
            start=PlanDate(year, first, head.day),
            end=PlanDate(year, last) if last != first else None,
            category=category or guess_category(title),
            theme=theme,
            responsible=responsible,
            line=line,
        )
        row.import_key = activity_key(year, row)
        rows.append(row)
    return rows


# ------------------------------------------------------------------ cell helpers


def _date_text(value: PlanDate | str | None) -> str:
    if isinstance(value, PlanDate):
        return value.iso()
    return value or ""


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _text(value: Any) -> str | None:
    if _blank(value):
        return None
    text = str(value).strip()
    return text or None


def _date_value(value: Any, year: int) -> PlanDate | str | None:
    if isinstance(value, PlanDate):
        return value
    text = _text(value)
    if text is None:
        return None
    parsed, problem = parse.parse_plandate(text, year)
    return parsed if parsed is not None and not problem else text


def _int(value: Any) -> int | None:
    if _blank(value):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: Any) -> float | None:
    if _blank(value):
        return None
    number, problem = parse.parse_number(value)
    return None if problem else number


def _flag(value: Any) -> bool:
    if _blank(value):
        return True
    if isinstance(value, str):
        flag, _ = parse.parse_bool(value)
        return flag
    return bool(value)
