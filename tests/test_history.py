"""The history of changes (unionplan.history): the app's own audit rows read back as lines
per field, in the reader's language; filters by person, table, day range and record; an
aid case's records; hand-edited and malformed rows shown as they are, never a crash;
personal values of aid cases masked again for readers without them, old raw rows included;
the .xlsx export."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pandas as pd
import pytest

from tests.empty_workbook import empty_workbook
from tests.people import admin, person
from unionplan import history, i18n
from unionplan.data import privacy
from unionplan.data.store.xlsx.values import ooxml_unescape
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.errors import PermissionDeniedError
from unionplan.history import Filters

YEAR = 2026
LOG = "操作日志"
BOSS = admin("boss")
WANG = person("wang", "editor")
ZHOU = person("zhou", "aid")
VIEWER = person("leader", "viewer")
# Values an old audit row (written before masking) holds raw: none may reach a reader
# without the aid role.
RAW = {
    "name": "欧阳春花",
    "phone": "13912345678",
    "id_number": "110101199003071234",
    "monthly_income": "2850",
    "situation": "丈夫肝癌晚期",
}


def _hand(wb: Workbook, *rows: list[object]) -> WorkbookData:
    """Rows typed into the audit tab by hand (or written by an older version)."""
    wb.store.grids[LOG].extend([list(r) for r in rows])  # type: ignore[attr-defined]
    return wb.load(fresh=True)


def _lines(
    data: WorkbookData, lang: str = "zh-Hans", f: Filters | None = None, **kw: object
) -> pd.DataFrame:
    rows = history.select(history.audit_rows(data), f or Filters())
    return history.flatten(rows, lang, **kw)  # type: ignore[arg-type]


def _text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False)


@pytest.fixture
def wb() -> Workbook:
    return empty_workbook(YEAR)


# ------------------------------------------------------------------ the app's own rows


def test_an_activity_s_life_reads_as_lines_newest_first(wb: Workbook) -> None:
    rec = wb.append("activities", {"title": "三八节游园", "status": "planned"}, WANG)
    wb.update("activities", rec["id"], {"status": "done"}, expected_version=1, actor=BOSS)
    wb.delete("activities", rec["id"], expected_version=2, actor=BOSS)
    data = wb.load(fresh=True)
    rows = history.audit_rows(data)
    assert rows["user"].tolist() == ["boss", "boss", "wang"]  # the login, newest first
    assert rows["action"].tolist() == ["delete", "update", "append"]

    zh = _lines(data)
    assert zh.columns.tolist() == list(history.COLUMNS)
    deleted, changed = zh.iloc[0], zh.iloc[1]
    assert (deleted["action"], deleted["field"], deleted["before"], deleted["after"]) == (
        "删除",
        "已删除",
        "否",
        "是",
    )
    assert (changed["field"], changed["before"], changed["after"]) == ("状态", "计划中", "已完成")
    added = zh[zh["action"] == "新增"]
    assert dict(zip(added["field"], added["after"], strict=True)) == {
        "活动名称": "三八节游园",
        "状态": "计划中",
    }
    assert set(zh["table"]) == {"活动"}
    # the deleted record is no longer loaded, so its lines name it by id alone
    assert set(zh["record"]) == {rec["id"]}

    en = _lines(data, "en")
    assert (en.iloc[1]["field"], en.iloc[1]["before"], en.iloc[1]["after"]) == (
        "Status",
        "Planned",
        "Done",
    )
    assert en.iloc[0]["action"] == "Deleted"
    assert set(en["table"]) == {"Activities"}
    assert all(len(a) == len("2026-03-08 10:42:00") for a in en["at"])


def test_a_record_still_there_is_named_by_its_title(wb: Workbook) -> None:
    rec = wb.append("targets", {"title": "建会率", "metric": "rate"}, BOSS)
    data = wb.load(fresh=True)
    lines = _lines(data, titles=history.record_titles(data))
    assert set(lines["record"]) == {f"{rec['id']} · 建会率"}


def test_values_read_as_people_read_them() -> None:
    assert history.value_text("activities", "category", "culture_sports", "en") == (
        "Culture and sports"
    )
    assert history.value_text("aid_cases", "causes", ["illness", "disability"], "zh-Hans") == (
        "因病、因残"
    )
    assert history.value_text("activities", "budget", 1600.0, "zh-Hans") == "1600"
    assert history.value_text("activities", "budget", 1600.5, "zh-Hans") == "1600.5"
    assert history.value_text("activities", "deleted", False, "en") == "No"
    assert history.value_text("activities", "start", "2026-03", "en") == "2026-03"
    assert history.value_text("activities", "title", None, "en") == ""
    # a code the enum does not know, and a field or table nobody knows: as the log holds it
    assert history.value_text("activities", "status", "半途而废", "en") == "半途而废"
    assert history.value_text("activities", "自定义列", {"a": 1}, "en") == '{"a": 1}'
    assert history.value_text("不存在的表", "x", "y", "en") == "y"


# ------------------------------------------------------------------ filters


@pytest.fixture
def mixed(wb: Workbook) -> WorkbookData:
    """Rows of three people, three tables and three days, one without a time."""
    return _hand(
        wb,
        [
            "L-1",
            "2026-03-01 09:00:00",
            "wang",
            "activities",
            "A-1",
            "新增",
            '{"title": [null, "a"]}',
        ],
        ["L-2", "2026-03-05 10:00:00", "li", "targets", "T-1", "修改", '{"title": ["x", "y"]}'],
        ["L-3", "2026-03-05 23:59:59", "wang", "progress", "P-1", "新增", '{"value": [null, 3]}'],
        ["L-4", "2026-03-09 08:00:00", "zhou", "aid_payments", "D-1", "新增", "{}"],
        ["L-5", "", "wang", "activities", "A-1", "修改", '{"title": ["a", "b"]}'],
    )


def test_each_filter_narrows_and_they_combine(mixed: WorkbookData) -> None:
    rows = history.audit_rows(mixed)

    def ids(**kw: object) -> list[str]:
        return history.select(rows, Filters(**kw))["record_id"].tolist()  # type: ignore[arg-type]

    assert ids() == ["D-1", "P-1", "T-1", "A-1", "A-1"]  # newest first, no time last
    assert ids(people=("wang",)) == ["P-1", "A-1", "A-1"]
    assert ids(tables=("activities", "targets")) == ["T-1", "A-1", "A-1"]
    # days are inclusive at both ends, whatever the time of day
    assert ids(start=dt.date(2026, 3, 5), end=dt.date(2026, 3, 5)) == ["P-1", "T-1"]
    assert ids(start=dt.date(2026, 3, 2)) == ["D-1", "P-1", "T-1"]
    assert ids(end=dt.date(2026, 3, 4)) == ["A-1"]  # a row without a time is in no range
    assert ids(record_id="  a-1 ") == ["A-1", "A-1"]
    assert ids(record_id="A-") == []  # one record, not a prefix
    assert ids(people=("wang",), tables=("activities",), start=dt.date(2026, 3, 1)) == ["A-1"]
    assert not Filters().active and Filters(record_id="A-1").active
    assert not Filters(record_id="  ").active


def test_choices_are_the_people_and_tables_of_the_log(mixed: WorkbookData) -> None:
    people, tables = history.choices(history.audit_rows(mixed))
    assert people == ["li", "wang", "zhou"]
    assert tables == ["activities", "targets", "progress", "aid_payments"]  # workbook order


def test_one_record_s_rows(mixed: WorkbookData) -> None:
    rows = history.audit_rows(mixed)
    assert history.record_rows(rows, "activities", ["A-1"])["record_id"].tolist() == [
        "A-1",
        "A-1",
    ]
    assert history.record_rows(rows, "targets", ["A-1"]).empty


# ------------------------------------------------------------------ hand-edited rows


BAD_CHANGES = [
    "not json at all",
    "[1, 2, 3]",
    '"just a string"',
    "42",
    "{" * 100_000,
    "[" * 100_000,
    '{"title": "only an after"}',
    '{"title": ["a", "b", "c"]}',
    '{"title": []}',
    '{"title": [{"deep": [1]}, null]}',
    '{"": ["", ""]}',
]


@pytest.mark.parametrize("changes", BAD_CHANGES)
def test_a_malformed_changes_cell_is_shown_never_a_crash(wb: Workbook, changes: str) -> None:
    data = _hand(wb, ["L-1", "2026-03-01 09:00", "wang", "activities", "A-1", "修改", changes])
    lines = _lines(data)
    assert len(lines) >= 1
    parsed = history.parse_changes(changes)
    if parsed is None:  # not an object: the cell as it is, on one line
        assert lines["after"].tolist() == [changes]
        assert lines["field"].tolist() == [""]


def test_odd_pairs_keep_their_value_as_the_after() -> None:
    assert history.parse_changes('{"title": "x"}') == {"title": (None, "x")}
    assert history.parse_changes('{"title": ["a", "b", "c"]}') == {"title": (None, ["a", "b", "c"])}
    assert history.parse_changes("") == {}
    assert history.parse_changes(None) == {}


def test_hand_typed_table_names_times_and_actions(wb: Workbook) -> None:
    data = _hand(
        wb,
        ["L-1", "不是时间", "wang", "活动", "A-1", "乱写", '{"标题": [1, 2]}'],
        ["L-2", "2026-03-01 09:00", "", "Targets", "T-1", "修改", '{"title": ["a", "b"]}'],
        ["L-3", "2026-03-02 09:00", "li", "某张自己的表", "X-1", "", '{"k": ["a", "b"]}'],
        ["", "", "", "", "", "", ""],  # a blank row in the middle of the sheet
    )
    rows = history.audit_rows(data)
    assert set(rows["table"]) >= {"activities", "targets", "某张自己的表"}
    lines = _lines(data)
    assert lines.iloc[0]["table"] == "某张自己的表"  # a name nobody knows, as typed
    assert lines.iloc[1]["table"] == "目标" and lines.iloc[1]["user"] == ""
    odd = lines[lines["record"] == "A-1"].iloc[0]
    assert (odd["at"], odd["table"], odd["field"], odd["before"], odd["after"]) == (
        "",
        "活动",
        "标题",  # a field the table does not have: its name as written
        "1",
        "2",
    )


# ------------------------------------------------------------------ masking


@pytest.fixture(scope="module")
def aid() -> tuple[WorkbookData, str, str]:
    """Two units, a case in each (written by the app, so masked at write time), and old
    rows written before masking existed that hold raw personal values."""
    wb = empty_workbook(YEAR)
    mine, other, pay = "C-MINE", "C-OTHER", "D-1"
    wb.append_many(
        [
            ("units", {"id": "U-1", "name": "一中工会"}),
            ("units", {"id": "U-2", "name": "二中工会"}),
            ("aid_cases", {"id": mine, "name": "张小明", "unit": "U-1", "phone": "13812345678"}),
            ("aid_cases", {"id": other, "name": "李大海", "unit": "U-2"}),
            ("aid_payments", {"id": pay, "case_id": mine, "cash": 500, "notes": "化疗"}),
        ],
        BOSS,
    )
    old = json.dumps({k: [None, v] for k, v in RAW.items()}, ensure_ascii=False)
    data = _hand(
        wb,
        ["L-OLD1", "2025-01-02 09:00", "zhou", "aid_cases", mine, "修改", old],
        ["L-OLD2", "2025-01-02 09:00", "zhou", "aid_cases", other, "修改", old],
        # a field the schema does not know, and a cell that is not JSON
        ["L-OLD3", "2025-01-03 09:00", "zhou", "帮扶对象", other, "修改",
         json.dumps({"身份证": [None, RAW["id_number"]]}, ensure_ascii=False)],
        ["L-OLD4", "2025-01-03 09:00", "zhou", "aid_cases", other, "修改",
         f"电话改为{RAW['phone']}"],
        ["L-OLD5", "2025-01-03 09:00", "zhou", "aid_payments", pay, "修改",
         json.dumps({"notes": [None, RAW["situation"]]}, ensure_ascii=False)],
        # a table nobody can name: it may hold anything
        ["L-OLD6", "2025-01-04 09:00", "zhou", "旧档案", "Z-1", "修改",
         json.dumps({"x": [None, RAW["name"]]}, ensure_ascii=False)],
    )  # fmt: skip
    return data, mine, other


def _shown(data: WorkbookData, who: object) -> str:
    rows = history.audit_rows(data)
    index = history.case_index(data, rows)
    access = history.personal_access(data, who, index)  # type: ignore[arg-type]
    return _text(history.flatten(rows, "zh-Hans", personal=access))


@pytest.mark.parametrize("who", [VIEWER, WANG, person("u", "viewer", "editor"), BOSS])
def test_without_the_aid_role_no_personal_value_is_shown(aid: tuple, who: object) -> None:
    data = aid[0]
    text = _shown(data, who)
    for value in (*RAW.values(), "张小明", "李大海", "13812345678", "化疗"):
        assert value not in text
    assert "欧**花" in text and "139****5678" in text  # masked, still recognisable
    assert "110***********1234" in text
    assert "一中工会" in text  # what is not personal stays readable


@pytest.mark.parametrize("who", [person("boss", "admin", "aid"), ZHOU])
def test_an_aid_officer_admin_or_not_sees_what_the_log_holds(aid: tuple, who: object) -> None:
    text = _shown(aid[0], who)
    for value in RAW.values():
        assert value in text  # old rows hold raw values, and these readers may see them
    assert "张*明" in text  # what was masked when written stays masked


def test_a_scoped_aid_officer_sees_the_personal_data_of_their_units_only(aid: tuple) -> None:
    data, mine, other = aid
    scoped = person("zhao", "aid", unit="一中工会")  # a scope may name the unit by name
    rows = history.audit_rows(data)
    index = history.case_index(data, rows)
    access = history.personal_access(data, scoped, index)
    lines = history.flatten(rows, "zh-Hans", personal=access)
    own = _text(lines[lines["record"] == mine])
    theirs = _text(lines[lines["record"] == other])
    assert RAW["name"] in own and RAW["phone"] in own
    assert RAW["name"] not in theirs and RAW["phone"] not in theirs
    assert RAW["id_number"] not in theirs
    payment = _text(lines[lines["table"] == "帮扶发放"])
    assert RAW["situation"] in payment  # a payment of a case in their units
    assert access("aid_payments", "D-UNKNOWN") is False  # a payment of no known case
    assert not history.masks_any(history.record_rows(rows, "aid_cases", [mine]), access)
    assert history.masks_any(history.record_rows(rows, "aid_cases", [other]), access)
    assert not history.masks_any(rows, None)


# ------------------------------------------------------------------ an aid case's records


def test_a_case_s_history_holds_its_payments_and_events_deleted_ones_too(wb: Workbook) -> None:
    case, gone = "C-1", "D-GONE"
    wb.append_many(
        [
            ("aid_cases", {"id": case, "name": "张小明"}),
            ("aid_cases", {"id": "C-2", "name": "李大海"}),
            ("aid_payments", {"id": "D-1", "case_id": case, "cash": 500}),
            ("aid_payments", {"id": gone, "case_id": case, "cash": 100}),
            ("aid_events", {"id": "E-1", "case_id": case, "kind": "visit"}),
            ("aid_payments", {"id": "D-2", "case_id": "C-2", "cash": 300}),
        ],
        ZHOU,
    )
    wb.delete("aid_payments", gone, expected_version=1, actor=ZHOU)
    data = wb.load(fresh=True)
    rows = history.audit_rows(data)
    index = history.case_index(data, rows)
    found = history.case_rows(rows, case, index)
    assert sorted(set(found["record_id"])) == ["C-1", "D-1", gone, "E-1"]
    assert len(found[found["record_id"] == gone]) == 2  # added, then deleted


# ------------------------------------------------------------------ the export


def _sheet(data: bytes) -> list[list[str]]:
    """The export's first sheet as text, read the way Excel shows it (escapes undone)."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = book.worksheets[0].iter_rows(values_only=True)
    return [["" if v is None else ooxml_unescape(str(v)) for v in r] for r in rows]


