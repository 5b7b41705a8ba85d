"""Plan files: the shipped demos read cleanly, a plan without history builds, and a bad
file is refused with a message that names the file, the entry and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from unionplan.ops import demo
from unionplan.ops.demo.builder import Builder
from unionplan.plan.planfile import Day, PlanFileError, load

VALID = """
[union]
name = "某某工会"
chair = "甲某"
aid_officer = "乙某"

[[units]]
key = "u_all"
name = "某某工会"
kind = "base"
member_count = 10
women_members = 5
chair = "甲某"

[[units]]
key = "u_one"
name = "一分会"
kind = "branch"
parent = "u_all"
member_count = 4
women_members = 2
chair = "丙某"

[[targets]]
key = "t_rate"
section = "组织建设"
title = "入会率"
metric = "rate"
unit_of_measure = "%"
target_value = 0.95
deadline = "12-31"
responsible = "甲某"
weight = 50

[[targets]]
key = "t_money"
section = "帮扶送温暖"
title = "帮扶资金"
metric = "amount"
unit_of_measure = "元"
target_value = 1000
deadline = "12"
responsible = "乙某"
weight = 50

[[activities]]
key = "a_visit"
month = 1
day = 20
title = "春节慰问"
category = "care"
location = "走访"
unit = "u_all"
responsible = "乙某"
planned_participants = 3
target = "t_money"

[[activities]]
festival = "double_ninth"
before = 1
title = "重阳节慰问退休职工"
category = "care"
location = "活动室"
responsible = "甲某"
planned_participants = 8

[history]

[[history.progress]]
target = "t_rate"
date = "03-31"
numerator = 9
denominator = 10

[history.aid_progress]
target = "t_money"
note = "{month}月合计"

[[history.cases]]
key = "c1"
name = "张某芳"
gender = "female"
birth = "19780512"
unit = "u_one"
causes = ["illness"]
level = "deep"
status = "active"
family_size = 3
monthly_income = 2800
situation = "因病"
paired_cadre = "乙某"
opened_on = "Y-1 11-20"

