"""Synthetic workbooks of a given size for the benchmarks: grids as a store would hold them."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from unionplan.data import schema
from unionplan.data.cells import to_cell
from unionplan.data.store.base import Grid
from unionplan.data.store.xlsx import XlsxStore

LANG = "zh-Hans"


def _rows(table: schema.Table, n: int, make: dict, rng: random.Random) -> Grid:
    grid: Grid = [table.headers(LANG)]
    now = dt.datetime(2026, 1, 5, 9, 0)
    for i in range(n):
        rec = {k: f(i, rng) for k, f in make.items()}
        rec.update(
            id=f"{table.id_prefix}-{i:06d}",
            version=1,
            created_at=now,
            created_by="基准",
            updated_at=now,
            updated_by="基准",
            deleted=False,
        )
        grid.append([to_cell(c, rec.get(c.key), LANG) for c in table.columns])
    return grid


def build(n_activities: int, seed: int = 7) -> dict[str, Grid]:
    """Activities plus proportional other tabs (targets n/20, progress n/5, audit n/2 …)."""
    rng = random.Random(seed)
    cats = schema.ACTIVITY_CATEGORY.codes()
    n_units = 20
    grids = {
        "设置": [
            ["编号", "项目", "值"],
            ["S-1", "union_name", "基准工会"],
            ["S-2", "plan_year", "2026"],
            ["S-3", "language", "简体中文"],
        ],
        "组织": _rows(
            schema.UNITS,
            n_units,
            {
                "name": lambda i, r: f"第{i}分会",
                "kind": lambda i, r: "branch",
                "member_count": lambda i, r: r.randint(20, 300),
            },
            rng,
        ),
        "活动": _rows(
            schema.ACTIVITIES,
            n_activities,
            {
                "title": lambda i, r: f"活动{i}：职工趣味运动会",
                "category": lambda i, r: r.choice(cats),
                "start": lambda i, r: dt.date(2026, r.randint(1, 12), r.randint(1, 28)),
                "location": lambda i, r: "工会活动室",
                "unit": lambda i, r: f"U-{i % n_units:06d}",
                "responsible": lambda i, r: "王老师",
                "planned_participants": lambda i, r: 50,
                "budget": lambda i, r: r.randint(0, 5000),
                "status": lambda i, r: "planned",
                "notes": lambda i, r: "备注" * (i % 3),
            },
            rng,
        ),
        "目标": _rows(
            schema.TARGETS,
            max(1, n_activities // 20),
            {
                "section": lambda i, r: "组织建设",
                "title": lambda i, r: f"目标{i}",
                "metric": lambda i, r: "count",
                "target_value": lambda i, r: 100,
                "direction": lambda i, r: "at_least",
                "period": lambda i, r: "year",
            },
            rng,
        ),
        "进度": _rows(
            schema.PROGRESS,
            max(1, n_activities // 5),
            {
                "target_id": lambda i, r: f"T-{i % max(1, n_activities // 20):06d}",
                "date": lambda i, r: dt.date(2026, r.randint(1, 12), 1),
                "value": lambda i, r: 3,
            },
            rng,
        ),
        "帮扶对象": _rows(
            schema.AID_CASES,
            max(1, n_activities // 30),
            {
                "name": lambda i, r: f"职工{i}",
                "status": lambda i, r: "active",
                "causes": lambda i, r: ["illness"],
            },
            rng,
        ),
        "帮扶发放": _rows(
            schema.AID_PAYMENTS,
            max(1, n_activities // 10),
            {
                "case_id": lambda i, r: f"C-{i % max(1, n_activities // 30):06d}",
                "date": lambda i, r: dt.date(2026, 1, 20),
                "kind": lambda i, r: "warmth",
                "cash": lambda i, r: 500,
            },
            rng,
        ),
        "资金收入": _rows(
            schema.FUND_INCOME,
            max(1, n_activities // 100),
            {
                "date": lambda i, r: dt.date(2026, 3, 1),
                "source": lambda i, r: "one_day_donation",
                "amount": lambda i, r: 10000,
            },
            rng,
        ),
        "操作日志": _rows(
            schema.AUDIT_LOG,
            n_activities // 2,
            {
                "at": lambda i, r: dt.datetime(2026, 3, 1, 8),
                "user": lambda i, r: "基准",
                "table": lambda i, r: "activities",
                "record_id": lambda i, r: f"A-{i:06d}",
                "action": lambda i, r: "update",
                "changes": lambda i, r: '{"title": ["a", "b"]}',
            },
            rng,
        ),
    }
    return grids


def dense(grids: dict[str, Grid]) -> dict[str, Grid]:
    """A worst case: every empty cell filled, and two columns the app does not know on the
    activities tab (~27 filled columns)."""
    out = {}
    for title, grid in grids.items():
        extra = 2 if title == "活动" else 0
        width = len(grid[0]) + extra
        rows = [grid[0] + [f"自定义{i}" for i in range(extra)]]
        for n, row in enumerate(grid[1:]):
            row = list(row) + [""] * (width - len(row))
            rows.append([v if v not in ("", None) else f"填充{n % 97}" for v in row])
        out[title] = rows
    return out


def save_xlsx(path: Path, grids: dict[str, Grid]) -> None:
    """Write the grids as a new workbook through the local store, in one transaction."""
    store = XlsxStore(path)
    with store.transaction():
        store.create_tabs({title: g[0] for title, g in grids.items()})
        for title, g in grids.items():
            store.append_rows(title, g[1:], id_col=1)
