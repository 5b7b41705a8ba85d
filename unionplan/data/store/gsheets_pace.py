"""One pacing of Sheets requests for the whole process, under Google's per-minute quota.

Google allows a service account 60 read and 60 write requests a minute, and every session
of the app shares that account. Without pacing, a burst of saves runs into 429s and,
after the retries, fails. With it, a request that would exceed the quota waits its turn,
in arrival order, and whoever waits can watch its place in the queue (`observe`) so that a
form can say "queued: 3 ahead". The clock and the sleep are injectable so tests and the
benchmark run on simulated time.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

QUOTA_ENV = "UNIONPLAN_SHEETS_QUOTA"
DEFAULT_PER_MINUTE = 55  # under Google's 60: room for a clock skew and a stray request
WINDOW_S = 60.0

Observer = Callable[[int, float], None]  # (requests ahead of mine, seconds to wait)
_local = threading.local()


class Pacer:
    """At most `limit` requests of each kind (read, write) in any `window` seconds.

    A sliding window, which is stricter than Google's minute-by-minute refill, so a paced
    burst never meets a 429 from this process. Threads are served first come, first served.
    """

    def __init__(
        self,
        limit: int = DEFAULT_PER_MINUTE,
        *,
        window: float = WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1:
            raise ValueError("a pacer needs a limit of at least one request")
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._cond = threading.Condition()
        self._sent: dict[bool, deque[float]] = {False: deque(), True: deque()}
        self._next: dict[bool, int] = {False: 0, True: 0}  # the next ticket to hand out
        self._serving: dict[bool, int] = {False: 0, True: 0}  # the ticket whose turn it is
        self.waited_s = 0.0  # total time requests waited, for the benchmark
        self.longest_wait_s = 0.0

    def queued(self, write: bool) -> int:
        """Requests of this kind waiting now."""
        with self._cond:
            return self._next[write] - self._serving[write]

    def acquire(self, *, write: bool) -> float:
        """Wait until a request of this kind may go; returns how long it waited."""
        start = self.clock()
        with self._cond:
            ticket = self._next[write]
            self._next[write] += 1
            while True:
                ahead = ticket - self._serving[write]
                if ahead == 0:
                    sent = self._sent[write]
                    now = self.clock()
                    while sent and sent[0] <= now - self.window:
                        sent.popleft()
                    if len(sent) < self.limit:
                        sent.append(now)
                        self._serving[write] += 1
                        self._cond.notify_all()
                        break
                    wait = sent[0] + self.window - now
                    _tell(0, wait)
                    self._cond.release()  # the head sleeps without the lock: others queue
                    try:
                        self.sleep(wait)
                    finally:
                        self._cond.acquire()
                else:
                    _tell(ahead, -1.0)
                    self._cond.wait(timeout=1.0)  # woken when the queue moves
            waited = max(0.0, self.clock() - start)
            self.waited_s += waited
            self.longest_wait_s = max(self.longest_wait_s, waited)
        return waited


def _tell(ahead: int, wait: float) -> None:
    observer = getattr(_local, "observer", None)
    if observer is not None:
        observer(ahead, wait)


@contextmanager
def observe(observer: Observer) -> Iterator[None]:
    """Call `observer(ahead, wait_s)` whenever a request of this thread waits its turn
    (wait_s is -1 while others are ahead); the ui shows it as "queued"."""
    previous = getattr(_local, "observer", None)
    _local.observer = observer
    try:
        yield
    finally:
        _local.observer = previous


_PROCESS: Pacer | None = None
_PROCESS_LOCK = threading.Lock()


def process_pacer() -> Pacer:
    """The one pacer of this process (``UNIONPLAN_SHEETS_QUOTA`` requests per minute)."""
    global _PROCESS
    with _PROCESS_LOCK:
        if _PROCESS is None:
            _PROCESS = Pacer(int(os.environ.get(QUOTA_ENV, DEFAULT_PER_MINUTE)))
        return _PROCESS
