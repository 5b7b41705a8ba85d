"""The per-load cache of derived work (unionplan.ui.derived_cache): once per snapshot and
arguments, thrown away when a newer load of the same workbook appears, bounded, and
computed once when two sessions ask at the same moment."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

import pandas as pd
import pytest

from unionplan.data.schema import TABLES
from unionplan.data.tables import TableData, WorkbookData
from unionplan.plan.activities import Filters
from unionplan.ui.derived_cache import (
    OBJECT_CELL,
    DerivedCache,
    approx_bytes,
    freeze,
    same_content,
)


def snapshot(
    location: str = "union.xlsx", loaded_at: float = 1.0, content: str | None = None
) -> WorkbookData:
    """A load; two loads differ in content unless given the same `content`."""
    settings = {"content": content if content is not None else str(loaded_at)}
    return WorkbookData({}, [], settings, loaded_at, location, "xlsx")


def loaded(activities: list[str], loaded_at: float) -> WorkbookData:
    """A load holding an activities table with these titles and an audit log."""
    tables = {
        key: TableData(TABLES[key], title=key, df=pd.DataFrame(rows))
        for key, rows in (
            ("activities", {"id": [f"A-{i}" for i in range(len(activities))], "title": activities}),
            ("audit_log", {"id": ["L-1"], "action": ["append"]}),
        )
    }
    return WorkbookData(tables, [], {"plan_year": "2026"}, loaded_at, "union.xlsx", "xlsx")


class Counted:
    """A derived function that counts its calls and returns a new object each time."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, data: WorkbookData, *args: Any) -> list[Any]:
        self.calls.append(args)
        return [data.loaded_at, *args]


def test_computed_once_per_snapshot_and_arguments() -> None:
    cache, fn, d = DerivedCache(), Counted(), snapshot()
    first = cache.get(fn, d, "zh-Hans")
    assert cache.get(fn, d, "zh-Hans") is first
    assert cache.get(fn, d, "en") is not first
    assert fn.calls == [("zh-Hans",), ("en",)]
    assert cache.computed == 2


def test_an_equal_snapshot_object_hits_too() -> None:
    """Keyed on where and when it was loaded, not on the object: the workbook cache may
    hand out another object for the same load."""
    cache, fn = DerivedCache(), Counted()
    cache.get(fn, snapshot(), 1)
    cache.get(fn, snapshot(), 1)
    assert len(fn.calls) == 1


def test_filters_with_lists_are_a_key() -> None:
    cache, fn, d = DerivedCache(), Counted(), snapshot()
    a = Filters(year=2026, categories=["care", "women"], text="春")
    cache.get(fn, d, a)
    cache.get(fn, d, dataclasses.replace(a))  # equal filters, another object
    cache.get(fn, d, dataclasses.replace(a, categories=["care"]))
    assert len(fn.calls) == 2


def test_freeze_refuses_what_cannot_be_a_key() -> None:
    assert freeze({"b": [1, 2], "a": {3}}) == (("a", frozenset({3})), ("b", (1, 2)))
    with pytest.raises(TypeError):
        freeze(object.__new__(type("Unhashable", (), {"__hash__": None})))


def test_a_newer_load_throws_the_old_results_away() -> None:
    cache, fn = DerivedCache(), Counted()
    old, new = snapshot(loaded_at=1.0), snapshot(loaded_at=2.0)
    cache.get(fn, old, "x")
    assert cache.cached(old) == 1
    assert cache.get(fn, new, "x") == [2.0, "x"]
    assert cache.cached(old) == 0 and cache.cached(new) == 1
    assert len(fn.calls) == 2


def test_a_newer_load_of_the_same_data_keeps_the_results() -> None:
    """The workbook cache reads again when its TTL runs out, data changed or not: an
    unchanged read takes the results over instead of computing every page again."""
    cache, fn = DerivedCache(), Counted()
    first, again = loaded(["春游", "座谈"], 1.0), loaded(["春游", "座谈"], 2.0)
    assert same_content(first, again)
    kept = cache.get(fn, first, "x")
    assert cache.get(fn, again, "x") is kept
    assert cache.cached(first) == 0 and cache.cached(again) == 1
    assert len(fn.calls) == 1 and cache.computed == 1

    edited = loaded(["春游", "茶话会"], 3.0)  # one cell changed in the sheet
    assert not same_content(again, edited)
    assert cache.get(fn, edited, "x") is not kept
    assert cache.cached(again) == 0 and len(fn.calls) == 2