def test_the_export_holds_the_lines_as_shown(wb: Workbook) -> None:
    tricky = '=HYPERLINK("http://x")\x07响铃'
    rec = wb.append("activities", {"title": tricky}, WANG)
    wb.update("activities", rec["id"], {"location": "礼堂"}, expected_version=1, actor=WANG)
    data = wb.load(fresh=True)
    for lang, header in (("zh-Hans", "修改前"), ("en", "Before")):
        lines = _lines(data, lang)
        rows = _sheet(history.export_xlsx(lines, lang))
        assert header in rows[0]
        assert len(rows) == len(lines) + 1
        assert rows[1:] == lines.values.tolist()
    # a formula typed as a title stays text, the control character comes back as it was
    assert tricky in {v for r in _sheet(history.export_xlsx(_lines(data), "zh-Hans")) for v in r}


def test_the_export_of_a_reader_without_the_aid_role_is_masked(aid: tuple) -> None:
    data = aid[0]
    rows = history.audit_rows(data)
    access = history.personal_access(data, VIEWER, history.case_index(data, rows))
    lines = history.flatten(rows, "zh-Hans", personal=access)
    cells = json.dumps(_sheet(history.export_xlsx(lines, "zh-Hans")), ensure_ascii=False)
    for value in RAW.values():
        assert value not in cells
    assert privacy.MASK in cells


