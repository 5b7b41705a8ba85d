"""10 cadres saving 3 records each at once (30 appends, then 30 edits) under Google's
60-a-minute quota, on the fake with its quota on and a simulated clock: the shared pacer
makes the burst wait its turn; every save lands exactly once and none fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_sheets import FakeSheets
from tests.sheets_burst import VirtualClock, run_burst
from unionplan.data.store.gsheets_pace import Pacer, observe


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as f:
        yield f


def test_a_burst_under_the_quota_lands_every_save_once(fake: FakeSheets) -> None:
    result, key = run_burst(fake, sessions=10, per=3)
    assert result.errors == []
    assert len(result.ids) == 30
    rows = fake.values(key, "活动安排")
    header = rows[0]
    ids = [r[header.index("编号")] for r in rows[1:] if r]
    assert sorted(ids) == sorted(result.ids)  # each appended once, nothing else
    notes = {r[header.index("编号")]: r[header.index("备注")] for r in rows[1:] if r}
    assert all(notes[i].startswith("改") for i in result.ids)  # every edit landed
    assert not [r for r in fake.requests() if r.over_quota]  # paced: Google never said 429
    assert max(fake.quota_usage().values()) <= 60  # no minute over Google's quota
    assert result.last_save_s < 5 * 60  # "within a few minutes"
    assert fake.metadata_count(key) == 0


def test_the_pacer_keeps_order_and_tells_who_waits() -> None:
    clock = VirtualClock(0.0)
    pacer = Pacer(2, clock=clock, sleep=clock.sleep)
    told: list[tuple[int, float]] = []
    with observe(lambda ahead, wait: told.append((ahead, wait))):
        waits = [pacer.acquire(write=True) for _ in range(5)]
    assert waits == [0.0, 0.0, 60.0, 0.0, 60.0]  # two a minute
    assert told == [(0, 60.0), (0, 60.0)]
    assert pacer.acquire(write=False) == 0.0  # reads have their own quota
