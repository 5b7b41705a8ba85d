"""Benchmark of the plan importer: prints parse times of real plans and of hostile text,
and the time of one import into a local workbook.

    python bench/bench_importer.py
    python bench/bench_importer.py --plans ../shared/seeds/*.txt

The hostile inputs are 100,000-character lines and texts of 12,000–20,000 lines, built to
make a backtracking pattern or a per-character rescan show: their cost must stay linear.
(Items numbered past 999 are not read as list numbers, so the last run stops there.)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.reports.importer import import_preview, read_plan
from unionplan.reports.plan_text import parse_plan_text

HOSTILE = {
    "100k digits": "1" * 100_000,
    "100k numerals": "三" * 100_000,
    "100k month list": "七、" * 50_000,
    "100k targets": "每年不少于2篇，" * 12_500,
    "100k percents": "95%以上" * 20_000,
    "100k parentheses": "(1)" * 33_000,
    "100k counts": "二次" * 50_000,
    "20k month lines": "三月份\n" * 20_000,
    "12k item lines": "三月份\n" + "".join(f"{n}、读书{n}\n" for n in range(1, 12_000)),
}
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", nargs="*", type=Path, default=sorted(SEEDS.glob("*.txt")))
    args = ap.parse_args()
    print(f"{'input':22} {'chars':>8} {'parse ms':>9} {'acts':>6} {'targets':>7} {'issues':>6}")
    for path in args.plans:
        text = path.read_text(encoding="utf-8")
        preview = parse_plan_text(text, 2026)
        ms = best(lambda text=text: parse_plan_text(text, 2026)) * 1000
        print(
            f"{path.name[:22]:22} {len(text):8} {ms:9.1f} {len(preview.activities):6} "
            f"{len(preview.targets):7} {len(preview.issues):6}"
        )
    for name, text in HOSTILE.items():
        preview = parse_plan_text(text, 2026)
        ms = best(lambda text=text: parse_plan_text(text, 2026), repeat=1) * 1000
        print(
            f"{name:22} {len(text):8} {ms:9.1f} {len(preview.activities):6} "
            f"{len(preview.targets):7} {len(preview.issues):6}"
        )
    if args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            store = XlsxStore(Path(tmp) / "wb.xlsx")
            wb = Workbook(store)
            wb.ensure_tabs("zh-Hans")
            preview = read_plan(args.plans[-1], args.plans[-1].name, year=2026)
            writes = store.stats.writes
            t = time.perf_counter()
            result = import_preview(wb, preview, "bench")
            took = time.perf_counter() - t
            print(
                f"\nimport of {args.plans[-1].name}: {len(result.created)} records in "
                f"{took * 1000:.0f} ms, {store.stats.writes - writes} store write(s)"
            )
            t = time.perf_counter()
            again = import_preview(wb, preview, "bench")
            print(
                f"import again: {len(again.created)} created, {len(again.existing)} skipped "
                f"in {(time.perf_counter() - t) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
