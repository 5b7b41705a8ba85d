"""The quarter at a glance for the home page: target status counts, the next 30 days'
activities and deadlines, aid paid this year and the number of data issues.

Plain pandas, no Streamlit. Target statuses come from `unionplan.goals.targets.evaluate` and
activity occurrences from `unionplan.plan.activities.expand`, so the overview can never
disagree with the targets and activities pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from unionplan import i18n
from unionplan.aid import reviews
from unionplan.data import periods, schema
from unionplan.data.parse import PlanDate
from unionplan.data.periods import last_day
from unionplan.data.tables import WorkbookData
from unionplan.goals import targets
from unionplan.plan import activities

HORIZON_DAYS = 30
# The statuses shown as the page's headline figures (targets still running, whose pace a
# leader can change), in the one status order; the settled ones go in the caption.
HEADLINE = tuple(s for s in targets.STATUSES if s in {"on_track", "at_risk", "behind"})
ATTENTION = ("behind", "at_risk")  # the attention list, worst first


@dataclass(eq=False)
class OverviewSummary:
    """Everything the overview page shows, computed once per load."""

    today: dt.date
    quarter: int
    quarter_start: dt.date
    quarter_end: dt.date
    status_counts: dict[str, int]
    targets_total: int
    attention: pd.DataFrame  # targets behind or at risk: id, title, section, status, deadline
    upcoming: pd.DataFrame  # occurrences in the next 30 days: id, title, category, date, …
    deadlines_passed: pd.DataFrame  # targets past their deadline, not achieved
    deadlines_due: pd.DataFrame  # targets due within 30 days, not achieved
    quarter_activities: int  # occurrences this quarter that are not cancelled
    quarter_done: int
    aid_paid: float  # cash + goods value of aid payments dated this calendar year
    aid_payments: int
    aid_people: int
    issue_count: int
    aid_reviews_due: int = 0  # aid files whose review is overdue or due (aid.reviews)
    union_name: str = ""
    plan_year: int = field(default=0)


_TARGET_COLS = ["id", "title", "section", "status", "deadline", "due"]


def _target_rows(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The evaluated targets with `due`: the day each falls due in its current window
    (a quarterly target's quarter end), else its typed deadline's last day."""
    if evaluated.empty:
        return pd.DataFrame(columns=_TARGET_COLS)
    df = evaluated.reindex(columns=_TARGET_COLS).copy()
    df["due"] = [
        last_day(d) or last_day(typed) for d, typed in zip(df["due"], df["deadline"], strict=True)
    ]
    return df


def _occurrences(data: WorkbookData, start: dt.date, end: dt.date) -> pd.DataFrame:
    occ = activities.expand(data.df("activities"), start, end)
    if occ.empty:
        return occ
    return occ[~occ["status"].isin(activities.NOT_HAPPENING)]


def _aid_this_year(data: WorkbookData, year: int) -> tuple[float, int, int]:
    pay = data.df("aid_payments")
    if pay.empty:
        return 0.0, 0, 0
    dates = pd.Series([d.year if isinstance(d, dt.date) else None for d in pay["date"]])
    this_year = pay[(dates == year).to_numpy()]
    total = float(this_year["cash"].fillna(0).sum() + this_year["goods_value"].fillna(0).sum())
    return total, len(this_year), int(this_year["case_id"].dropna().nunique())


def summary(
    data: WorkbookData, today: dt.date, evaluated: pd.DataFrame | None = None
) -> OverviewSummary:
    """The overview of `data` as seen on `today`.

    `evaluated` is `targets.evaluate(data, today)` when the caller already has it (the
    app caches it per load and day, shared with the targets page); else it is computed.
    """
    q = periods.quarter_of(today)
    q_start, q_end = periods.quarter_bounds(today.year, q)
    horizon = today + dt.timedelta(days=HORIZON_DAYS)

    if evaluated is None:
        evaluated = targets.evaluate(data, today)
    tgt = _target_rows(evaluated)
    counts = targets.status_counts(tgt)
    attention = tgt[tgt["status"].isin(ATTENTION)].copy()
    attention["_order"] = attention["status"].map({s: i for i, s in enumerate(ATTENTION)})
    attention = attention.sort_values(["_order", "due"], na_position="last", key=_sortable)
    open_ = tgt[(tgt["status"] != "achieved") & tgt["due"].notna()]
    # Only this year's passed deadlines: last year's are the year-end summary's business.
    year_start = dt.date(today.year, 1, 1)
    passed = _rows_where(open_, [year_start <= d < today for d in open_["due"]])
    due = _rows_where(open_, [today <= d <= horizon for d in open_["due"]])

    upcoming = _occurrences(data, today, horizon)
    if not upcoming.empty:
        upcoming = upcoming.sort_values(["date", "title"]).reset_index(drop=True)
    quarter = _occurrences(data, q_start, q_end)
    aid_total, aid_n, aid_people = _aid_this_year(data, today.year)

    return OverviewSummary(
        today=today,
        quarter=q,
        quarter_start=q_start,
        quarter_end=q_end,
        status_counts=counts,
        targets_total=len(tgt),
        attention=attention.drop(columns="_order").reset_index(drop=True),
        upcoming=upcoming,
        deadlines_passed=passed.sort_values("due").reset_index(drop=True),
        deadlines_due=due.sort_values("due").reset_index(drop=True),
        quarter_activities=len(quarter),
        quarter_done=int((quarter["status"] == "done").sum()) if not quarter.empty else 0,
        aid_paid=aid_total,
        aid_payments=aid_n,
        aid_people=aid_people,
        issue_count=len(data.issues),
        aid_reviews_due=reviews.due_count(data, today),
        union_name=data.settings.get("union_name", "").strip(),
        plan_year=data.plan_year,
    )


