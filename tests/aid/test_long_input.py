"""Every text the aid modules parse or mask takes 100,000-character input in well under a
second (issue #9: no regular expression may backtrack on long input)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

import pytest

from unionplan.aid.cases import check_case
from unionplan.aid.idcard import check_id_number, same_person_key
from unionplan.aid.money import to_money
from unionplan.data import privacy

LONG = [
    "1" * 100_000,
    " " * 100_000,
    "1 " * 50_000,
    "、" * 100_000,
    "1、" * 50_000,
    "x" * 99_999 + "\x00",
]


def _quietly(fn: Callable[[str], object], text: str) -> None:
    with contextlib.suppress(ValueError):  # refusing is fine; hanging is not
        fn(text)


@pytest.mark.parametrize(
    "fn",
    [
        check_id_number,
        same_person_key,
        to_money,
        lambda t: privacy.mask("name", t),
        lambda t: privacy.mask("id_number", t),
        lambda t: privacy.mask("phone", t),
        lambda t: check_case({"name": t, "id_number": t, "phone": t, "address": t}),
    ],
)
def test_long_input_returns_fast(fn: Callable[[str], object]) -> None:
    start = time.perf_counter()
    for text in LONG:
        _quietly(fn, text)
    assert time.perf_counter() - start < 0.5 * len(LONG)
