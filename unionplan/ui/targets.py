"""Targets page widgets: the period selector, per-section status tables and charts, one
target's detail, the unit assessment with drill-down, and the progress and target forms.

Only layout and session state live here; statuses, roll-ups and checks come from
`unionplan.goals.targets` and `unionplan.goals.assessment`, figures from
`unionplan.goals.charts`. The target form is the record form of `unionplan.ui.forms`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from unionplan import i18n
from unionplan.data import limits
from unionplan.data.parse import PlanDate
from unionplan.data.periods import PERIOD_CODES, period_bounds
from unionplan.data.schema import (
    ACTIVITY_CATEGORY,
    COUNT_SOURCE,
    DIRECTION,
    METRIC,
    PERIOD,
    PROGRESS,
    TARGETS,
    Enum,
)
from unionplan.data.tables import WorkbookData
from unionplan.data.values import is_blank
from unionplan.errors import ValidationError
from unionplan.goals import assessment, charts
from unionplan.goals import target_input as ti
from unionplan.goals import targets as tg
from unionplan.ui import derived, lang, md_text, person, t, workbook, write
from unionplan.ui.forms import Field, RecordForm, record_form, show_problems

PERIOD_KEY = "targets_period"
CHART_CONFIG = {"displaylogo": False, "responsive": True}
BULLETS_SHOWN = 20  # bullet rows per section before "show more": two phone screens
# The page's tabs, in order; labelled targets.tab_<name>.
TABS = ("overview", "detail", "units", "progress", "edit")


def unit_names(d: WorkbookData) -> dict[str, str]:
    """Unit id -> name, once per load. Do not mutate."""
    return derived(_unit_names, d)


def _unit_names(d: WorkbookData) -> dict[str, str]:
    df = d.df("units")
    if df.empty:
        return {}
    return {str(i): str(n) for i, n in zip(df["id"], df["name"], strict=True) if not is_blank(i)}


# ------------------------------------------------------------------ the computation


def evaluated(d: WorkbookData, as_of: dt.date) -> pd.DataFrame:
    """`targets.evaluate` once per load and day, not on every widget click (a 500-target
    workbook takes about a second). Shared read-only, like the load itself."""
    return derived(tg.evaluate, d, as_of)


# ------------------------------------------------------------------ period and rules


def period_picker(d: WorkbookData, today: dt.date) -> tuple[str, dt.date]:
    """Q1–Q4, H1/H2 or the year of the plan: every figure on the page follows it."""
    year = d.plan_year
    default = tg.current_period(year, today)
    if st.session_state.get(PERIOD_KEY) not in PERIOD_CODES:
        st.session_state[PERIOD_KEY] = default
    code = st.segmented_control(
        t("targets.period_label"),
        PERIOD_CODES,
        format_func={c: t(f"targets.period_{c}") for c in PERIOD_CODES}.get,
        key=PERIOD_KEY,
    )
    code = code or default  # clicking the selected button again clears it
    as_of = tg.as_of_for(year, code, today)
    start, _ = period_bounds(year, code)
    st.caption(
        t(
            "targets.as_of",
            year=year,
            period=t(f"targets.period_{code}"),
            date=i18n.fmt_date(as_of, lang()),
        )
    )
    if as_of < start:
        st.info(t("targets.future_period"))
    return code, as_of


def rules_caption() -> None:
    """The thresholds, from the constants the computation uses."""
    st.caption(
        t(
            "targets.thresholds",
            on_track=round(tg.ON_TRACK_RATIO * 100),
            at_risk=round(tg.AT_RISK_RATIO * 100),
            days=tg.MILESTONE_AT_RISK_DAYS,
        )
    )


def status_line(df: pd.DataFrame) -> None:
    """ "✔ 已达成 2 · ● 正常推进 5 · …": one line that wraps on a phone."""
    counts = tg.status_counts(df)
    st.markdown(" · ".join(f"{charts.status_label(s, lang())} **{n}**" for s, n in counts.items()))


# ------------------------------------------------------------------ tables


def display_table(df: pd.DataFrame, d: WorkbookData, lg: str) -> pd.DataFrame:
    """The evaluated targets as people read them, one row per target (same index)."""
    tr = lambda key: i18n.t(key, lg)  # noqa: E731 - local shorthand
    units = unit_names(d)
    rows = []
    for r in df.to_dict("records"):
        title = r["title"]
        if r["count_source"] != "manual" and r["metric"] == "count":
            title += f"（{tr('targets.computed_badge')}）"
        rows.append(
            {
                tr("targets.col_title"): title,
                tr("targets.col_target"): f"{DIRECTION.label(r['direction'], lg)} "
                + charts.value_text(r, "target", lg)
                if r["metric"] != "milestone"
                else METRIC.label("milestone", lg),
                tr("targets.col_actual"): charts.value_text(r, "actual", lg),
                tr("targets.col_pct"): (
                    i18n.fmt_percent(r["pct_achieved"], lg)
                    if not is_blank(r["pct_achieved"])
                    else "—"
                ),
                tr("targets.col_expected"): (
                    charts.value_text(r, "expected_by_now", lg)
                    if r["metric"] != "milestone"
                    else "—"
                ),
                tr("targets.col_status"): charts.status_label(r["status"], lg),
                tr("targets.col_deadline"): i18n.fmt_date(
                    r["due"] if is_blank(r["deadline"]) else r["deadline"], lg
                ),
                tr("targets.col_responsible"): r["responsible"],
                tr("targets.col_unit"): ""
                if is_blank(r["unit"])
                else units.get(r["unit"], r["unit"]),
            }
        )
    return pd.DataFrame(rows, index=df.index)


def _display_all(d: WorkbookData, as_of: dt.date, lg: str) -> pd.DataFrame:
    """Every evaluated target's display row, made once per load, day and language."""
    return display_table(evaluated(d, as_of), d, lg)


