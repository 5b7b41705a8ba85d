"""The small value rules every layer shares: blank, missing -> None, same value."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from unionplan.data.parse import PlanDate
from unionplan.data.values import changes, is_blank, is_missing, py, records, same

MISSING = [None, math.nan, np.nan, np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]


@pytest.mark.parametrize("value", [*MISSING, "", "  ", "\u3000", "\u00a0", "\t\n", [], ()])
def test_blank(value: object) -> None:
    assert is_blank(value)


@pytest.mark.parametrize(
    "value", [0, 0.0, False, "0", "无", " x ", ["festival"], dt.date(2026, 3, 8), PlanDate(2026, 3)]
)
def test_not_blank(value: object) -> None:
    assert not is_blank(value)


@pytest.mark.parametrize("value", MISSING)
def test_missing_is_none_in_python(value: object) -> None:
    assert is_missing(value)
    assert py(value) is None


def test_text_is_not_missing_even_when_blank() -> None:
    assert not is_missing("") and not is_missing([])
    assert py("") == "" and py([]) == []


@pytest.mark.parametrize(
    ("value", "expected", "kind"),
    [
        (np.int64(3), 3, int),
        (np.float64(2.5), 2.5, float),
        (np.bool_(True), True, bool),
        (np.str_("春游"), "春游", str),
        ("春游", "春游", str),
        (PlanDate(2026, 3), PlanDate(2026, 3), PlanDate),
    ],
)
def test_py_unwraps_numpy_scalars(value: object, expected: object, kind: type) -> None:
    out = py(value)
    assert out == expected and type(out) is kind


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (None, ""),
        (None, "\u3000"),
        (math.nan, None),
        (pd.NA, ""),
        ([], None),
        (3, 3.0),
        (np.int64(3), 3.0),
        ((1, 2), [1, 2]),
        (PlanDate(2026, 3), PlanDate(2026, 3)),
        ("三八节", "三八节"),
    ],
)
def test_same(a: object, b: object) -> None:
    assert same(a, b) and same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("三八节", "五一"),
        (0, None),
        (0, ""),
        (3, 3.5),
        (PlanDate(2026, 3), PlanDate(2026, 3, 8)),
        ("a", " a"),
    ],
)
def test_not_same(a: object, b: object) -> None:
    assert not same(a, b) and not same(b, a)


def test_changes_are_the_fields_whose_value_moved() -> None:
    before = {"title": "三八节", "budget": 1600, "notes": None, "version": 3}
    after = {"title": "三八节", "budget": 1600.0, "notes": "", "location": "礼堂"}
    assert changes(before, after) == {"location": "礼堂"}
    assert changes(before, {"budget": 1800}) == {"budget": 1800}


def test_records_are_the_rows_as_to_dict_gives_them() -> None:
    df = pd.DataFrame(
        {
            "id": ["A-1", "A-2", None],
            "start": [PlanDate(2026, 3, 8), PlanDate(2026, 4), None],
            "budget": [1600.0, float("nan"), 5.0],
            "done": [True, False, True],
        }
    )
    got = records(df)
    want = df.to_dict("records")
    assert [list(r) for r in got] == [list(r) for r in want]
    assert [[same(a, b) for a, b in zip(g.values(), w.values(), strict=True)]
            for g, w in zip(got, want, strict=True)] == [[True] * 4] * 3  # fmt: skip
    assert records(df.iloc[0:0]) == []
