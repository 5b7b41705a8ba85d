"""The workbook layer over an in-memory store: reading messy tabs, writing by id and version."""

from __future__ import annotations

import json

import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.tables import parse_workbook
from unionplan.data.workbook import Workbook
from unionplan.errors import ConflictError, NotFoundError

SETTINGS = [["编号", "项目", "值"], ["S-1", "plan_year", "2026"], ["S-2", "language", "简体中文"]]

# A hand-edited activities tab: merged title row, a blank row, Chinese headers in their own
# order with full-width brackets and stray spaces, an unknown column, loose values, a note
# that looks like a formula, a row with bad cells, and a blank row in the middle.
MESSY_ACTIVITIES = [
    ["某某中学工会2026年活动安排", None, None, None],
    [],
    ["活动名称", " 开始日期 ", "类别", "编号", "预算（元）", "经办科室", "备注", "状态", "版本"],
    ["三八节趣味运动会", "3月8日", "文体活动", "A-1", "1,600元", "工会办", "=SUM(A1)", "已完成", 1],
    [None, "", None],
    ["春游踏青", "四月份", "文體活動", "A-2", "¥2000.5", None, None, "Planned", 1],
    ["坏行", "13月", "不存在的类别", "A-3", "一千", "x", None, None, 1],
]


def messy_store() -> MemoryStore:
    return MemoryStore({"设置": SETTINGS, "活动安排": MESSY_ACTIVITIES, "透视表": [["x"]]})


def test_messy_tab_reads_right_values_and_issues() -> None:
    data = Workbook(messy_store()).load()
    df = data.df("activities").set_index("id")
    assert df.loc["A-1", "title"] == "三八节趣味运动会"
    assert df.loc["A-1", "start"] == PlanDate(2026, 3, 8)
    assert df.loc["A-1", "budget"] == 1600.0
    assert df.loc["A-1", "notes"] == "=SUM(A1)"
    assert df.loc["A-1", "status"] == "done"
    assert df.loc["A-2", "start"] == PlanDate(2026, 4)  # month only, year from settings
    assert df.loc["A-2", "category"] == "culture_sports"  # Traditional label
    assert df.loc["A-2", "status"] == "planned"  # English label
    assert df.loc["A-2", "budget"] == 2000.5
    assert df.loc["A-3", "title"] == "坏行"  # the bad row is kept
    assert df["_row"].tolist() == [4, 6, 7]  # the row numbers the user sees
    tab_issues = [(i.row, i.column, i.raw, i.key) for i in data.issues if i.tab == "活动安排"]
    assert tab_issues == [
        (7, " 开始日期 ", "13月", "issues.bad_date"),
        (7, "类别", "不存在的类别", "issues.unknown_label"),
        (7, "预算（元）", "一千", "issues.bad_number"),
    ]
    assert data.tables["activities"].extra == ["经办科室"]


def test_missing_tabs_empty_tab_no_header_duplicate_ids_are_issues() -> None:
    store = MemoryStore(
        {
            "设置": SETTINGS,
            "Targets": [],
            "組織": [["随便写写"], ["没有表头"]],
            "活动": [["编号", "活动名称"], ["A-1", "一"], ["A-1", "二"], ["", "三"]],
        }
    )
    data = Workbook(store).load()
    keys = {(i.tab, i.key) for i in data.issues}
    assert ("Targets", "issues.empty_tab") in keys
    assert ("組織", "issues.no_header") in keys
    assert ("活动", "issues.duplicate_id") in keys
    assert ("活动", "issues.missing_id") in keys
    assert ("帮扶对象", "issues.missing_tab") in keys
    assert len(data.df("activities")) == 3  # nothing dropped


def test_missing_id_column_is_one_issue_and_rows_are_kept() -> None:
    store = MemoryStore({"活动": [["活动名称", "开始日期"], ["一", "3月"], ["二", "4月"]]})
    data = Workbook(store).load()
    assert [i.key for i in data.issues if i.tab == "活动"] == ["issues.missing_id_column"]
    assert data.df("activities")["title"].tolist() == ["一", "二"]


