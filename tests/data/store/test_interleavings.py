"""A second writer at every step of an update (issue 10), on Google Sheets and the local file.

Google: the real gspread client against the fake, with a hook that runs the other writer
at a chosen request of A's update (before its claim, after the claim, after the read of
the claimed row, after the write). The other writer is B saving the same record through
the app, or a person deleting a row above, inserting a row above, or sorting the tab.
Local file: the person edits the file directly between A's read and A's save; B is a
second store on the same file. Every case checks: the record's own row has A's change,
no other row changed, and a lost race is reported (ConflictError) and audited.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets, RecordingSleep
from tests.people import admin
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import ConflictError

TAB = "活动安排"
HEADER = ["编号", "活动名称", "备注", "版本"]
GRID = [HEADER] + [[f"A-{n}", f"活动{n}", "", "1"] for n in range(1, 7)]
TARGET = "A-4"  # A edits this record; it is row 5 of the tab
ABOVE = 3  # the row a person deletes or inserts above (A-2's row): above the target
EVENTS = ["app_save", "delete_above", "insert_above", "sort"]
# Where the other writer acts in A's four requests: before the 1st, after the 1st …
STEPS = [("before", 1), ("after", 1), ("after", 2), ("after", 3)]


def _records(grid: list[list[Any]]) -> dict[str, list[Any]]:
    """id -> (title, notes, version) of every record row."""
    out = {}
    for row in grid[1:]:
        row = [*row, "", "", "", ""][:4]
        if row[0]:
            out[str(row[0])] = [str(row[1]), str(row[2]), str(row[3])]
    return out


def _audit(wb: Workbook, record_id: str) -> list[str]:
    log = wb.load(fresh=True).df("audit_log")
    return sorted(log.loc[log["record_id"] == record_id, "action"].tolist())


class Other:
    """The second writer: B's save through the app, or a person's edit."""

    def __init__(self, event: str, b: Workbook, person: Callable[[str], None]) -> None:
        self.event, self.b, self.person = event, b, person
        self.error: Exception | None = None
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        if self.event != "app_save":
            self.person(self.event)
            return
        try:
            self.b.update(
                "activities", TARGET, {"notes": "B的"}, expected_version=1, actor=admin("b")
            )
        except ConflictError as exc:
            self.error = exc


def _expected_others(event: str) -> dict[str, list[Any]]:
    """Every record but the target as it must be after the other writer's edit."""
    rows = _records(GRID)
    del rows[TARGET]
    if event == "delete_above":
        del rows["A-2"]
    if event == "insert_above":
        rows["A-X"] = ["手工插入", "", "1"]
    return rows


def _check(event: str, after: dict[str, list[Any]], a_error: Exception | None, other: Other,
           audit: list[str]) -> None:  # fmt: skip
    assert other.ran
    others = {k: v for k, v in after.items() if k != TARGET}
    assert others == _expected_others(event)  # no other row changed
    if event == "app_save":
        errors = [e for e in (a_error, other.error) if e is not None]
        assert len(errors) == 1, "exactly one of two racing saves must lose, and be told"
        assert isinstance(errors[0], ConflictError)
        winner = "B的" if a_error is not None else "A的"
        assert after[TARGET] == ["活动4", winner, "2"]
        assert audit == ["conflict", "update"]  # both attempts, truthfully
    else:
        assert a_error is None
        assert after[TARGET] == ["活动4", "A的", "2"]
        assert audit == ["update"]


# -- Google Sheets --------------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as f:
        yield f


def _gstore(fake: FakeSheets, key: str) -> GSheetsStore:
    return GSheetsStore(
        key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host, sleep=RecordingSleep(), rng=lambda: 1.0
    )


@pytest.mark.parametrize("step", STEPS, ids=[f"{w}{n}" for w, n in STEPS])
@pytest.mark.parametrize("event", EVENTS)
def test_google_update_with_a_second_writer_at_every_step(
    fake: FakeSheets, event: str, step: tuple[str, int]
) -> None:
    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a, b = Workbook(_gstore(fake, key)), Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)

    def person(what: str) -> None:
        if what == "delete_above":
            fake.delete_row(key, TAB, ABOVE)
        elif what == "insert_above":
            fake.insert_row(key, TAB, ABOVE, ["A-X", "手工插入", "", "1"])
        else:  # by title, descending: A-6 first … the target moves from row 5 to row 4
            fake.sort_rows(key, TAB, 2, 2, desc=True)

    other = Other(event, b, person)
    when, at = step
    fake.hook(other, at=at, when=when)
    a_error: Exception | None = None
    try:
        a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    except ConflictError as exc:
        a_error = exc
    after = _records(fake.values(key, TAB))
    _check(event, after, a_error, other, _audit(a, TARGET))
    assert fake.metadata_count(key) == 0  # every claim and slot was removed


