"""新建计划 page widgets: where the new year's plan comes from (a starter template or last
year's plan), what it will create, and the confirmed write.

The records are `unionplan.plan.newyear` (`new_year_from_template`, `new_year_from_last`,
`start_new_year`: one write, plan_year included, an administrator's); this module shows
them as people check a plan: sections and goals, activities month by month, units added.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITIES, ACTIVITY_CATEGORY, TARGETS
from unionplan.data.tables import WorkbookData
from unionplan.data.values import py
from unionplan.errors import UnionplanError, ValidationError
from unionplan.plan import newyear
from unionplan.reports.figures import NO_SECTION
from unionplan.reports.workplan import goal_text
from unionplan.ui import lang, md_text, person, show_error, t, workbook, write

FROM_KEY = "np_from"
KIND_KEY = "np_kind"
YEAR_KEY = "np_year"


def _has_plan(d: WorkbookData, year: int) -> tuple[int, int]:
    """(activities starting in `year`, targets due in it): what the workbook already holds."""
    acts = d.df("activities")
    targets = d.df("targets")

    def in_year(values: Any) -> int:
        return sum(1 for v in values if isinstance(py(v), PlanDate) and py(v).year == year)

    return (
        in_year(acts["start"]) if not acts.empty else 0,
        in_year(targets["deadline"]) if not targets.empty else 0,
    )


def choice(d: WorkbookData) -> tuple[str, str | None, int]:
    """(source: "template" or "last", the template's kind, the new plan's year)."""
    lg = lang()
    source = st.segmented_control(
        t("reports.newplan.source"),
        ["template", "last"],
        format_func=lambda s: i18n.t(f"reports.newplan.source_{s}", lg, year=d.plan_year),
        default="template",
        key=FROM_KEY,
    )
    source = source or "template"
    kind = None
    if source == "template":
        kind = st.selectbox(
            t("reports.newplan.kind"),
            newyear.TEMPLATE_KINDS,
            format_func=lambda k: i18n.t(f"reports.template_{k}", lg),
            key=KIND_KEY,
        )
    if YEAR_KEY not in st.session_state:
        empty = _has_plan(d, d.plan_year) == (0, 0)
        st.session_state[YEAR_KEY] = d.plan_year if empty else d.plan_year + 1
    year = st.number_input(
        t("reports.newplan.year"), min_value=1901, max_value=2199, step=1, key=YEAR_KEY, width=180
    )
    return source, kind, int(year)


def build(d: WorkbookData, source: str, kind: str | None, year: int) -> newyear.NewYear | None:
    """What the new year would write; None after saying why it cannot be made."""
    try:
        if source == "last":
            return newyear.new_year_from_last(d, year)
        return newyear.new_year_from_template(kind or newyear.TEMPLATE_KINDS[0], year, data=d)
    except ValidationError as exc:  # the year: say what is wrong with it, not "invalid"
        messages = [t(k) for keys in exc.problems.values() for k in keys]
        st.error("\n\n".join(messages), icon=":material/error:")
        return None
    except UnionplanError as exc:
        show_error(exc)
        return None


def _records(new: newyear.NewYear, table: str) -> list[dict[str, Any]]:
    return [values for key, values in new.appends if key == table]


def _when(rec: dict[str, Any], lg: str) -> str:
    start, end = rec.get("start"), rec.get("end")
    text = i18n.fmt_date(start, lg) if isinstance(start, PlanDate) else ""
    if isinstance(end, PlanDate) and end != start:
        text += f"–{i18n.fmt_date(end, lg)}"
    return text


def targets_frame(new: newyear.NewYear, lg: str) -> pd.DataFrame:
    """Section, goal ("教职工入会率不低于98%"), deadline, responsible: as a plan states them."""
    label = lambda k: TARGETS.column(k).label.get(lg)  # noqa: E731 - local shorthand
    rows = [
        {
            label("section"): rec.get("section") or i18n.t("reports.other_work", lg),
            i18n.t("reports.wp_goal", lg): goal_text(rec, lg),
            label("deadline"): i18n.fmt_date(rec["deadline"], lg)
            if isinstance(rec.get("deadline"), PlanDate)
            else "",
            label("responsible"): rec.get("responsible") or "",
        }
        for rec in _records(new, "targets")
    ]
    cols = [label("section"), i18n.t("reports.wp_goal", lg), label("deadline")]
    return pd.DataFrame(rows, columns=[*cols, label("responsible")])


def activities_frame(new: newyear.NewYear, lg: str) -> pd.DataFrame:
    """When, what, which kind, who: in date order."""
    label = lambda k: ACTIVITIES.column(k).label.get(lg)  # noqa: E731 - local shorthand
    recs = sorted(
        _records(new, "activities"),
        key=lambda r: r["start"].first() if isinstance(r.get("start"), PlanDate) else dt.date.max,
    )
    rows = [
        {
            label("start"): _when(rec, lg),
            label("title"): rec.get("title") or "",
            label("category"): ACTIVITY_CATEGORY.label(rec.get("category") or "other", lg),
            label("responsible"): rec.get("responsible") or "",
        }
        for rec in recs
    ]
    cols = ("start", "title", "category", "responsible")
    return pd.DataFrame(rows, columns=[label(k) for k in cols])


def preview(d: WorkbookData, new: newyear.NewYear) -> None:
    """What will be created, before anything is."""
    lg = lang()
    sections = list(
        dict.fromkeys(str(r.get("section") or NO_SECTION) for r in _records(new, "targets"))
    )
    with st.container(horizontal=True):
        for key, n in (
            ("sections", len(sections)),
            ("targets", new.count("targets")),
            ("activities", new.count("activities")),
            ("units", new.count("units")),
        ):
            st.metric(t(f"reports.newplan.count_{key}"), n, border=True, width=150)
    if new.year == d.plan_year:
        st.markdown(t("reports.newplan.year_same", year=new.year))
    else:
        st.markdown(t("reports.newplan.year_change", old=d.plan_year, new=new.year))
    if sections:
        names = [md_text(s or i18n.t("reports.other_work", lg)) for s in sections]
        st.markdown(t("reports.newplan.sections", names="、".join(names)))
    units = [md_text(r.get("name")) for r in _records(new, "units")]
    if units:
        st.caption(t("reports.newplan.units", names="、".join(units)))
    acts, tgts = _has_plan(d, new.year)
    if acts or tgts:
        st.warning(
            t("reports.newplan.already", year=new.year, activities=acts, targets=tgts),
            icon=":material/content_copy:",
        )
    st.markdown(f"**{t('reports.newplan.targets_heading')}**")
    st.dataframe(targets_frame(new, lg), hide_index=True, width="stretch", key="np_targets")
    st.markdown(f"**{t('reports.newplan.activities_heading')}**")
    st.dataframe(activities_frame(new, lg), hide_index=True, width="stretch", key="np_acts")


def confirm(new: newyear.NewYear, source: str, kind: str | None) -> None:
    """A confirmation, then the one write. Administrators only (the plan year is a
    setting; the workbook layer refuses anyone else anyway)."""
    if not person().is_admin:
        st.caption(t("reports.newplan.admin_only"))
        return
    confirmed = f"np_ok:{source}:{kind}:{new.year}"  # a new choice asks again
    ok = st.checkbox(t("reports.newplan.confirm", year=new.year), key=confirmed)
    if st.button(
        t("reports.newplan.button", year=new.year),
        type="primary",
        icon=":material/note_add:",
        disabled=not ok,
        key="np_go",
    ):
        write(
            _start,
            new,
            confirmed,
            success=t(
                "reports.newplan.done",
                year=new.year,
                activities=new.count("activities"),
                targets=new.count("targets"),
            ),
        )


def _start(new: newyear.NewYear, confirmed: str) -> list[dict[str, Any]]:
    made = newyear.start_new_year(workbook(), new, person())
    # Written: a second click must be confirmed anew, and the year offered next follows
    # the new plan year.
    for key in (confirmed, YEAR_KEY):
        st.session_state.pop(key, None)
    return made
