"""Checking what people type into the target and progress forms (and what the importer
proposes as a target): text trimmed, numbers read from how people write them ("95%",
"1,600元", "6月"), problems returned as message keys per field, never raised while a
person is still typing. `check_*` raise `ValidationError` for the write path.

Kept apart from `unionplan.goals.targets`, which decides where a target stands; this
module only decides whether a record may be written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from unionplan.data import limits, parse, schema
from unionplan.data.parse import PlanDate
from unionplan.data.values import is_blank, py
from unionplan.errors import ValidationError
from unionplan.goals.targets import normalise_rate, parse_milestones


def clean_target(values: Mapping[str, Any], plan_year: int) -> tuple[dict[str, Any], dict]:
    """A target record from form input, and the problems found (field -> message keys).

    Text fields are trimmed; `target_value`, `baseline` and `weight` may be typed as
    text ("95%", "1,600元"); a rate typed as 95 is stored as 0.95; `deadline` may be a
    month ("6月"). Enum fields take codes.
    """
    problems: dict[str, list[str]] = {}

    def add(key: str, msg: str) -> None:
        problems.setdefault(key, []).append(msg)

    rec: dict[str, Any] = {}
    for k in ("section", "title", "unit_of_measure", "responsible", "unit", "notes"):
        text = parse.clean(values.get(k)) if not is_blank(values.get(k)) else ""
        rec[k] = text or None
    if not rec["title"]:
        add("title", "targets.v_required")
    for k, enum, default in (
        ("metric", schema.METRIC, None),
        ("direction", schema.DIRECTION, "at_least"),
        ("period", schema.PERIOD, "year"),
        ("count_source", schema.COUNT_SOURCE, "manual"),
        ("count_category", schema.ACTIVITY_CATEGORY, None),
    ):
        code = py(values.get(k)) or default
        if code is not None and code not in enum.values:
            code = schema.match_enum(enum, code)
            if code is None:
                add(k, "targets.v_bad_choice")
        rec[k] = code
    metric = rec["metric"]
    if metric is None and "metric" not in problems:
        add("metric", "targets.v_required")

    for k in ("target_value", "baseline"):
        value, problem = parse.parse_quantity(values.get(k))
        if problem:
            add(k, "targets.v_bad_number")
        elif value is not None and value < 0:
            add(k, "targets.v_negative")
        elif value is not None and metric == "rate":
            typed_percent = str(values.get(k) or "").strip().endswith(("%", "％"))
            value = value if typed_percent else normalise_rate(value)
            if value is not None and value > 1:  # "150%": no coverage rate goes past all
                add(k, "targets.v_rate_range")
        rec[k] = value
    if metric == "milestone":
        rec["target_value"] = rec["target_value"] if rec["target_value"] is not None else 1.0
    elif rec["target_value"] is None and "target_value" not in problems:
        add("target_value", "targets.v_required")
    elif (
        rec["target_value"] == 0
        and rec["direction"] == "at_least"
        and "target_value" not in problems
    ):
        add("target_value", "targets.v_positive")

    weight, problem = parse.parse_number(values.get("weight"))
    if problem:
        add("weight", "targets.v_bad_number")
    elif weight is not None and weight < 0:
        add("weight", "targets.v_negative")
    rec["weight"] = weight

    raw_deadline = values.get("deadline")
    if isinstance(raw_deadline, PlanDate):
        rec["deadline"] = raw_deadline
    else:
        deadline, problem = parse.parse_plandate(raw_deadline, plan_year)
        if problem:
            add("deadline", "targets.v_bad_date")
        rec["deadline"] = deadline

    ms_text = parse.clean(values.get("milestones")) if values.get("milestones") else ""
    _, ok = parse_milestones(ms_text, plan_year)
    if not ok:
        add("milestones", "targets.v_bad_milestones")
    rec["milestones"] = ms_text or None

    if rec["count_source"] != "manual":
        if metric != "count":
            add("count_source", "targets.v_source_count_only")
        if rec["count_source"] == "category" and not rec["count_category"]:
            add("count_category", "targets.v_category_needed")
    return rec, problems


def check_target(values: Mapping[str, Any], plan_year: int) -> dict[str, Any]:
    """The clean record, or ValidationError with every problem at once."""
    rec, problems = clean_target(values, plan_year)
    if problems:
        raise ValidationError(problems)
    return rec


def clean_progress(
    values: Mapping[str, Any], target: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A progress record from form input for `target` (a targets row), and problems.

    Rate: numerator and denominator (denominator > 0, 0 <= numerator <= denominator);
    value is stored as their ratio. Count/amount: a non-negative increment (a whole
    number for counts). Milestone: 1 done, 0 not yet. Targets whose actual is computed
    from activities take no progress records.
    """
    problems: dict[str, list[str]] = {}

    def add(key: str, msg: str) -> None:
        problems.setdefault(key, []).append(msg)

    rec: dict[str, Any] = {
        "target_id": py(values.get("target_id")),
        "unit": py(values.get("unit")) or None,
        "note": parse.clean(values.get("note")) or None,
        "evidence": parse.clean(values.get("evidence")) or None,
    }
    for key, messages in limits.cell_problems(rec).items():
        problems.setdefault(key, []).extend(messages)
    if target is None:
        add("target_id", "targets.v_unknown_target")
        return rec, problems
    rec["target_id"] = target.get("id")
    metric = py(target.get("metric")) or "count"
    source = py(target.get("count_source")) or "manual"
    if metric == "count" and source != "manual":
        add("target_id", "targets.v_computed")
    day = py(values.get("date"))
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date):
        add("date", "targets.v_required")
    rec["date"] = day

    def number(key: str) -> float | None:
        raw = py(values.get(key))
        value, problem = parse.parse_number(raw)
        if problem:
            add(key, "targets.v_bad_number")
        return value

    if metric == "rate":
        num, den = number("numerator"), number("denominator")
        if den is None and "denominator" not in problems:
            add("denominator", "targets.v_required")
        elif den is not None and den <= 0:
            add("denominator", "targets.v_denominator_positive")
        if num is None and "numerator" not in problems:
            add("numerator", "targets.v_required")
        elif num is not None and num < 0:
            add("numerator", "targets.v_negative")
        elif num is not None and den is not None and den > 0 and num > den:
            add("numerator", "targets.v_numerator_gt_denominator")
        rec.update(numerator=num, denominator=den)
        rec["value"] = num / den if num is not None and den else None
    elif metric == "milestone":
        value = number("value")
        rec["value"] = 1.0 if value and value >= 1 else 0.0
    else:
        value = number("value")
        if value is None and "value" not in problems:
            add("value", "targets.v_required")
        elif value is not None and value < 0:
            add("value", "targets.v_negative")
        elif value is not None and metric == "count" and not float(value).is_integer():
            add("value", "targets.v_whole")
        rec["value"] = value
    return rec, problems


def check_progress(values: Mapping[str, Any], target: Mapping[str, Any] | None) -> dict[str, Any]:
    rec, problems = clean_progress(values, target)
    if problems:
        raise ValidationError(problems)
    return rec
