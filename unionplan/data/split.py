"""The separate aid workbook: which tables live there, and one snapshot read from two stores.

The hardship files (aid cases, payments, fund income, case history) may live in a second
workbook shared only with the aid officers, so the plan workbook every cadre can open
holds no personal data (issue #12). The split is done by `Workbook` holding two stores,
not by a routing Store composing them: a store moves grids and knows nothing of tables,
but routing the audit log needs to know which table an audit row is about (its before and
after values would otherwise carry personal data into the plan workbook). So the workbook
layer picks the store per write (every write touches one group of tables only: the aid
tables, or the others), writes the record and its audit row to that store in ONE store
write as always, and its single write path stays single. Reading puts both stores' grids
into one `WorkbookData`: the aid tables from the aid workbook, everything else from the
plan workbook, and the audit log as both logs together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import pandas as pd

from unionplan.data import privacy, schema
from unionplan.data.store.base import Grid
from unionplan.data.tables import WorkbookData, parse_workbook, read_table
from unionplan.data.values import is_blank
from unionplan.errors import UnionplanError

# The tables that move to the aid workbook; their audit rows go to its own audit log.
AID_TABLES: frozenset[str] = frozenset({"aid_cases", "aid_payments", "fund_income", "aid_events"})
AID_WORKBOOK_TABS = ("aid_cases", "aid_payments", "fund_income", "aid_events", "audit_log")


def in_aid_workbook(keys: Iterable[str]) -> bool:
    """Whether a write of these tables goes to the aid workbook (all aid tables), or to
    the plan workbook (none); a write mixing both is refused: it could not be one write."""
    groups = {k in AID_TABLES for k in keys}
    if len(groups) > 1:
        raise UnionplanError(
            f"one write mixes aid tables and plan tables: {sorted(set(keys))}",
            key="errors.split_write",
        )
    return groups == {True}


def _titles(grids: Mapping[str, Grid], keys: Iterable[str]) -> dict[str, str]:
    """Table key -> the first tab of `grids` that holds it, for these keys."""
    wanted, out = set(keys), {}
    for title in grids:
        key = schema.match_tab(title)
        if key in wanted and key not in out:
            out[key] = title
    return out


def personal_cases(df: pd.DataFrame) -> int:
    """How many aid cases (rows as read) have a personal field filled in."""
    if df.empty:
        return 0
    cols = [k for k in privacy.sensitive_keys(schema.AID_CASES) if k in df.columns]
    if not cols:
        return 0
    filled = df[cols].map(lambda v: not is_blank(v)).any(axis=1)
    return int(filled.sum())


def parse_split(
    plan: Mapping[str, Grid],
    aid: Mapping[str, Grid],
    *,
    location: str,
    kind: str,
    aid_location: str,
) -> WorkbookData:
    """One snapshot from the plan workbook's grids and the aid workbook's.

    The plan workbook's own aid tabs are left out (only counted: `plan_personal_cases`,
    which the data page warns about); the aid workbook's tabs other than the aid tables
    and its audit log are ignored.
    """
    aid_titles = _titles(aid, AID_WORKBOOK_TABS)
    merged = {t: g for t, g in plan.items() if schema.match_tab(t) not in AID_TABLES}
    for key in AID_TABLES:
        if key in aid_titles:
            merged[aid_titles[key]] = aid[aid_titles[key]]
    data = parse_workbook(merged, location=location, kind=kind)
    year = data.plan_year
    audit_title = aid_titles.get("audit_log")
    aid_audit, issues = read_table(
        schema.AUDIT_LOG, audit_title, aid.get(audit_title) if audit_title else None, year
    )
    data.issues.extend(issues)
    plan_audit = data.tables["audit_log"]
    frames = [df for df in (plan_audit.df, aid_audit.df) if not df.empty]
    if len(frames) == 2:
        # Both logs in one view (the history page); writes use each store's own layout.
        both = pd.concat(frames, ignore_index=True)
        data.tables["audit_log"] = dataclasses.replace(plan_audit, df=both)
    elif frames:
        data.tables["audit_log"] = dataclasses.replace(plan_audit, df=frames[0])
    plan_cases = _titles(plan, ["aid_cases"]).get("aid_cases")
    left, _ = read_table(
        schema.AID_CASES, plan_cases, plan.get(plan_cases) if plan_cases else None, year
    )
    data.aid_location = aid_location
    data.aid_audit = aid_audit
    data.plan_personal_cases = personal_cases(left.df)
    return data
