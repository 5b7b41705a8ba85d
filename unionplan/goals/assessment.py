"""Member units (组织): rolling figures up the unit tree, and the assessment score (目标考核).

Plain pandas, no Streamlit. Each reporting unit reports its own part; a parent's figure is
its own part plus its sub-units' parts. Rates are added up as numerators and denominators
(43/50 and 9/10 make 52/60 = 86.7%, not the 88% an average of percentages gives);
counts and amounts are summed. A unit's assessment score is the weighted average of its
targets' capped achievement: Σ weight × min(achievement, 1) / Σ weight × 100.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from unionplan.data.values import is_missing, py

SCORE_COLUMNS = ("unit", "name", "score", "n_targets", "weight")


def parent_map(units: pd.DataFrame) -> dict[str, str | None]:
    """unit id -> parent id (None for a top-level unit)."""
    if units is None or units.empty:
        return {}
    return {
        str(u): (py(p) or None) for u, p in zip(units["id"], units["parent"], strict=True) if py(u)
    }


def ancestors(parents: Mapping[str, str | None], unit: str) -> list[str]:
    """The unit, its parent, grandparent … up to the top. Stops on a loop in the sheet."""
    chain: list[str] = []
    node: str | None = unit
    while node is not None and node not in chain:
        chain.append(node)
        node = parents.get(node)
    return chain


def descendants(parents: Mapping[str, str | None], unit: str) -> set[str]:
    """The unit and every unit below it."""
    return {u for u in parents if unit in ancestors(parents, u)} | {unit}


def _latest_per_unit(rows: pd.DataFrame, default_unit: str | None) -> pd.DataFrame:
    """The latest rate snapshot of each reporting unit (a blank unit is the target's own).

    Same day: the row further down the sheet wins, as it was entered later.
    """
    df = rows.copy()
    df["unit"] = [(py(u) or default_unit or "") for u in df["unit"]]
    order = ["date", "_row"] if "_row" in df.columns else ["date"]
    df = df.sort_values(order, kind="stable")
    return df.groupby("unit", sort=False).tail(1)


def _rate_of(latest: pd.DataFrame) -> tuple[float | None, float | None, float | None]:
    """(Σ numerator, Σ denominator, rate) over snapshots; value-only snapshots are used
    only when no snapshot carries numerator and denominator."""
    if latest.empty:
        return None, None, None
    num = pd.to_numeric(latest["numerator"], errors="coerce")
    den = pd.to_numeric(latest["denominator"], errors="coerce")
    both = num.notna() & den.notna() & (den > 0)
    if both.any():
        n, d = float(num[both].sum()), float(den[both].sum())
        return n, d, n / d
    values = pd.to_numeric(latest["value"], errors="coerce").dropna()
    if values.empty:
        return None, None, None
    value = float(values.iloc[-1])
    return None, None, (value / 100.0 if value > 1 else value)


def rollup_rate(
    rows: pd.DataFrame, default_unit: str | None = None
) -> tuple[float | None, float | None, float | None]:
    """(numerator, denominator, rate) of a rate target from its progress rows: the latest
    snapshot of each reporting unit, summed."""
    if rows is None or rows.empty:
        return None, None, None
    return _rate_of(_latest_per_unit(rows, default_unit))


def _bucket(parents: Mapping[str, str | None], unit: str, root: str | None) -> str | None:
    """Which unit directly under `root` (or `root` itself) a reporting unit rolls up to;
    None when it is outside root's tree."""
    chain = ancestors(parents, unit)
    if root is None:
        return chain[-1]
    if unit == root:
        return root
    if root not in chain:
        return None
    return chain[chain.index(root) - 1]


def breakdown(
    rows: pd.DataFrame, units: pd.DataFrame, root: str | None, *, rate: bool
) -> pd.DataFrame:
    """A target's progress per unit directly under `root`, each rolled up from its sub-units.

    Columns: unit, numerator, denominator, value (the rate, or the sum of increments).
    """
    cols = ["unit", "numerator", "denominator", "value"]
    if rows is None or rows.empty:
        return pd.DataFrame(columns=cols)
    parents = parent_map(units)
    if rate:
        rows = _latest_per_unit(rows, root)
    df = rows.copy()
    df["_bucket"] = [_bucket(parents, (py(u) or root or ""), root) for u in df["unit"]]
    out = []
    for bucket, part in df.groupby("_bucket", sort=False, dropna=False):
        key = None if is_missing(bucket) else bucket
        if rate:
            n, d, value = _rate_of(part)
        else:
            n, d = None, None
            value = float(pd.to_numeric(part["value"], errors="coerce").fillna(0).sum())
        out.append({"unit": key or None, "numerator": n, "denominator": d, "value": value})
    result = pd.DataFrame(out, columns=cols)
    # object, not str: "outside the tree" must stay None, not become NaN.
    result["unit"] = pd.Series([r["unit"] for r in out], dtype=object)
    return result.sort_values("value", ascending=False, kind="stable").reset_index(drop=True)


def unit_scores(evaluated: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Assessment score per unit over the targets assigned to it, best first.

    Targets with weight 0 do not count; units with no weighted target have no score.
    Columns: unit, name, score (0–100), n_targets, weight (Σ weight).
    """
    if evaluated is None or evaluated.empty:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    df = evaluated[evaluated["unit"].notna() & (evaluated["weight"] > 0)].copy()
    if df.empty:
        return pd.DataFrame(columns=list(SCORE_COLUMNS))
    df["capped"] = df["pct_achieved"].fillna(0.0).clip(upper=1.0)
    df["weighted"] = df["weight"] * df["capped"]
    grouped = df.groupby("unit", sort=False).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), n_targets=("id", "count")
    )
    names = {}
    if units is not None and not units.empty:
        names = {str(u): (py(n) or str(u)) for u, n in zip(units["id"], units["name"], strict=True)}
    out = pd.DataFrame(
        {
            "unit": grouped.index.astype(str),
            "name": [names.get(str(u), str(u)) for u in grouped.index],
            "score": (grouped["weighted"] / grouped["weight"] * 100).to_numpy(),
            "n_targets": grouped["n_targets"].astype(int).to_numpy(),
            "weight": grouped["weight"].to_numpy(),
        }
    )
    return out.sort_values(["score", "name"], ascending=[False, True]).reset_index(drop=True)
