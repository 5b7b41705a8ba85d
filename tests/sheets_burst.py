"""A burst of saves by many sessions at once against the fake with Google's quota on, on a
simulated clock: the test (tests/data/store/test_quota_burst.py) and the benchmark
(bench/bench_concurrency.py) both run it.

Each session adds `per` activities and then edits each of them, as 10 cadres saving at once
would. Every session has its own store (its own connection), all share one `Pacer` (the
process's), and the fake counts requests per minute of the same simulated clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets
from tests.people import admin
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.gsheets_pace import Pacer
from unionplan.data.workbook import Workbook


class VirtualClock:
    """Simulated time: `sleep(d)` moves the clock to at least now + d and returns at once.

    Concurrent sleeps do not add up (each moves the clock to its own wake-up time), so
    time passes as it would for threads sleeping side by side.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self._now += max(0.0, seconds)


@dataclass
class BurstResult:
    saves: int
    seconds: float  # simulated time from the first request to the last save
    reads: int
    writes: int
    retries: int
    longest_wait_s: float  # the longest a request waited for its turn
    last_save_s: float  # when the last save finished, from the start
    errors: list[Exception] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def per_minute(self) -> tuple[float, float]:
        minutes = max(self.seconds, 1e-9) / 60
        return self.reads / minutes, self.writes / minutes


def run_burst(
    fake: FakeSheets, *, sessions: int = 10, per: int = 3, quota: int = 60, pace: int = 50
) -> tuple[BurstResult, str]:
    """Run the burst; returns the result and the spreadsheet key."""
    clock = VirtualClock()
    key = fake.create_spreadsheet(tabs={"活动安排": [["编号", "活动名称", "备注", "版本"]]})
    setup = GSheetsStore(key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host, pacer=None)
    Workbook(setup).ensure_tabs()
    fake.set_quota(reads=quota, writes=quota, clock=clock)
    pacer = Pacer(pace, clock=clock, sleep=clock.sleep)
    stores = [
        GSheetsStore(
            key,
            TEST_SERVICE_ACCOUNT,
            emulator_host=fake.host,
            pacer=pacer,
            sleep=clock.sleep,
            rng=lambda: 1.0,
        )
        for _ in range(sessions)
    ]
    errors: list[Exception] = []
    ids: list[str] = []
    done: list[float] = []
    lock = threading.Lock()
    start = clock()
    barrier = threading.Barrier(sessions)

    def session(n: int) -> None:
        wb = Workbook(stores[n])
        barrier.wait()
        try:
            mine = [
                wb.append("activities", {"title": f"会话{n}的活动{k}"}, actor=admin(f"干部{n}"))
                for k in range(per)
            ]
            for rec in mine:
                wb.update(
                    "activities",
                    rec["id"],
                    {"notes": f"改{n}"},
                    expected_version=1,
                    actor=admin(f"干部{n}"),
                )
            with lock:
                ids.extend(r["id"] for r in mine)
                done.append(clock())
        except Exception as exc:  # the test reports every failure, whatever it is
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=session, args=(n,)) for n in range(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    end = max(done, default=clock())
    reads = sum(s.stats.reads for s in stores)
    writes = sum(s.stats.writes for s in stores)
    result = BurstResult(
        saves=2 * per * sessions,
        seconds=end - start,
        reads=reads,
        writes=writes,
        retries=sum(s.stats.retries for s in stores),
        longest_wait_s=pacer.longest_wait_s,
        last_save_s=end - start,
        errors=errors,
        ids=ids,
    )
    return result, key