def _rows_where(df: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
    # An explicit bool array: an empty Python list would select columns, not rows.
    return df.loc[np.array(mask, dtype=bool)]


def _sortable(col: pd.Series) -> pd.Series:
    # Dates and None do not compare; sort missing deadlines last via a sentinel.
    if col.name == "due":
        return col.map(lambda d: d if isinstance(d, dt.date) else dt.date.max)
    return col


# ------------------------------------------------------------------ display tables
# Ready-to-show tables with headers and values in the user's language, so the page
# only renders them.


def status_label(status: str, lang: str) -> str:
    return i18n.t(f"overview.status.{status}", lang)


def upcoming_table(s: OverviewSummary, lang: str) -> pd.DataFrame:
    t = lambda k: i18n.t(f"overview.col.{k}", lang)  # noqa: E731 - local shorthand
    if s.upcoming.empty:
        return pd.DataFrame(columns=[t("date"), t("activity"), t("category"), t("status")])
    rows = []
    for r in s.upcoming.itertuples(index=False):
        when = PlanDate(r.date.year, r.date.month) if r.month_only else r.date
        rows.append(
            {
                t("date"): i18n.fmt_date(when, lang),
                t("activity"): r.title or "",
                t("category"): schema.ACTIVITY_CATEGORY.label(r.category, lang)
                if isinstance(r.category, str)
                else "",
                t("status"): schema.ACTIVITY_STATUS.label(r.status, lang)
                if isinstance(r.status, str)
                else "",
            }
        )
    return pd.DataFrame(rows)


def _targets_table(df: pd.DataFrame, lang: str, *, with_days: dt.date | None) -> pd.DataFrame:
    # What a reader acts on comes first: on a phone only the first columns are in view.
    t = lambda k: i18n.t(f"overview.col.{k}", lang)  # noqa: E731 - local shorthand
    keys = ["days", "target", "deadline", "status", "section"]
    if with_days is None:
        keys = ["status", "target", "deadline", "section"]
    rows = []
    for r in df.itertuples(index=False):
        row = {
            "deadline": i18n.fmt_date(r.deadline, lang) if r.deadline is not None else "",
            "target": r.title or "",
            "section": r.section if isinstance(r.section, str) else "",
            "status": status_label(r.status, lang) if isinstance(r.status, str) else "",
        }
        if with_days is not None:
            row["days"] = _days_text((r.due - with_days).days, lang) if r.due else ""
        rows.append({t(k): row[k] for k in keys})
    return pd.DataFrame(rows, columns=[t(k) for k in keys])


def _days_text(days: int, lang: str) -> str:
    if days < 0:
        return i18n.t("overview.days_overdue", lang, n=-days)
    if days == 0:
        return i18n.t("overview.days_today", lang)
    return i18n.t("overview.days_left", lang, n=days)


def deadlines_table(s: OverviewSummary, lang: str) -> pd.DataFrame:
    """Passed deadlines first (most overdue on top), then those due within 30 days."""
    both = pd.concat([s.deadlines_passed, s.deadlines_due], ignore_index=True)
    return _targets_table(both, lang, with_days=s.today)


def attention_table(s: OverviewSummary, lang: str) -> pd.DataFrame:
    return _targets_table(s.attention, lang, with_days=None)


def quarter_label(s: OverviewSummary, lang: str) -> str:
    return i18n.t(
        "overview.quarter_range",
        lang,
        quarter=f"{s.today.year} {i18n.fmt_quarter(s.quarter, lang)}"
        if lang == "en"
        else f"{s.today.year}年{i18n.fmt_quarter(s.quarter, lang)}",
        start=i18n.fmt_date(s.quarter_start, lang),
        end=i18n.fmt_date(s.quarter_end, lang),
    )
