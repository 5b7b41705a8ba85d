"""Benchmark every page at 1k, 10k and 50k activities: what a person waits for.

For each size the generator's workbook (bench/gen.py: targets n/20, progress n/5, aid
payments n/10, audit n/2 …) is written to a temporary .xlsx, then:

- AppTest (in a process of its own per size): per page, the first run after a load
  (the workbook cache dropped, as after a write, so the run re-reads the file and
  recomputes everything derived from it) and the median of warm reruns (same data).
- Browser: `streamlit run app.py` on that workbook and headless chromium (Playwright,
  /usr/bin/chromium, the flags of tests/browser/conftest.py). Times from a click to a
  settled page (the script run finished, no running indicator, no loading skeleton, and
  what the click asked for on screen): a sidebar link to each page, a filter change and
  opening a record on the activities page, a period change and opening another tab on
  the targets page, a click on a calendar event (its dialog), on a crowded day's "N more"
  (the day's list) and the calendar's previous-month button. Then the peak
  resident memory of the app process (VmHWM), overall and over each page's first visit.
  All clicks happen in one browser tab after a first visit of every page, as a person
  keeps the app open.

    python bench/bench_pages.py                          # everything, all sizes
    python bench/bench_pages.py --sizes 10000 --no-browser
    python bench/bench_pages.py --pages targets --repeat 5
    python bench/bench_pages.py --sizes 10000 --pages aid_cases aid_payments reports

Times are milliseconds of wall time on this machine; they move with its load, so run it
on an otherwise idle machine and compare figures from the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen import build, save_xlsx  # noqa: E402

APP = str(ROOT / "app.py")
PAGES = ("overview", "calendar", "activities", "targets", "data")  # issue #11's five
ALL_PAGES = ("overview", "calendar", "activities", "targets", "aid_cases", "aid_payments",
             "aid_campaigns", "reports", "plan_import", "new_plan", "data", "users")  # fmt: skip
LANG = "zh-Hans"
PLAN_YEAR = 2026  # bench/gen.py's plan year
RUN_TIMEOUT_S = 900  # one AppTest run; the slowest baseline page took about a minute
CLICK_TIMEOUT_MS = 300_000


# ------------------------------------------------------------------ AppTest


def _drop_load(path: Path) -> None:
    """Forget the loaded workbook and what was derived from it, as a write does: the next
    run reads the file again and derives everything again (a re-read of unchanged data
    would keep what was derived, which is not what this figure is about)."""
    from unionplan.data.store.xlsx import XlsxStore
    from unionplan.data.workbook import Workbook

    Workbook(XlsxStore(path)).invalidate()
    try:
        from unionplan.ui import derived_cache
    except ImportError:  # a checkout from before the derived cache (a baseline run)
        return
    derived_cache.CACHE.clear()


class Timing(NamedTuple):
    """Wall time, and the CPU time the measured process spent meanwhile (all threads):
    the CPU figure moves less when other work shares the machine."""

    wall_ms: float
    cpu_ms: float


def _timed(fn: Callable[[], Any]) -> Timing:
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return Timing((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000)


def _median(times: list[Timing]) -> dict[str, int]:
    return {
        "wall_ms": round(statistics.median(t.wall_ms for t in times)),
        "cpu_ms": round(statistics.median(t.cpu_ms for t in times)),
    }


def apptest_case(n: int, pages: list[str], repeat: int) -> dict[str, Any]:
    """First run after a load and the median warm rerun of each page, in this process."""
    import logging

    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    out: dict[str, Any] = {"activities": n, "pages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        save_xlsx(path, build(n))
        os.environ["UNIONPLAN_WORKBOOK"] = str(path)
        for name in pages:
            at = AppTest.from_file(APP, default_timeout=RUN_TIMEOUT_S)
            at.session_state["lang"] = LANG
            # As the server does after its first st.navigation (see tests/pages/conftest.py).
            PagesManager.uses_pages_directory = False
            at.run()  # the default page: imports done, a session as a person has one
            _drop_load(path)
            page = f"pages/{name}.py"
            first = _timed(lambda at=at, page=page: at.switch_page(page).run())
            problems = [e.value for e in at.exception]
            warm = [_timed(at.run) for _ in range(repeat)]
            problems += [e.value for e in at.exception]
            out["pages"][name] = {
                "first": _median([first]),
                "warm": _median(warm),
                "problems": [str(p)[:300] for p in problems],
            }
            print(f"  apptest {n} {name}: {out['pages'][name]}", file=sys.stderr, flush=True)
    return out


# ------------------------------------------------------------------ browser

# Counts finished script runs, so a click's own run is told apart from the one before it.
_RUN_COUNTER = """() => {
  if (window.__bench) return;
  window.__bench = {runs: 0, last: null};
  const read = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute('data-test-script-state') : null;
    if (s === 'notRunning' && window.__bench.last !== 'notRunning') window.__bench.runs++;
    window.__bench.last = s;
  };
  read();
  new MutationObserver(read).observe(document.body, {
    attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
}"""


def _settled(page: Any, runs_before: int, done: Callable[[], None] | None) -> None:
    """A new run finished, nothing is running or loading, and the click's result shows."""
    from tests.browser.conftest import wait_for_run

    page.wait_for_function(
        "n => window.__bench && window.__bench.runs > n", arg=runs_before, timeout=CLICK_TIMEOUT_MS
    )
    if done is not None:
        done()
    wait_for_run(page, CLICK_TIMEOUT_MS)


_SERVER_PID: list[int] = []  # the app process whose CPU time a click costs


def _server_cpu_ms() -> float:
    if not _SERVER_PID:
        return 0.0
    fields = Path(f"/proc/{_SERVER_PID[0]}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime, all threads
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _timed_click(page: Any, click: Callable[[], None], done: Callable[[], None] | None) -> Timing:
    """Wall time from the click to the settled page, and the app process's CPU time."""
    print(f"  clicking at {page.url}", file=sys.stderr, flush=True)
    runs = page.evaluate("() => window.__bench.runs")
    c0, t0 = _server_cpu_ms(), time.perf_counter()
    click()
    _settled(page, runs, done)
    return Timing((time.perf_counter() - t0) * 1000, _server_cpu_ms() - c0)


def _client_click(click: Callable[[], None], done: Callable[[], None]) -> Timing:
    """A click the browser answers alone (no script run), e.g. a component's own button."""
    c0, t0 = _server_cpu_ms(), time.perf_counter()
    click()
    done()
    return Timing((time.perf_counter() - t0) * 1000, _server_cpu_ms() - c0)


def _calendar_frame(page: Any) -> Any:
    deadline = time.monotonic() + CLICK_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector(".fc .fc-toolbar-title"):
                    return frame
            except Exception:
                continue
        page.wait_for_timeout(20)
    raise RuntimeError("no calendar frame")


def _pick(page: Any, testid_key: str, option: str) -> Callable[[], None]:
    """Open the selectbox with widget key `testid_key` and choose `option` (a click)."""
    box = page.locator(f".st-key-{testid_key} [data-testid='stSelectbox'] input").first
    box.scroll_into_view_if_needed()
    box.click()
    opt = page.get_by_role("option", name=option, exact=True).first
    opt.wait_for(state="visible", timeout=CLICK_TIMEOUT_MS)
    return opt.click


def browser_case(n: int, pages: list[str], repeat: int) -> dict[str, Any]:
    """Click-to-settled times and the app process's peak memory at one size."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
    from unionplan import i18n

    out: dict[str, Any] = {"activities": n, "clicks": {}, "page_rss_mb": {}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        save_xlsx(path, build(n))
        server = start_app(path, Path(tmp) / "streamlit.log")
        _SERVER_PID[:] = [server.process.pid]
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                try:
                    _browser_clicks(
                        browser,
                        server.url,
                        pages,
                        repeat,
                        i18n.t,
                        out["clicks"],
                        out["page_rss_mb"],
                    )
                finally:
                    browser.close()
            out["peak_rss_mb"] = _peak_rss_mb(server.process.pid)
        except Exception as exc:
            out["error"] = f"{exc}\n{server.log_tail(30)}"
        finally:
            stop_app(server)
    return out


_PEAK_SEEN: list[float] = []  # every peak read before a reset, for the overall figure


def _peak_rss_mb(pid: int) -> float:
    """The app process's peak resident memory since it started or since the last reset,
    and no less than any peak read before a reset."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = round(int(line.split()[1]) / 1024, 1)
            return max([peak, *_PEAK_SEEN])
    return float("nan")


def _page_peak(pid: int, visit: Callable[[], Any]) -> float | None:
    """The peak resident memory of the app process while `visit` runs (a page's first
    visit): the kernel's high-water mark is reset first (clear_refs 5), so the figure is
    the process as it stands (the workbook loaded, what earlier pages cached) plus what
    this page needed. None where the kernel does not allow the reset."""
    status = Path(f"/proc/{pid}/status")
    before = next(
        int(x.split()[1]) / 1024 for x in status.read_text().splitlines() if x.startswith("VmHWM:")
    )
    _PEAK_SEEN.append(round(before, 1))
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        visit()
        return None
    visit()
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _browser_clicks(
    browser: Any,
    url: str,
    pages: list[str],
    repeat: int,
    t: Callable[..., str],
    medians: dict[str, dict[str, int]],
    rss: dict[str, float],
) -> None:
    """Fill `medians` with the median click-to-settled times of each interaction, and
    `rss` with the app process's peak memory over each page's first visit (MB).

    One browser context throughout, as a person keeps one tab open: after a first visit
    to every page (the server computes what it caches, the browser loads the chart and
    table code once) each figure is a click in a warm tab."""
    from tests.browser.conftest import DESKTOP, wait_for_run

    times: dict[str, list[Timing]] = {}

    def add(name: str, timing: Timing) -> None:
        times.setdefault(name, []).append(timing)
        medians[name] = _median(times[name])
        print(f"  click {name}: {timing}", file=sys.stderr, flush=True)

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{url}/data?lang={LANG}", timeout=CLICK_TIMEOUT_MS)
    wait_for_run(page, CLICK_TIMEOUT_MS)
    page.evaluate(_RUN_COUNTER)
    page.wait_for_function("() => window.__bench.last !== null")
    here = ["data"]

    def go(name: str) -> Timing:
        """Click the sidebar link to page `name`; the time until it settled."""
        title = t(f"common.nav.{name}", LANG)
        link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
        heading = page.locator('[data-testid="stMain"] h1').filter(has_text=title).first
        ms = _timed_click(page, link.click, lambda: heading.wait_for(state="visible"))
        here[0] = name
        return ms

    # The first visit of each page: not timed, but its peak memory is read.
    for name in [*pages, "data"]:
        if name != here[0]:
            peak = _page_peak(_SERVER_PID[0], lambda name=name: go(name))
            if peak is not None:
                rss.setdefault(name, peak)
    try:
        for round_ in range(repeat):
            for name in pages:
                if here[0] == name:
                    go("overview" if name == "data" else "data")
                add(f"open {name}", go(name))
            if "activities" in pages:
                _activities_clicks(page, go, add, t, round_)
            if "targets" in pages:
                go("targets")
                button = page.get_by_role("radio", name=t("targets.period_H1", LANG), exact=True)
                add("targets: period change", _timed_click(page, button.first.click, None))
                button = page.get_by_role("radio", name=t("targets.period_Q4", LANG), exact=True)
                _timed_click(page, button.first.click, None)  # back, for the next round
                # Only the open tab runs, so opening one is a run of the page.
                tab = page.get_by_role("tab", name=t("targets.tab_detail", LANG), exact=True)
                picker = page.locator(".st-key-targets_detail_pick").first
                add(
                    "targets: open a tab",
                    _timed_click(page, tab.first.click, partial(picker.wait_for, state="visible")),
                )
                tab = page.get_by_role("tab", name=t("targets.tab_overview", LANG), exact=True)
                _timed_click(page, tab.first.click, None)  # back, for the next round
            if "calendar" in pages:
                _calendar_clicks(page, go, add)
    finally:
        context.close()


def _activities_clicks(
    page: Any, go: Callable, add: Callable, t: Callable[..., str], round_: int
) -> None:
    """A month filter, then opening a record: another one each round (the one chosen in
    the round before stays chosen, and choosing it again would not run the page)."""
    go("activities")
    add(
        "activities: filter by month",
        _timed_click(page, _pick(page, "act_f_month", _month_label(3)), None),
    )
    chooser = page.locator(".st-key-act_chosen [data-testid='stSelectbox'] input").first
    chooser.scroll_into_view_if_needed()
    chooser.click()
    opt = page.get_by_role("option").nth(1 + round_)
    opt.wait_for(state="visible")
    save = page.get_by_role("button", name=t("activities.save_button", LANG)).first
    add(
        "activities: open a record",
        _timed_click(page, opt.click, lambda: save.wait_for(state="visible")),
    )
    # Back to the whole year for the next round.
    _timed_click(page, _pick(page, "act_f_month", t("activities.all", LANG)), None)


def _calendar_clicks(page: Any, go: Callable, add: Callable) -> None:
    from tests.browser.conftest import wait_for_run

    go("calendar")
    frame = _calendar_frame(page)
    frame.wait_for_selector(".fc-event", timeout=CLICK_TIMEOUT_MS)
    before = frame.inner_text(".fc-toolbar-title")
    kind, click = _previous_month_click(page, frame)
    if kind == "client":
        ms = _client_click(
            click,
            lambda: frame.wait_for_function(
                "b => document.querySelector('.fc-toolbar-title').textContent !== b", arg=before
            ),
        )
    else:
        ms = _timed_click(page, click, lambda: _new_title(page, before))
    add("calendar: previous month", ms)
    frame = _calendar_frame(page)
    frame.wait_for_selector(".up-activity", timeout=CLICK_TIMEOUT_MS)
    event = frame.locator(".fc-daygrid-day:not(.fc-day-other) .up-activity").first
    dialog = page.get_by_role("dialog")
    add(
        "calendar: click an event",
        _timed_click(page, event.click, lambda: dialog.wait_for(state="visible")),
    )
    page.keyboard.press("Escape")  # close the dialog for the next round
    dialog.wait_for(state="hidden")
    wait_for_run(page, CLICK_TIMEOUT_MS)
    # A crowded day's "还有 N 项 ›" (a big year only): the day's list in a dialog.
    frame = _calendar_frame(page)
    more = frame.locator(".fc-daygrid-day:not(.fc-day-other) .up-more")
    if more.count():
        table = dialog.locator('[data-testid="stDataFrame"]')
        add(
            "calendar: open a day's list",
            _timed_click(page, more.first.click, lambda: table.wait_for(state="visible")),
        )
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden")
        wait_for_run(page, CLICK_TIMEOUT_MS)


def _month_label(month: int) -> str:
    from unionplan import i18n

    return i18n.fmt_month(PLAN_YEAR, month, LANG)


def _previous_month_click(page: Any, frame: Any) -> tuple[str, Callable[[], None]]:
    """The calendar's "previous" control (back, since today may be the plan year's last
    month): the page's own button when it has one (the page then re-queries that month's
    events), else FullCalendar's, which the browser answers without a script run."""
    ours = page.locator(".st-key-cal_prev button")
    if ours.count():
        return "run", ours.first.click
    return "client", lambda: frame.click(".fc-prev-button")


def _new_title(page: Any, before: str) -> None:
    deadline = time.monotonic() + CLICK_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        frame = _calendar_frame(page)
        try:
            if frame.inner_text(".fc-toolbar-title") != before and frame.query_selector(
                ".fc-event"
            ):
                return
        except Exception:
            pass
        page.wait_for_timeout(20)
    raise RuntimeError("the calendar never moved")


# ------------------------------------------------------------------ the table


def _run_child(args: list[str]) -> dict[str, Any] | None:
    """Run one case in a fresh process (its own caches and peak memory); its progress
    goes to our stderr, its result comes back as the last line of its stdout."""
    proc = subprocess.run(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, check=False
    )
    if proc.returncode:
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    ap.add_argument(
        "--pages", nargs="+", default=list(PAGES), choices=ALL_PAGES,
        help="default: the five of issue #11; any page's first run, warm rerun and link",
    )  # fmt: skip
    ap.add_argument("--repeat", type=int, default=3, help="warm reruns / clicks per figure")
    ap.add_argument("--no-browser", action="store_true", help="AppTest figures only")
    ap.add_argument("--no-apptest", action="store_true", help="browser figures only")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, n = args.child[0], int(args.child[1])
        case = apptest_case if kind == "apptest" else browser_case
        print(json.dumps(case(n, args.pages, args.repeat)))
        return

    common = ["--pages", *args.pages, "--repeat", str(args.repeat)]
    apptest: dict[int, dict[str, Any]] = {}
    clicks: dict[int, dict[str, Any]] = {}
    for n in args.sizes:
        if not args.no_apptest:
            apptest[n] = _run_child(["--child", "apptest", str(n), *common]) or {}
        if not args.no_browser:
            clicks[n] = _run_child(["--child", "browser", str(n), *common]) or {}
    _print_tables(args.sizes, args.pages, apptest, clicks)


def _cell(r: dict[str, int] | None) -> str:
    return f"{r['wall_ms']:,} ({r['cpu_ms']:,})" if r else "–"


def _print_tables(
    sizes: list[int],
    pages: list[str],
    apptest: dict[int, dict[str, Any]],
    clicks: dict[int, dict[str, Any]],
) -> None:
    heads = " | ".join(f"{n:,} activities" for n in sizes)
    if apptest:
        for which, title in (("first", "first run after a load"), ("warm", "median warm rerun")):
            print(f"\nAppTest, {title}: wall ms (CPU ms of the process)\n")
            print(f"| page | {heads} |")
            print("|---|" + "---|" * len(sizes))
            for name in pages:
                cells = []
                for n in sizes:
                    r = apptest.get(n, {}).get("pages", {}).get(name)
                    flag = " (!)" if r and r["problems"] else ""
                    cells.append(_cell(r and r[which]) + flag)
                print(f"| {name} | " + " | ".join(cells) + " |")
        for n in sizes:
            for name, r in apptest.get(n, {}).get("pages", {}).items():
                for p in r["problems"]:
                    print(f"(!) {n} {name}: {p}")
    if clicks:
        names = sorted({k for c in clicks.values() for k in c.get("clicks", {})})
        print("\nBrowser, click to settled page: wall ms (CPU ms of the app process)\n")
        print(f"| interaction | {heads} |")
        print("|---|" + "---|" * len(sizes))
        for name in names:
            cells = [_cell(clicks.get(n, {}).get("clicks", {}).get(name)) for n in sizes]
            print(f"| {name} | " + " | ".join(cells) + " |")
        rss = [str(clicks.get(n, {}).get("peak_rss_mb", "–")) for n in sizes]
        print("| app process peak RSS, MB | " + " | ".join(rss) + " |")
        print("\nApp process peak RSS over each page's first visit, MB (the workbook loaded)\n")
        print(f"| page | {heads} |")
        print("|---|" + "---|" * len(sizes))
        for name in pages:
            cells = [str(clicks.get(n, {}).get("page_rss_mb", {}).get(name, "–")) for n in sizes]
            print(f"| {name} | " + " | ".join(cells) + " |")
        for n in sizes:
            if clicks.get(n, {}).get("error"):
                print(f"(!) browser {n}: {clicks[n]['error']}")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