def test_write_keeps_unknown_column_title_row_and_odd_rows() -> None:
    store = messy_store()
    wb = Workbook(store)
    rec = wb.load().record("activities", "A-1")
    wb.update(
        "activities",
        "A-1",
        {"budget": 1800, "notes": "+86 电话"},
        expected_version=rec["version"],
        actor=admin("李四"),
    )
    new = wb.append(
        "activities", {"title": '=HYPERLINK("x")', "start": PlanDate(2026, 5)}, actor=admin("张三")
    )
    grid = store.grids["活动安排"]
    assert grid[0] == MESSY_ACTIVITIES[0]  # title row untouched
    assert grid[2][:9] == MESSY_ACTIVITIES[2]  # header untouched (new columns only appended)
    assert grid[3][5] == "工会办"  # unknown column carried through
    assert grid[3][4] == 1800 and grid[3][6] == "+86 电话" and grid[3][8] == 2
    assert grid[6][:7] == MESSY_ACTIVITIES[6][:7]  # the unparsable row is left as typed
    assert grid[-1][0] == '=HYPERLINK("x")'  # stored as a value; the store keeps it text
    data = wb.load()
    assert data.record("activities", new["id"])["title"] == '=HYPERLINK("x")'
    assert data.record("activities", "A-1")["budget"] == 1800


def test_update_conflict_carries_both_versions() -> None:
    store = messy_store()
    alice, bob = Workbook(store, ttl=0), Workbook(store, ttl=0)
    seen_by_bob = bob.load().record("activities", "A-2")
    alice.update(
        "activities", "A-2", {"title": "春游（改期）"}, expected_version=1, actor=admin("alice")
    )
    with pytest.raises(ConflictError) as err:
        bob.update(
            "activities",
            "A-2",
            {"title": "春游踏青（bob）"},
            expected_version=seen_by_bob["version"],
            actor=admin("bob"),
        )
    assert err.value.expected_version == 1
    assert err.value.current_version == 2
    assert err.value.current["title"] == "春游（改期）"
    assert err.value.attempted == {"title": "春游踏青（bob）"}


def test_unknown_id_is_not_found() -> None:
    wb = Workbook(messy_store())
    with pytest.raises(NotFoundError):
        wb.update("activities", "A-404", {"title": "x"}, expected_version=1, actor=admin("u"))


def test_delete_marks_row_and_hides_it() -> None:
    store = messy_store()
    wb = Workbook(store)
    wb.delete("activities", "A-2", expected_version=1, actor=admin("u"))
    assert "A-2" not in set(wb.load().df("activities")["id"])
    assert wb.load().tables["activities"].n_deleted == 1
    assert any(len(r) > 3 and r[3] == "A-2" for r in store.grids["活动安排"])  # still in the sheet


def test_every_write_leaves_an_audit_row_with_before_and_after() -> None:
    store = messy_store()
    wb = Workbook(store)
    wb.update("activities", "A-1", {"budget": 1700}, expected_version=1, actor=admin("李四"))
    data = wb.load()
    log = data.df("audit_log")
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["user"], row["table"], row["record_id"], row["action"]) == (
        "李四",
        "activities",
        "A-1",
        "update",
    )
    assert json.loads(row["changes"]) == {"budget": [1600.0, 1700]}


def test_audit_masks_personal_data() -> None:
    store = MemoryStore({"设置": SETTINGS})
    wb = Workbook(store)
    case = wb.append(
        "aid_cases",
        {"name": "王某某", "id_number": "110101199001011234", "status": "active"},
        actor=admin("帮扶专干"),
    )
    changes = json.loads(wb.load().df("audit_log").iloc[0]["changes"])
    assert changes["name"] == [None, "王*某"]
    assert changes["id_number"] == [None, "110***********1234"]
    assert changes["status"] == [None, "active"]
    assert "王某某" not in json.dumps(store.grids["操作日志"], ensure_ascii=False)
    assert wb.load().record("aid_cases", case["id"])["name"] == "王某某"