[[history.rounds]]
date = "01-20"
kind = "warmth"
cash = { deep = 400, relative = 300, accident = 300 }
fund_source = "aid_fund"
handler = "乙某"
activity = "a_visit"
"""


def write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, old: str, new: str) -> str:
    """The message for VALID with `old` replaced by `new` (which must be in it once)."""
    assert VALID.count(old) == 1, old
    with pytest.raises(PlanFileError) as err:
        load(write(tmp_path, VALID.replace(old, new)))
    assert err.value.key == "errors.plan_file"
    assert err.value.params["file"] == "plan.toml"
    assert str(err.value).startswith("plan.toml: ")
    return str(err.value)


def test_the_valid_file_reads(tmp_path: Path) -> None:
    pf = load(write(tmp_path, VALID))
    assert [u.parent for u in pf.plan.units] == [None, "u_all"]
    assert pf.plan.targets[1].deadline == Day(12)
    assert pf.plan.activities[1].festival == "double_ninth"
    assert pf.history is not None
    assert pf.history.cases[0].opened_on == Day(11, 20, years=-1)
    assert pf.history.rounds[0].cash == {"deep": 400.0, "relative": 300.0, "accident": 300.0}


@pytest.mark.parametrize("kind", demo.KINDS)
def test_the_shipped_demos_read_with_their_history(kind: str) -> None:
    pf = demo.plan_file(kind)
    assert pf.plan.union.name == demo.UNION_NAMES[kind]
    assert pf.history is not None and pf.history.cases and pf.history.progress


@pytest.mark.parametrize("kind", demo.KINDS)
def test_the_plan_part_alone_builds_the_same_plan(kind: str, tmp_path: Path) -> None:
    """A file without [history] (what a starter template is) gives the same plan rows."""
    text = (Path(demo.__file__).parent / f"{kind}.toml").read_text(encoding="utf-8")
    plan_only = load(write(tmp_path, text[: text.index("[[history.")]))
    assert plan_only.history is None
    today = dt.date(2026, 1, 2)
    alone = Builder(plan_only, kind, 2025, today).records()
    full = Builder(demo.plan_file(kind), kind, 2025, today).records()
    for key in ("units", "targets"):
        assert alone[key] == full[key], key
    assert [a["title"] for a in alone["activities"]] == [a["title"] for a in full["activities"]]
    assert alone["progress"] == alone["aid_cases"] == alone["aid_payments"] == []
    assert alone["fund_income"] == []


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'category = "care"\nlocation = "走访"',
            'catgory = "care"\nlocation = "走访"',
            "activities[0] (a_visit): unknown key 'catgory'",
        ),
        (
            "member_count = 4",
            'member_count = "4"',
            "units[1] (u_one).member_count: expected int, found text '4'",
        ),
        ("women_members = 2", "women_members = true", "expected int, found bool True"),
        (
            'kind = "branch"',
            'kind = "brunch"',
            "units[1] (u_one).kind: unknown unit_kind 'brunch'",
        ),
        (
            'causes = ["illness"]',
            'causes = ["illness", "ill"]',
            "history.cases[0] (c1).causes[1]: unknown hardship_cause 'ill'",
        ),
        (
            "cash = { deep = 400,",
            "cash = { deeper = 400,",
            "history.rounds[0].cash: unknown hardship_level 'deeper'",
        ),
        (
            'unit = "u_one"\ncauses',
            'unit = "u_two"\ncauses',
            "history.cases[0] (c1).unit: 'u_two' is not a key in units",
        ),
        (
            'target = "t_rate"\ndate',
            'target = "t_ratio"\ndate',
            "history.progress[0].target: 't_ratio' is not a key in targets",
        ),
        (
            'activity = "a_visit"',
            'activity = "a_vist"',
            "history.rounds[0].activity: 'a_vist' is not a key in activities",
        ),
        ('key = "u_one"', 'key = "u_all"', "units: key 'u_all' is used twice"),
        ('key = "c1"', 'key = "t_rate"', "cases: key 't_rate' is used twice"),
        ("planned_participants = 8\n", "", "activities[1] (重阳节慰问退休职工): missing key"),
        ('deadline = "12-31"', 'deadline = "12-32"', "'12-32' is not a day that every year"),
        ('deadline = "12-31"', 'deadline = "2026-12-31"', 'is not a day like "03-08"'),
        ('date = "03-31"', 'date = "03"', "history.progress[0].date: '03': give a day"),
        ('date = "03-31"', 'date = "Y-1 03-31"', "give a day of the plan year"),
        ('date = "03-31"', "date = 2026-03-31", "expected a day as text"),
        ('festival = "double_ninth"', 'festival = "double_tenth"', "is not one of"),
        (
            'festival = "double_ninth"',
            "month = 10",
            "activities[1] (重阳节慰问退休职工): before counts",
        ),
        ("day = 20\n", 'day = 20\nfestival = "lantern"\n', "give either month"),
        ("numerator = 9", "value = 9", "a rate target needs numerator and denominator"),
        (
            "cash = { deep = 400, relative = 300, accident = 300 }",
            "cash = { deep = 400 }",
            "history.rounds[0]: cash gives no amount for ['accident', 'relative']",
        ),
        ('target = "t_money"\nnote', 'target = "t_rate"\nnote', "must be an amount target"),
        (
            '[[units]]\nkey = "u_all"',
            '[[units]]\nkey = "u_all"\nparent = "u_one"',
            "units[0] (u_all): parent 'u_one' must come first",
        ),
        ("[history]\n", "[history]\n[[history.progress]\n", "plan.toml: "),  # TOML syntax
    ],
)
def test_a_bad_file_names_the_file_entry_and_problem(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert message in refused(tmp_path, old, new)


def test_a_missing_file_is_a_plan_file_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match=r"absent\.toml"):
        load(tmp_path / "absent.toml")


def test_days_relative_to_the_plan_year() -> None:
    assert Day.parse("03-08").date(2026) == dt.date(2026, 3, 8)
    assert Day.parse("Y-2 12-10").date(2026) == dt.date(2024, 12, 10)
    assert Day.parse("Y+1 01-15").date(2026) == dt.date(2027, 1, 15)
    assert str(Day.parse("06").plandate(2026)) == "2026-06"
    with pytest.raises(ValueError):
        Day.parse("02-29")  # not every year has it
