"""报告 page widgets: which report, generating it with progress, the preview with the
narrative a person may edit, and the downloads (.docx with charts, .xlsx tables, the
year's work plan).

The report is `unionplan.reports.report.build_report`; whether it may name aid cases is
`report.may_see_personal` for the signed-in person. Edits are kept in the session per
report (period, unit, language), so they survive a rerun, a visit to another page and a
reload of the workbook. The report is built again only when the workbook's load or the
choice changes, the .docx (its charts take seconds) only when the report or the edits do.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.data import limits
from unionplan.data.tables import WorkbookData
from unionplan.goals import targets as tg
from unionplan.reports import docx_report as rows
from unionplan.reports import narrative as words
from unionplan.reports.docx_base import numbered
from unionplan.reports.docx_report import to_docx
from unionplan.reports.report import AID, OVERVIEW, SECTION, Report, build_report, edited
from unionplan.reports.workplan import workplan_docx
from unionplan.reports.xlsx_report import to_xlsx
from unionplan.ui import lang, md_text, t
from unionplan.ui.targets import unit_names

KINDS: dict[str, tuple[str, ...]] = {
    "quarter": ("Q1", "Q2", "Q3", "Q4"),
    "half": ("H1", "H2"),
    "year": ("Y",),
}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_KEY = "rep_kind"
PERIOD_KEY = "rep_period"
UNIT_KEY = "rep_unit"
_ASKED = "_rep_asked"  # the Choice last generated: the preview shows it
_REPORT = "_rep_report"  # (key, Report): the report of this session's last choice
_DOCX = "_rep_docx"  # (key, bytes): the .docx of that report with those edits
_EDITS = "_rep_edits"  # {edit scope: {section key: text as edited}}


@dataclass(frozen=True)
class Choice:
    """A report asked for: its period code ("Q2", "H1", "Y") and member unit (None: the
    whole union)."""

    period: str
    unit: str | None

    def scope(self, lg: str) -> str:
        """What a person's edits belong to: the same report in the same language."""
        return f"{self.period}|{self.unit or ''}|{lg}"


def file_stem(text: str) -> str:
    """A title as a file name: letters (Chinese too), digits and dashes; the rest '_'."""
    return re.sub(r"[^\w\-]+", "_", text).strip("_") or "report"


# ------------------------------------------------------------------ the choice


def _kind_of(code: str) -> str:
    return next(kind for kind, codes in KINDS.items() if code in codes)


def _default(kind: str, year: int, today: dt.date) -> str:
    """Today's quarter or half of the plan year; the last one for a year already past."""
    codes = KINDS[kind]
    if today.year != year:
        return codes[-1] if today.year > year else codes[0]
    share = (today.month - 1) * len(codes) // 12
    return codes[share]


def chooser(d: WorkbookData, today: dt.date) -> Choice:
    """The kind of report (quarterly, half-year, annual), its period and the member unit."""
    lg = lang()
    year = d.plan_year
    if st.session_state.get(KIND_KEY) not in KINDS:
        st.session_state[KIND_KEY] = _kind_of(tg.current_period(year, today))
    kind = (
        st.segmented_control(
            t("reports.page.kind"),
            list(KINDS),
            format_func=lambda k: i18n.t(f"reports.kind_{k}", lg),
            key=KIND_KEY,
        )
        or _kind_of(tg.current_period(year, today))  # a click on the chosen one clears it
    )
    codes = KINDS[kind]
    if st.session_state.get(PERIOD_KEY) not in codes:
        st.session_state[PERIOD_KEY] = _default(kind, year, today)
    if len(codes) > 1:
        code = st.segmented_control(
            t("reports.page.period"),
            list(codes),
            format_func=lambda c: i18n.t(f"targets.period_{c}", lg),
            key=PERIOD_KEY,
        ) or _default(kind, year, today)
    else:
        code = codes[0]
    names = unit_names(d)
    union = d.settings.get("union_name", "") or t("reports.page.whole_union")
    if st.session_state.get(UNIT_KEY) not in (None, *names):
        st.session_state[UNIT_KEY] = None  # a unit deleted since it was chosen
    unit = st.selectbox(
        t("reports.page.unit"),
        [None, *names],
        format_func=lambda u: union if u is None else names.get(u, u),
        key=UNIT_KEY,
        placeholder=union,
    )
    return Choice(code, unit)


def ask(choice: Choice) -> None:
    st.session_state[_ASKED] = choice


def asked() -> Choice | None:
    found = st.session_state.get(_ASKED)
    return found if isinstance(found, Choice) else None


# ------------------------------------------------------------------ building, with progress


def _progress_bar(first: str) -> tuple[Any, Callable[[int, int, str], None]]:
    bar = st.progress(0.0, text=first)

    def tell(step: int, total: int, label: str) -> None:
        bar.progress(min(1.0, step / max(total, 1)), text=label)

    return bar, tell


def report(d: WorkbookData, choice: Choice, personal: bool, today: dt.date) -> Report:
    """The report of `choice`, built with a progress bar when this session has not built
    it from this load of the workbook yet."""
    lg = lang()
    key: Hashable = (d.location, d.loaded_at, choice, lg, personal, today)
    held = st.session_state.get(_REPORT)
    if held is not None and held[0] == key:
        return held[1]
    bar, tell = _progress_bar(t("reports.page.generating"))
    built = build_report(
        d,
        period=choice.period,
        unit=choice.unit,
        lang=lg,
        personal=personal,
        today=today,
        progress=tell,
    )
    bar.empty()
    st.session_state[_REPORT] = (key, built)
    st.session_state.pop(_DOCX, None)  # it was of another report
    return built


# ------------------------------------------------------------------ the preview


