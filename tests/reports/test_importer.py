"""Importing a preview: one write on both stores, nothing twice, corrections kept, every
problem before anything is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_sheets import TEST_SERVICE_ACCOUNT, FakeSheets, RecordingSleep
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.data.store.base import Store
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError, ValidationError
from unionplan.reports.importer import import_preview, read_plan
from unionplan.reports.plan_text import parse_plan_text
from unionplan.reports.preview import ImportPreview

FIXTURES = Path(__file__).parent / "fixtures"
YEAR = 2026
PLAN = (
    "三、主要活动安排\n"
    "三月份：庆祝“三八”节，趣味运动会\n"
    "七、八月份：教职工疗休养\n"
    "女职工代表要达到职工代表总数的50%。\n"
    "各社区新增建会任务全年不少于2家。\n"
)
SETTINGS = [
    ["编号", "项目", "值"],
    ["S-1", "plan_year", str(YEAR)],
    ["S-2", "language", "简体中文"],
]


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    with FakeSheets() as f:
        yield f


@pytest.fixture(params=["xlsx", "gsheets"])
def workbook(request: pytest.FixtureRequest, tmp_path: Path, fake: FakeSheets) -> Workbook:
    """An empty workbook with every tab and header, on either store."""
    store: Store
    if request.param == "xlsx":
        store = XlsxStore(tmp_path / "工会.xlsx")
        store.create_tabs({"设置": SETTINGS[0]})
        store.append_rows("设置", SETTINGS[1:], id_col=1)
    else:
        key = fake.create_spreadsheet(tabs={"设置": SETTINGS})
        store = GSheetsStore(
            key, TEST_SERVICE_ACCOUNT, emulator_host=fake.host, sleep=RecordingSleep()
        )
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.load(fresh=True)
    return wb


def preview() -> ImportPreview:
    return parse_plan_text(PLAN, YEAR)


def test_import_writes_everything_in_one_write(workbook: Workbook) -> None:
    writes = workbook.store.stats.writes
    result = import_preview(workbook, preview(), admin("张三"))
    assert workbook.store.stats.writes - writes == 1
    assert [a["title"] for a in result.activities] == ["庆祝“三八”节", "趣味运动会", "教职工疗休养"]
    assert len(result.targets) == 2
    data = workbook.load(fresh=True)
    acts = data.df("activities").set_index("title")
    assert acts.loc["教职工疗休养", "start"] == PlanDate(YEAR, 7)
    assert acts.loc["教职工疗休养", "end"] == PlanDate(YEAR, 8)  # one activity over both
    assert acts.loc["庆祝“三八”节", "category"] == "festival"
    assert acts.loc["庆祝“三八”节", "status"] == "planned"
    assert acts["import_key"].str.startswith("a:").all()
    tgts = data.df("targets").set_index("unit_of_measure")
    assert tgts.loc["%", "metric"] == "rate"
    assert tgts.loc["%", "target_value"] == pytest.approx(0.5)  # 50% stored as a rate
    assert tgts.loc["家", "target_value"] == 2
    assert tgts.loc["家", "direction"] == "at_least"
    audit = data.df("audit_log")
    assert len(audit) == 5 and set(audit["user"]) == {"张三"}


def test_importing_the_same_plan_again_creates_nothing(workbook: Workbook) -> None:
    import_preview(workbook, preview(), admin("张三"))
    writes = workbook.store.stats.writes
    again = import_preview(workbook, preview(), admin("李四"))
    assert again.created == [] and len(again.existing) == 5
    assert workbook.store.stats.writes == writes  # not even an empty write
    data = workbook.load(fresh=True)
    assert (len(data.df("activities")), len(data.df("targets"))) == (3, 2)


def test_the_same_plan_in_traditional_or_full_width_is_the_same_plan(workbook: Workbook) -> None:
    import_preview(workbook, preview(), admin("张三"))
    hant = PLAN.replace("庆祝", "慶祝").replace("节", "節").replace("2家", "２家")
    again = import_preview(workbook, parse_plan_text(hant, YEAR), admin("張三"))
    assert again.created == []


def test_progress_is_reported_to_the_end(workbook: Workbook) -> None:
    calls: list[tuple[int, int]] = []
    import_preview(
        workbook, preview(), admin("张三"), progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1][0] == calls[-1][1] == 6  # five rows and the write
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_corrections_made_in_the_tables_are_imported(tmp_path: Path) -> None:
    wb = _local(tmp_path)
    first = preview()
    acts, tgts = first.activity_frame(), first.target_frame()
    acts.loc[0, "title"] = "庆祝“三八”国际妇女节"
    acts.loc[1, "include"] = False  # the person unticks 趣味运动会
    acts.loc[2, "category"] = "culture_sports"
    acts.loc[len(acts)] = {
        "include": True,
        "start": "4月",
        "title": "春游",
        "category": "culture_sports",
    }
    tgts.loc[1, "value"] = 3
    edited = ImportPreview.from_frames(YEAR, acts, tgts)
    result = import_preview(wb, edited, admin("张三"))
    assert [(a["title"], a["category"]) for a in result.activities] == [
        ("庆祝“三八”国际妇女节", "festival"),
        ("教职工疗休养", "culture_sports"),
        ("春游", "culture_sports"),
    ]
    assert result.excluded == 1
    assert result.targets[1]["target_value"] == 3
    # The corrected title keeps the item's import key: importing the raw text again
    # does not bring the uncorrected one back.
    again = import_preview(wb, preview(), admin("张三"))
    assert [row.title for _, _, row in again.created] == ["趣味运动会"]


def test_a_row_that_cannot_be_imported_stops_the_import_with_every_problem(
    tmp_path: Path,
) -> None:
    wb = _local(tmp_path)
    p = preview()
    acts, tgts = p.activity_frame(), p.target_frame()
    acts.loc[0, "title"] = ""
    acts.loc[2, "start"] = "某天"
    tgts.loc[0, "value"] = None
    with pytest.raises(ValidationError) as err:
        import_preview(wb, ImportPreview.from_frames(YEAR, acts, tgts), admin("张三"))
    assert set(err.value.problems) == {
        "activities[1].title",
        "activities[3].start",
        "targets[1].target_value",
    }
    data = wb.load(fresh=True)
    assert data.df("activities").empty and data.df("targets").empty
    # Not strict (the command line): the good rows go in, the others are listed.
    result = import_preview(
        wb, ImportPreview.from_frames(YEAR, acts, tgts), admin("张三"), strict=False
    )
    assert [a["title"] for a in result.activities] == ["趣味运动会"]
    assert [row.title for row, _ in result.invalid] == ["", "教职工疗休养", p.targets[0].title]


def _local(tmp_path: Path) -> Workbook:
    store = XlsxStore(tmp_path / "wb.xlsx")
    store.create_tabs({"设置": SETTINGS[0]})
    store.append_rows("设置", SETTINGS[1:], id_col=1)
    wb = Workbook(store)
    wb.ensure_tabs()
    return wb


def test_import_key_column_has_labels_in_three_languages() -> None:
    for key in ("activities", "targets"):
        label = TABLES[key].column("import_key").label
        assert (label.zh_hans, label.zh_hant, label.en) == ("导入标识", "匯入標識", "Import key")


# ------------------------------------------------------------------ files


def test_read_plan_by_kind_of_file(tmp_path: Path) -> None:
    md = read_plan(FIXTURES / "plan3_markdown.md", "plan3_markdown.md", year=YEAR)
    assert sum(md.month_counts().values()) == 23
    gbk = tmp_path / "计划.txt"
    gbk.write_bytes(PLAN.encode("gb18030"))  # Notepad on Chinese Windows
    assert read_plan(gbk, gbk.name, year=YEAR).month_counts() == {(3,): 2, (7, 8): 1}
    assert read_plan(PLAN.encode("utf-8-sig"), "x.txt", year=YEAR).month_counts() == {
        (3,): 2,
        (7, 8): 1,
    }


@pytest.mark.parametrize(
    ("name", "key"),
    [("plan.docx", "reports.err_file_type"), ("missing.txt", "reports.err_unreadable")],
)
def test_read_plan_refuses_clearly(tmp_path: Path, name: str, key: str) -> None:
    with pytest.raises(UnionplanError) as err:
        read_plan(tmp_path / name, name, year=YEAR)
    assert err.value.key == key


def test_frames_round_trip_unchanged() -> None:
    p = parse_plan_text((FIXTURES / "plan1_women_targets.txt").read_text(encoding="utf-8"), YEAR)
    p.activities = preview().activities
    back = ImportPreview.from_frames(YEAR, p.activity_frame(), p.target_frame())
    assert back.activities == p.activities
    assert back.targets == p.targets
