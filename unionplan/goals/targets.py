"""Targets (目标任务): where each one stands on a given day, and checking what people enter.

Plain pandas, no Streamlit. `evaluate(data, as_of)` is the one computation of target
status; the targets page, its charts and the overview page all read it, so they cannot
disagree. The rules, stated on the page from the catalogue:

* The *window* is the period instance the target runs in: the plan year, or the half or
  quarter that contains ``as_of`` for half-yearly and quarterly targets.
* *Expected by now* grows linearly from the window start to the due date (the deadline,
  else the window end), or piecewise linearly through the target's quarterly milestones
  ("Q1:20%;Q2:50%;Q3:75%;Q4:100%"). At quarter ends, where leaders look, the two agree
  with the milestones exactly. A rate starts from its baseline when one is given.
* *Pace* is actual / expected-by-now (for "at most" targets expected / actual, so staying
  under the line is good). On track when pace >= ON_TRACK_RATIO, at risk when
  >= AT_RISK_RATIO, behind below that.
* *Achieved* when the target is met ("at most" targets only once the due date passed);
  *missed* when the due date passed unmet (``as_of`` is the end of that day, so a target
  seen on its due day is settled), or when a cumulative "at most" target is already over
  its limit; *not started* while nothing was expected and nothing recorded.
* A milestone (done / not done) is at risk within MILESTONE_AT_RISK_DAYS of its deadline.

Rates are snapshots: the latest one of each reporting unit counts and units are summed
as numerators and denominators (see `unionplan.goals.assessment`). Counts and amounts are sums
of increments, or for count targets fed by activities, the done occurrences.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from unionplan.data import limits, parse
from unionplan.data.parse import PlanDate
from unionplan.data.periods import (
    half_bounds,
    half_of,
    month_end,
    period_bounds,
    quarter_bounds,
    quarter_of,
    year_bounds,
)
from unionplan.data.tables import WorkbookData
from unionplan.data.values import is_blank, py
from unionplan.goals import assessment
from unionplan.plan.activities import expand

# ---------------------------------------------------------------- the stated rules

ON_TRACK_RATIO = 0.90  # actual >= 90% of expected-by-now: on track
AT_RISK_RATIO = 0.70  # actual >= 70% of expected-by-now: at risk; below: behind
MILESTONE_AT_RISK_DAYS = 30  # an undone milestone this close to its deadline is at risk
DEFAULT_WEIGHT = 1.0  # a blank weight counts once in the assessment

# Display order: what is settled first, then what a leader acts on.
STATUSES: tuple[str, ...] = ("achieved", "on_track", "at_risk", "behind", "missed", "not_started")

COLUMNS: tuple[str, ...] = (
    "id",
    "title",
    "section",
    "metric",
    "direction",
    "period",
    "unit_of_measure",
    "baseline",
    "target",
    "actual",
    "numerator",
    "denominator",
    "pct_achieved",
    "expected_by_now",
    "expected_share",
    "pace",
    "status",
    "deadline",
    "due",
    "window_start",
    "window_end",
    "unit",
    "weight",
    "responsible",
    "count_source",
    "count_category",
    "n_records",
    "last_date",
    "problem",
)


# ---------------------------------------------------------------- periods


def current_period(plan_year: int, today: dt.date) -> str:
    """The selector's default: today's quarter in the plan year, else the whole year."""
    return f"Q{quarter_of(today)}" if today.year == plan_year else "Y"


def as_of_for(plan_year: int, code: str, today: dt.date) -> dt.date:
    """The day the figures of a selected period are taken on.

    A past period is seen as at its last day; the running one (and a future one, which
    has nothing recorded yet) as at today. Figures are cumulative from each target's
    window start, so "Q2" means "by the end of Q2", not "during Q2 only".
    """
    _, end = period_bounds(plan_year, code)
    return min(end, today)


def target_window(period: str | None, plan_year: int, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The period instance a target runs in on `as_of`, inside the plan year."""
    year_start, year_end = year_bounds(plan_year)
    day = min(max(as_of, year_start), year_end)
    if period == "quarter":
        return quarter_bounds(plan_year, quarter_of(day))
    if period == "half":
        return half_bounds(plan_year, half_of(day))
    return year_start, year_end


