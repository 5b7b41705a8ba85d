"""After a write, sessions that load at once share one read of the store (single flight),
and a read that began before a write is never served for a load after it."""

from __future__ import annotations

import threading

from tests.memory_store import MemoryStore
from unionplan.data.workbook import Workbook

GRIDS = {"活动": [["编号", "活动名称", "版本"], ["A-1", "春游", "1"]]}


class SlowStore(MemoryStore):
    """read_all waits until the test lets it finish: loads pile up behind it."""

    def __init__(self) -> None:
        super().__init__(GRIDS)
        self.started = threading.Event()
        self.release = threading.Event()

    def read_all(self):  # type: ignore[no-untyped-def]
        data = super().read_all()  # what the store held when the read began
        self.started.set()
        self.release.wait(timeout=30)
        return data


def test_concurrent_loads_after_a_write_share_one_read() -> None:
    store = SlowStore()
    wb = Workbook(store)
    store.release.set()
    wb.load()
    wb.invalidate()  # a write happened
    store.release.clear()
    store.started.clear()
    reads = store.stats.reads
    results = []
    first = threading.Thread(target=lambda: results.append(wb.load()))
    first.start()
    assert store.started.wait(timeout=30)  # the one read is in flight
    others = [threading.Thread(target=lambda: results.append(wb.load())) for _ in range(8)]
    for t in others:
        t.start()
    store.release.set()
    for t in [first, *others]:
        t.join(timeout=30)
    assert store.stats.reads - reads == 1  # nine sessions, one read
    assert len({id(r) for r in results}) == 1


def test_a_read_begun_before_a_write_is_not_served_after_it() -> None:
    store = SlowStore()
    wb = Workbook(store)
    results = []
    reader = threading.Thread(target=lambda: results.append(wb.load()))
    reader.start()
    assert store.started.wait(timeout=30)
    store.grids["活动"][1][1] = "春游（改）"  # the write lands while the read is in flight…
    wb.invalidate()  # …and drops the cache
    store.release.set()
    reader.join(timeout=30)
    assert results[0].df("activities")["title"].iat[0] == "春游"  # the read in flight: old
    assert wb.load().df("activities")["title"].iat[0] == "春游（改）"
