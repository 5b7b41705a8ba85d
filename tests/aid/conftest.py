"""A small union for the aid tests: a township federation with two branches and a group,
cases in every state of their life, income and payments; invented names throughout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pytest

from tests.memory_store import MemoryStore
from unionplan.data import schema
from unionplan.data.cells import to_cell
from unionplan.data.store.base import Grid
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.data.workbook import Workbook

LANG = "zh-Hans"
TODAY = dt.date(2026, 5, 15)

# Valid numbers: the standard's published example (check character X), and one whose check
# digit was worked out by hand with the MOD 11-2 weights.
ID_X = "11010519491231002X"
ID_2 = "110101199003071233"

UNITS = [
    {"id": "U-1", "name": "某某镇总工会", "kind": "federation"},
    {"id": "U-2", "name": "一分会", "parent": "U-1", "kind": "branch"},
    {"id": "U-3", "name": "二分会", "parent": "U-1", "kind": "branch"},
    {"id": "U-4", "name": "一分会第一小组", "parent": "U-2", "kind": "group"},
]
CASES = [
    {"id": "C-1", "name": "张某芳", "id_number": ID_X, "unit": "U-2", "causes": ["illness"],
     "level": "deep", "status": "active", "paired_cadre": "李主席", "review_date": "2026-05-01",
     "opened_on": "2025-11-20", "phone": "13812345678", "family_size": 3,
     "monthly_income": 2800},
    {"id": "C-2", "name": "王某军", "id_number": ID_2, "unit": "U-4",
     "causes": ["disability", "schooling"], "level": "deep", "status": "helping",
     "paired_cadre": "李主席", "review_date": "2026-06-01", "opened_on": "2024-12-10"},
    {"id": "C-3", "name": "陈某梅", "unit": "U-3", "causes": ["single_parent"],
     "level": "relative", "status": "active", "paired_cadre": "", "review_date": "2026-09-30",
     "opened_on": "2025-09-05"},
    {"id": "C-4", "name": "赵某平", "unit": "U-3", "causes": ["disaster"], "level": "accident",
     "status": "exited", "paired_cadre": "周委员", "opened_on": "2025-03-12",
     "exited_on": "2026-03-31"},
    {"id": "C-5", "name": "吴某兰", "unit": "U-2", "causes": ["single_parent"],
     "level": "relative", "status": "applied"},
    {"id": "C-6", "name": "孙某丽", "unit": "U-3", "causes": [], "level": "relative",
     "status": "active", "paired_cadre": "周委员"},
]  # fmt: skip
INCOME = [
    {"id": "I-1", "date": "2026-01-10", "source": "higher_union", "amount": 6000},
    {"id": "I-2", "date": "2026-03-02", "source": "aid_fund", "amount": 5000},
]
PAYMENTS = [
    {"id": "D-1", "case_id": "C-1", "date": "2026-01-18", "kind": "warmth", "cash": 800,
     "goods": "大米、食用油", "goods_value": 200, "fund_source": "higher_union"},
    {"id": "D-2", "case_id": "C-2", "date": "2026-01-18", "kind": "warmth", "cash": 800,
     "fund_source": "higher_union"},
    {"id": "D-3", "case_id": "C-1", "date": "2026-04-22", "kind": "illness_relief",
     "cash": 3000, "fund_source": "aid_fund", "notes": "化疗费用救助"},
]  # fmt: skip


def grid(key: str, records: list[Mapping[str, Any]], lang: str = LANG) -> Grid:
    """Records as the app writes them (labels in `lang`), header first."""
    table = schema.TABLES[key]
    rows = [[to_cell(c, r.get(c.key), lang) for c in table.columns] for r in records]
    for r, rec in zip(rows, records, strict=True):
        if "version" in table.keys and "version" not in rec:
            r[table.keys.index("version")] = 1
    return [table.headers(lang), *rows]


def grids(**tables: list[Mapping[str, Any]]) -> dict[str, Grid]:
    """Every tab of a workbook, with these records; the settings of a 2026 plan."""
    out = {t.label.get(LANG): grid(key, tables.get(key, [])) for key, t in schema.TABLES.items()}
    settings = [
        {"id": "S-1", "key": "plan_year", "value": "2026"},
        {"id": "S-2", "key": "union_name", "value": "某某镇总工会"},
        {"id": "S-3", "key": "language", "value": "简体中文"},
    ]
    out[schema.SETTINGS.label.get(LANG)] = grid("settings", settings)
    return out


def standard(**overrides: list[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    base: dict[str, list[Mapping[str, Any]]] = {
        "units": UNITS,
        "aid_cases": CASES,
        "fund_income": INCOME,
        "aid_payments": PAYMENTS,
    }
    return {**base, **overrides}


def data_of(**tables: list[Mapping[str, Any]]) -> WorkbookData:
    return parse_workbook(grids(**tables), location="test", kind="memory")


def memory_workbook(**tables: list[Mapping[str, Any]]) -> tuple[Workbook, MemoryStore]:
    store = MemoryStore(grids(**tables))
    return Workbook(store), store  # the cache follows the store's change token


@pytest.fixture
def data() -> WorkbookData:
    return data_of(**standard())


@pytest.fixture
def wb() -> tuple[Workbook, MemoryStore]:
    return memory_workbook(**standard())
