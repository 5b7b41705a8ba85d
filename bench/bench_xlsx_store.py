"""Benchmark of the local .xlsx store: prints read/write timings and memory at a few sizes.

    python bench/bench_xlsx_store.py                    # 1k, 10k, 50k activities
    python bench/bench_xlsx_store.py --sizes 10000 --openpyxl

"cold" means the file changed on disk since this store last saw it (another session wrote),
so the store must reload before it writes; "warm" means it did not. Tabs other than
activities are proportional (bench/gen.py). --dense fills every cell and adds two columns
the app does not know, for a worst case of ~27 filled columns.

--openpyxl adds what the store exists to avoid: a full openpyxl load + save of the same
file (median of 3), printed beside the store's writes; and which of the things people add
in Excel (a chart, a picture, sparklines …, tests/data/store/excel_extras.py) survive a
store write and an openpyxl load + save.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gen  # bench/gen.py, found through the path set just above

from tests.data.store.excel_extras import FEATURES, decorate, surviving
from unionplan.data.store.base import Grid
from unionplan.data.store.xlsx import XlsxStore

ACT, AUDIT = "活动", "操作日志"
OPENPYXL_RUNS = 3  # ~10-20 s each at 10k activities


def _build(path: Path, grids: dict[str, Grid]) -> float:
    t = time.perf_counter()
    gen.save_xlsx(path, grids)
    return time.perf_counter() - t


def _median(fn: Callable[[int], object], repeat: int) -> float:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _peak_mib(fn: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def bench(n: int, folder: Path, *, repeat: int, dense: bool, with_openpyxl: bool) -> None:
    grids = gen.build(n)
    if dense:
        grids = gen.dense(grids)
    path = folder / f"bench_{n}{'_dense' if dense else ''}.xlsx"
    build_s = _build(path, grids)
    row = list(grids[ACT][1])
    audit_row = list(grids[AUDIT][1])
    mid = len(grids[ACT]) // 2

    # b writes a cell of the activities tab in between: a's next step must reload the file
    # and parse that tab again (the worst case; tabs b did not touch are kept).
    a, b = XlsxStore(path), XlsxStore(path)
    cold_read = _median(lambda i: XlsxStore(path).read_all(), repeat)
    a.read_all()
    warm_read = _median(lambda i: a.read_all(), repeat)
    warm_append = _median(lambda i: a.append_rows(ACT, [row], id_col=1), repeat)

    def cold(fn: Callable[[int], object]) -> float:
        times = []
        for i in range(repeat):
            b.update_cells(ACT, [(3, 2, f"b{i}")])
            t = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    cold_append = cold(lambda i: a.append_rows(ACT, [row], id_col=1))
    a.update_cells(ACT, [(mid, 2, "x")])
    warm_update = _median(lambda i: a.update_cells(ACT, [(mid, 2, f"改{i}")]), repeat)
    cold_update = cold(lambda i: a.update_cells(ACT, [(mid, 2, f"改{i}")]))

    def flow(i: int) -> None:  # what Workbook.update does: fresh read, update, audit row
        with a.transaction():
            a.read_tab(ACT)
            a.update_cells(ACT, [(mid, 2, f"流{i}"), (mid, 20, i)])
            a.append_rows(AUDIT, [audit_row], id_col=1)

    a.read_tab(ACT)
    warm_flow = _median(flow, repeat)
    cold_flow = cold(flow)

    mem_read = _peak_mib(lambda: XlsxStore(path).read_all())
    b.update_cells(ACT, [(3, 2, "m")])
    mem_append = _peak_mib(lambda: a.append_rows(ACT, [row], id_col=1))

    rows_total = sum(len(g) - 1 for g in grids.values())
    print(
        f"\n== {n} activities{' (dense)' if dense else ''}: {rows_total} rows in all tabs, "
        f"file {path.stat().st_size / 2**20:.1f} MiB, built in {build_s:.2f} s"
    )
    for label, secs in [
        ("read_all, cold (new store)", cold_read),
        ("read_all, warm (file unchanged)", warm_read),
        ("append 1 row, warm", warm_append),
        ("append 1 row, cold", cold_append),
        ("update 1 cell, warm", warm_update),
        ("update 1 cell, cold", cold_update),
        ("read_tab+update+audit, warm", warm_flow),
        ("read_tab+update+audit, cold", cold_flow),
    ]:
        print(f"  {label:34s} {secs * 1000:8.0f} ms")
    print(f"  {'peak Python memory, cold read_all':34s} {mem_read:8.0f} MiB")
    print(f"  {'peak Python memory, cold append':34s} {mem_append:8.0f} MiB")
    print(f"  requests of store a: {a.stats}")
    if with_openpyxl:
        load, save, cpu = _openpyxl_round_trips(path, folder / "openpyxl_copy.xlsx")
        total = load + save
        print(
            f"  {'openpyxl load + save, whole file':34s} {total * 1000:8.0f} ms "
            f"(load {load:.1f} s + save {save:.1f} s, CPU {cpu:.1f} s, median of "
            f"{OPENPYXL_RUNS}): {total / warm_update:.0f}x the store's warm update, "
            f"{total / cold_flow:.0f}x its cold read_tab+update+audit"
        )


def _openpyxl_round_trips(path: Path, out: Path) -> tuple[float, float, float]:
    """Medians of full openpyxl load + save runs (load s, save s, CPU s): what a write
    would cost if the store simply used openpyxl (each run on the same unchanged file)."""
    import openpyxl

    loads, saves, cpus = [], [], []
    for _ in range(OPENPYXL_RUNS):
        gc.collect()
        c = time.process_time()
        t = time.perf_counter()
        wb = openpyxl.load_workbook(path)
        loads.append(time.perf_counter() - t)
        t = time.perf_counter()
        wb.save(out)
        saves.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        del wb
    return statistics.median(loads), statistics.median(saves), statistics.median(cpus)


def survival(folder: Path) -> None:
    """Print which things people add in Excel survive a store write, and an openpyxl
    load + save, on a small workbook that has all of them on its activities tab."""
    import openpyxl

    src = folder / "extras.xlsx"
    gen.save_xlsx(src, gen.build(40))
    decorate(src, ACT)
    by_store, by_openpyxl = folder / "extras_store.xlsx", folder / "extras_openpyxl.xlsx"
    shutil.copyfile(src, by_store)
    store = XlsxStore(by_store)
    store.append_rows(ACT, [["A-new", "新活动"]], id_col=1)
    store.update_cells(ACT, [(3, 2, "改名")])
    with warnings.catch_warnings():  # openpyxl warns of each extension it drops
        warnings.simplefilter("ignore")
        openpyxl.load_workbook(src).save(by_openpyxl)
    kept = {"store write": surviving(by_store), "openpyxl load+save": surviving(by_openpyxl)}
    print(f"\n== kept after a write (a tab with all of them; openpyxl {openpyxl.__version__})")
    print(f"  {'':20s}" + "".join(f"{k:>20s}" for k in kept))
    for feature in FEATURES:
        marks = "".join(f"{'yes' if k[feature] else 'LOST':>20s}" for k in kept.values())
        print(f"  {feature:20s}{marks}")
    try:
        import PIL  # noqa: F401  (openpyxl keeps pictures only with Pillow)
    except ImportError:
        print("  (Pillow is not installed: openpyxl drops every picture; with it, it keeps them)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,50000", help="activity counts, comma-separated")
    ap.add_argument("--repeat", type=int, default=5, help="runs per figure (the median is shown)")
    ap.add_argument("--dense", action="store_true", help="fill every cell, add 2 unknown columns")
    ap.add_argument("--openpyxl", action="store_true", help="compare openpyxl load + save")
    ap.add_argument("--keep", type=Path, help="write the workbooks here and keep them")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_xlsx_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            bench(n, folder, repeat=args.repeat, dense=args.dense, with_openpyxl=args.openpyxl)
        if args.openpyxl:
            survival(folder)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess peak RSS {rss:.0f} MiB (includes building the test data)")


if __name__ == "__main__":
    main()
