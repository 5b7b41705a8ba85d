"""Benchmark the workbook layer on both stores at 1k, 10k and 50k activities.

Prints, per store and size: cold load, cached load, append and update time, peak memory,
and backend requests per operation. Each (store, size) runs in its own process so peak
RSS belongs to that case alone. The Google store talks to the local fake Sheets API
(tests/fake_sheets.py) over loopback, so its times are the client's and the fake's work,
not Google's network latency (add ~100-300 ms per request for the real thing).

    python bench/bench_workbook.py                 # all sizes, both stores
    python bench/bench_workbook.py --sizes 1000 10000 --stores xlsx
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen import build  # noqa: E402
from unionplan.data.store.base import Store  # noqa: E402
from unionplan.data.workbook import Workbook  # noqa: E402


def _timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _requests(store: Store, fn) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    r0, w0 = store.stats.snapshot()
    fn()
    r1, w1 = store.stats.snapshot()
    return r1 - r0, w1 - w0


def run_case(kind: str, n: int) -> dict[str, object]:
    grids = build(n)
    rows = sum(len(g) - 1 for g in grids.values())
    fake = None
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "xlsx":
            from unionplan.data.store.xlsx import XlsxStore

            path = Path(tmp) / "bench.xlsx"
            seed = XlsxStore(path)
            seed.create_tabs({t: g[0] for t, g in grids.items()})
            with seed.transaction():
                for t, g in grids.items():
                    seed.append_rows(t, g[1:], id_col=1)
            del seed

            def new_store() -> Store:
                return XlsxStore(path)
        else:
            from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets
            from unionplan.data.store.gsheets import GSheetsStore

            fake = FakeSheets().start()
            key = fake.create_spreadsheet(tabs=grids)

            def new_store() -> Store:
                return GSheetsStore(key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host)

        # cold: a new process-level store and an empty cache
        store = new_store()
        wb = Workbook(store, ttl=3600)
        wb.invalidate()
        t0 = time.perf_counter()
        cold_req = _requests(store, lambda: wb.load(fresh=True))
        cold = time.perf_counter() - t0
        refresh_req = _requests(store, lambda: wb.load(fresh=True))
        warm = _timed(wb.load, 50)
        warm_req = _requests(store, wb.load)

        appends, updates = [], []
        append_req = update_req = (0, 0)
        for i in range(3):
            wb.load()  # the cache is warm before each write, as in the app
            t0 = time.perf_counter()
            append_req = _requests(
                store,
                lambda i=i: wb.append(
                    "activities", {"title": f"基准新增{i}", "category": "meeting"}, user="bench"
                ),
            )
            appends.append(time.perf_counter() - t0)
        for i in range(3):
            rec = wb.load().record("activities", f"A-{i:06d}")
            t0 = time.perf_counter()
            update_req = _requests(
                store,
                lambda rec=rec, i=i: wb.update(
                    "activities",
                    rec["id"],
                    {"notes": f"基准修改{i}"},
                    expected_version=rec["version"],
                    user="bench",
                ),
            )
            updates.append(time.perf_counter() - t0)

        # Python-heap peak of a cold load, measured apart from the timings (tracemalloc
        # slows allocation down); RSS below covers native memory (calamine, sockets) too.
        wb.invalidate()
        tracemalloc.start()
        wb.load(fresh=True)
        heap_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if fake is not None:
            fake.close()
    return {
        "store": kind,
        "activities": n,
        "rows": rows,
        "cold_load_s": round(cold, 3),
        "cached_load_ms": round(warm * 1000, 3),
        "append_s": round(statistics.median(appends), 3),
        "update_s": round(statistics.median(updates), 3),
        "heap_peak_mb": round(heap_peak / 2**20, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "requests_cold_load": cold_req,
        "requests_refresh": refresh_req,
        "requests_cached_load": warm_req,
        "requests_append": append_req,
        "requests_update": update_req,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument("--stores", nargs="+", default=["xlsx", "gsheets"])
    ap.add_argument("--one", nargs=2, metavar=("STORE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one[0], int(args.one[1]))))
        return
    cols = [
        "store",
        "activities",
        "rows",
        "cold_load_s",
        "cached_load_ms",
        "append_s",
        "update_s",
        "heap_peak_mb",
        "max_rss_mb",
    ]
    print("requests are (reads, writes); append/update include the audit-log append\n")
    print(" | ".join(cols) + " | req cold | req refresh | req cached | req append | req update")
    for kind in args.stores:
        for n in args.sizes:
            out = subprocess.run(
                [sys.executable, __file__, "--one", kind, str(n)],
                capture_output=True,
                text=True,
                check=False,
            )
            if out.returncode:
                print(f"{kind} {n}: failed\n{out.stderr[-2000:]}")
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            reqs = [
                r["requests_cold_load"],
                r["requests_refresh"],
                r["requests_cached_load"],
                r["requests_append"],
                r["requests_update"],
            ]
            print(
                " | ".join(str(r[c]) for c in cols)
                + " | "
                + " | ".join(f"{a}r/{b}w" for a, b in reqs),
                flush=True,
            )


if __name__ == "__main__":
    main()