def _table(part: pd.DataFrame, d: WorkbookData, as_of: dt.date, key: str) -> None:
    """The rows of `part` (a slice of the evaluated targets) as a table."""
    shown = derived(_display_all, d, as_of, lang()).loc[part.index]
    st.dataframe(shown.reset_index(drop=True), hide_index=True, width="stretch", key=key)


def _sections(d: WorkbookData, as_of: dt.date, no_section: str) -> list[tuple[str, pd.Index]]:
    """(section label, row labels of its targets), sections in sheet order."""
    df = evaluated(d, as_of)
    label = df["section"].replace("", no_section)
    return [(str(name), part.index) for name, part in df.groupby(label, sort=False)]


def _summary_charts(d: WorkbookData, as_of: dt.date, lg: str) -> tuple[go.Figure, go.Figure]:
    summary = charts.section_summary(evaluated(d, as_of), i18n.t("targets.no_section", lg))
    return charts.section_status(summary, lg), charts.section_completion(summary, lg)


def _bullets(d: WorkbookData, as_of: dt.date, lg: str, rows: tuple[Any, ...]) -> go.Figure:
    return charts.section_bullets(evaluated(d, as_of).loc[list(rows)], lg)


def overview_tab(d: WorkbookData, as_of: dt.date) -> None:
    """Per section: the status share and completion charts, then each section's targets."""
    status, completion = derived(_summary_charts, d, as_of, lang())
    left, right = st.columns(2)
    left.plotly_chart(status, config=CHART_CONFIG, key="chart_sections")
    right.plotly_chart(completion, config=CHART_CONFIG, key="chart_completion")
    for n, (section, rows) in enumerate(derived(_sections, d, as_of, t("targets.no_section"))):
        st.subheader(t("targets.section_header", section=md_text(section), n=len(rows)))
        _section(n, d, as_of, rows)


def _more(key: str, step: int) -> None:
    st.session_state[key] = st.session_state.get(key, step) + step


@st.fragment
def _section(n: int, d: WorkbookData, as_of: dt.date, rows: pd.Index) -> None:
    """One section's bullets, the first `BULLETS_SHOWN` and more on request (500 bars at
    once are neither readable nor quick), then its table of every target. A fragment:
    "more" redraws this section alone."""
    more_key = f"targets_bullets_shown_{n}"
    shown = min(len(rows), max(st.session_state.get(more_key, BULLETS_SHOWN), BULLETS_SHOWN))
    fig = derived(_bullets, d, as_of, lang(), tuple(rows[:shown]))
    st.plotly_chart(fig, config=CHART_CONFIG, key=f"chart_bullets_{n}")
    if shown < len(rows):
        st.caption(t("targets.bullets_shown", shown=shown, n=len(rows)))
        st.button(
            t("targets.bullets_more", n=min(BULLETS_SHOWN, len(rows) - shown)),
            icon=":material/expand_more:",
            key=f"targets_bullets_more_{n}",
            on_click=_more,
            args=(more_key, BULLETS_SHOWN),
        )
    _table(evaluated(d, as_of).loc[rows], d, as_of, key=f"table_section_{n}")


