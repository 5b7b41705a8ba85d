"""Record values as the cells a workbook stores: enum labels in the workbook's language,
dates as ISO text, numbers as numbers; and the audit log's {field: [before, after]} JSON,
personal fields masked and cut to fit one cell. Used by the write path
(`unionplan.data.workbook`) and by whatever writes whole tables (demo data, start empty).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from unionplan.data import limits, parse, privacy
from unionplan.data.schema import Column
from unionplan.data.store.base import Cell
from unionplan.data.values import is_blank, is_missing


def to_cell(col: Column, value: Any, lang: str) -> Cell:
    """A record value as the cell the workbook stores, in the workbook's language."""
    if is_missing(value):
        return ""
    kind = col.kind
    if kind == "enum":
        assert col.enum is not None
        return col.enum.label(str(value), lang)
    if kind == "multienum":
        assert col.enum is not None
        items = value if isinstance(value, (list, tuple)) else parse.split_multi(value)
        return "、".join(col.enum.label(str(v), lang) for v in items)
    if kind == "bool":
        return "是" if value and lang != "en" else ("TRUE" if value else "")
    if isinstance(value, parse.PlanDate):
        return value.iso()
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind in ("int", "version"):
        return int(value)
    if kind in ("number", "money", "quantity"):
        f = float(value)
        return int(f) if f.is_integer() else f
    return str(value)


def audit_value(col: Column | None, value: Any) -> Any:
    if col is not None and col.sensitive:
        return "" if is_blank(value) else privacy.mask(col.key, value)
    if isinstance(value, (dt.date, parse.PlanDate)):
        return str(value)
    return None if is_missing(value) else value


def audit_changes(changes: Mapping[str, Any]) -> str:
    """The audit row's JSON of {field: [before, after]}, short enough for one cell.

    Before and after of a long text together could pass a cell's limit (a Google write
    would then fail, an Excel file would not open cleanly): the texts are then cut to an
    equal share of the room, each with a mark of how much was left out.
    """
    text = json.dumps(changes, ensure_ascii=False, default=str)
    texts = sum(isinstance(x, str) for pair in changes.values() for x in _pair(pair))
    room = limits.MAX_CELL_CHARS // max(texts, 1)
    while limits.cell_length(text) > limits.MAX_CELL_CHARS and room:
        room //= 2  # JSON escapes (quotes, control characters) make a text longer

        def cut(x: Any, room: int = room) -> Any:
            return f"{x[:room]}…[+{len(x) - room}]" if isinstance(x, str) and len(x) > room else x

        text = json.dumps(
            {k: [cut(x) for x in _pair(v)] for k, v in changes.items()},
            ensure_ascii=False,
            default=str,
        )
    return text


def _pair(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]
