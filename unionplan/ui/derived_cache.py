"""Work derived from one load of the workbook (occurrences, evaluations, summaries, event
lists, figures), done once and shared by every session and rerun.

`derived(fn, data, *args)` is `fn(data, *args)`, remembered for the snapshot `data` (its
location and `loaded_at`: the workbook's one cache decides when data is stale, this one
follows it) and the explicit arguments (a day, a language, the filters). A newer snapshot
of the same location throws away everything computed from the older one, unless it holds
the same data: the workbook cache reads again when its TTL runs out even when nothing
changed (a local file whose change token stayed, a Google Sheet nobody edited), and those
results are still right, so they pass to the new snapshot (`same_content`). What is kept
is bounded (least recently used goes first): a few snapshots, a number of results per
snapshot, and an estimate of their memory, so a federation's 50,000 activities seen
through many filter choices cannot fill the machine.

Results are shared between sessions and threads: callers must not mutate them. `fn` must
be a module-level function (it is part of the key; a lambda made per call never hits)
and must not call Streamlit (it runs in whichever session asked first). Two sessions
asking for the same missing result at once compute it once: the second waits.

Plain Python, no Streamlit; ``unionplan.ui`` re-exports `derived` for pages.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

import pandas as pd

from unionplan.data.tables import WorkbookData

T = TypeVar("T")

SNAPSHOTS = 4  # snapshots kept: a few locations (a session's Google Sheet), or an old one
ENTRIES = 96  # results kept per snapshot: pages × languages × filter choices in use
BUDGET = 384 * 2**20  # estimated bytes of all results kept (see `approx_bytes`)

Snapshot = tuple[str, float]
Entry = tuple[Snapshot, Hashable]


def snapshot_key(data: WorkbookData) -> Snapshot:
    """Which load `data` is: a new load (after a write or an edit in the sheet) has a
    new `loaded_at`."""
    return (data.location, data.loaded_at)


def freeze(value: Any) -> Hashable:
    """`value` as a hashable key: lists and tuples as tuples, sets as frozensets, mappings
    as sorted item tuples, dataclasses (filters) as their type and fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (freeze(getattr(value, f.name)) for f in dataclasses.fields(value))
        return (type(value).__qualname__, *fields)
    if isinstance(value, Mapping):
        return tuple(sorted((freeze(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    hash(value)  # anything else must be hashable as it is: fail here, not in a lookup
    return value


def same_content(old: WorkbookData, new: WorkbookData) -> bool:
    """Whether two loads of one workbook hold the same data (tables, settings, issues).
    The audit log goes first: every write adds a row to it, so after a write the answer
    is a length check away; an unchanged 10k-activity workbook takes some tens of ms."""
    if (old.location, old.kind) != (new.location, new.kind):
        return False
    if old.tables.keys() != new.tables.keys() or old.settings != new.settings:
        return False
    if old.issues != new.issues:
        return False
    for key in sorted(old.tables, key=lambda k: k != "audit_log"):
        a, b = old.tables[key], new.tables[key]
        layout = (a.title, a.header, a.colmap, a.extra, a.n_deleted)
        same_shape = layout == (b.title, b.header, b.colmap, b.extra, b.n_deleted)
        if not same_shape or a.df.shape != b.df.shape or not a.df.equals(b.df):
            return False
    return True


OBJECT_CELL = 64  # bytes a text or date in an object column holds beyond its pointer
FIGURE = 256 * 2**10  # a plotly figure: its spec plus plotly's own bookkeeping
_SAMPLE = 8  # items of a long list whose size stands for all of them


def approx_bytes(value: Any, depth: int = 0) -> int:
    """A cheap estimate of the memory `value` holds: a DataFrame's buffers (plus a text's
    worth per object cell), a list or dict from a sample of its items, a dataclass as
    the sum of its fields. Good to within a factor of two, which is all a budget needs."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        frame = value.to_frame() if isinstance(value, pd.Series) else value
        objects = sum(len(frame) for dtype in frame.dtypes if pd.api.types.is_object_dtype(dtype))
        return int(frame.memory_usage(index=True, deep=False).sum()) + objects * OBJECT_CELL
    if type(value).__module__.startswith("plotly"):
        return FIGURE
    if depth > 3:
        return sys.getsizeof(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        parts = [getattr(value, f.name) for f in dataclasses.fields(value)]
        return sys.getsizeof(value) + sum(approx_bytes(p, depth + 1) for p in parts)
    if isinstance(value, Mapping):
        items = list(value.items())
        sample = items[:: max(1, len(items) // _SAMPLE)][:_SAMPLE]
        each = sum(approx_bytes(k, depth + 1) + approx_bytes(v, depth + 1) for k, v in sample)
        return sys.getsizeof(value) + each * len(items) // max(1, len(sample))
    if isinstance(value, (list, tuple)):
        sample = list(value[:: max(1, len(value) // _SAMPLE)][:_SAMPLE])
        each = sum(approx_bytes(v, depth + 1) for v in sample)
        return sys.getsizeof(value) + each * len(value) // max(1, len(sample))
    return sys.getsizeof(value)


class DerivedCache:
    """Results per snapshot, computed once per key, least recently used first out."""

    def __init__(
        self,
        snapshots: int = SNAPSHOTS,
        entries: int = ENTRIES,
        budget: int = BUDGET,
        weigh: Callable[[Any], int] = approx_bytes,
    ) -> None:
        self.snapshots = snapshots
        self.entries = entries
        self.budget = budget
        self.weigh = weigh
        self._lock = threading.Lock()
        self._slots: OrderedDict[Snapshot, OrderedDict[Hashable, Any]] = OrderedDict()
        self._order: OrderedDict[Entry, int] = OrderedDict()  # every result, LRU, its weight
        self._bytes = 0
        self._flights: dict[Entry, threading.Lock] = {}
        self.computed = 0  # calls of a `fn` so far: what tests and benchmarks count
        self._latest: dict[str, WorkbookData] = {}  # the newest load seen per location

    def get(self, fn: Callable[..., T], data: WorkbookData, *args: Any) -> T:
        snap = snapshot_key(data)
        key = (fn, freeze(args))
        self._carry_over(data)
        with self._lock:
            slot = self._slot(snap)
            if slot is None:  # an older load than one already seen: not worth keeping
                stale = True
            else:
                stale = False
                if key in slot:
                    self._touch(snap, key)
                    return slot[key]
                flight = self._flights.setdefault((snap, key), threading.Lock())
        if stale:
            self.computed += 1
            return fn(data, *args)
        with flight:
            with self._lock:
                slot = self._slots.get(snap)
                if slot is not None and key in slot:  # another session just computed it
                    self._touch(snap, key)
                    return slot[key]
            try:
                self.computed += 1
                value = fn(data, *args)
            finally:
                with self._lock:
                    self._flights.pop((snap, key), None)
            weight = self.weigh(value)
            with self._lock:
                if snap in self._slots:  # else the data changed meanwhile: do not keep it
                    self._store(snap, key, value, weight)
        return value

    def _carry_over(self, data: WorkbookData) -> None:
        """A new load holding the data of the newest one seen before takes over its
        results (compared outside the lock; two sessions may both compare, harmlessly)."""
        snap = snapshot_key(data)
        with self._lock:
            before = self._latest.get(data.location)
            if before is not None and before.loaded_at >= data.loaded_at:
                return
            self._latest[data.location] = data
            if before is None:
                return
            old = snapshot_key(before)
            if old not in self._slots or snap in self._slots:
                return
        if not same_content(before, data):
            return
        with self._lock:
            if old not in self._slots or snap in self._slots:
                return  # meanwhile forgotten, or the new load already has results
            slot = self._slots.pop(old)
            self._slots[snap] = slot
            self._order = OrderedDict(
                ((snap if s == old else s, k), w) for (s, k), w in self._order.items()
            )

    def _touch(self, snap: Snapshot, key: Hashable) -> None:
        self._slots.move_to_end(snap)
        self._slots[snap].move_to_end(key)
        self._order.move_to_end((snap, key))

    def _store(self, snap: Snapshot, key: Hashable, value: Any, weight: int) -> None:
        slot = self._slots[snap]
        slot[key] = value
        self._order[(snap, key)] = weight
        self._bytes += weight
        while len(slot) > self.entries:
            self._drop(snap, next(iter(slot)))
        while self._bytes > self.budget and len(self._order) > 1:
            self._drop(*next(iter(self._order)))

    def _drop(self, snap: Snapshot, key: Hashable) -> None:
        del self._slots[snap][key]
        self._bytes -= self._order.pop((snap, key))

    def _slot(self, snap: Snapshot) -> OrderedDict[Hashable, Any] | None:
        """The results of snapshot `snap`, made when new; None when a newer load of the
        same location is known. Called with the lock held."""
        slot = self._slots.get(snap)
        if slot is not None:
            self._slots.move_to_end(snap)
            return slot
        location, loaded_at = snap
        same_place = [s for s in self._slots if s[0] == location]
        if any(s[1] > loaded_at for s in same_place):
            return None
        for old in same_place:  # the data changed: what was derived from it goes
            self._forget(old)
        slot = self._slots[snap] = OrderedDict()
        while len(self._slots) > self.snapshots:
            gone = next(iter(self._slots))
            self._forget(gone)
            if all(s[0] != gone[0] for s in self._slots):  # no results left there
                self._latest.pop(gone[0], None)
        return slot

    def _forget(self, snap: Snapshot) -> None:
        for key in list(self._slots[snap]):
            self._drop(snap, key)
        del self._slots[snap]

    def clear(self) -> None:
        with self._lock:
            for snap in list(self._slots):
                self._forget(snap)
            self._latest.clear()

    def cached(self, data: WorkbookData) -> int:
        """How many results are kept for the snapshot `data` (for tests and benchmarks)."""
        with self._lock:
            return len(self._slots.get(snapshot_key(data), ()))

    @property
    def approx_bytes(self) -> int:
        """The estimated memory of everything kept."""
        return self._bytes


CACHE = DerivedCache()


def derived(fn: Callable[..., T], data: WorkbookData, *args: Any) -> T:
    """`fn(data, *args)`, computed once per load of the workbook and these arguments,
    shared by every session and rerun. Do not mutate what it returns."""
    return CACHE.get(fn, data, *args)