def _edits(scope: str) -> dict[str, str]:
    return st.session_state.setdefault(_EDITS, {}).setdefault(scope, {})


def _keep(scope: str, section: str, widget: str) -> None:
    """A text area's callback: the edit goes where a widget's state does not vanish."""
    _edits(scope)[section] = str(st.session_state.get(widget) or "")


def _restore(scope: str) -> None:
    st.session_state.get(_EDITS, {}).pop(scope, None)


def _text_area(rep: Report, scope: str, key: str, label: str, *, hidden: bool = False) -> None:
    """A section's narrative, editable: the person's text if they edited it, else the
    draft (which follows the workbook when it is read again)."""
    widget = f"rep_text:{scope}:{key}"
    draft = rep.section(key).text
    st.session_state[widget] = _edits(scope).get(key, draft)
    st.text_area(
        label,
        key=widget,
        height="content",
        max_chars=max(limits.INPUT_CHARS["narrative"], len(draft)),
        on_change=_keep,
        args=(scope, key, widget),
        label_visibility="collapsed" if hidden else "visible",
    )


def _table(header: list[str], body: list[list[str]], key: str) -> None:
    st.dataframe(pd.DataFrame(body, columns=header), hide_index=True, width="stretch", key=key)


def preview(rep: Report, choice: Choice) -> dict[str, str]:
    """The report as the .docx lays it out, each narrative in a text area; returns the
    narrative as the person left it."""
    lg = rep.lang
    scope = choice.scope(lg)
    p = rep.period
    st.subheader(md_text(rep.title))
    start, end, as_of = (i18n.fmt_date(x, lg) for x in (p.start, p.end, p.as_of))
    meta = [
        words.t("meta_period", lg, start=start, end=end),
        words.t("meta_as_of", lg, date=as_of),
    ]
    st.caption(words.t("sep_list", lg).join(meta))
    st.caption(t("reports.page.edit_hint"))
    n = 0

    def part(key: str) -> None:
        nonlocal n
        n += 1
        st.markdown(f"##### {numbered(n, words.t(key, lg), lg)}")

    part("h_overview")
    _text_area(rep, scope, OVERVIEW, words.t("h_overview", lg), hidden=True)
    part("h_sections")
    for s in rep.sections:
        if s.key.startswith(SECTION):
            _text_area(rep, scope, s.key, md_text(s.heading))
    part("h_aid")
    _text_area(rep, scope, AID, words.t("h_aid", lg), hidden=True)
    if rep.aid.by_kind:  # else the narrative says no aid was paid; a row of zeros adds nothing
        _table(rows.header(rows.AID_COLUMNS, lg), rows.aid_rows(rep), "rep_aid")
    if rep.personal:
        if rep.aid.payments:
            st.markdown(f"**{words.t('h_aid_payments', lg)}**")
            _table(rows.header(rows.PAYMENT_COLUMNS, lg), rows.payment_rows(rep), "rep_payments")
    else:
        st.caption(words.t("note_no_personal", lg))
    part("h_targets")
    if rep.targets:
        _table(rows.header(rows.TARGET_COLUMNS, lg), rows.targets_rows(rep), "rep_targets")
    else:
        st.caption(t("reports.page.no_targets"))
    part("h_activities")
    if rep.activities:
        _table(rows.header(rows.ACTIVITY_COLUMNS, lg), rows.activity_rows(rep), "rep_activities")
    else:
        st.caption(words.t("no_activities", lg))
    if _edits(scope):
        st.button(
            t("reports.page.restore"),
            icon=":material/undo:",
            key="rep_restore",
            on_click=_restore,
            args=(scope,),
        )
    return edited(rep, _edits(scope))


# ------------------------------------------------------------------ downloads


def downloads(rep: Report, texts: dict[str, str]) -> None:
    """The .docx (made on request, with progress: its charts take seconds) and the
    tables as .xlsx (made when clicked)."""
    held = st.session_state.get(_REPORT)
    key = (held[0] if held else None, tuple(sorted(texts.items())))
    made = st.session_state.get(_DOCX)
    ready = made is not None and made[0] == key
    stem = file_stem(rep.title)
    make = False
    with st.container(horizontal=True):
        if ready:
            st.download_button(
                t("reports.page.docx_download"),
                made[1],
                file_name=f"{stem}.docx",
                mime=DOCX_MIME,
                on_click="ignore",
                type="primary",
                icon=":material/download:",
                key="rep_docx",
            )
        else:
            make = st.button(
                t("reports.page.docx_make"),
                type="primary",
                icon=":material/description:",
                key="rep_docx_make",
            )
        st.download_button(
            t("reports.page.xlsx_download"),
            lambda: to_xlsx(rep),
            file_name=f"{stem}.xlsx",
            mime=XLSX_MIME,
            on_click="ignore",
            icon=":material/table_view:",
            key="rep_xlsx",
        )
    if made is not None and not ready:
        st.caption(t("reports.page.docx_stale"))
    if make:
        bar, tell = _progress_bar(t("reports.page.docx_making"))
        data = to_docx(rep, texts, progress=tell)
        bar.empty()
        st.session_state[_DOCX] = (key, data)
        st.rerun()  # the download button in place of the button that made it


def workplan_button(d: WorkbookData) -> None:
    """The plan year's work plan as a Word document, made when clicked."""
    lg = lang()
    union = d.settings.get("union_name", "") or words.t("the_union", lg)
    st.download_button(
        t("reports.page.workplan_download", year=d.plan_year),
        lambda: workplan_docx(d, lg),
        file_name=f"{file_stem(words.t('wp_title', lg, who=union, year=d.plan_year))}.docx",
        mime=DOCX_MIME,
        on_click="ignore",
        icon=":material/event_note:",
        key="rep_workplan",
    )
