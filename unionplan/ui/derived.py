"""Work derived from one load of the workbook (occurrences, evaluations, summaries, event
lists, figures), done once and shared by every session and rerun.

`derived(fn, data, *args)` is `fn(data, *args)`, remembered for the snapshot `data` (its
location and `loaded_at`: the workbook's one cache decides when data is stale, this one
follows it) and the explicit arguments (a day, a language, the filters). A newer snapshot
of the same location throws away everything computed from the older one; the number of
snapshots and of results per snapshot is bounded (least recently used go first), so old
data is released even when nothing is written.

Results are shared between sessions and threads: callers must not mutate them. `fn` must
be a module-level function (it is part of the key; a lambda made per call never hits).
Two sessions asking for the same missing result at once compute it once: the second
waits for the first.

Plain Python, no Streamlit, so the domain can be tested without it; ``unionplan.ui``
re-exports `derived` for pages.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from unionplan.data.workbook import WorkbookData

T = TypeVar("T")

SNAPSHOTS = 4  # snapshots kept: a few locations (a session's Google Sheet), or an old one
ENTRIES = 96  # results kept per snapshot: pages × languages × filter choices in use

Snapshot = tuple[str, float]


def snapshot_key(data: WorkbookData) -> Snapshot:
    """Which load `data` is: a new load (after a write or an edit in the sheet) has a
    new `loaded_at`."""
    return (data.location, data.loaded_at)


def freeze(value: Any) -> Hashable:
    """`value` as a hashable key: lists and tuples as tuples, sets as frozensets, mappings
    as sorted item tuples, dataclasses (filters) as their type and fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__qualname__,
            *(freeze(getattr(value, f.name)) for f in dataclasses.fields(value)),
        )
    if isinstance(value, Mapping):
        return tuple(sorted((freeze(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(freeze(v) for v in value)
    hash(value)  # anything else must be hashable as it is: fail here, not in a lookup
    return value


class DerivedCache:
    """Results per snapshot, least recently used first out, computed once per key."""

    def __init__(self, snapshots: int = SNAPSHOTS, entries: int = ENTRIES) -> None:
        self.snapshots = snapshots
        self.entries = entries
        self._lock = threading.Lock()
        self._slots: OrderedDict[Snapshot, OrderedDict[Hashable, Any]] = OrderedDict()
        self._flights: dict[tuple[Snapshot, Hashable], threading.Lock] = {}

    def get(self, fn: Callable[..., T], data: WorkbookData, *args: Any) -> T:
        snap = snapshot_key(data)
        key = (fn, freeze(args))
        with self._lock:
            slot = self._slot(snap)
            if slot is None:  # an older load than one already seen: not worth keeping
                stale = True
            else:
                stale = False
                if key in slot:
                    slot.move_to_end(key)
                    return slot[key]
                flight = self._flights.setdefault((snap, key), threading.Lock())
        if stale:
            return fn(data, *args)
        with flight:
            with self._lock:
                slot = self._slots.get(snap)
                if slot is not None and key in slot:  # another session just computed it
                    return slot[key]
            try:
                value = fn(data, *args)
            finally:
                with self._lock:
                    self._flights.pop((snap, key), None)
            with self._lock:
                slot = self._slots.get(snap)
                if slot is not None:  # else the data changed meanwhile: do not keep it
                    slot[key] = value
                    while len(slot) > self.entries:
                        slot.popitem(last=False)
        return value

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
            del self._slots[old]
        slot = self._slots[snap] = OrderedDict()
        while len(self._slots) > self.snapshots:
            self._slots.popitem(last=False)
        return slot

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def cached(self, data: WorkbookData) -> int:
        """How many results are kept for the snapshot `data` (for tests and benchmarks)."""
        with self._lock:
            return len(self._slots.get(snapshot_key(data), ()))


CACHE = DerivedCache()


def derived(fn: Callable[..., T], data: WorkbookData, *args: Any) -> T:
    """`fn(data, *args)`, computed once per load of the workbook and these arguments,
    shared by every session and rerun. Do not mutate what it returns."""
    return CACHE.get(fn, data, *args)
