"""The demo year: reads with zero issues, has the shape the seed plans have, starts empty."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.memory_store import MemoryStore
from tests.people import admin
from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError
from unionplan.goals import targets
from unionplan.ops import demo

PAST = 2025  # a past plan year: the whole year has happened, so figures are fixed
KINDS = ("school", "township")


@pytest.fixture(scope="module", params=KINDS)
def demo_xlsx(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / f"{request.param}.xlsx"
    demo.create_demo(path, year=PAST, kind=request.param)
    return path


@pytest.fixture(scope="module")
def data(demo_xlsx: Path) -> WorkbookData:
    return parse_workbook(XlsxStore(demo_xlsx).read_all())


def memory_demo(kind: str, year: int, today: dt.date | None = None) -> WorkbookData:
    store = MemoryStore()
    demo.write_grids(store, demo.demo_grids(year=year, kind=kind, today=today))
    return parse_workbook(store.read_all())


def test_demo_xlsx_reads_with_zero_issues(data: WorkbookData) -> None:
    assert [(i.tab, i.row, i.column, i.raw, i.key) for i in data.issues] == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "today", [dt.date(2026, 1, 2), dt.date(2026, 5, 10), dt.date(2026, 11, 21)]
)
def test_demo_reads_with_zero_issues_on_any_day_of_the_year(kind: str, today: dt.date) -> None:
    assert memory_demo(kind, 2026, today).issues == []


def test_settings_mark_the_demo(data: WorkbookData) -> None:
    assert data.settings["plan_year"] == str(PAST)
    assert data.settings["union_name"] in ("某某中学工会", "某某镇总工会")
    assert data.language == "zh-Hans"
    assert demo.is_demo(data)


def test_every_row_has_id_version_and_stamps(data: WorkbookData) -> None:
    for key, table in TABLES.items():
        df = data.df(key)
        if table.system:
            continue
        assert df["id"].str.startswith(table.id_prefix + "-").all(), key
        assert df["id"].is_unique, key
        assert (df["version"] == 1).all(), key
        assert df["created_at"].notna().all() and df["updated_at"].notna().all(), key
        assert df["created_by"].notna().all(), key
    assert data.tables["audit_log"].title == "操作日志" and data.df("audit_log").empty


def test_units_have_parents_and_counts(data: WorkbookData) -> None:
    units = data.df("units")
    assert 4 <= len(units) <= 8
    assert units["parent"].isna().sum() == 1  # one top union, the rest hang below it
    assert set(units["parent"].dropna()) <= set(units["id"])
    assert (units["member_count"] > 0).all() and (units["women_members"] > 0).all()


def test_targets_cover_the_plan_sections_with_weights_summing_to_100(data: WorkbookData) -> None:
    t = data.df("targets")
    assert 12 <= len(t) <= 15
    assert t["section"].nunique() >= 6
    assert t["weight"].sum() == pytest.approx(100)
    assert set(t["metric"]) == {"rate", "count", "amount", "milestone"}
    assert t["milestones"].str.startswith("Q1:").sum() >= 2
    cat = t[t["count_source"] == "category"]
    assert cat["count_category"].tolist() == ["culture_sports"]
    assert t["unit"].notna().any()
    rates = t[t["metric"] == "rate"]
    assert ((rates["target_value"] > 0) & (rates["target_value"] <= 1)).all()


def test_activities_fill_every_month_some_month_only(data: WorkbookData) -> None:
    a = data.df("activities")
    assert 50 <= len(a) <= 70
    assert {d.month for d in a["start"]} == set(range(1, 13))
    assert sum(d.month_only for d in a["start"]) >= 5
    assert a["target_id"].notna().sum() >= 8
    assert set(a["target_id"].dropna()) <= set(data.df("targets")["id"])


def test_one_biweekly_friday_afternoon_activity(data: WorkbookData) -> None:
    a = data.df("activities")
    rec = a[a["recurrence"].notna()]
    assert len(rec) == 1
    row = rec.iloc[0]
    assert row["recurrence"] == "biweekly" and row["time"] == "16:20-17:00"
    start = row["start"].first()
    assert start.weekday() == 4 and start.month == 3 and start.day <= 7  # first Friday of March
    assert row["recurrence_until"] == dt.date(PAST, 12, 31)
    states = dict(part.split("=") for part in row["occurrences"].split("; "))
    assert set(states.values()) == {"done", "skipped"}


def test_statuses_follow_the_date(data: WorkbookData) -> None:
    status = Counter(data.df("activities")["status"])
    assert status["done"] >= 50 and status["postponed"] >= 1 and status["cancelled"] >= 1
    acts = data.df("activities")
    done = acts[(acts["status"] == "done") & acts["recurrence"].isna()]
    assert done["actual_participants"].notna().all()
    assert done.loc[done["budget"].notna(), "actual_cost"].notna().all()


def test_a_current_year_stops_at_today() -> None:
    today = dt.date(2026, 5, 10)
    data = memory_demo("school", 2026, today)
    a = data.df("activities")
    assert len(set(a["status"])) >= 4  # done, in progress, planned, postponed
    future = a[[d.first() > today for d in a["start"]]]
    assert set(future["status"]) <= {"planned", "cancelled", "postponed"}
    assert (data.df("progress")["date"] <= today).all()
    assert (data.df("aid_payments")["date"] <= today).all()
    assert (data.df("fund_income")["date"] <= today).all()
    assert (data.df("aid_cases")["opened_on"] <= today).all()


@pytest.mark.parametrize("kind", KINDS)
def test_targets_show_a_mix_of_states(kind: str) -> None:
    today = dt.date(2026, 11, 21)
    states = Counter(targets.evaluate(memory_demo(kind, 2026, today), today)["status"])
    assert {"on_track", "at_risk", "behind", "achieved"} <= set(states)


def test_aid_cases_are_invented_paired_and_mostly_on_file(data: WorkbookData) -> None:
    cases = data.df("aid_cases")
    assert 8 <= len(cases) <= 12
    assert cases["name"].str.contains("某").all()
    assert cases["id_number"].str.endswith("XXXX").all()
    assert cases["phone"].str.startswith("138-0000-").all()
    assert cases["paired_cadre"].notna().all()
    status = Counter(cases["status"])
    assert status["active"] > len(cases) / 2 and status["exited"] == 1
    assert cases.loc[cases["status"] == "exited", "exited_on"].notna().all()


def test_aid_money_adds_up(data: WorkbookData) -> None:
    pays = data.df("aid_payments")
    assert 20 <= len(pays) <= 30
    assert set(pays["case_id"]) <= set(data.df("aid_cases")["id"])
    kinds = set(pays["kind"])
    assert {"warmth", "school_grant", "summer_cooling", "illness_relief"} <= kinds
    jan = pays[(pays["kind"] == "warmth") & pays["date"].map(lambda d: d.month == 1)]
    assert jan["cash"].between(400, 800).all()
    grants = pays[pays["kind"] == "school_grant"]
    assert grants["cash"].between(1000, 2000).all()
    # The amount target is reported from the payments, so the two agree to the yuan.
    t = data.df("targets")
    amount_id = t.loc[t["metric"] == "amount", "id"].iloc[0]
    progress = data.df("progress")
    reported = progress.loc[progress["target_id"] == amount_id, "value"].sum()
    assert reported == pays["cash"].sum()
    # Income covers what was paid out, cash and goods.
    income = data.df("fund_income")
    assert set(income["source"]) >= {"one_day_donation", "higher_union", "charity"}
    assert income["amount"].sum() >= pays["cash"].sum() + pays["goods_value"].sum()


def test_school_spring_visit_matches_the_seed_figure() -> None:
    data = memory_demo("school", PAST)
    pays, cases = data.df("aid_payments"), data.df("aid_cases").set_index("id")
    jan = pays[(pays["kind"] == "warmth") & pays["date"].map(lambda d: d.month == 1)]
    deep = jan[jan["case_id"].map(lambda c: cases.loc[c, "level"] == "deep")]
    assert len(deep) == 4 and deep["cash"].sum() == 1600  # 看望慰问4名特困教师，送去1600元


def test_deterministic() -> None:
    a = demo.demo_grids(year=PAST, kind="school", today=dt.date(2026, 1, 1))
    b = demo.demo_grids(year=PAST, kind="school", today=dt.date(2026, 1, 1))
    assert a == b


def test_one_batch_of_tabs_then_one_append_per_tab() -> None:
    store = MemoryStore()
    demo.write_grids(store, demo.demo_grids(year=PAST, kind="school"))
    assert store.stats.by_kind == {"create_tabs": 1, "append": 8}  # every tab but the log
    assert store.grids["操作日志"] == [TABLES["audit_log"].headers("zh-Hans")]


def test_create_demo_refuses_to_replace_a_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.xlsx"
    path.write_bytes(b"somebody's data")
    with pytest.raises(UnionplanError) as err:
        demo.create_demo(path, year=PAST)
    assert err.value.key == "errors.file_exists"
    assert path.read_bytes() == b"somebody's data"
    demo.create_demo(path, year=PAST, overwrite=True)
    assert demo.is_demo(parse_workbook(XlsxStore(path).read_all()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx"]  # no temp left over


def test_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnionplanError):
        demo.create_demo(tmp_path / "x.xlsx", year=PAST, kind="hospital")


def test_start_empty_local_recreates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "wb.xlsx"
    demo.create_demo(path, year=PAST, kind="township")
    wb = Workbook(XlsxStore(path), ttl=0)
    before = wb.load(fresh=True)
    saved = demo.start_empty(wb, admin("孙国平"))
    # The demo as it was is kept beside the workbook, complete, readable by its owner only.
    assert saved.parent == tmp_path and saved.name.startswith("wb-backup-")
    assert saved.stat().st_mode & 0o777 == 0o600
    kept = parse_workbook(XlsxStore(saved).read_all())
    assert len(kept.df("aid_cases")) == len(before.df("aid_cases")) > 0
    data = wb.load(fresh=True)
    assert not demo.is_demo(data)
    assert data.settings["union_name"] == "某某镇总工会"
    assert data.settings["plan_year"] == str(PAST)
    for key in TABLES:
        if key != "settings":
            assert data.df(key).empty and data.tables[key].n_deleted == 0, key
            assert data.tables[key].title is not None, key
    assert data.issues == []
    # and it is usable: the next record goes in as usual
    wb.append(
        "activities", {"title": "工会委员会议", "start": PlanDate(PAST, 1)}, actor=admin("孙国平")
    )
    assert len(wb.load(fresh=True).df("activities")) == 1


def test_start_empty_on_another_store_marks_every_row_deleted(tmp_path: Path) -> None:
    store = MemoryStore()
    demo.write_grids(store, demo.demo_grids(year=PAST, kind="school"))
    before = parse_workbook(store.read_all())
    wb = Workbook(store, ttl=0)
    saved = demo.start_empty(wb, admin("李明华"), backup_dir=tmp_path / "backups")
    assert saved.parent == tmp_path / "backups"
    assert len(parse_workbook(XlsxStore(saved).read_all()).df("activities")) == len(
        before.df("activities")
    )
    data = wb.load(fresh=True)
    assert not demo.is_demo(data)
    for key, table in TABLES.items():
        if table.system:
            continue
        assert data.df(key).empty, key
        assert data.tables[key].n_deleted == len(before.df(key)), key
    log = data.df("audit_log")
    assert sorted(log["table"]) == sorted(k for k, t in TABLES.items() if not t.system)
    assert (log["action"] == "delete").all() and (log["record_id"] == "*").all()
    assert json.loads(log.iloc[0]["changes"])["rows"] > 0
    # the rows are still in the sheet, version bumped, so an open form cannot save over them
    acts = store.grids["活动"]
    header = acts[0]
    assert acts[1][header.index("编号")] == "A-0001"
    assert acts[1][header.index("版本")] == 2
    assert acts[1][header.index("更新人")] == "李明华"


@pytest.mark.parametrize(
    ("year", "lantern", "double_ninth_eve"),
    [
        (2026, dt.date(2026, 3, 3), dt.date(2026, 10, 17)),
        (2027, dt.date(2027, 2, 20), dt.date(2027, 10, 7)),
    ],
)
def test_festival_activities_follow_the_lunar_calendar(
    year: int, lantern: dt.date, double_ninth_eve: dt.date
) -> None:
    grids = demo.demo_grids(year=year, kind="school", today=dt.date(year, 1, 1))
    acts = parse_workbook(grids).df("activities").set_index("title")
    assert acts.loc["元宵节猜灯谜", "start"].first() == lantern
    assert acts.loc["重阳节慰问退休教职工", "start"].first() == double_ninth_eve