# ------------------------------------------------------------------ one target


def _target_picker(df: pd.DataFrame, key: str, label: str) -> str | None:
    ids = df["id"].tolist()
    titles = dict(zip(df["id"], df["title"], strict=True))
    if st.session_state.get(key) not in ids:
        st.session_state.pop(key, None)
    return st.selectbox(label, ids, format_func=lambda i: titles.get(i, i), key=key)


@st.fragment
def detail_tab(df: pd.DataFrame, d: WorkbookData, as_of: dt.date) -> None:
    """One target: facts, bullet, quarterly trend, figures by unit and its records. A
    fragment: picking another target redraws this tab alone."""
    lg = lang()
    target_id = _target_picker(df, "targets_detail_pick", t("targets.detail_pick"))
    if target_id is None:
        return
    row = df[df["id"] == target_id].iloc[0].to_dict()
    st.markdown(
        t(
            "targets.detail_facts",
            target=charts.value_text(row, "target", lg, md_text),
            actual=charts.value_text(row, "actual", lg, md_text),
            expected=charts.value_text(row, "expected_by_now", lg, md_text),
            status=charts.status_label(row["status"], lg),
        )
    )
    st.caption(
        t(
            "targets.detail_window",
            start=i18n.fmt_date(row["window_start"], lg),
            due=i18n.fmt_date(row["due"], lg),
        )
    )
    if row["problem"]:
        st.warning(t(row["problem"]))
    if row["metric"] == "count" and row["count_source"] != "manual":
        how = (
            t(
                "targets.detail_by_category",
                category=ACTIVITY_CATEGORY.label(row["count_category"] or "", lg),
            )
            if row["count_source"] == "category"
            else t("targets.detail_by_link")
        )
        st.info(t("targets.detail_computed", how=how))
    st.plotly_chart(charts.bullet(row, lg), config=CHART_CONFIG, key="chart_bullet")
    points = derived(tg.trend, d, target_id, as_of)
    st.plotly_chart(charts.trend(points, row, lg, as_of), config=CHART_CONFIG, key="chart_trend")
    parts = derived(tg.unit_breakdown, d, target_id, as_of)
    if not parts.empty and parts["unit"].notna().any():
        st.markdown(f"**{t('targets.breakdown_title')}**")
        units = unit_names(d)
        shown = pd.DataFrame(
            {
                t("targets.col_unit"): [
                    units.get(u, u) if u else t("targets.breakdown_outside") for u in parts["unit"]
                ],
                t("targets.col_actual"): [
                    charts.value_text(
                        {**row, "actual": v, "numerator": n, "denominator": den}, "actual", lg
                    )
                    for v, n, den in zip(
                        parts["value"], parts["numerator"], parts["denominator"], strict=True
                    )
                ],
            }
        )
        st.dataframe(shown, hide_index=True, width="stretch", key="table_breakdown")
    history(d, target_id)


def history(d: WorkbookData, target_id: str) -> None:
    """The target's progress records, newest first, in the workbook's column names."""
    st.markdown(f"**{t('targets.history_title')}**")
    prog = d.df("progress")
    rows = prog[prog["target_id"] == target_id] if not prog.empty else prog
    if rows.empty:
        st.caption(t("targets.history_none"))
        return
    lg = lang()
    cols = ["date", "value", "numerator", "denominator", "unit", "note", "evidence"]
    shown = rows.sort_values("date", ascending=False, na_position="last")[cols].copy()
    units = unit_names(d)
    shown["unit"] = [units.get(u, u) if not is_blank(u) else "" for u in shown["unit"]]
    shown["date"] = [i18n.fmt_date(v, lg) if not is_blank(v) else "" for v in shown["date"]]
    for c in ("value", "numerator", "denominator"):
        shown[c] = [
            "" if is_blank(v) else i18n.fmt_number(v, lg, 0 if float(v).is_integer() else 2)
            for v in shown[c]
        ]
    for c in ("note", "evidence"):
        shown[c] = ["" if is_blank(v) else str(v) for v in shown[c]]
    shown.columns = [PROGRESS.column(c).label.get(lg) for c in cols]
    st.dataframe(shown, hide_index=True, width="stretch", key="table_history")


# ------------------------------------------------------------------ units


def _unit_scores(d: WorkbookData, as_of: dt.date) -> pd.DataFrame:
    return assessment.unit_scores(evaluated(d, as_of), d.df("units"))


