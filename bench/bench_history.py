"""The history of changes on a big audit log: what each step of the data page's history
and of one record's history costs, and how fast the .xlsx export is.

Builds bench/gen.py's workbook and gives it an audit log of N rows as the app writes
them (a third of them appends of eight fields, the rest edits of one to three fields, by
twelve people over two years, across the tables), parses it as a load would, then times:
the audit rows prepared once per load (`audit_rows`, `choices`, `case_index`), a filter
per rerun (`select`), one page flattened (`flatten`), one record's and one aid case's
history, and the export of `EXPORT_MAX_LINES` lines (`export_lines`, `export_xlsx`).

    python bench/bench_history.py               # 50,000 audit rows
    python bench/bench_history.py --rows 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen import LANG, build  # noqa: E402
from tests.people import person  # noqa: E402
from unionplan import history  # noqa: E402
from unionplan.data import schema  # noqa: E402
from unionplan.data.cells import to_cell  # noqa: E402
from unionplan.data.tables import parse_workbook  # noqa: E402
from unionplan.history import Filters  # noqa: E402

PAGE = 100  # audit rows a page of the data page's history shows (unionplan.ui.history)
PEOPLE = [f"user{i:02d}" for i in range(12)]
TABLES = {  # table -> (id prefix, how many records, fields an edit may touch)
    "activities": ("A", 1000, ["title", "status", "location", "budget", "notes"]),
    "targets": ("T", 50, ["title", "target_value", "notes"]),
    "progress": ("P", 200, ["value", "note"]),
    "aid_cases": ("C", 33, ["phone", "status", "situation", "monthly_income"]),
    "aid_payments": ("D", 100, ["cash", "notes"]),
}


def audit_log(n: int, seed: int = 11) -> list[list[Any]]:
    rng = random.Random(seed)
    table = schema.AUDIT_LOG
    grid: list[list[Any]] = [table.headers(LANG)]
    start = dt.datetime(2025, 1, 1, 8)
    for i in range(n):
        key = rng.choice(list(TABLES))
        prefix, count, fields = TABLES[key]
        if i % 3 == 0:
            action = "append"
            changes = {f: [None, f"新的内容{i}"] for f in fields} | {
                "unit": [None, "U-000001"],
                "created_by": [None, "x"],
            }
            if key == "aid_payments":
                changes["case_id"] = [None, f"C-{rng.randrange(33):06d}"]
        else:
            action = "update"
            picked = rng.sample(fields, rng.randint(1, min(3, len(fields))))
            changes = {f: [f"旧值{i}", f"新值{i}"] for f in picked}
        rec = {
            "id": f"L-{i:08d}",
            "at": start + dt.timedelta(minutes=21 * i),
            "user": rng.choice(PEOPLE),
            "table": key,
            "record_id": f"{prefix}-{rng.randrange(count):06d}",
            "action": action,
            "changes": json.dumps(changes, ensure_ascii=False),
        }
        grid.append([to_cell(c, rec.get(c.key), LANG) for c in table.columns])
    return grid


def timed(name: str, fn: Callable[[], Any], repeat: int = 3) -> Any:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"  {name:<52} {best * 1000:9.1f} ms")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000, help="audit rows")
    args = parser.parse_args()
    grids = build(1000)
    grids["操作日志"] = audit_log(args.rows)
    t0 = time.perf_counter()
    data = parse_workbook(grids)
    print(f"{args.rows:,} audit rows; the workbook parsed in {time.perf_counter() - t0:.1f} s")

    print("once per load (shared by every session):")
    rows = timed("audit_rows", lambda: history.audit_rows(data))
    timed("choices", lambda: history.choices(rows))
    index = timed("case_index", lambda: history.case_index(data, rows))
    titles = timed("record_titles", lambda: history.record_titles(data))

    print("per rerun:")
    viewer = person("leader", "viewer")
    access = timed("personal_access (viewer)", lambda: history.personal_access(data, viewer, index))
    some = Filters(people=("user03", "user07"), tables=("activities", "aid_cases"))
    days = Filters(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))
    timed("select, no filter", lambda: history.select(rows, Filters()))
    picked = timed("select, 2 people x 2 tables", lambda: history.select(rows, some))
    timed("select, one month", lambda: history.select(rows, days))
    timed("select, one record id", lambda: history.select(rows, Filters(record_id="A-000007")))
    page = rows.iloc[:PAGE]
    lines = timed(
        f"flatten one page ({PAGE} audit rows), masked for a viewer",
        lambda: history.flatten(page, LANG, personal=access, titles=titles),
    )
    print(f"    -> {len(lines)} lines; the filtered rows: {len(picked):,}")
    one = timed(
        "one activity's history (record_rows + flatten)",
        lambda: history.flatten(history.record_rows(rows, "activities", ["A-000007"]), LANG),
    )
    case = timed(
        "one aid case's history (case_rows + flatten)",
        lambda: history.flatten(history.case_rows(rows, "C-000003", index), LANG),
    )
    print(f"    -> {len(one)} and {len(case)} lines")

    print("export (admins; built when the button is clicked):")
    n = history.EXPORT_MAX_LINES
    (biggest, cut) = timed(
        f"export_lines up to {n:,} lines, every row selected",
        lambda: history.export_lines(rows, LANG, titles=titles),
        repeat=1,
    )
    t0 = time.perf_counter()
    size = len(history.export_xlsx(biggest, LANG, cut=cut))
    took = time.perf_counter() - t0
    name = f"export_xlsx of {len(biggest):,} lines"
    print(f"  {name:<52} {took * 1000:9.1f} ms ({size / 1e6:.1f} MB)")
    print(f"    -> {len(biggest) / took:,.0f} lines a second")


if __name__ == "__main__":
    main()
