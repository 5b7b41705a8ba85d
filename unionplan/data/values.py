"""Small rules about cell values that every layer shares, each with one meaning.

* `is_missing`: pandas' "no value" (None, NaN, pd.NA, NaT).
* `is_blank`: an empty cell however it arrives: missing, text of only whitespace
  (full-width 　 and no-break spaces included), or an empty list (a multi-choice cell).
* `py`: a DataFrame cell as plain Python, missing as None, numpy scalars unwrapped.
* `same`: whether two values mean the same cell content (blanks alike, 3 == 3.0), and
  `changes`: the fields an edit really changes.
* `records`: a DataFrame's rows as dicts, quickly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN (Python or numpy), pd.NA or NaT: what pandas means by a missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating, np.datetime64, np.timedelta64)):
        return bool(pd.isna(value))
    return False


def is_blank(value: Any) -> bool:
    """An empty cell: missing, "", whitespace only ("　" included), or an empty list.

    Text is stripped with Python's notion of whitespace, which covers the ideographic
    space (U+3000) and the no-break space that pasted text often carries.
    """
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    return is_missing(value)


def py(value: Any) -> Any:
    """A pandas/numpy cell as plain Python for forms and JSON: missing -> None,
    numpy scalars -> int/float/bool/str; anything else unchanged."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _comparable(value: Any) -> Any:
    value = py(value)
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def same(a: Any, b: Any) -> bool:
    """Whether two values are the same cell content: every blank alike, a number whatever
    its type (3 == 3.0 == numpy 3), a tuple like the list of its items."""
    return _comparable(a) == _comparable(b)


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of `after` whose value is not the same as in `before`: what an edit
    really changes, so an update writes only those cells."""
    return {k: v for k, v in after.items() if not same(before.get(k), v)}


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows as dicts, like ``df.to_dict("records")`` but column by column: to_dict
    boxes every cell on its own, several times slower on a 10k-row sheet. A missing
    number in a nullable integer column stays pd.NA here (to_dict gives None)."""
    cols = list(df.columns)
    columns = (df[c].tolist() for c in cols)
    return [dict(zip(cols, row, strict=True)) for row in zip(*columns, strict=True)]