def elapsed_share(start: dt.date, due: dt.date, as_of: dt.date) -> float:
    """Share of the days from `start` to `due` (both counted) that have passed by the
    end of `as_of`: 0 before the start, 1 from the due date on."""
    if as_of < start:
        return 0.0
    if as_of >= due:
        return 1.0
    return ((as_of - start).days + 1) / ((due - start).days + 1)


# ---------------------------------------------------------------- milestones text

_MS_SEP = re.compile(r"[:：=]")
_MS_SHARE = re.compile(r"[0-9.]+")
_MS_SPLIT = re.compile(r"[;；,，、\n]+")
_CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _milestone_day(key: str, plan_year: int) -> dt.date | None:
    k = parse.clean(key).upper().replace(" ", "")
    m = re.fullmatch(r"Q([1-4])", k) or re.fullmatch(r"第?([一二三四1-4])季度?(?:末)?", k)
    if m:
        return quarter_bounds(plan_year, _CN_Q[m.group(1)])[1]
    if k in ("H1", "上半年"):
        return half_bounds(plan_year, 1)[1]
    if k in ("H2", "下半年", "全年", "年底", "年末"):
        return year_bounds(plan_year)[1]
    pd_, problem = parse.parse_plandate(k, plan_year)
    if pd_ is not None and problem is None:
        return pd_.last()
    return None


def _milestone_item(part: str) -> tuple[str, str, bool] | None:
    """ "Q2 : 50 %" -> ("Q2", "50", True): key, share as typed, whether it is a percentage.

    Split at the first ":", "：" or "=" and strip the sides; no pattern with spaces on
    both sides of something, which long runs of spaces would make quadratic."""
    sep = _MS_SEP.search(part)
    if sep is None:
        return None
    key, share = part[: sep.start()].strip(), part[sep.end() :].strip()
    percent = share.endswith(("%", "％"))
    if percent:
        share = share[:-1].rstrip()
    if not key or not _MS_SHARE.fullmatch(share):
        return None
    return key, share, percent


def parse_milestones(text: Any, plan_year: int) -> tuple[list[tuple[dt.date, float]], bool]:
    """ "Q1:20%;Q2:50%" -> [(31 Mar, 0.2), (30 Jun, 0.5)] and whether all of it was read.

    Shares above 1 are percentages ("Q2:50" is 50%). Keys: Q1–Q4, 一季度…, H1/H2,
    上半年/下半年, or a month ("6月"): the share is due by the end of it.
    """
    if is_blank(text):
        return [], True
    if len(str(text)) > limits.MAX_RULE_CHARS:
        return [], False  # no plan has a rule this long: not read (the cell keeps it)
    points: list[tuple[dt.date, float]] = []
    ok = True
    for part in _MS_SPLIT.split(str(text)):
        if not part.strip():
            continue
        item = _milestone_item(parse.clean(part))
        day = _milestone_day(item[0], plan_year) if item else None
        if item is None or day is None:
            ok = False
            continue
        try:
            share = float(item[1])
        except ValueError:
            ok = False
            continue
        if share > 1 or item[2]:
            share /= 100.0
        points.append((day, share))
    points.sort()
    if any(b[1] < a[1] for a, b in itertools.pairwise(points)):
        ok = False
    return points, ok


def expected_share(
    start: dt.date, due: dt.date, as_of: dt.date, milestones: list[tuple[dt.date, float]]
) -> float:
    """Share of the target expected by `as_of`: linear, or through the milestones."""
    pts = [(d, s) for d, s in milestones if start < d < due]
    if not pts:
        return elapsed_share(start, due, as_of)
    curve = [(start - dt.timedelta(days=1), 0.0), *pts, (due, max(1.0, pts[-1][1]))]
    if as_of >= due:
        return 1.0
    for (d0, s0), (d1, s1) in itertools.pairwise(curve):
        if as_of <= d1:
            if as_of <= d0:
                return s0
            return s0 + (s1 - s0) * (as_of - d0).days / (d1 - d0).days
    return 1.0


