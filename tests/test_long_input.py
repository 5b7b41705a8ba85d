"""No parser or rule reader hangs on long input (issue #9).

Every function that reads what people type or what a cell holds is fed 100,000-character
texts (spaces, digits, digits then spaces, full-width spaces, "月", and shapes that made
the old patterns quadratic: a date or a key followed by a long run of spaces). Each call
runs under an alarm: a regression fails here, naming the call, instead of hanging the
suite. The alarm is a guard, not a timing: a linear call takes milliseconds; a quadratic
pattern on these inputs takes minutes to hours.

The patterns themselves are checked too, bypassing the length limits that now keep long
text away from them: they must be linear by construction, not only protected.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from unionplan import history, ui
from unionplan.aid import idcard
from unionplan.aid.cases import check_case
from unionplan.aid.money import to_money
from unionplan.data import limits, parse, privacy, schema
from unionplan.data.sheet_address import sheet_key
from unionplan.data.tables import parse_workbook, read_table
from unionplan.goals import target_input, targets
from unionplan.ops.config import parse_location
from unionplan.plan import activities, recurrence
from unionplan.reports.importer import read_plan
from unionplan.reports.plan_text import parse_plan_text

GUARD_S = 5  # per call; linear work on 100,000 characters takes a few milliseconds
N = 100_000
H = N // 2

LONG: dict[str, str] = {
    "spaces": " " * N,
    "digits": "1" * N,
    "digits then spaces": "1" * H + " " * H,
    "digit space pairs": "1 " * H,
    "full-width spaces": "\u3000" * N,
    "月": "月" * N,
    "1月": "1月" * H,
    "date then spaces": "2026-3" + " " * N + "x",
    "day then spaces": "2026-3-8" + " " * N + "x",
    "month then spaces": "9" + " " * N + "月x",
    "key then spaces": "Q1:" + " " * N + "x",
    "spaces around =": " " * H + "=" + " " * H + "x",
    "x spaces =": "x" + " " * N + "=",
    "colons": ":" * N,
    "digit colons": "1:" * H,
    "下午": "下午" * H,
    "dashes": "-" * N,
    "digit dots": "1." * H,
    "brackets": "(" * N,
    "full-width brackets": "（" * N,
    "separators": "、" * N,
    "nul at the end": "x" * (N - 1) + "\x00",
}


class HungError(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise HungError


@contextmanager
def guard(what: str) -> Iterator[None]:
    """Fail (not hang) when the block runs longer than GUARD_S seconds. Python's `re`
    checks for signals while it matches, so a runaway pattern is interrupted too."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, GUARD_S)
    try:
        yield
    except HungError:
        pytest.fail(f"{what} did not return within {GUARD_S} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


YEAR = 2026
TODAY = dt.date(2026, 6, 1)
TARGET = {"id": "T-1", "metric": "count", "count_source": "manual"}


def _activity_form(text: str) -> Any:
    try:
        return activities.validate({k: text for k in activities.FORM_FIELDS}, YEAR)
    except Exception as exc:  # a ValidationError listing the problems is the expected answer
        return exc


def _target_form(text: str) -> Any:
    fields = ("section", "title", "target_value", "baseline", "weight", "deadline")
    return target_input.clean_target({k: text for k in (*fields, "milestones", "notes")}, YEAR)


def _progress_form(text: str) -> Any:
    values = {"date": TODAY, "value": text, "note": text, "evidence": text}
    return target_input.clean_progress(values, TARGET)


def _case_form(text: str) -> Any:
    fields = ("name", "id_number", "phone", "address", "family_size", "monthly_income")
    return check_case(dict.fromkeys(fields, text), today=TODAY)


def _read_every_kind(text: str) -> Any:
    """A tab whose every column (one of each kind) holds the text: the workbook reader."""
    table = schema.ACTIVITIES
    grid = [table.headers("zh-Hans"), [text] * len(table.columns)]
    td, issues = read_table(table, "活动", grid, YEAR)
    return td, issues


def _whole_workbook(text: str) -> Any:
    grids = {
        t.label.zh_hans: [t.headers("zh-Hans"), [text] * len(t.columns)]
        for t in schema.TABLES.values()
    }
    grids[text] = [[text]]  # a tab title and header that are long as well
    return parse_workbook(grids)


def _quiet(fn: Callable[[str], Any]) -> Callable[[str], Any]:
    def call(text: str) -> Any:
        try:
            return fn(text)
        except (
            Exception
        ) as exc:  # refusing (ValueError, UnionplanError) is an answer; hanging is not
            return exc

    return call


READERS: dict[str, Callable[[str], Any]] = {
    "parse.clean": parse.clean,
    "parse.parse_plandate": lambda t: parse.parse_plandate(t, YEAR),
    "parse.parse_date": lambda t: parse.parse_date(t, YEAR),
    "parse.parse_datetime": parse.parse_datetime,
    "parse.parse_number": parse.parse_number,
    "parse.parse_money": parse.parse_money,
    "parse.parse_int": parse.parse_int,
    "parse.parse_quantity": parse.parse_quantity,
    "parse.parse_bool": parse.parse_bool,
    "parse.parse_version": parse.parse_version,
    "parse.split_multi": parse.split_multi,
    "schema.norm": schema.norm,
    "schema.match_tab": schema.match_tab,
    "schema.match_column": lambda t: schema.match_column("activities", t),
    "schema.match_enum": lambda t: schema.match_enum(schema.ACTIVITY_CATEGORY, t),
    "activities.time_range": activities.time_range,
    "activities.validate": _activity_form,
    "activities.mark_done": _quiet(lambda t: activities.mark_done(t, t)),
    "recurrence.parse_occurrences": lambda t: recurrence.parse_occurrences(t, YEAR),
    "recurrence.set_state": lambda t: recurrence.set_state(t, TODAY, "done", YEAR),
    "targets.parse_milestones": lambda t: targets.parse_milestones(t, YEAR),
    "target_input.clean_target": _target_form,
    "target_input.clean_progress": _progress_form,
    "tables.read_table": _read_every_kind,
    "tables.parse_workbook": _whole_workbook,
    "privacy.mask(name)": lambda t: privacy.mask("name", t),
    "privacy.mask(id_number)": lambda t: privacy.mask("id_number", t),
    "privacy.mask(phone)": lambda t: privacy.mask("phone", t),
    "idcard.check_id_number": lambda t: idcard.check_id_number(t, today=TODAY),
    "idcard.same_person_key": idcard.same_person_key,
    "money.to_money": _quiet(to_money),
    "cases.check_case": _case_form,
    "sheet_address.sheet_key": sheet_key,
    "config.parse_location": _quiet(lambda t: parse_location(t)),
    "ui.lang_from_param": ui.lang_from_param,
    "history.parse_changes": history.parse_changes,
    "history.table_key": history.table_key,
    "plan_text.parse_plan_text": _quiet(lambda t: parse_plan_text(t, YEAR)),
    "importer.read_plan(csv)": _quiet(
        lambda t: read_plan(f"月份,活动\n{t},{t}\n".encode(), "plan.csv", year=YEAR)
    ),
}


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_returns_on_100000_characters(reader: str) -> None:
    fn = READERS[reader]
    for name, text in LONG.items():
        with guard(f"{reader} on {name!r}"):
            fn(text)


# ------------------------------------------------------------------ the patterns themselves

PATTERNS: dict[str, Callable[[str], Any]] = {
    "parse._ISO": parse._ISO.match,
    "parse._ISO_TIME": parse._ISO_TIME.match,
    "parse._MD": parse._MD.match,
    "parse._M": parse._M.match,
    "parse._CN_M": parse._CN_M.match,
    "parse._COMPACT": parse._COMPACT.match,
    "parse._NUM_JUNK": lambda t: parse._NUM_JUNK.sub("", t),
    "parse._SPLIT": parse._SPLIT.split,
    "activities._TIME": activities._TIME.fullmatch,
    "activities._TIME_DASH": activities._TIME_DASH.split,
    "recurrence._SPLIT": recurrence._SPLIT.split,
    "recurrence._pair": recurrence._pair,
    "targets._MS_SPLIT": targets._MS_SPLIT.split,
    "targets._milestone_item": targets._milestone_item,
    "schema._SPACES": lambda t: schema._SPACES.sub("", t),
    "privacy._PHONE_SPLIT": privacy._PHONE_SPLIT.split,
    "idcard._SPACES": lambda t: idcard._SPACES.sub("", t),
}


@pytest.mark.parametrize("pattern", sorted(PATTERNS))
def test_patterns_are_linear_without_the_length_limits(pattern: str) -> None:
    fn = PATTERNS[pattern]
    for name, text in LONG.items():
        with guard(f"{pattern} on {name!r}"):
            fn(text)


# ------------------------------------------------------------------ what too long becomes


@pytest.mark.parametrize(
    ("column", "key"),
    [("start", "issues.too_long_date"), ("budget", "issues.too_long_number")],
)
def test_a_cell_too_long_to_parse_is_an_issue_with_its_text_kept(column: str, key: str) -> None:
    table = schema.ACTIVITIES
    text = "2026-03-08" + "，" * limits.MAX_PARSE_CHARS
    row = [""] * len(table.columns)
    row[table.keys.index("id")] = "A-1"
    row[table.keys.index("title")] = "春游"
    row[table.keys.index(column)] = text
    td, issues = read_table(table, "活动", [table.headers("zh-Hans"), row], YEAR)
    assert td.df[column].isna().all()
    hit = [i for i in issues if i.key == key]
    assert len(hit) == 1 and hit[0].raw == text and hit[0].row == 2


def test_text_at_the_limit_is_still_read() -> None:
    padded = "2026-03-08".ljust(limits.MAX_PARSE_CHARS)  # trailing spaces are trimmed first
    assert parse.parse_plandate(padded + " " * 1_000, YEAR) == (parse.PlanDate(2026, 3, 8), None)
    amount = "1" * (limits.MAX_PARSE_CHARS - 1) + "元"
    assert parse.parse_number(amount)[1] is None
    assert parse.parse_number(amount + "0")[1] == "issues.too_long_number"


def test_the_rewritten_readers_read_what_they_did() -> None:
    assert activities.time_range(" 下午4：20 – 5：00 ") == (dt.time(16, 20), dt.time(17, 0))
    assert activities.time_range("14:30～16:00") == (dt.time(14, 30), dt.time(16, 0))
    assert activities.time_range("-16:00") is None
    assert targets._milestone_item("Q2 ： 50 ％") == ("Q2", "50", True)
    assert targets._milestone_item("上半年=0.5") == ("上半年", "0.5", False)
    assert targets._milestone_item("Q1:20:30") is None
    assert targets._milestone_item(":50%") is None
    assert recurrence._pair("2026-03-06 = done") == ("2026-03-06", "done")
    assert recurrence._pair("=done") is None
    assert recurrence._pair("a==b") == ("a", "=b")
    assert recurrence._pair("3月20日：跳过") == ("3月20日", "跳过")
