"""导入计划 page widgets: the plan pasted or uploaded, the columns of a table whose headers
were not recognised, the preview in two editable tables with the lines not understood,
and the import in one write.

Reading and checking are `unionplan.reports.importer` (and the preview's own tables,
`ImportPreview.activity_frame` / `target_frame` / `from_frames`); this module keeps the
session's state: the last plan read (read again only when the text, file, year or column
choice changes) and the editors' corrections, which start afresh with each new reading.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.data import limits
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, DIRECTION, METRIC, PERIOD, TARGETS
from unionplan.data.tables import WorkbookData
from unionplan.errors import UnionplanError
from unionplan.reports import importer
from unionplan.reports.plan_table import FIELDS, TABLE_SUFFIXES, table_columns
from unionplan.reports.plan_text import MAX_CHARS
from unionplan.reports.preview import TARGET_COLUMNS, UNSHOWN_COLUMNS, ImportPreview
from unionplan.ui import flash, lang, md_text, person, show_error, t, workbook, write

HOW_KEY = "imp_how"
TEXT_KEY = "imp_text"
FILE_KEY = "imp_file"
YEAR_KEY = "imp_year"
MAP_KEY = "imp_map"  # + ":" + field
_READ = "_imp_read"  # {reading key: ImportPreview}: the plans last read
UPLOAD_TYPES = ["txt", "md", *(s.lstrip(".") for s in TABLE_SUFFIXES)]


@dataclass(frozen=True)
class Source:
    """The plan as given: pasted text (name "") or an uploaded file's bytes."""

    name: str
    data: str | bytes

    @property
    def is_table(self) -> bool:
        return self.name.lower().endswith(TABLE_SUFFIXES)

    def digest(self) -> str:
        raw = self.data.encode("utf-8") if isinstance(self.data, str) else self.data
        return hashlib.sha1(raw).hexdigest()[:12]


# ------------------------------------------------------------------ the plan and its year


def source_input() -> Source | None:
    """Pasted text or an uploaded file; None until there is something to read."""
    how = st.segmented_control(
        t("reports.import.how"),
        ["paste", "file"],
        format_func={
            "paste": t("reports.import.how_paste"),
            "file": t("reports.import.how_file"),
        }.get,
        default="paste",
        key=HOW_KEY,
    )
    if how == "file":
        up = st.file_uploader(t("reports.import.file"), type=UPLOAD_TYPES, key=FILE_KEY)
        return Source(up.name, up.getvalue()) if up is not None else None
    text = st.text_area(
        t("reports.import.text"),
        height=220,
        max_chars=MAX_CHARS,
        placeholder=t("reports.import.text_placeholder"),
        key=TEXT_KEY,
    )
    return Source("", text) if text and text.strip() else None


def year_input(d: WorkbookData) -> int:
    if YEAR_KEY not in st.session_state:
        st.session_state[YEAR_KEY] = d.plan_year
    return int(
        st.number_input(
            t("reports.import.year"),
            min_value=1901,
            max_value=2199,
            step=1,
            key=YEAR_KEY,
            width=180,
        )
    )


def column_choice(src: Source, missing: bool) -> dict[str, int] | None:
    """Which column holds the month, the activities … of a table: asked when its headers
    were not recognised (`missing`), offered folded away otherwise. None: found by header."""
    assert isinstance(src.data, bytes)
    columns = dict(table_columns(src.data, src.name))
    with st.expander(t("reports.import.columns"), expanded=missing, icon=":material/view_column:"):
        st.caption(t("reports.import.columns_help"))
        chosen: dict[str, int] = {}
        cols = st.columns(3)
        for n, field in enumerate(FIELDS):
            pick = cols[n % 3].selectbox(
                t(f"reports.import.field_{field}"),
                [None, *columns],
                format_func=lambda j: t("reports.import.by_header") if j is None else columns[j],
                key=f"{MAP_KEY}:{field}",
                placeholder=t("reports.import.by_header"),
            )
            if pick is not None:
                chosen[field] = pick
    return chosen or None


READINGS = 4  # plans kept read per session: with and without a column choice, a year back


