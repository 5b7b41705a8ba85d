"""A realistic demo year for a school union or a township federation, and the way back to empty.

Each demo is a plan file beside this module (school.toml, township.toml; read by
unionplan/plan/planfile.py): the seed plans' month-by-month activities and targets with the numbers
plans set (DOMAIN.md), and under [history] the progress recorded, hardship cases paired
with cadres and the aid paid to them. Every person in the aid files is invented (张某芳-style
names, ID numbers ending in XXXX, 138-0000-00xx phones). builder.py turns a file into
records; output is deterministic for a given (kind, year, today), so tests can rely on its
figures.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from unionplan.data import parse
from unionplan.data.schema import TABLES
from unionplan.data.store.base import Grid
from unionplan.data.tables import WorkbookData
from unionplan.errors import UnionplanError
from unionplan.ops.demo.builder import DEMO_NOTE, Builder
from unionplan.ops.demo.empty import empty_grids, start_empty
from unionplan.ops.demo.write import LANG, rows, write_grids, write_new_file
from unionplan.plan import planfile

__all__ = [
    "AID_OFFICER",
    "DEMO_NOTE",
    "KINDS",
    "LANG",
    "UNION_CHAIR",
    "UNION_NAMES",
    "create_demo",
    "demo_grids",
    "empty_grids",
    "is_demo",
    "plan_file",
    "start_empty",
    "write_grids",
]

KINDS = ("school", "township")
_FILES = Path(__file__).parent  # the plan files ship beside the code: no packaging step


@cache
def plan_file(kind: str) -> planfile.PlanFile:
    """The demo's plan file, read and checked once per process."""
    if kind not in KINDS:
        raise UnionplanError(f"unknown demo kind {kind!r}", key="errors.demo_kind", kind=kind)
    return planfile.load(_FILES / f"{kind}.toml")


_UNION_FIELDS = {"UNION_NAMES": "name", "UNION_CHAIR": "chair", "AID_OFFICER": "aid_officer"}


def __getattr__(name: str) -> dict[str, str]:
    """UNION_NAMES, UNION_CHAIR, AID_OFFICER by kind, read from the files when first asked.

    Importing the package reads no file, so the CLI's other commands never pay for it.
    """
    if name in _UNION_FIELDS:
        return {k: getattr(plan_file(k).plan.union, _UNION_FIELDS[name]) for k in KINDS}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def demo_grids(*, year: int, kind: str = "school", today: dt.date | None = None) -> dict[str, Grid]:
    """Every tab of the demo workbook, header row first, keyed by its Simplified Chinese title.

    `today` (default: the real date) decides what has already happened: activities before
    it are done, progress and payments after it are not there yet.
    """
    records = Builder(plan_file(kind), kind, year, today or dt.date.today()).records()
    return {
        t.label.get(LANG): [t.headers(LANG), *rows(t, records[key])] for key, t in TABLES.items()
    }


def create_demo(
    path: Path,
    *,
    year: int,
    kind: str = "school",
    today: dt.date | None = None,
    overwrite: bool = False,
) -> None:
    """Create a new demo workbook at `path` (kind "school" or "township").

    Refuses to replace an existing file unless `overwrite`: the file may be someone's data.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise UnionplanError(f"{path} exists", key="errors.file_exists", path=str(path))
    write_new_file(path, demo_grids(year=year, kind=kind, today=today))


def is_demo(data: WorkbookData) -> bool:
    """Whether the workbook is the demo (settings "demo" is a yes)."""
    value, _ = parse.parse_bool(data.settings.get("demo"))
    return value