def test_request_counts_with_a_warm_cache() -> None:
    store = MemoryStore({"设置": SETTINGS})
    wb = Workbook(store)
    wb.ensure_tabs()
    wb.append("activities", {"id": "A-1", "title": "已有活动"}, actor=admin("u"))
    wb.load()
    before = store.stats.snapshot()
    wb.load()
    assert store.stats.snapshot() == before  # cached: no request
    wb.load(fresh=True)
    assert store.stats.snapshot() == (before[0] + 1, before[1])  # a refresh is one read
    wb.load()
    r0, w0 = store.stats.snapshot()
    wb.append("activities", {"title": "新活动"}, actor=admin("u"))
    assert store.stats.snapshot() == (r0, w0 + 1)  # the row + its audit row: one write
    wb.load()
    r0, w0 = store.stats.snapshot()
    wb.update("activities", "A-1", {"title": "改"}, expected_version=1, actor=admin("u"))
    assert store.stats.snapshot() == (r0 + 1, w0 + 1)  # one read; cells + audit in one write


def test_written_language_follows_settings() -> None:
    store = MemoryStore({"Settings": [["ID", "Key", "Value"], ["S-1", "language", "English"]]})
    wb = Workbook(store)
    wb.append(
        "activities",
        {"title": "Spring outing", "category": "culture_sports", "status": "planned"},
        actor=admin("u"),
    )
    assert "Activities" in store.grids
    header = store.grids["Activities"][0]
    row = dict(zip(header, store.grids["Activities"][1], strict=False))
    assert row["Category"] == "Culture and sports" and row["Status"] == "Planned"


def test_references_by_name_resolve_to_ids() -> None:
    grids = {
        "组织": [["编号", "名称"], ["U-1", "语文组分会"]],
        "活动": [
            ["编号", "活动名称", "组织单位"],
            ["A-1", "读书会", "语文组分会"],
            ["A-2", "x", "不存在的分会"],
        ],
    }
    data = parse_workbook(grids)
    assert data.record("activities", "A-1")["unit"] == "U-1"
    assert [(i.row, i.key) for i in data.issues if i.tab == "活动"] == [(3, "issues.unknown_ref")]


def test_multi_causes_in_any_separator_and_language() -> None:
    grids = {
        "困难职工档案": [
            ["编号", "姓名", "困难原因"],
            ["C-1", "甲", "因病、单亲"],
            ["C-2", "乙", "Illness; 子女就學"],
        ]
    }
    df = parse_workbook(grids).df("aid_cases").set_index("id")
    assert df.loc["C-1", "causes"] == ["illness", "single_parent"]
    assert df.loc["C-2", "causes"] == ["illness", "schooling"]


def test_blank_references_are_not_issues() -> None:
    grids = {
        "组织": [["编号", "名称", "上级单位"], ["U-1", "总工会", ""], ["U-2", "一分会", "U-1"]],
        "活动": [["编号", "活动名称", "组织单位", "关联目标"], ["A-1", "读书会", None, ""]],
    }
    assert [i for i in parse_workbook(grids).issues if i.key == "issues.unknown_ref"] == []


def test_settings_can_be_written_and_changed() -> None:
    store = MemoryStore({"设置": SETTINGS})
    wb = Workbook(store)
    wb.set_setting("union_name", "某某中学工会", actor=admin("u"))
    wb.set_setting("plan_year", "2027", actor=admin("u"))
    data = wb.load()
    assert data.settings["union_name"] == "某某中学工会"
    assert data.plan_year == 2027
    log = data.df("audit_log")
    assert log["table"].tolist() == ["settings", "settings"]
    assert log["action"].tolist() == ["append", "update"]  # plan_year existed already


def test_issues_in_personal_data_are_marked_sensitive() -> None:
    grids = {
        "困难职工档案": [
            ["编号", "姓名", "家庭人口", "复核日期"],
            ["C-1", "王某某", "三口", "13月"],
        ],
        "帮扶发放": [["编号", "帮扶对象", "现金(元)"], ["D-1", "李某某", "五百"]],
    }
    issues = {(i.tab, i.column): i for i in parse_workbook(grids).issues if i.row}
    assert issues[("困难职工档案", "家庭人口")].sensitive  # every personal field (issue #9)
    assert not issues[("困难职工档案", "复核日期")].sensitive  # a review date is not
    assert issues[("帮扶发放", "帮扶对象")].sensitive  # a case typed by name is
    assert not issues[("帮扶发放", "现金(元)")].sensitive