def read(
    src: Source, year: int, columns: Mapping[str, int] | None
) -> tuple[str, ImportPreview] | None:
    """The preview of the plan, read again only when something it depends on changed:
    (a key naming this reading, the preview); None after saying why it cannot be read."""
    what = f"{src.digest()}|{src.name}|{year}|{sorted((columns or {}).items())}"
    key = hashlib.sha1(what.encode("utf-8")).hexdigest()[:12]
    held: dict[str, ImportPreview] = st.session_state.setdefault(_READ, {})
    if key in held:
        return key, held[key]
    try:
        if isinstance(src.data, str):
            preview = importer.parse_plan_text(src.data, year, source=t("reports.import.pasted"))
        else:
            preview = importer.read_plan(src.data, src.name, year=year, columns=columns)
    except UnionplanError as exc:
        show_error(exc)
        return None
    held[key] = preview
    while len(held) > READINGS:
        held.pop(next(iter(held)))
    return key, preview


# ------------------------------------------------------------------ the preview


def _label(table: Any, key: str) -> str:
    return table.column(key).label.get(lang())


def _choices(enum: Any, lg: str, **kw: Any) -> Any:
    return st.column_config.SelectboxColumn(
        options=enum.codes(), format_func=lambda c: enum.label(c, lg), required=True, **kw
    )


def month_summary(preview: ImportPreview) -> str:
    """ "3月：4项 · 7–8月：5项 · …" ("Mar: 4 · Jul–Aug: 5"): activities per month (or
    span) as read. English names the month, Chinese numbers it."""
    lg = lang()

    def name(month: int) -> str | int:
        return i18n.month_abbr(month) if lg == "en" else month

    parts = []
    # In the plan's order (a school year reads 9月 … 12月 · 1月 … 6月), as month_counts
    # keeps it.
    for months, n in preview.month_counts().items():
        if len(months) == 1:
            parts.append(i18n.t("reports.import.month", lg, month=name(months[0]), n=n))
        elif months:
            first, last = name(months[0]), name(months[-1])
            parts.append(i18n.t("reports.import.months", lg, first=first, last=last, n=n))
    return " · ".join(parts)


def edit(preview: ImportPreview, reading: str) -> ImportPreview:
    """The activities and targets in editable tables; the preview as corrected."""
    lg = lang()
    st.markdown(f"**{t('reports.import.activities', n=len(preview.activities))}**")
    if preview.activities:
        st.caption(month_summary(preview))
    acts = st.data_editor(
        preview.activity_frame(),
        key=f"imp_acts:{reading}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        # The title right after the tick: on a phone it is what shows without scrolling.
        column_order=("include", "title", "start", "end", "category", "responsible", "theme"),
        column_config={
            "include": st.column_config.CheckboxColumn(
                t("reports.import.col_include"), default=True
            ),
            "start": st.column_config.TextColumn(
                _label(ACTIVITIES, "start"), help=t("reports.import.date_help")
            ),
            "end": st.column_config.TextColumn(_label(ACTIVITIES, "end")),
            "title": st.column_config.TextColumn(
                _label(ACTIVITIES, "title"),
                max_chars=limits.FIELD_CHARS["title"],
                required=True,
                width="large",
            ),
            "category": _choices(
                ACTIVITY_CATEGORY,
                lg,
                label=_label(ACTIVITIES, "category"),
                default="other",
                width="medium",  # "Democratic management" whole, not cut off
            ),
            "responsible": st.column_config.TextColumn(_label(ACTIVITIES, "responsible")),
            "theme": st.column_config.TextColumn(t("reports.import.col_theme")),
        },
    )
    st.markdown(f"**{t('reports.import.targets', n=len(preview.targets))}**")
    tgts = st.data_editor(
        preview.target_frame(),
        key=f"imp_tgts:{reading}",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_order=[c for c in TARGET_COLUMNS if c not in UNSHOWN_COLUMNS],
        column_config={
            "include": st.column_config.CheckboxColumn(
                t("reports.import.col_include"), default=True
            ),
            "title": st.column_config.TextColumn(
                _label(TARGETS, "title"),
                max_chars=limits.FIELD_CHARS["title"],
                required=True,
                width="large",
            ),
            "value": st.column_config.NumberColumn(_label(TARGETS, "target_value")),
            "unit": st.column_config.TextColumn(_label(TARGETS, "unit_of_measure")),
            "metric": _choices(METRIC, lg, label=_label(TARGETS, "metric"), default="count"),
            "direction": _choices(
                DIRECTION, lg, label=_label(TARGETS, "direction"), default="at_least"
            ),
            "period": _choices(PERIOD, lg, label=_label(TARGETS, "period"), default="year"),
            "deadline": st.column_config.TextColumn(_label(TARGETS, "deadline")),
            "section": st.column_config.TextColumn(_label(TARGETS, "section")),
            "responsible": st.column_config.TextColumn(_label(TARGETS, "responsible")),
            "note": st.column_config.TextColumn(_label(TARGETS, "notes")),
        },
    )
    return ImportPreview.from_frames(
        preview.year, acts, tgts, issues=preview.issues, source=preview.source
    )


