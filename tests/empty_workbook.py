"""An empty workbook in memory: every tab with its Simplified Chinese header, and a plan year."""

from __future__ import annotations

from tests.memory_store import MemoryStore
from unionplan.data.schema import TABLES
from unionplan.data.workbook import Workbook


def empty_workbook(year: int | None = 2026) -> Workbook:
    grids = {t.label.zh_hans: [t.headers("zh-Hans")] for t in TABLES.values()}
    if year is not None:
        grids["设置"].append(["S-1", "plan_year", str(year)])
    return Workbook(MemoryStore(grids), ttl=0)
