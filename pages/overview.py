"""概览: the current quarter at a glance, for a leader who opens the app once a quarter."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from unionplan import i18n, overview, ui
from unionplan.ui import aid
from unionplan.ui.targets import evaluated

METRIC_WIDTH = 170  # px: three or more fit a desktop row, two a phone's (358 px)
lang = ui.lang()
today = dt.date.today()
d = ui.data()
# The same cached evaluation the targets page shows, so the two pages never disagree.
s = overview.summary(d, today, evaluated(d, today))

ui.page_header(
    "common.nav.overview",
    " · ".join(
        x
        for x in (
            ui.md_text(s.union_name),
            overview.quarter_label(s, lang),
            ui.t("overview.as_of", date=i18n.fmt_date(s.today, lang)),
        )
        if x
    ),
)


def link(script: str, label_key: str, icon: str) -> None:
    st.page_link(f"pages/{script}", label=ui.t(label_key), icon=icon)


# -- targets ----------------------------------------------------------------------------
st.subheader(ui.t("overview.targets_heading"))
if s.targets_total:
    with st.container(horizontal=True):  # side by side, wrapping two-up on a phone
        for status in overview.HEADLINE:
            st.metric(
                overview.status_label(status, lang),
                s.status_counts.get(status, 0),
                help=ui.t(f"overview.status_help.{status}"),
                border=True,
                width=METRIC_WIDTH,
            )
    st.caption(
        ui.t(
            "overview.targets_total",
            total=s.targets_total,
            achieved=s.status_counts.get("achieved", 0),
            missed=s.status_counts.get("missed", 0),
            not_started=s.status_counts.get("not_started", 0),
        )
    )
    if s.attention.empty:
        st.success(ui.t("overview.attention_none"), icon=":material/check_circle:")
    else:
        st.markdown(f"**{ui.t('overview.attention_heading')}**")
        st.dataframe(overview.attention_table(s, lang), hide_index=True, width="stretch")
    link("targets.py", "overview.see_targets", ":material/flag:")
else:
    st.info(ui.t("overview.no_targets"))
    link("targets.py", "overview.see_targets", ":material/flag:")

# -- next 30 days -----------------------------------------------------------------------
st.subheader(ui.t("overview.next30_heading"))
with st.container(horizontal=True):
    st.metric(
        ui.t("overview.metric_upcoming"),
        len(s.upcoming),
        help=ui.t("overview.metric_upcoming_help"),
        border=True,
        width=METRIC_WIDTH,
    )
    st.metric(
        ui.t("overview.metric_deadlines"),
        ui.t(
            "overview.metric_deadlines_value",
            passed=len(s.deadlines_passed),
            due=len(s.deadlines_due),
        ),
        help=ui.t("overview.metric_deadlines_help"),
        border=True,
        width=METRIC_WIDTH,
    )
    st.metric(
        ui.t("overview.metric_quarter_done"),
        ui.t("overview.metric_quarter_done_value", done=s.quarter_done, total=s.quarter_activities),
        help=ui.t("overview.metric_quarter_done_help"),
        border=True,
        width=METRIC_WIDTH,
    )
# One under the other: side by side, neither table had room for its columns.
st.markdown(f"**{ui.t('overview.upcoming_heading')}**")
if s.upcoming.empty:
    st.caption(ui.t("overview.upcoming_none"))
else:
    st.dataframe(overview.upcoming_table(s, lang), hide_index=True, width="stretch")
link("activities.py", "overview.see_activities", ":material/event:")
st.markdown(f"**{ui.t('overview.deadlines_heading')}**")
if s.deadlines_passed.empty and s.deadlines_due.empty:
    st.caption(ui.t("overview.deadlines_none"))
else:
    st.dataframe(overview.deadlines_table(s, lang), hide_index=True, width="stretch")

# -- aid and data -----------------------------------------------------------------------
st.divider()
with st.container(horizontal=True):
    st.metric(
        ui.t("overview.metric_aid"),
        i18n.fmt_money(s.aid_paid, lang),
        help=ui.t("overview.metric_aid_help", n=s.aid_payments, people=s.aid_people),
        border=True,
        width=METRIC_WIDTH,
    )
    if aid.keeper():  # the files' keeper is told how many reviews are waiting
        st.metric(
            ui.t("overview.metric_reviews_due"),
            s.aid_reviews_due,
            help=ui.t("overview.metric_reviews_due_help"),
            border=True,
            width=METRIC_WIDTH,
        )
    st.metric(
        ui.t("overview.metric_issues"),
        s.issue_count,
        help=ui.t("overview.metric_issues_help"),
        border=True,
        width=METRIC_WIDTH,
    )
if aid.keeper() and s.aid_reviews_due:
    link("aid_cases.py", "overview.see_reviews", ":material/volunteer_activism:")
if s.issue_count:
    link("data.py", "overview.fix_issues", ":material/build:")
else:
    st.caption(ui.t("overview.no_issues"))