@st.fragment
def units_tab(df: pd.DataFrame, d: WorkbookData, as_of: dt.date) -> None:
    """Assessment score per member unit, best first; pick a unit to see its targets. A
    fragment: picking a unit redraws this tab alone."""
    st.caption(t("targets.units_caption"))
    scores = derived(_unit_scores, d, as_of)
    if scores.empty:
        st.info(t("targets.units_none"))
        return
    pick_key = "targets_unit_pick"
    ids = scores["unit"].tolist()
    if st.session_state.get(pick_key) not in ids:
        st.session_state[pick_key] = ids[0]
    event = st.plotly_chart(
        charts.unit_ranking(scores, lang(), selected=st.session_state[pick_key]),
        config=CHART_CONFIG,
        key="chart_units",
        on_select="rerun",
        selection_mode="points",
    )
    # A click on a bar drills down; applied once per click so the picker stays usable.
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points:
        clicked = ids[int(points[0].get("point_index", 0))]
        if st.session_state.get("_targets_unit_click") != clicked:
            st.session_state["_targets_unit_click"] = clicked
            st.session_state[pick_key] = clicked
            st.rerun()
    names = dict(zip(scores["unit"], scores["name"], strict=True))
    unit = st.selectbox(
        t("targets.units_pick"), ids, format_func=lambda u: names.get(u, u), key=pick_key
    )
    st.markdown(f"**{t('targets.units_targets', unit=md_text(names.get(unit, unit)))}**")
    _table(df[df["unit"] == unit], d, as_of, key="table_unit_targets")


# ------------------------------------------------------------------ forms


@st.fragment
def progress_tab(df: pd.DataFrame, d: WorkbookData, today: dt.date) -> None:
    """Record progress on one target: a value, or numerator and denominator for a rate.
    A fragment: picking a target or a refused entry redraws this tab alone; a saved
    entry reruns the whole page."""
    target_id = _target_picker(df, "tp_target", t("targets.progress_pick"))
    if target_id is None:
        return
    target = d.record("targets", target_id)
    metric = target.get("metric") or "count"
    if metric == "count" and (target.get("count_source") or "manual") != "manual":
        st.info(t("targets.progress_computed"))
        return
    st.caption(
        t("targets.progress_rate_help" if metric == "rate" else "targets.progress_count_help")
    )
    units = unit_names(d)
    none = t("targets.no_unit")
    nonce = st.session_state.get("tp_nonce", 0)  # a new nonce after a save clears the form
    k = lambda f: f"tp_{f}_{target_id}_{nonce}"  # noqa: E731 - widget key shorthand
    with st.form("tp_form", clear_on_submit=False, border=True):
        values: dict[str, Any] = {"target_id": target_id}
        c1, c2 = st.columns(2)
        values["date"] = c1.date_input(
            t("targets.progress_date"), value=today, key=k("date"), format="YYYY-MM-DD"
        )
        unit_ids = [None, *units]
        default_unit = target.get("unit") if target.get("unit") in units else None
        values["unit"] = c2.selectbox(
            t("targets.progress_unit"),
            unit_ids,
            index=unit_ids.index(default_unit),
            format_func=lambda u: none if u is None else units.get(u, u),
            key=k("unit"),
            placeholder=none,
        )
        if metric == "rate":
            c1, c2 = st.columns(2)
            values["numerator"] = c1.number_input(
                t("targets.progress_numerator"), value=None, step=1, key=k("numerator")
            )
            values["denominator"] = c2.number_input(
                t("targets.progress_denominator"), value=None, step=1, key=k("denominator")
            )
        elif metric == "milestone":
            values["value"] = 1 if st.checkbox(t("targets.progress_done"), key=k("done")) else 0
        elif metric == "amount":
            values["value"] = st.number_input(
                t("targets.progress_amount"), value=None, step=100.0, format="%.2f", key=k("value")
            )
        else:
            values["value"] = st.number_input(
                t("targets.progress_value"), value=None, step=1, key=k("value")
            )
        for name in ("note", "evidence"):
            values[name] = st.text_input(
                t(f"targets.progress_{name}"),
                key=k(name),
                max_chars=limits.max_chars(PROGRESS, name),
            )
        submitted = st.form_submit_button(
            t("targets.progress_submit"), type="primary", key="tp_submit"
        )
    if not submitted:
        return
    rec, problems = ti.clean_progress(values, target)
    if problems:
        show_problems(PROGRESS, problems)
        return  # nothing written; the form keeps what was typed

    def append() -> dict:
        out = workbook().append("progress", rec, person())
        st.session_state["tp_nonce"] = nonce + 1
        return out

    title = md_text(target.get("title") or target_id)
    write(append, success=t("targets.progress_saved", title=title))


