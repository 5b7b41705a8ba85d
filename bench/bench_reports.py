"""Benchmark of reports and new years: prints how long each step takes on the demo years.

    python bench/bench_reports.py            # charts drawn by kaleido (needs chromium)
    python bench/bench_reports.py --no-charts

Per demo (school, township) and period: building the report (targets evaluated,
activities expanded, aid summed, narrative drafted), the .docx without charts, the .xlsx,
and the .docx with its two charts (the first kaleido image starts a browser: slow once);
then the work plan .docx and a new year from last year's plan and from each template.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.memory_store import MemoryStore
from unionplan.data.workbook import Workbook
from unionplan.ops import demo
from unionplan.plan import newyear
from unionplan.reports.docx_report import to_docx
from unionplan.reports.report import build_report
from unionplan.reports.workplan import workplan_docx
from unionplan.reports.xlsx_report import to_xlsx

TODAY = dt.date(2026, 11, 20)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-charts", action="store_true")
    args = ap.parse_args()
    print(f"{'demo':9} {'period':6} {'build':>7} {'docx':>7} {'xlsx':>7} {'docx+charts':>12} size")
    for kind in demo.KINDS:
        data = Workbook(MemoryStore(demo.demo_grids(year=2026, kind=kind, today=TODAY))).load()
        for period in ("Q1", "H1", "Y"):
            t_build, report = timed(lambda: build_report(data, period=period, today=TODAY))  # noqa: B023
            t_docx, _ = timed(lambda: to_docx(report, charts=False))  # noqa: B023
            t_xlsx, _ = timed(lambda: to_xlsx(report))  # noqa: B023
            charts = "-"
            size = ""
            if not args.no_charts:
                t_charts, out = timed(lambda: to_docx(report))  # noqa: B023
                charts, size = f"{t_charts:.2f} s", f"{len(out) // 1024} KB"
            print(
                f"{kind:9} {period:6} {t_build:6.2f}s {t_docx:6.2f}s {t_xlsx:6.2f}s"
                f" {charts:>12} {size}"
            )
        t_plan, _ = timed(lambda: workplan_docx(data))  # noqa: B023
        t_new, new = timed(lambda: newyear.new_year_from_last(data, 2027))  # noqa: B023
        print(
            f"{kind}: work plan .docx {t_plan:.2f} s; new year from last {t_new:.2f} s"
            f" ({len(new.appends)} records)"
        )
    for kind in newyear.TEMPLATE_KINDS:
        t_tpl, new = timed(lambda: newyear.new_year_from_template(kind, 2027))  # noqa: B023
        print(f"template {kind}: {t_tpl:.3f} s ({len(new.appends)} records)")


if __name__ == "__main__":
    main()
