"""The workbook layer on both real stores: the local .xlsx file and Google Sheets (the real
gspread client against the local fake Sheets API). Both must behave the same."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets, Fault, RecordingSleep
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.store.base import Grid, Store
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import BackendUnavailableError, ConflictError

SETTINGS: Grid = [
    ["编号", "项目", "值"],
    ["S-1", "plan_year", "2026"],
    ["S-2", "language", "简体中文"],
]
# Hand-edited: a title row, a blank row, Chinese headers in their own order, an unknown
# column, loose dates and amounts, a formula-looking note, a row with bad cells.
MESSY: Grid = [
    ["某某中学工会2026年活动安排"],
    [],
    ["活动名称", "开始日期", "类别", "编号", "预算（元）", "经办科室", "备注", "状态", "版本"],
    [
        "三八节趣味运动会",
        "3月8日",
        "文体活动",
        "A-1",
        "1,600元",
        "工会办",
        "=SUM(A1)",
        "已完成",
        "1",
    ],
    ["春游踏青", "四月份", "文體活動", "A-2", "¥2000.5", "", "", "Planned", "1"],
    ["坏行", "13月", "不存在", "A-3", "一千", "x", "", "", "1"],
]
TABS = {"设置": SETTINGS, "活动安排": MESSY}

# A factory: tabs -> (store, a second store on the same workbook, raw reader of a tab)
Factory = Callable[[dict[str, Grid]], tuple[Store, Store, Callable[[str], Grid]]]


def _gsheets(fake: FakeSheets) -> Factory:
    def make(tabs: dict[str, Grid]) -> tuple[Store, Store, Callable[[str], Grid]]:
        key = fake.create_spreadsheet(tabs=tabs)

        def store() -> GSheetsStore:
            return GSheetsStore(
                key,
                TEST_SERVICE_ACCOUNT,
                session=fake.session(),
                timeout=5.0,
                sleep=RecordingSleep(),
                rng=lambda: 1.0,
            )

        return store(), store(), lambda title: fake.values(key, title)

    return make


def _xlsx(tmp_path: Path) -> Factory:
    def make(tabs: dict[str, Grid]) -> tuple[Store, Store, Callable[[str], Grid]]:
        path = tmp_path / "工会.xlsx"
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, grid in tabs.items():
            ws = book.create_sheet(title)
            for row in grid:
                ws.append(row)
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        cell.data_type = "s"
            if title == "活动安排":
                ws.merge_cells("A1:I1")
        book.save(path)

        def raw(title: str) -> Grid:
            ws = openpyxl.load_workbook(path)[title]
            return [[c.value for c in row] for row in ws.iter_rows()]

        return XlsxStore(path), XlsxStore(path), raw

    return make


@pytest.fixture(params=["xlsx", "gsheets"])
def factory(request: pytest.FixtureRequest, tmp_path: Path, fake_sheets: FakeSheets) -> Factory:
    return _xlsx(tmp_path) if request.param == "xlsx" else _gsheets(fake_sheets)


def _audited(raw: Callable[[str], Grid], record_id: str) -> int:
    """How many audit rows name this record."""
    return sum(1 for row in raw("操作日志") if record_id in [str(c) for c in row])


def _text(v: object) -> str:
    return "" if v is None else str(v)


def test_messy_workbook_loads_with_values_and_issues(factory: Factory) -> None:
    store, _, _ = factory(TABS)
    data = Workbook(store).load(fresh=True)
    df = data.df("activities").set_index("id")
    assert df.loc["A-1", "start"] == PlanDate(2026, 3, 8)
    assert df.loc["A-1", "budget"] == 1600.0
    assert df.loc["A-1", "notes"] == "=SUM(A1)"
    assert df.loc["A-2", "start"] == PlanDate(2026, 4)
    assert df.loc["A-2", "category"] == "culture_sports"
    assert df.loc["A-2", "budget"] == 2000.5
    assert [(i.row, i.column, i.raw, i.key) for i in data.issues if i.tab == "活动安排"] == [
        (6, "开始日期", "13月", "issues.bad_date"),
        (6, "类别", "不存在", "issues.unknown_label"),
        (6, "预算（元）", "一千", "issues.bad_number"),
    ]


def test_writes_keep_unknown_column_odd_rows_and_store_text_not_formulas(
    factory: Factory,
) -> None:
    store, _, raw = factory(TABS)
    wb = Workbook(store)
    wb.update(
        "activities",
        "A-1",
        {"budget": 1800, "notes": "+86 热线"},
        expected_version=1,
        actor=admin("李四"),
    )
    new = wb.append(
        "activities",
        {"title": "=1+1", "notes": "@所有人", "start": PlanDate(2026, 5)},
        actor=admin("张三"),
    )
    grid = raw("活动安排")
    assert _text(grid[0][0]) == "某某中学工会2026年活动安排"
    assert [_text(c) for c in grid[2][:9]] == MESSY[2]
    assert _text(grid[3][5]) == "工会办"  # the unknown column survives the update
    assert _text(grid[3][6]) == "+86 热线"
    assert [_text(c) for c in grid[5][:5]] == MESSY[5][:5]  # the bad row is left as typed
    last = [_text(c) for c in grid[-1]]
    assert last[0] == "=1+1" and "@所有人" in last  # text, not a formula or its result
    data = wb.load(fresh=True)
    assert data.record("activities", new["id"])["title"] == "=1+1"
    assert data.record("activities", "A-1")["budget"] == 1800
    assert data.record("activities", "A-1")["version"] == 2


def test_second_store_instance_gets_a_conflict(factory: Factory) -> None:
    one, two, _ = factory(TABS)
    alice, bob = Workbook(one), Workbook(two)
    bob_saw = bob.load(fresh=True).record("activities", "A-2")
    alice.update(
        "activities", "A-2", {"title": "春游（改期）"}, expected_version=1, actor=admin("a")
    )
    with pytest.raises(ConflictError) as err:
        bob.update(
            "activities",
            "A-2",
            {"title": "春游（bob）"},
            expected_version=bob_saw["version"],
            actor=admin("b"),
        )
    assert (err.value.expected_version, err.value.current_version) == (1, 2)
    assert err.value.current["title"] == "春游（改期）"


def test_google_request_counts(fake_sheets: FakeSheets) -> None:
    store, _, _ = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    # The first write gives the hand-made tab the columns it lacks (version, created_at …).
    wb.append("activities", {"title": "热身"}, actor=admin("u"))
    wb.load(fresh=True)
    fake_sheets.reset_log()
    wb.load(fresh=True)
    assert [r.kind for r in fake_sheets.requests()] == ["values.batchGet"]  # a refresh: one read
    fake_sheets.reset_log()
    wb.append("activities", {"title": "五一表彰", "category": "awards"}, actor=admin("u"))
    kinds = [r.kind for r in fake_sheets.requests()]
    assert kinds == ["spreadsheets.batchUpdate"]  # the row and its audit row, one write
    wb.load()
    fake_sheets.reset_log()
    wb.update(
        "activities",
        "A-2",
        {"status": "done", "notes": "已办"},
        expected_version=1,
        actor=admin("u"),
    )
    kinds = [r.kind for r in fake_sheets.requests()]
    # Issue 10 (data/store/CONCURRENCY.md): claim the row and an audit slot; read the
    # claimed row, the id column and the header (the version check); write the cells and
    # the audit row through the claims; drop the claims. Four requests, one of them a read.
    assert kinds == [
        "spreadsheets.batchUpdate",
        "values.batchGetByDataFilter",
        "values.batchUpdateByDataFilter",
        "spreadsheets.batchUpdate",
    ]
    assert store.stats.snapshot()[0] >= 1 and fake_sheets.metadata_count(store.key) == 0
    data = wb.load(fresh=True)
    assert data.record("activities", "A-2")["status"] == "done"
    log = data.df("audit_log")
    assert log["action"].iat[-1] == "update" and log["record_id"].iat[-1] == "A-2"


def test_google_429_then_success_lands_once(fake_sheets: FakeSheets) -> None:
    store, _, raw = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.load(fresh=True)
    fake_sheets.reset_log()
    fake_sheets.fail("spreadsheets.batchUpdate", Fault.quota())
    rec = wb.append("activities", {"title": "读书会"}, actor=admin("u"))
    assert len(fake_sheets.requests("spreadsheets.batchUpdate")) == 2  # refused once, then landed
    ids = [row[3] for row in raw("活动安排") if len(row) > 3]
    assert ids.count(rec["id"]) == 1
    assert _audited(raw, rec["id"]) == 1


def test_google_timeout_on_append_no_duplicate(fake_sheets: FakeSheets) -> None:
    store, _, raw = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.load(fresh=True)
    fake_sheets.fail("spreadsheets.batchUpdate", Fault.timeout(apply=True))
    rec = wb.append("activities", {"title": "羽毛球友谊赛"}, actor=admin("u"))
    ids = [row[3] for row in raw("活动安排") if len(row) > 3]
    assert ids.count(rec["id"]) == 1
    assert _audited(raw, rec["id"]) == 1


def test_google_timeout_before_applying_is_retried_once(fake_sheets: FakeSheets) -> None:
    store, _, raw = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.load(fresh=True)
    fake_sheets.fail("spreadsheets.batchUpdate", Fault.timeout(apply=False))
    rec = wb.append("activities", {"title": "乒乓球赛"}, actor=admin("u"))
    ids = [row[3] for row in raw("活动安排") if len(row) > 3]
    assert ids.count(rec["id"]) == 1
    assert _audited(raw, rec["id"]) == 1


def test_google_persistent_500_is_clear_and_writes_nothing(fake_sheets: FakeSheets) -> None:
    store, _, raw = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.load(fresh=True)
    before = raw("活动安排")
    fake_sheets.fail("spreadsheets.batchUpdate", Fault.error(500, times=None))
    with pytest.raises(BackendUnavailableError):
        wb.append("activities", {"title": "不会丢的活动"}, actor=admin("u"))
    fake_sheets.clear_faults()
    after = raw("活动安排")
    assert len(after) == len(before)
    assert after[3:] == before[3:]  # no row half-written (the header may have gained columns)
    assert "不会丢的活动" not in str(raw("操作日志"))  # and no audit row without its record


# Records with every column the tests below write, so the hand-made tab gains its missing
# columns (one header write) before the write that is counted.
WARM_ACTIVITY = {
    "title": "热身",
    "category": "other",
    "start": PlanDate(2026, 1),
    "end": PlanDate(2026, 2),
}
WARM_TARGET = {"title": "热身目标", "metric": "count", "target_value": 1}


def test_append_many_is_one_write_with_an_audit_row_each(factory: Factory) -> None:
    store, _, raw = factory(TABS)
    wb = Workbook(store)
    # Warm up: the targets tab is created, the hand-made activities tab gains its columns.
    wb.append("activities", WARM_ACTIVITY, actor=admin("u"))
    wb.append("targets", WARM_TARGET, actor=admin("u"))
    wb.load(fresh=True)
    writes = store.stats.writes
    items = [
        ("activities", {"title": "庆祝三八节", "category": "festival", "start": PlanDate(2026, 3)}),
        ("activities", {"title": "疗休养", "start": PlanDate(2026, 7), "end": PlanDate(2026, 8)}),
        ("targets", {"title": "信息报送不少于2篇", "metric": "count", "target_value": 2}),
        ("activities", {"title": "教师节慰问", "start": PlanDate(2026, 9)}),
    ]
    made = wb.append_many(items, actor=admin("导入"))
    assert store.stats.writes - writes == 1  # one save / one batchUpdate for all of them
    assert [r["title"] for r in made] == [values["title"] for _, values in items]
    assert made[0]["id"].startswith("A-") and made[2]["id"].startswith("T-")
    data = wb.load(fresh=True)
    assert data.record("activities", made[1]["id"])["end"] == PlanDate(2026, 8)
    assert data.record("targets", made[2]["id"])["target_value"] == 2
    for rec in made:
        assert _audited(raw, rec["id"]) == 1


def test_append_many_of_nothing_writes_nothing(factory: Factory) -> None:
    store, _, _ = factory(TABS)
    wb = Workbook(store)
    wb.load(fresh=True)
    writes = store.stats.writes
    assert wb.append_many([], actor=admin("u")) == []
    assert store.stats.writes == writes


def test_google_append_many_sends_one_batch_update(fake_sheets: FakeSheets) -> None:
    store, _, raw = _gsheets(fake_sheets)(TABS)
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.append("activities", WARM_ACTIVITY, actor=admin("u"))
    wb.append("targets", WARM_TARGET, actor=admin("u"))
    wb.load(fresh=True)
    fake_sheets.reset_log()
    items = [("activities", {"title": f"活动{n}", "start": PlanDate(2026, n)}) for n in (1, 2, 3)]
    items.append(("targets", {"title": "建会率", "metric": "rate", "target_value": 0.95}))
    made = wb.append_many(items, actor=admin("u"))
    assert [r.kind for r in fake_sheets.requests()] == ["spreadsheets.batchUpdate"]
    titles = [str(row[0]) for row in raw("活动安排") if row]
    assert titles[-3:] == [f"活动{n}" for n in (1, 2, 3)]
    assert all(_audited(raw, rec["id"]) == 1 for rec in made)
