"""Work derived from a load is done once per load and shared (ui.derived): target
evaluations, the overview's summary, the filtered activities, the calendar's occurrences
and deadlines, the data page's issues and history are computed on the first run after a
load, reused by reruns and by other sessions, and computed again after a write, when what
was derived from the old load is thrown away. Counted by wrapping the domain functions
the pages use, and by the cache's own count of what it computed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import Calls, PointApp, open_page, page_text
from tests.people import admin
from unionplan import history, overview
from unionplan.data import schema
from unionplan.data.parse import PlanDate
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.goals import targets
from unionplan.plan import activities, calendar_view
from unionplan.ui import derived_cache

YEAR = dt.date.today().year


@pytest.fixture
def workbook_path(tmp_path: Path, point_app_at: PointApp) -> Path:
    """This year's plan: dated activities in three months and a target."""
    path = tmp_path / "union.xlsx"
    wb = Workbook(XlsxStore(str(path)))
    wb.ensure_tabs("zh-Hans")
    wb.set_setting("plan_year", str(YEAR), admin("test"))
    march, october = PlanDate(YEAR, 3, 8), PlanDate(YEAR, 10, 20)
    wb.append_many(
        [
            ("activities", {"title": "三八节座谈", "category": "women", "start": march}),
            ("activities", {"title": "春游踏青", "start": PlanDate(YEAR, 4)}),
            ("activities", {"title": "慈善一日捐", "category": "care", "start": october}),
            ("targets", {"title": "培训工会干部", "metric": "count", "target_value": 50}),
        ],
        admin("test"),
    )
    return point_app_at(path)


def _session(page: str) -> AppTest:
    at = open_page(page, lang="zh-Hans")
    assert not at.exception, [e.value for e in at.exception]
    return at


def _write(path: Path) -> None:
    """A write as the app makes it (every write drops the loaded workbook)."""
    Workbook(XlsxStore(str(path))).append(
        "activities", {"title": "金秋助学", "start": PlanDate(YEAR, 9)}, admin("王老师")
    )


def test_overview_summary_once_per_load_for_every_session(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = Calls(monkeypatch, overview, "summary")
    evaluate = Calls(monkeypatch, targets, "evaluate")
    first = _session("overview")
    first.run()
    first.run()
    _session("overview").run()
    assert (summary.n, evaluate.n) == (1, 1)

    _write(workbook_path)
    first.run()
    assert not first.exception
    assert (summary.n, evaluate.n) == (2, 2)


def test_aid_payments_figures_once_per_load(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionplan.aid import fund, stats

    ledger = Calls(monkeypatch, fund, "current_balances")
    helped = Calls(monkeypatch, stats, "paid_by_cause")
    first = _session("aid_payments")
    first.run()
    _session("aid_payments").run()
    assert (ledger.n, helped.n) == (1, 1)
    _write(workbook_path)
    first.run()
    assert not first.exception
    assert (ledger.n, helped.n) == (2, 2)


def test_targets_evaluated_once_per_load_and_period(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluate = Calls(monkeypatch, targets, "evaluate")
    at = _session("targets")
    at.run()
    _session("targets")
    assert evaluate.n == 1

    period = at.segmented_control(key="targets_period")
    other = next(code for code in ("Q1", "Q2") if code != period.value)
    at.segmented_control(key="targets_period").set_value(other).run()
    assert not at.exception
    assert evaluate.n == 2  # another "as of" day
    at.segmented_control(key="targets_period").set_value(period.value).run()
    assert evaluate.n == 2  # the first day's evaluation is still there

    _write(workbook_path)
    at.run()
    assert evaluate.n == 3


def test_activities_and_calendar_share_the_filtered_activities(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filtered = Calls(monkeypatch, activities, "filter_activities")
    expanded = Calls(monkeypatch, activities, "expand")
    due = Calls(monkeypatch, calendar_view, "deadlines")
    at = _session("activities")
    at.run()
    assert filtered.n == 1
    at.switch_page("pages/calendar.py").run()  # the same filters: the whole year
    assert not at.exception
    at.run()
    _session("calendar")
    assert (filtered.n, expanded.n, due.n) == (1, 1, 1)

    _write(workbook_path)
    at.run()
    assert not at.exception
    assert (filtered.n, expanded.n, due.n) == (2, 2, 2)


def test_data_page_issues_and_history_once_per_load(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unionplan import ui

    acts = schema.ACTIVITIES  # a row whose date cannot be read: one data issue
    XlsxStore(str(workbook_path)).append_rows(
        acts.label.zh_hans,
        [[{"id": "A-BAD", "title": "座谈", "start": "某天"}.get(k, "") for k in acts.keys]],
        id_col=1,
    )
    issues = Calls(monkeypatch, ui, "_issues_frame")
    audit = Calls(monkeypatch, history, "audit_rows")
    at = _session("data")
    at.run()
    _session("data")
    assert (issues.n, audit.n) == (1, 1)

    _write(workbook_path)
    at.run()
    assert not at.exception
    assert (issues.n, audit.n) == (2, 2)
    assert "某天" in page_text(at)  # the issue was shown


@pytest.mark.parametrize("page", ["overview", "calendar", "activities", "targets", "data"])
def test_a_rerun_or_another_session_derives_nothing_and_a_write_starts_afresh(
    workbook_path: Path, page: str
) -> None:
    cache = derived_cache.CACHE
    at = _session(page)
    old = Workbook(XlsxStore(str(workbook_path))).load()
    done = cache.computed
    assert done and cache.cached(old)  # the page derived its figures from the load
    at.run()
    _session(page).run()
    assert cache.computed == done  # nothing derived again: every result was reused

    _write(workbook_path)
    at.run()
    assert not at.exception
    new = Workbook(XlsxStore(str(workbook_path))).load()
    assert new.loaded_at != old.loaded_at
    assert cache.computed > done and cache.cached(new)
    assert cache.cached(old) == 0  # what the old load gave is thrown away


def test_a_read_of_unchanged_data_keeps_what_was_derived(workbook_path: Path) -> None:
    """The workbook cache reads again when its TTL runs out (here: at once), though the
    file did not change: the new load takes over what was derived from the old one."""
    cache = derived_cache.CACHE
    at = _session("targets")
    old = Workbook(XlsxStore(str(workbook_path))).load()
    done = cache.computed
    Workbook(XlsxStore(str(workbook_path))).invalidate()
    at.run()
    assert not at.exception
    new = Workbook(XlsxStore(str(workbook_path))).load()
    assert new.loaded_at != old.loaded_at  # read again
    assert cache.computed == done and cache.cached(new) and not cache.cached(old)
