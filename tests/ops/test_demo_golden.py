"""The demo produces exactly the workbooks frozen in tests/ops/golden/ (see demo_golden)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ops import demo_golden as golden
from unionplan.ops import demo


@pytest.fixture(scope="module")
def frozen() -> dict:
    return golden.load(golden.GRIDS_FILE)


def test_every_case_is_frozen(frozen: dict) -> None:
    assert sorted(frozen) == sorted(golden.case_name(*c) for c in golden.CASES)


@pytest.mark.parametrize("case", golden.CASES, ids=lambda c: golden.case_name(*c))
def test_demo_grids_equal_the_frozen_output(frozen: dict, case: tuple[str, int, dt.date]) -> None:
    kind, year, today = case
    grids = demo.demo_grids(year=year, kind=kind, today=today)
    want = frozen[golden.case_name(*case)]
    assert list(grids) == want["tabs"]
    got = golden.canonical(grids)
    for title in want["tabs"]:
        # Row by row, so a failure names the tab and the first row that differs.
        assert len(got[title]) == len(want["grids"][title]), title
        for n, (g, w) in enumerate(zip(got[title], want["grids"][title], strict=True)):
            assert g == w, f"{title} row {n + 1}"


def test_create_demo_file_reads_back_as_frozen() -> None:
    want = golden.load(golden.XLSX_FILE)
    got = golden.xlsx_case()
    assert got["case"] == want["case"]
    assert got["tabs"] == want["tabs"]
    assert got["grids"] == want["grids"]


def test_tag_keeps_types_apart() -> None:
    cells = [1, 1.0, "1", True, None, dt.date(2026, 3, 8), dt.datetime(2026, 3, 8, 9, 0)]
    tags = [golden.tag(c) for c in cells]
    assert len(set(tags)) == len(cells)
    with pytest.raises(TypeError):
        golden.tag(object())