# ---------------------------------------------------------------- status rule


def compute_status(
    *,
    metric: str,
    direction: str,
    actual: float | None,
    target: float | None,
    expected: float | None,
    share: float,
    as_of: dt.date,
    due: dt.date,
    recorded: bool,
) -> tuple[str, float | None]:
    """(status, pace) of one target. The single place the thresholds are applied.

    `share` is the expected share of the target by `as_of` (0 before anything is due);
    `recorded` says whether any progress exists (a record, a counted activity, or a
    rate's baseline).
    """
    # `as_of` means "by the end of that day", so on the due day itself the run is over.
    passed = as_of >= due
    if metric == "milestone":
        if actual is not None and actual >= 1:
            return "achieved", None
        if passed:
            return "missed", None
        if (due - as_of).days <= MILESTONE_AT_RISK_DAYS:
            return "at_risk", None
        return ("on_track" if recorded else "not_started"), None
    if target is None:
        return "not_started", None
    cumulative = metric in ("count", "amount")
    if direction == "at_most":
        if actual is None:
            return ("missed" if passed else "not_started"), None
        if cumulative and actual > target:
            return "missed", None  # increments are never negative: it cannot come back
        if passed:
            return ("achieved" if actual <= target else "missed"), None
        limit = expected if expected is not None else target
        pace = math.inf if actual <= 0 else limit / actual
        return _band(pace), pace
    # at least
    if actual is not None and actual >= target:
        return "achieved", None
    if passed:
        return "missed", None
    if share <= 0 and not recorded:
        return "not_started", None
    if expected is None or expected <= 0:
        return "on_track", None
    pace = (actual or 0.0) / expected
    return _band(pace), pace


def _band(pace: float) -> str:
    if pace >= ON_TRACK_RATIO:
        return "on_track"
    if pace >= AT_RISK_RATIO:
        return "at_risk"
    return "behind"


def achievement(metric: str, direction: str, actual: float | None, target: float | None) -> float:
    """How much of the target is reached, uncapped (the assessment caps it at 1).

    "At least": actual / target. "At most": 1 while within the limit, target / actual
    over it. Milestone: 1 when done. Nothing recorded: 0.
    """
    if metric == "milestone":
        return 1.0 if actual is not None and actual >= 1 else 0.0
    if actual is None or target is None:
        return 0.0
    if direction == "at_most":
        return 1.0 if actual <= target else (target / actual if actual > 0 else 0.0)
    if target <= 0:
        return 1.0
    return actual / target


# ---------------------------------------------------------------- input


def normalise_rate(value: float | None) -> float | None:
    """A rate typed as a percentage number (95) is 0.95; 0.95 stays."""
    if value is None:
        return None
    return value / 100.0 if value > 1 else value


def _target_value(metric: str | None, value: Any) -> float | None:
    value = py(value)
    if value is None:
        return None
    value = float(value)
    return normalise_rate(value) if metric == "rate" else value


@dataclass(frozen=True)
class _Spec:
    """One target row made ready for evaluation."""

    id: str
    metric: str
    direction: str
    period: str
    target: float | None
    baseline: float | None
    deadline: PlanDate | None
    milestones: list[tuple[dt.date, float]]
    count_source: str
    count_category: str | None
    unit: str | None


def _spec(row: Mapping[str, Any], plan_year: int) -> _Spec:
    metric = py(row.get("metric")) or "count"
    milestones, _ = parse_milestones(py(row.get("milestones")), plan_year)
    deadline = py(row.get("deadline"))
    return _Spec(
        id=str(row.get("id")),
        metric=metric,
        direction=py(row.get("direction")) or "at_least",
        period=py(row.get("period")) or "year",
        target=1.0 if metric == "milestone" else _target_value(metric, row.get("target_value")),
        baseline=_target_value(metric, row.get("baseline")),
        deadline=deadline if isinstance(deadline, PlanDate) else None,
        milestones=milestones,
        count_source=py(row.get("count_source")) or "manual",
        count_category=py(row.get("count_category")),
        unit=py(row.get("unit")),
    )