def test_google_racing_saves_cost_at_most_four_requests_each(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a, b = Workbook(_gstore(fake, key)), Workbook(_gstore(fake, key))
    a.ensure_tabs()
    # A first save gives the hand-made tab the columns it lacks (one header write, once).
    a.update("activities", "A-1", {"notes": "预热"}, expected_version=1, actor=admin("a"))
    a.load(fresh=True)
    b.load()
    b.store.tab_titles()  # B's cold start (the tab metadata) is not part of its save
    a0, b0 = sum(a.store.stats.snapshot()), sum(b.store.stats.snapshot())
    other = Other("app_save", b, lambda _: None)
    fake.hook(other, at=2, when="after")  # B saves while A holds the claim
    a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    assert isinstance(other.error, ConflictError)
    assert other.error.current["notes"] is None  # B sees the row as it is: A not yet written
    assert sum(a.store.stats.snapshot()) - a0 == 4  # claim, read, write, drop the claim
    assert sum(b.store.stats.snapshot()) - b0 == 4  # failed claim, look-up, read, conflict row


def test_google_update_of_a_record_deleted_by_hand_is_not_found(fake: FakeSheets) -> None:
    from unionplan.errors import NotFoundError

    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a = Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)
    fake.hook(lambda: fake.delete_row(key, TAB, 5), at=1, when="after")  # the target's row
    with pytest.raises(NotFoundError):
        a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    after = _records(fake.values(key, TAB))
    assert TARGET not in after and all(v[1] == "" for v in after.values())
    assert fake.metadata_count(key) == 0


# -- the local file -------------------------------------------------------------------------


def _xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "工会.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = TAB
    for row in GRID:
        sheet.append(row)
    book.save(path)
    return path


def _file_records(path: Path) -> dict[str, list[Any]]:
    book = openpyxl.load_workbook(path)
    grid = [["" if v is None else v for v in r] for r in book[TAB].iter_rows(values_only=True)]
    return _records(grid)


def _person_edits_file(path: Path, what: str) -> None:
    """A person saving the file in Excel: here openpyxl writes it directly."""
    book = openpyxl.load_workbook(path)
    sheet = book[TAB]
    if what == "delete_above":
        sheet.delete_rows(ABOVE)
    elif what == "insert_above":
        sheet.insert_rows(ABOVE)
        for c, v in enumerate(["A-X", "手工插入", "", "1"], start=1):
            sheet.cell(ABOVE, c, v)
    else:
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        rows.sort(key=lambda r: str(r[1]), reverse=True)
        for i, r in enumerate(rows, start=2):
            for c, v in enumerate(r, start=1):
                sheet.cell(i, c, v)
    book.save(path)


# In a local save: after the fresh read of the tab (the version check), or just before the
# file is replaced (after the edits were made in memory).
XSTEPS = ["after_read", "before_save"]


@pytest.mark.parametrize("step", XSTEPS)
@pytest.mark.parametrize("event", EVENTS)
def test_local_update_with_a_second_writer_at_every_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, event: str, step: str
) -> None:
    path = _xlsx(tmp_path)
    a, b = Workbook(XlsxStore(path)), Workbook(XlsxStore(path))
    a.ensure_tabs()
    a.load(fresh=True)
    b.load()
    thread: list[threading.Thread] = []

    def person(what: str) -> None:
        _person_edits_file(path, what)

    other = Other(event, b, person)

    def act() -> None:
        if event == "app_save":
            # B's save cannot get in while A holds the file lock: it waits, then runs.
            t = threading.Thread(target=other)
            t.start()
            thread.append(t)
        else:
            other()

    fired = {"n": 0}
    store = a.store
    assert isinstance(store, XlsxStore)
    if step == "after_read":
        real = store.read_tab

        def read_tab(title: str) -> Any:
            grid = real(title)
            if title == TAB and not fired["n"]:
                fired["n"] += 1
                act()
            return grid

        monkeypatch.setattr(store, "read_tab", read_tab)
    else:
        real_check = store._check_unchanged

        def check(book: Any) -> None:
            if not fired["n"]:
                fired["n"] += 1
                act()
            real_check(book)

        monkeypatch.setattr(store, "_check_unchanged", check)
    a_error: Exception | None = None
    try:
        a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    except ConflictError as exc:
        a_error = exc
    for t in thread:
        t.join(timeout=60)
    after = _file_records(path)
    _check(event, after, a_error, other, _audit(a, TARGET))


