"""Sheets requests per operation under issue 10's design, and a burst under the quota.

Prints, on the local fake Sheets API (tests/fake_sheets.py) with the real gspread client:
- requests per operation at N activities (bench/gen.py's workbook): a refresh of all tabs,
  an append, an update, an update after a person inserted a row above the record (its
  claim is moved), and the update that loses a race with another save of the same record;
  and the bytes a version check reads against a read of the whole tab;
- a burst: 10 sessions each adding 3 activities and then editing them, at once, under
  the fake's 60-a-minute quota, paced by the process's pacer at 50 a minute. Time is
  SIMULATED (tests/sheets_burst.py: a clock that sleeps advance), so the minutes below
  are quota minutes, not the wall time of this run.

    python bench/bench_concurrency.py               # 10k activities
    python bench/bench_concurrency.py --activities 1000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen import build  # noqa: E402
from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets  # noqa: E402
from tests.sheets_burst import run_burst  # noqa: E402
from unionplan.data.store.gsheets import GSheetsStore  # noqa: E402
from unionplan.data.workbook import Workbook  # noqa: E402
from unionplan.errors import ConflictError  # noqa: E402


def _kinds(fake: FakeSheets, since: int) -> list[str]:
    return [r.kind for r in fake.requests()[since:]]


def _op(fake: FakeSheets, fn) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    n = len(fake.requests())
    fn()
    got = fake.requests()[n:]
    return [r.kind for r in got], sum(r.sent_bytes for r in got)


def _line(name: str, kinds: list[str]) -> None:
    reads = sum(
        1
        for k in kinds
        if k
        in (
            "values.batchGet",
            "values.get",
            "spreadsheets.get",
            "values.batchGetByDataFilter",
            "developerMetadata.search",
        )
    )
    print(f"  {name:<38} {len(kinds)} requests ({reads} read, {len(kinds) - reads} write): "
          + ", ".join(kinds))  # fmt: skip


def requests_per_operation(n: int) -> None:
    grids = build(n)
    with FakeSheets() as fake:
        key = fake.create_spreadsheet(tabs=grids)

        def store() -> GSheetsStore:
            return GSheetsStore(key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host, pacer=None)

        a, b = Workbook(store(), ttl=3600), Workbook(store(), ttl=3600)
        print(f"Requests per operation, {n} activities (Google store on the fake):")
        kinds, _ = _op(fake, lambda: a.load(fresh=True))
        _line("refresh, cold (metadata + all tabs)", kinds)
        kinds, _ = _op(fake, lambda: a.load(fresh=True))
        _line("refresh of all tabs", kinds)
        a.append("activities", {"title": "预热"}, user="bench")  # header columns, once
        a.load()
        kinds, _ = _op(fake, lambda: a.append("activities", {"title": "新增"}, user="bench"))
        _line("append (record + audit row)", kinds)
        ids = list(a.load().df("activities")["id"])
        kinds, _ = _op(
            fake,
            lambda: a.update("activities", ids[5], {"notes": "改"}, expected_version=1, user="b"),
        )
        _line("update", kinds)
        read = next(r for r in fake.requests() if r.kind == "values.batchGetByDataFilter")
        title = a.load().tables["activities"].title or ""
        _, whole = _op(fake, lambda: a.store.read_tab(title))  # what the old check read
        a.load()
        fake.insert_row(key, title, 3, ["手工插入"])  # a person, since the last load
        kinds, _ = _op(
            fake,
            lambda: a.update("activities", ids[6], {"notes": "改"}, expected_version=1, user="b"),
        )
        _line("update after a row was inserted above", kinds)
        a.load()
        b.load()
        b.store.tab_titles()  # B's cold start is not part of its save
        lost: list[str] = []

        def b_saves() -> None:
            n0 = len(fake.requests())
            try:
                b.update("activities", ids[7], {"notes": "B"}, expected_version=1, user="b")
            except ConflictError:
                lost.extend(_kinds(fake, n0))

        fake.hook(b_saves, at=2, when="after")
        a.update("activities", ids[7], {"notes": "A"}, expected_version=1, user="a")
        _line("update that loses a race", lost)
        print(
            f"  version check reads {read.sent_bytes / 1024:.0f} KiB (the row, the id column, "
            f"the top rows) instead of the whole tab, {whole / 1024:.0f} KiB"
        )


def burst() -> None:
    with FakeSheets() as fake:
        result, _ = run_burst(fake, sessions=10, per=3, quota=60, pace=50)
        usage = fake.quota_usage()
        over = sum(1 for r in fake.requests() if r.over_quota)
    minutes = sorted({m for m, _ in usage})
    print("Burst: 10 sessions x (3 appends + 3 edits) at once, quota 60/min, paced at 50/min")
    print(f"  saves: {result.saves}, failed: {len(result.errors)}, 429s: {over}, "
          f"retries: {result.retries}")  # fmt: skip
    print(f"  requests: {result.reads} reads, {result.writes} writes")
    for m in minutes:
        print(
            f"  minute {m - minutes[0] + 1}: {usage.get((m, False), 0)} reads, "
            f"{usage.get((m, True), 0)} writes"
        )
    print(
        f"  the last save finished {result.last_save_s:.0f} s (simulated) after the burst "
        f"began; the longest wait of one request for its turn: {result.longest_wait_s:.0f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--activities", type=int, default=10_000)
    args = ap.parse_args()
    requests_per_operation(args.activities)
    print()
    burst()


if __name__ == "__main__":
    main()
