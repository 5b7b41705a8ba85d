"""Masking of personal data, the one way every layer hides it from those without the aid role.

Which columns are personal comes from the schema (`Column.sensitive`); how a value is
masked depends on what it is: a name keeps its first (and, from three characters, its
last) character, "张*明"; an ID number keeps the region's first three and the last four
characters, "110***********1234"; a phone keeps the first three and last four digits,
"138****5678"; anything else becomes "•••". A blank stays blank, so a masked table still
shows which fields were filled in. The audit log, pages, charts' hover text and exports
all call `mask` / `mask_record` / `mask_frame`, so they can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from unionplan.data.schema import Table
from unionplan.data.values import is_blank

MASK = "•••"
STAR = "*"

# Several phone numbers in one cell ("13812345678 / 0571-88881234") are masked one by one.
_PHONE_SPLIT = re.compile(r"([、,，;；/|]+|\s{2,})")


def mask_name(value: Any) -> str:
    """'张小明' -> '张*明'; '张明' -> '张*'; '欧阳小明' -> '欧**明'; '张' -> '*'."""
    text = str(value).strip()
    n = len(text)
    if n <= 1:
        return STAR
    if n == 2:
        return text[0] + STAR
    return text[0] + STAR * (n - 2) + text[-1]


def mask_id_number(value: Any) -> str:
    """'110101199003071234' -> '110***********1234'; a short document number -> '•••'."""
    text = str(value).strip()
    if len(text) < 8:  # too short to show seven characters of it and hide anything
        return MASK
    return text[:3] + STAR * (len(text) - 7) + text[-4:]


def _mask_one_phone(text: str) -> str:
    digits = sum(ch.isdigit() for ch in text)
    if digits < 7 or len(text) < 8:
        return MASK
    return text[:3] + STAR * (len(text) - 7) + text[-4:]


def mask_phone(value: Any) -> str:
    """'13812345678' -> '138****5678'; each of several numbers in one cell masked alike."""
    text = str(value).strip()
    parts = _PHONE_SPLIT.split(text)
    # re.split with a group keeps the separators at odd positions.
    return "".join(p if i % 2 else _mask_one_phone(p.strip()) for i, p in enumerate(parts))


def mask_other(value: Any) -> str:
    return MASK


# Column keys whose values keep a recognisable shape; every other sensitive column is "•••".
_BY_KEY: dict[str, Callable[[Any], str]] = {
    "name": mask_name,
    "id_number": mask_id_number,
    "phone": mask_phone,
}


def mask(column_key: str, value: Any) -> Any:
    """`value` of column `column_key` as someone without the aid role may see it.

    Blank values are returned unchanged; a sensitive column's value is never returned.
    The caller decides whether the column is sensitive (see `mask_record`).
    """
    if is_blank(value):
        return value
    return _BY_KEY.get(column_key, mask_other)(value)


def sensitive_keys(table: Table) -> list[str]:
    return [c.key for c in table.columns if c.sensitive]


def mask_record(table: Table, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `record` with every sensitive column of `table` masked."""
    keys = set(sensitive_keys(table))
    return {k: (mask(k, v) if k in keys else v) for k, v in record.items()}


def mask_frame(table: Table, df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` (a table as read) with every sensitive column masked, as text."""
    out = df.copy()
    for key in sensitive_keys(table):
        if key in out.columns:
            out[key] = pd.Series(
                [mask(key, v) for v in out[key].tolist()], index=out.index, dtype="object"
            )
    return out