def _schedule(spec: _Spec, plan_year: int, as_of: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(window start, window end, due date) of a target on `as_of`."""
    start, end = target_window(spec.period, plan_year, as_of)
    due = end
    # A deadline shortens (or, for a year target, extends) the run; for half-yearly and
    # quarterly targets each instance is due at its own end.
    if spec.period == "year" and spec.deadline is not None and spec.deadline.last() >= start:
        due = spec.deadline.last()
    return start, end, due


def _share(spec: _Spec, start: dt.date, due: dt.date, as_of: dt.date) -> float:
    if spec.metric == "milestone":
        return 1.0 if as_of >= due else 0.0  # done or not: nothing is due part-way
    return expected_share(start, due, as_of, spec.milestones)


def _expected(spec: _Spec, share: float) -> float | None:
    if spec.target is None:
        return None
    if spec.metric == "rate":
        if spec.direction == "at_most" and spec.baseline is None:
            return spec.target  # a ceiling from day one: there is no line to walk down
        base = spec.baseline or 0.0
        return base + (spec.target - base) * share
    if spec.metric == "milestone":
        return 1.0 if share >= 1 else 0.0
    return spec.target * share


# ---------------------------------------------------------------- progress & activities


def progress_frame(data: WorkbookData) -> pd.DataFrame:
    """Progress rows with an effective date (the date, else the day the row was made)."""
    df = data.df("progress")
    cols = ["target_id", "date", "value", "numerator", "denominator", "unit", "_row"]
    if df.empty:
        return pd.DataFrame(columns=cols)
    out = df.reindex(columns=[*cols, "created_at"]).copy()

    def eff(d: Any, c: Any) -> dt.date | None:
        d, c = py(d), py(c)
        if isinstance(d, dt.date):
            return d if not isinstance(d, dt.datetime) else d.date()
        if isinstance(c, dt.datetime):
            return c.date()
        return None

    out["date"] = [eff(d, c) for d, c in zip(out["date"], out["created_at"], strict=True)]
    # An undated row from a hand-made sheet still counts, from the start of the year.
    out["date"] = out["date"].map(lambda d: d or dt.date(data.plan_year, 1, 1))
    return out[cols]


def activity_occurrences(data: WorkbookData, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Occurrences of activities between two days: id, category, date, status, target_id.

    From `unionplan.plan.activities.expand`, so a recurring activity gives one row per
    occurrence with its own outcome, as the calendar shows it.
    """
    acts = data.df("activities")
    cols = ["id", "category", "date", "status", "target_id"]
    if acts.empty:
        return pd.DataFrame(columns=cols)
    return expand(acts, start, end).reindex(columns=cols)


DoneIndex = Mapping[tuple[str, str], list[dt.date]]


def done_index(data: WorkbookData, targets: pd.DataFrame) -> DoneIndex:
    """Days of done activity occurrences in the plan year, by ("category", code) and by
    ("linked", target id). Built once per evaluation, and only when a target counts
    activities: expanding thousands of recurring activities is the costly part."""
    if targets.empty:
        return {}
    counts_activities = (targets["metric"] == "count") & targets["count_source"].isin(
        ["category", "linked"]
    )
    if not counts_activities.any():
        return {}
    occ = activity_occurrences(data, *year_bounds(data.plan_year))
    occ = occ[occ["status"] == "done"]
    index: dict[tuple[str, str], list[dt.date]] = {}
    for cat, tid, day in zip(occ["category"], occ["target_id"], occ["date"], strict=True):
        if not isinstance(day, dt.date):
            continue
        if py(cat):
            index.setdefault(("category", cat), []).append(day)
        if py(tid):
            index.setdefault(("linked", tid), []).append(day)
    return index


@dataclass
class _Actual:
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    n_records: int = 0
    last_date: dt.date | None = None


def _actual(
    spec: _Spec,
    rows: pd.DataFrame,
    done: DoneIndex,
    start: dt.date,
    as_of: dt.date,
) -> _Actual:
    """The actual of one target on `as_of`, from its progress rows in the window."""
    if spec.metric == "count" and spec.count_source != "manual":
        key = spec.count_category if spec.count_source == "category" else spec.id
        hits = [d for d in done.get((spec.count_source, key or ""), []) if start <= d <= as_of]
        return _Actual(float(len(hits)), n_records=len(hits), last_date=max(hits, default=None))
    # A target has a handful of rows: plain lists, not pandas masks, which cost ~1 ms
    # each and made a 500-target evaluation take a second.
    dates: list[dt.date] = rows["date"].tolist() if not rows.empty else []
    lo = dt.date.min if spec.metric == "milestone" else start
    keep = [i for i, d in enumerate(dates) if lo <= d <= as_of]
    n = len(keep)
    last = max(dates[i] for i in keep) if n else None
    every = rows["value"].tolist() if n else []
    values = [every[i] for i in keep]
    if spec.metric == "milestone":
        vals = [v for v in (_number(x) for x in values) if v is not None]
        return _Actual(min(max(vals), 1.0) if vals else None, n_records=n, last_date=last)
    if spec.metric == "rate":
        kept = rows.iloc[keep] if n < len(dates) else rows
        num, den, value = assessment.rollup_rate(kept, default_unit=spec.unit)
        if num is None and value is None and spec.baseline is not None:
            return _Actual(spec.baseline, n_records=0)  # the rate stands at its baseline
        return _Actual(value, num, den, n, last)
    total = sum(v for v in (_number(x) for x in values) if v is not None)
    return _Actual(float(total), n_records=n, last_date=last)


def _number(value: Any) -> float | None:
    """A progress cell as a number, as `pd.to_numeric(errors="coerce")` reads it: a
    number, or text that is one; anything else (blank, words, NaN) is None."""
    value = py(value)
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return None if math.isnan(number) else number


# ---------------------------------------------------------------- evaluation


def _targets(data: WorkbookData) -> pd.DataFrame:
    df = data.df("targets")
    if df.empty:
        return df
    return df[df["id"].notna() & (df["id"].astype(str).str.len() > 0)]


def evaluate(data: WorkbookData, as_of: dt.date) -> pd.DataFrame:
    """One row per target with its actual, expected-by-now and status on `as_of`.

    Columns: see COLUMNS. `target`, `actual`, `expected_by_now` are in the target's own
    terms (a rate as a fraction, 0.86). `pct_achieved` is actual against target,
    uncapped ("at most": 1 while within the limit). `deadline` is the PlanDate typed,
    `due` the day the target falls due in the window.
    """
    targets = _targets(data)
    if targets.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    year = data.plan_year
    prog = progress_frame(data)
    by_target = dict(tuple(prog.groupby("target_id", sort=False))) if not prog.empty else {}
    empty = prog.iloc[0:0]
    done = done_index(data, targets)
    out = []
    for row in targets.to_dict("records"):
        spec = _spec(row, year)
        out.append(_evaluate_one(spec, row, by_target.get(spec.id, empty), done, year, as_of))
    return pd.DataFrame(out, columns=list(COLUMNS))


def _evaluate_one(
    spec: _Spec,
    row: Mapping[str, Any],
    rows: pd.DataFrame,
    done: DoneIndex,
    year: int,
    as_of: dt.date,
) -> dict[str, Any]:
    start, end, due = _schedule(spec, year, as_of)
    share = _share(spec, start, due, as_of)
    expected = _expected(spec, share)
    act = _actual(spec, rows, done, start, as_of)
    recorded = act.n_records > 0 or act.value not in (None, 0.0)
    status, pace = compute_status(
        metric=spec.metric,
        direction=spec.direction,
        actual=act.value,
        target=spec.target,
        expected=expected,
        share=share,
        as_of=as_of,
        due=due,
        recorded=recorded,
    )
    problem = None
    if spec.target is None:
        problem = "targets.p_no_target_value"
    weight = py(row.get("weight"))
    return {
        "id": spec.id,
        "title": py(row.get("title")) or "",
        "section": py(row.get("section")) or "",
        "metric": spec.metric,
        "direction": spec.direction,
        "period": spec.period,
        "unit_of_measure": py(row.get("unit_of_measure")) or "",
        "baseline": spec.baseline,
        "target": spec.target,
        "actual": act.value,
        "numerator": act.numerator,
        "denominator": act.denominator,
        "pct_achieved": (
            achievement(spec.metric, spec.direction, act.value, spec.target)
            if spec.target is not None
            else None
        ),
        "expected_by_now": expected,
        "expected_share": share,
        "pace": pace,
        "status": status,
        "deadline": spec.deadline,
        "due": due,
        "window_start": start,
        "window_end": end,
        "unit": spec.unit,
        "weight": DEFAULT_WEIGHT if weight is None else float(weight),
        "responsible": py(row.get("responsible")) or "",
        "count_source": spec.count_source,
        "count_category": spec.count_category,
        "n_records": act.n_records,
        "last_date": act.last_date,
        "problem": problem,
    }


def status_counts(df: pd.DataFrame) -> dict[str, int]:
    """How many targets have each status, every status present (zeros included)."""
    counts = {s: 0 for s in STATUSES}
    if df is not None and not df.empty:
        for s, n in df["status"].value_counts().items():
            counts[str(s)] = int(n)
    return counts


def trend(data: WorkbookData, target_id: str, as_of: dt.date) -> pd.DataFrame:
    """The cumulative actual and the plan line of one target at its checkpoints.

    Checkpoints: the window start, each quarter end (each month end for a quarterly
    target) up to the due date, and `as_of`. `actual` is NaN after `as_of`.
    Columns: date, actual, expected, target.
    """
    targets = _targets(data)
    hit = targets[targets["id"] == target_id]
    if hit.empty:
        return pd.DataFrame(columns=["date", "actual", "expected", "target"])
    row = hit.iloc[0].to_dict()
    year = data.plan_year
    spec = _spec(row, year)
    start, _end, due = _schedule(spec, year, as_of)
    prog = progress_frame(data)
    rows = prog[prog["target_id"] == target_id] if not prog.empty else prog
    done = done_index(data, hit)
    days: set[dt.date] = {start - dt.timedelta(days=1), due}
    step = 1 if spec.period == "quarter" else 3
    month = start.month + step - 1
    while True:
        d = month_end(start.year, month)
        if d >= due:
            break
        days.add(d)
        month += step
    if start <= as_of <= due:
        days.add(as_of)
    points = []
    for d in sorted(days):
        share = _share(spec, start, due, d)
        actual = _actual(spec, rows, done, start, d).value if d <= as_of else None
        if d < start and spec.metric != "rate":
            actual = 0.0
        points.append(
            {
                "date": d,
                "actual": math.nan if actual is None else actual,
                "expected": _expected(spec, share),
                "target": spec.target,
            }
        )
    return pd.DataFrame(points)


def unit_breakdown(data: WorkbookData, target_id: str, as_of: dt.date) -> pd.DataFrame:
    """The target's figures by member unit directly under its own unit (or top-level
    units when it has none), each rolled up from its own sub-units.

    Columns: unit, numerator, denominator, value. Rows reported by the target's own unit
    (or with no unit) appear under that unit; rows from units outside its tree under None.
    """
    targets = _targets(data)
    hit = targets[targets["id"] == target_id]
    cols = ["unit", "numerator", "denominator", "value"]
    if hit.empty:
        return pd.DataFrame(columns=cols)
    spec = _spec(hit.iloc[0].to_dict(), data.plan_year)
    start, _, _ = _schedule(spec, data.plan_year, as_of)
    prog = progress_frame(data)
    rows = prog[prog["target_id"] == target_id] if not prog.empty else prog
    if rows.empty or spec.metric in ("milestone",) or spec.count_source != "manual":
        return pd.DataFrame(columns=cols)
    rows = rows[(rows["date"] >= start) & (rows["date"] <= as_of)]
    return assessment.breakdown(
        rows, data.df("units"), spec.unit, rate=spec.metric == "rate"
    ).reindex(columns=cols)