def test_an_export_past_its_limit_keeps_the_newest_lines_and_says_so(mixed: WorkbookData) -> None:
    rows = history.audit_rows(mixed)
    everything = history.flatten(rows, "en")
    lines, cut = history.export_lines(rows, "en", limit=len(everything))
    assert not cut and lines.values.tolist() == everything.values.tolist()
    lines, cut = history.export_lines(rows, "en", limit=2)
    assert cut and lines.values.tolist() == everything.iloc[:2].values.tolist()
    sheet = _sheet(history.export_xlsx(lines, "en", cut=True))
    assert len(sheet) == 1 + 2 + 1
    assert sheet[-1][0] == i18n.t("history.export_cut", "en", n="2")
    assert history.export_lines(rows.iloc[:0], "en")[0].columns.tolist() == list(history.COLUMNS)


@pytest.mark.parametrize("who", [VIEWER, WANG, ZHOU, person("all", "viewer", "editor", "aid")])
def test_only_an_admin_may_export(mixed: WorkbookData, who: object) -> None:
    rows = history.audit_rows(mixed)
    with pytest.raises(PermissionDeniedError):
        history.export(who, rows, "en")  # type: ignore[arg-type]
    assert (
        _sheet(history.export(BOSS, rows, "en"))[1:] == history.flatten(rows, "en").values.tolist()
    )