def test_an_older_load_seen_late_is_computed_but_not_kept() -> None:
    """A session whose run began before a write still gets its answer, without pushing
    the newer load's results out."""
    cache, fn = DerivedCache(), Counted()
    old, new = snapshot(loaded_at=1.0), snapshot(loaded_at=2.0)
    cache.get(fn, new, "x")
    assert cache.get(fn, old, "x") == [1.0, "x"]
    assert cache.cached(old) == 0 and cache.cached(new) == 1
    cache.get(fn, old, "x")
    assert len(fn.calls) == 3  # new once, old twice: never kept


def test_other_locations_are_kept_apart() -> None:
    cache, fn = DerivedCache(), Counted()
    local, google = snapshot("union.xlsx", 5.0), snapshot("gsheets:abc", 1.0)
    cache.get(fn, local, "x")
    cache.get(fn, google, "x")
    assert cache.cached(local) == 1 and cache.cached(google) == 1


def test_bounded_by_snapshots_and_by_results_per_snapshot() -> None:
    cache, fn = DerivedCache(snapshots=2, entries=3), Counted()
    places = [snapshot(f"book{i}.xlsx") for i in range(3)]
    for d in places:
        cache.get(fn, d, 0)
    assert [cache.cached(d) for d in places] == [0, 1, 1]  # the least recently used went

    d = places[2]
    for arg in range(1, 4):
        cache.get(fn, d, arg)
    assert cache.cached(d) == 3
    calls = len(fn.calls)
    cache.get(fn, d, 0)  # the oldest result of this snapshot was dropped: computed again
    assert len(fn.calls) == calls + 1


def test_a_failure_is_not_kept_and_does_not_block_the_next_try() -> None:
    cache, d = DerivedCache(), snapshot()
    attempts: list[int] = []

    def flaky(data: WorkbookData) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first time")
        return "ok"

    with pytest.raises(ValueError):
        cache.get(flaky, d)
    assert cache.get(flaky, d) == "ok"
    assert len(attempts) == 2


class _Recorder(dict):
    """The in-flight table, noting each session that asked for a missing result just
    before it waits for the one computing it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = 0
        self.lock = threading.Condition()

    def setdefault(self, key: Any, default: Any = None) -> Any:
        with self.lock:
            self.asked += 1
            self.lock.notify_all()
        return super().setdefault(key, default)


def test_two_sessions_asking_at_once_compute_once() -> None:
    cache, d = DerivedCache(), snapshot()
    recorder = _Recorder()
    cache._flights = recorder  # type: ignore[assignment]
    inside, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def slow(data: WorkbookData) -> object:
        calls.append(1)
        inside.set()
        release.wait(timeout=30)
        return object()

    results: list[object] = []
    first = threading.Thread(target=lambda: results.append(cache.get(slow, d)))
    first.start()
    assert inside.wait(timeout=30)
    second = threading.Thread(target=lambda: results.append(cache.get(slow, d)))
    second.start()
    with recorder.lock:  # the second session is at the in-flight lock, not computing
        assert recorder.lock.wait_for(lambda: recorder.asked == 2, timeout=30)
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert len(calls) == 1
    assert len(results) == 2 and results[0] is results[1]


def test_bounded_by_the_estimated_memory_of_all_results() -> None:
    """The least recently used results go first, whatever snapshot they belong to."""
    cache, fn = DerivedCache(budget=100, weigh=lambda value: value[-1]), Counted()
    local, google = snapshot("union.xlsx"), snapshot("gsheets:abc")
    cache.get(fn, local, 40)
    cache.get(fn, google, 41)
    cache.get(fn, local, 40)  # used again: now the google result is the oldest
    cache.get(fn, local, 42)
    assert cache.cached(google) == 0 and cache.cached(local) == 2
    assert cache.approx_bytes == 82
    cache.get(fn, google, 41)  # computed again, and the 40 goes
    assert cache.approx_bytes == 83 and len(fn.calls) == 4
    cache.clear()
    assert cache.approx_bytes == 0 and cache.cached(local) == 0


def test_memory_estimates_grow_with_what_is_held() -> None:
    frame = pd.DataFrame({"title": [f"活动{i}" for i in range(1000)], "n": range(1000)})
    assert approx_bytes(frame) >= 1000 * (8 + 8)  # the two columns' buffers at least
    texts = frame.astype({"title": object})
    assert approx_bytes(texts) >= 1000 * OBJECT_CELL
    events = [
        {"id": f"A-{i}", "title": "走访" * 10, "extendedProps": {"k": i}} for i in range(1000)
    ]
    assert approx_bytes(events) > 90 * approx_bytes(events[:10])  # about 100×, sampled
    assert approx_bytes([]) > 0 and approx_bytes({}) > 0
