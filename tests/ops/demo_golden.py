"""The demo's frozen output: canonical serialisation of its grids, and the cases frozen.

The golden files under tests/ops/golden/ were written from the demo as it was before its
plans moved into data files; tests/ops/test_demo_data.py checks the demo still produces
them exactly. Cells are written type-tagged ("i:1", "f:1.0", "s:1", "d:2026-03-08") so a
change of type shows as a difference, not only a change of value.

Regenerate (only when the demo is meant to change, and say so in the commit):
    python -m tests.ops.demo_golden
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from unionplan.data.store.base import Grid

GOLDEN = Path(__file__).parent / "golden"

# (kind, plan year, today): a past year, a year not begun, a current year early, mid and
# late, and two more years so the lunar festivals and the biweekly Fridays fall elsewhere.
CASES: tuple[tuple[str, int, dt.date], ...] = tuple(
    (kind, year, today)
    for kind in ("school", "township")
    for year, today in (
        (2024, dt.date(2025, 3, 1)),
        (2025, dt.date(2026, 1, 2)),
        (2026, dt.date(2025, 12, 20)),
        (2026, dt.date(2026, 1, 15)),
        (2026, dt.date(2026, 5, 10)),
        (2026, dt.date(2026, 11, 21)),
        (2027, dt.date(2027, 6, 30)),
        (2027, dt.date(2028, 1, 2)),
    )
)
# The one case also frozen as the .xlsx create_demo writes, read back through XlsxStore.
XLSX_CASE: tuple[str, int, dt.date] = ("township", 2026, dt.date(2026, 5, 10))


def tag(cell: Any) -> str:
    """One cell as a type-tagged string; an unexpected type is an error, not a guess."""
    if cell is None:
        return "n:"
    if isinstance(cell, bool):
        return f"b:{cell}"
    if isinstance(cell, int):
        return f"i:{cell}"
    if isinstance(cell, float):
        return f"f:{cell!r}"
    if isinstance(cell, str):
        return f"s:{cell}"
    if isinstance(cell, dt.datetime):
        return f"t:{cell.isoformat()}"
    if isinstance(cell, dt.date):
        return f"d:{cell.isoformat()}"
    raise TypeError(f"unexpected cell type {type(cell).__name__}: {cell!r}")


def canonical(grids: Mapping[str, Grid]) -> dict[str, list[list[str]]]:
    """Grids with every cell tagged; tab order is kept (it is part of the output)."""
    return {title: [[tag(c) for c in row] for row in grid] for title, grid in grids.items()}


def case_name(kind: str, year: int, today: dt.date) -> str:
    return f"{kind}-{year}-on-{today.isoformat()}"


def grids_cases() -> dict[str, Any]:
    """Every frozen case, as demo_grids produces it now."""
    from unionplan.ops import demo

    return {
        case_name(k, y, t): {"tabs": list(g), "grids": canonical(g)}
        for k, y, t in CASES
        for g in [demo.demo_grids(year=y, kind=k, today=t)]
    }


def xlsx_case() -> dict[str, Any]:
    """The XLSX_CASE written by create_demo and read back as the app reads it."""
    from unionplan.data.store.xlsx import XlsxStore
    from unionplan.ops import demo

    kind, year, today = XLSX_CASE
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.xlsx"
        demo.create_demo(path, year=year, kind=kind, today=today)
        grids = XlsxStore(path).read_all()
    return {"case": case_name(*XLSX_CASE), "tabs": list(grids), "grids": canonical(grids)}


def dump(obj: Any, path: Path) -> None:
    # mtime=0 and sorted keys: the same content gives the same bytes, so git sees no churn.
    raw = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    with path.open("wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
        gz.write(raw.encode("utf-8"))


def load(path: Path) -> Any:
    return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))


GRIDS_FILE = GOLDEN / "demo_grids.json.gz"
XLSX_FILE = GOLDEN / "demo_xlsx.json.gz"


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    dump(grids_cases(), GRIDS_FILE)
    dump(xlsx_case(), XLSX_FILE)
    print(f"wrote {GRIDS_FILE} and {XLSX_FILE}")


if __name__ == "__main__":
    main()