# A blank direction, period or source reads as its default: not an edit to write.
_DEFAULTS = {"direction": "at_least", "period": "year", "count_source": "manual"}


def _form_text(field: str, value: Any, metric: str | None) -> Any:
    """A stored value as the form shows it: a rate as "95%", a deadline as "2026-06"."""
    if is_blank(value):
        return "" if field not in ("metric", "count_category", "unit") else None
    if field in ("target_value", "baseline"):
        v = float(value)
        if metric == "rate":
            return f"{v * 100:g}%"
        return f"{v:g}"
    if field == "weight":
        return f"{float(value):g}"
    if isinstance(value, PlanDate):
        return value.iso()
    return value


def _enum_field(name: str, enum: Enum, *, blank: bool = False, **kw: Any) -> Field:
    options: list[str | None] = [*([None] if blank else []), *enum.codes()]
    # Labels bound now: AppTest calls format_func after the run, without the session.
    labels = {c: "—" if c is None else enum.label(c, lang()) for c in options}
    return Field(name, "choice", options=options, format=lambda c: labels.get(c, str(c)), **kw)


def _target_form(d: WorkbookData, key: str, record: Mapping[str, Any] | None) -> RecordForm:
    """The target form: the record form of `unionplan.ui.forms` with the target's fields,
    checked by `target_input.clean_target`."""
    units = unit_names(d)
    none = t("targets.no_unit")
    rows = [
        [Field("section"), Field("title", required=True)],
        [
            _enum_field("metric", METRIC, required=True),
            _enum_field("direction", DIRECTION),
            _enum_field("period", PERIOD),
        ],
        [
            Field("target_value", help="targets.target_value_help"),
            Field("baseline"),
            Field("unit_of_measure"),
        ],
        [
            Field("deadline", help="targets.deadline_help"),
            Field("responsible"),
            Field(
                "unit",
                "choice",
                options=[None, *units],
                format=lambda u: none if u is None else units.get(u, u),
            ),
        ],
        [
            Field("weight", help="targets.weight_help"),
            Field("milestones", help="targets.milestones_help"),
        ],
        [
            _enum_field("count_source", COUNT_SOURCE, help="targets.count_source_help"),
            _enum_field("count_category", ACTIVITY_CATEGORY, blank=True),
        ],
        [Field("notes", "textarea")],
    ]
    names = [f.key for row in rows for f in row]

    def to_widgets(rec: Mapping[str, Any] | None) -> dict[str, Any]:
        rec = rec or {}
        values = {f: _form_text(f, rec.get(f), rec.get("metric")) for f in names}
        values.update({f: rec.get(f) or default for f, default in _DEFAULTS.items()})
        values["metric"] = values["metric"] or "count"
        return values

    def validate(raw: dict[str, Any]) -> dict[str, Any]:
        rec, problems = ti.clean_target(raw, d.plan_year)
        if problems:
            raise ValidationError(problems)
        return rec

    return RecordForm(
        key=key,
        table=TARGETS,
        rows=rows,
        to_widgets=to_widgets,
        validate=validate,
        submit_label=t("targets.edit_submit_new" if record is None else "targets.edit_submit"),
        added=lambda values: t("targets.edit_added", title=md_text(values["title"])),
        saved=lambda values: t("targets.edit_saved", title=md_text(values.get("title") or "")),
        show=lambda f, value, rec: str(_form_text(f, value, rec.get("metric"))),
        defaults=_DEFAULTS,
        history=True,
    )


@st.fragment
def edit_tab(d: WorkbookData) -> None:
    """Add a target, or edit one (after checking nobody changed it meanwhile). A fragment,
    like the progress tab."""
    targets = d.df("targets")
    ids = targets["id"].tolist() if not targets.empty else []
    titles = dict(zip(ids, targets["title"], strict=True)) if ids else {}
    new = t("targets.edit_new")
    if st.session_state.get("te_pick") not in [None, *ids]:
        st.session_state.pop("te_pick", None)
    target_id = st.selectbox(
        t("targets.edit_pick"),
        [None, *ids],
        format_func=lambda i: new if i is None else titles.get(i, i),
        key="te_pick",
        placeholder=new,
    )
    record = d.record("targets", target_id) if target_id else None
    key = f"te_{target_id or 'new'}"
    record_form(_target_form(d, key, record), record)