def issues_frame(preview: ImportPreview, lg: str) -> pd.DataFrame:
    """What was not understood, with where it is: things to check first, then the lines
    deliberately left out."""
    ordered = sorted(preview.issues, key=lambda i: (i.level != "warning", i.line or 0))
    col = lambda k: i18n.t(f"reports.import.issue_{k}", lg)  # noqa: E731 - local shorthand
    return pd.DataFrame(
        [
            {
                col("where"): i.where(lg),
                col("kind"): i18n.t(f"reports.import.level_{i.level}", lg),
                col("message"): i.message(lg),
                col("text"): i.text,
            }
            for i in ordered
        ],
        columns=[col(k) for k in ("where", "kind", "message", "text")],
    )


def issues(preview: ImportPreview) -> None:
    lg = lang()
    if not preview.issues:
        st.caption(t("reports.import.no_issues"))
        return
    warnings = sum(1 for i in preview.issues if i.level == "warning")
    heading = t("reports.import.issues", n=len(preview.issues))
    if warnings:  # "(0 to check)" would only make the person look for what is not there
        heading += t("reports.import.issues_check", warnings=warnings)
    st.markdown(f"**{heading}**")
    st.dataframe(issues_frame(preview, lg), hide_index=True, width="stretch", key="imp_issues")


# ------------------------------------------------------------------ the import


def _row_problem(row: Any, problems: Mapping[str, list[str]]) -> str:
    where = i18n.t("reports.line", lang(), line=row.line) if row.line else ""
    message = "；".join(t(k) for keys in problems.values() for k in keys)
    return f"- {where} {md_text(row.title)}: {md_text(message)}"


def would_text(lg: str, *, activities: int, targets: int, existing: int, excluded: int) -> str:
    """What the import would do, in one sentence: the skipped and the unticked named only
    when there are some."""
    tr = lambda key, **kw: i18n.t(f"reports.import.{key}", lg, **kw)  # noqa: E731
    parts = [tr("would", activities=activities, targets=targets)]
    if existing:
        parts.append(tr("would_existing", n=existing))
    if excluded:
        parts.append(tr("would_excluded", n=excluded))
    return tr("would_sep").join(parts) + tr("would_end")


def import_button(d: WorkbookData, edited: ImportPreview) -> None:
    """What the import would do, and the button that does it in one write."""
    plan = importer.plan_import(edited, importer.existing_keys(d), strict=False)
    st.markdown(
        would_text(
            lang(),
            activities=plan.activities,
            targets=plan.targets,
            existing=len(plan.existing),
            excluded=plan.excluded,
        )
    )
    if plan.invalid:
        st.warning(
            t("reports.import.invalid", n=len(plan.invalid))
            + "\n\n"
            + "\n".join(_row_problem(row, p) for row, p in plan.invalid),
            icon=":material/warning:",
        )
    nothing = not plan.create
    if st.button(
        t("reports.import.button"),
        type="primary",
        icon=":material/upload:",
        disabled=nothing or bool(plan.invalid),
        key="imp_go",
    ):
        bar = st.progress(0.0, text=t("reports.import.writing"))

        def tell(done: int, total: int) -> None:
            bar.progress(min(1.0, done / max(total, 1)), text=t("reports.import.writing"))

        write(_import, edited, tell)


def _import(preview: ImportPreview, progress: Any) -> importer.ImportResult:
    result = importer.import_preview(workbook(), preview, person(), progress=progress)
    flash(
        t(
            "reports.import.done",
            activities=len(result.activities),
            targets=len(result.targets),
            existing=len(result.existing),
        )
    )
    return result