# -- claims left behind and lost answers --------------------------------------------------


def _claim_left_behind(fake: FakeSheets, key: str, age_s: float) -> None:
    """A claim on the target's row as a save that died after step 1 would leave it."""
    import time

    from unionplan.data.store.gsheets_rows import KEY, claim_id

    sheet_id = fake.tab(key, TAB).sheet_id
    rng = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 4, "endIndex": 5}
    meta = {
        "metadataId": claim_id(TAB, TARGET, 2),
        "metadataKey": KEY,
        "metadataValue": f"deadbeef@{int(time.time() - age_s)}",
        "location": {"dimensionRange": rng},
        "visibility": "DOCUMENT",
    }
    with fake.lock:
        fake.spreadsheets[key].batch_update(
            {"requests": [{"createDeveloperMetadata": {"developerMetadata": meta}}]}
        )


def test_a_claim_left_by_a_dead_save_is_broken_after_a_while(fake: FakeSheets) -> None:
    from unionplan.data.store.gsheets_rows import CLAIM_STALE_S

    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a = Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)
    _claim_left_behind(fake, key, CLAIM_STALE_S + 60)
    a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    assert _records(fake.values(key, TAB))[TARGET] == ["活动4", "A的", "2"]
    assert fake.metadata_count(key) == 1  # only the spreadsheet-level "broken" marker


def test_a_fresh_claim_of_another_save_is_a_conflict(fake: FakeSheets) -> None:
    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a = Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)
    _claim_left_behind(fake, key, 5)  # another session is saving this record right now
    with pytest.raises(ConflictError):
        a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    assert _records(fake.values(key, TAB))[TARGET] == ["活动4", "", "1"]
    assert _audit(a, TARGET) == ["conflict"]


def test_a_lost_answer_to_the_claim_is_not_a_conflict_with_itself(fake: FakeSheets) -> None:
    from tests.fake_sheets import Fault

    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a = Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)
    fake.fail("spreadsheets.batchUpdate", Fault.dropped())  # applied, then no answer
    a.update("activities", TARGET, {"notes": "A的"}, expected_version=1, actor=admin("a"))
    after = _records(fake.values(key, TAB))
    assert after[TARGET] == ["活动4", "A的", "2"]
    assert _audit(a, TARGET) == ["update"]
    assert fake.metadata_count(key) == 0


@pytest.mark.parametrize("event", ["app_save", "insert_above"])
def test_google_delete_follows_the_same_rules(fake: FakeSheets, event: str) -> None:
    key = fake.create_spreadsheet(tabs={TAB: GRID})
    a, b = Workbook(_gstore(fake, key)), Workbook(_gstore(fake, key))
    a.ensure_tabs()
    a.load(fresh=True)

    def person(_: str) -> None:
        fake.insert_row(key, TAB, ABOVE, ["A-X", "手工插入", "", "1"])

    other = Other(event, b, person)
    fake.hook(other, at=1, when="after")  # A holds the claim
    a.delete("activities", TARGET, expected_version=1, actor=admin("a"))
    data = a.load(fresh=True)
    assert TARGET not in set(data.df("activities")["id"])  # marked deleted, hidden
    rows = fake.values(key, TAB)
    (target,) = [r for r in rows if r and r[0] == TARGET]
    assert target[:4] == ["A-4", "活动4", "", "2"]  # its own row, nothing else of it changed
    others = {k: v for k, v in _records(rows).items() if k != TARGET}
    assert others == _expected_others("insert_above" if event != "app_save" else "none")
    if event == "app_save":
        assert isinstance(other.error, ConflictError)
        assert _audit(a, TARGET) == ["conflict", "delete"]
