"""Plan files: a union's year plan, and optionally what happened in it, read from TOML.

The top level of a file is the plan (union, units, targets, activities, recurring
activities): what a starter template holds too. A demo adds a ``[history]`` table: progress
on the targets, activities postponed or cancelled, aid cases, aid rounds and payments,
fund income. Days are written relative to the plan year ("03-08"; "06" for a month;
"Y-1 11-20" for a day in the year before), so one file serves any year.

Everything is checked as it is read: unknown or missing keys, wrong types, codes the
workbook does not know, references to keys that do not exist. A problem raises
PlanFileError naming the file and the entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from unionplan.data import schema
from unionplan.data.parse import PlanDate
from unionplan.data.schema import Enum
from unionplan.errors import UnionplanError
from unionplan.plan import holidays


class PlanFileError(UnionplanError):
    """A plan file is not valid: the message names the file, the entry and the problem."""

    key = "errors.plan_file"


_DAY = re.compile(r"(?:Y([+-]\d+) )?(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True)
class Day:
    """A day relative to the plan year: "03-08", "06" (the month only), "Y-1 11-20"."""

    month: int
    day: int | None = None
    years: int = 0  # added to the plan year

    @classmethod
    def parse(cls, text: str) -> Day:
        m = _DAY.fullmatch(text)
        if not m:
            raise ValueError(f'{text!r} is not a day like "03-08", "06" or "Y-1 11-20"')
        years, month, day = int(m[1] or 0), int(m[2]), int(m[3]) if m[3] else None
        try:
            dt.date(2001, month, day or 1)  # not a leap year: a day that every year has
        except ValueError:
            raise ValueError(f"{text!r} is not a day that every year has") from None
        return cls(month, day, years)

    def date(self, year: int) -> dt.date:
        return dt.date(year + self.years, self.month, self.day or 1)

    def plandate(self, year: int) -> PlanDate:
        return PlanDate(year + self.years, self.month, self.day)


@dataclass(frozen=True)
class Ref:
    """Marks a field whose value must be the key of an entry in `section`."""

    section: str


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes Annotated extras
class Code:
    """Marks a field whose value must be one of the codes of a workbook enum."""

    enum: Enum


@dataclass(frozen=True)
class Allow:
    """What a Day field may leave out or move: the day ("06"), or the year ("Y-1 11-20")."""

    month_only: bool = False
    other_year: bool = False


# Field types: a code of one of the workbook's enums is Annotated[str, Code(that enum)].
UnitKey = Annotated[str, Ref("units")]
TargetKey = Annotated[str, Ref("targets")]
ActivityKey = Annotated[str, Ref("activities")]
CaseKey = Annotated[str, Ref("cases")]
MonthOrDay = Annotated[Day, Allow(month_only=True)]
AnyYearDay = Annotated[Day, Allow(other_year=True)]
Category = Annotated[str, Code(schema.ACTIVITY_CATEGORY)]
Level = Annotated[str, Code(schema.HARDSHIP_LEVEL)]
Fund = Annotated[str, Code(schema.FUND_SOURCE)]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
Festival = Literal[tuple(sorted(h.key for h in holidays.festivals(2001)))]  # type: ignore[valid-type]


# ------------------------------------------------------------------ the plan


@dataclass(frozen=True, kw_only=True)
class Union:
    name: str
    chair: str  # types in the plan: creates the unit and target rows
    aid_officer: str  # keeps the aid files: creates the case rows


@dataclass(frozen=True, kw_only=True)
class Unit:
    key: str
    name: str
    kind: Annotated[str, Code(schema.UNIT_KIND)]
    parent: UnitKey | None = None  # listed before this unit
    member_count: int
    women_members: int
    staff_count: int | None = None
    chair: str
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Target:
    key: str
    section: str
    title: str
    metric: Annotated[str, Code(schema.METRIC)]
    unit_of_measure: str
    baseline: float | None = None
    target_value: float
    direction: Annotated[str, Code(schema.DIRECTION)] = "at_least"
    period: Annotated[str, Code(schema.PERIOD)] = "year"
    deadline: MonthOrDay
    responsible: str
    unit: UnitKey | None = None
    weight: float
    milestones: str = ""
    count_source: Annotated[str, Code(schema.COUNT_SOURCE)] = "manual"
    count_category: Category | None = None
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Scheduled:
    """What a one-off and a recurring activity have in common."""

    key: str | None = None  # only where other entries point at it
    time: str = ""
    title: str
    category: Category
    location: str
    unit: UnitKey | None = None
    responsible: str
    planned_participants: int
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Activity(Scheduled):
    """One entry of the month-by-month schedule.

    Either a month (and maybe a day) or a lunar festival it is held `before` days ahead
    of, so that its date moves with the lunar calendar from year to year.
    """

    month: int | None = None
    day: int | None = None  # none: the plan names only the month
    festival: Festival | None = None
    before: int = 0
    days: int = 1  # how many days a dated activity lasts
    budget: float | None = None
    target: TargetKey | None = None

    def __post_init__(self) -> None:
        if (self.month is None) == (self.festival is None):
            raise ValueError("give either month (and day) or festival")
        if self.festival is not None and self.day is not None:
            raise ValueError("a festival activity takes its day from the festival")
        if self.festival is None and self.before:
            raise ValueError("before counts days ahead of a festival: give festival")
        if self.month is not None:
            Day.parse(f"{self.month:02d}" + (f"-{self.day:02d}" if self.day else ""))
        if self.days < 1 or self.before < 0:
            raise ValueError("days must be at least 1 and before at least 0")


@dataclass(frozen=True, kw_only=True)
class Span:
    start: Day
    end: Day


@dataclass(frozen=True, kw_only=True)
class Recurring(Scheduled):
    """An activity held every week or every other week from a month to the year's end."""

    every: Literal["weekly", "biweekly"]
    weekday: Weekday
    from_month: int  # from that weekday's first date in this month
    skip: tuple[Span, ...] = ()  # no session in these spans (school holidays)

    def __post_init__(self) -> None:
        Day.parse(f"{self.from_month:02d}")

    def first(self, year: int) -> dt.date:
        start = dt.date(year, self.from_month, 1)
        weekday = typing.get_args(Weekday).index(self.weekday)
        return start + dt.timedelta(days=(weekday - start.weekday()) % 7)

    @property
    def step(self) -> dt.timedelta:
        return dt.timedelta(days=7 if self.every == "weekly" else 14)

    def skipped(self, d: dt.date) -> bool:
        return any(s.start.date(d.year) <= d <= s.end.date(d.year) for s in self.skip)


@dataclass(frozen=True, kw_only=True)
class Plan:
    union: Union
    units: tuple[Unit, ...]
    targets: tuple[Target, ...]
    activities: tuple[Activity, ...]
    recurring: tuple[Recurring, ...] = ()


# ------------------------------------------------------------------ the demo's history


@dataclass(frozen=True, kw_only=True)
class Progress:
    """A progress entry: a value (and the unit that reported it), or a rate's two counts."""

    target: TargetKey
    date: Day
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    unit: UnitKey | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class AidProgress:
    """The amount target, reported each month from the aid actually paid that month."""

    target: TargetKey
    note: str  # "{month}" is replaced by the month's number


@dataclass(frozen=True, kw_only=True)
class Outcome:
    """A planned activity that did not happen as planned (shown once its date is near)."""

    activity: ActivityKey
    status: Literal["postponed", "cancelled"]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class Case:
    key: str
    name: str  # invented, 张某芳-style
    gender: Annotated[str, Code(schema.GENDER)]
    birth: str  # yyyymmdd, only for the invented ID number
    unit: UnitKey
    causes: tuple[Annotated[str, Code(schema.HARDSHIP_CAUSE)], ...]
    level: Level
    status: Annotated[str, Code(schema.CASE_STATUS)]
    family_size: int
    monthly_income: float
    situation: str
    paired_cadre: str
    opened_on: AnyYearDay
    review_date: AnyYearDay | None = None
    exited_on: Day | None = None

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{8}", self.birth):
            raise ValueError("birth must be yyyymmdd")


@dataclass(frozen=True, kw_only=True)
class Aid:
    """What a payment and a round of visits have in common."""

    date: Day
    kind: Annotated[str, Code(schema.AID_KIND)]
    goods: str = ""
    goods_value: float | None = None
    fund_source: Fund
    handler: str
    activity: ActivityKey | None = None
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class Round(Aid):
    """A visit to every case on file of the given levels, such as the Spring Festival one."""

    levels: tuple[Level, ...] = ()  # none: every level
    cash: dict[Level, float] | None = None  # by level
    goods_levels: tuple[Level, ...] = ()  # who of those visited get the goods; none: all

    def __post_init__(self) -> None:
        visited = set(self.levels or schema.HARDSHIP_LEVEL.codes())
        if self.cash is not None and not visited <= set(self.cash):
            raise ValueError(f"cash gives no amount for {sorted(visited - set(self.cash))}")


@dataclass(frozen=True, kw_only=True)
class Payment(Aid):
    """Aid paid to one case."""

    case: CaseKey
    cash: float | None = None


@dataclass(frozen=True, kw_only=True)
class Income:
    date: Day
    source: Fund
    amount: float
    handler: str
    notes: str = ""


@dataclass(frozen=True, kw_only=True)
class History:
    progress: tuple[Progress, ...] = ()
    aid_progress: AidProgress | None = None
    outcomes: tuple[Outcome, ...] = ()
    cases: tuple[Case, ...] = ()
    rounds: tuple[Round, ...] = ()
    payments: tuple[Payment, ...] = ()
    income: tuple[Income, ...] = ()


@dataclass(frozen=True)
class PlanFile:
    plan: Plan
    history: History | None  # a template has none


# ------------------------------------------------------------------ reading


def load(path: Path) -> PlanFile:
    """Read and check a plan file; PlanFileError names the file and entry of a problem."""
    reader = _Reader(path.name)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise reader.error("", str(exc)) from exc
    history = raw.pop("history", None)
    pf = PlanFile(
        reader.build(Plan, raw, ""),
        None if history is None else reader.build(History, history, "history"),
    )
    reader.check(pf)
    return pf


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def _type_name(raw: Any) -> str:
    return {dict: "table", list: "array", str: "text"}.get(type(raw), type(raw).__name__)


class _Reader:
    """Turns one file's TOML into the dataclasses above, noting references to check last."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.refs: list[tuple[str, str, str]] = []  # (where, section, key)

    def error(self, where: str, problem: str) -> PlanFileError:
        problem = f"{where}: {problem}" if where else problem
        return PlanFileError(f"{self.file}: {problem}", file=self.file, problem=problem)

    def build(self, cls: type, raw: Any, where: str) -> Any:
        if not isinstance(raw, dict):
            raise self.error(where, f"expected a table, found {_type_name(raw)}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - set(fields))
        if unknown:
            raise self.error(where, f"unknown key {unknown[0]!r} (known: {', '.join(fields)})")
        values: dict[str, Any] = {}
        for name, f in fields.items():
            if name in raw:
                at = f"{where}.{name}" if where else name
                values[name] = self.value(_hints(cls)[name], raw[name], at)
            elif f.default is dataclasses.MISSING:
                raise self.error(where, f"missing key {name!r}")
        try:
            return cls(**values)
        except ValueError as exc:
            raise self.error(where, str(exc)) from exc

    def value(self, tp: Any, raw: Any, where: str, marks: tuple[Any, ...] = ()) -> Any:
        """`raw` as type `tp`; marks are the Annotated extras (enum, Ref, Allow) on it."""
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is Annotated:
            return self.value(args[0], raw, where, tp.__metadata__)
        if origin in (types.UnionType, typing.Union):  # X | None: TOML has no null, so X
            return self.value(next(a for a in args if a is not type(None)), raw, where, marks)
        if origin is tuple:
            if not isinstance(raw, list):
                raise self.error(where, f"expected an array, found {_type_name(raw)}")
            return tuple(self.value(args[0], v, _entry(where, n, v)) for n, v in enumerate(raw))
        if origin is dict:
            if not isinstance(raw, dict):
                raise self.error(where, f"expected a table, found {_type_name(raw)}")
            return {
                self.value(args[0], k, where): self.value(args[1], v, f"{where}.{k}")
                for k, v in raw.items()
            }
        if origin is Literal:
            if raw not in args:
                raise self.error(where, f"{raw!r} is not one of {', '.join(map(str, args))}")
            return raw
        if tp is Day:
            return self.day(raw, where, next((m for m in marks if isinstance(m, Allow)), Allow()))
        if dataclasses.is_dataclass(tp):
            return self.build(tp, raw, where)  # type: ignore[arg-type]
        want = {str: (str,), int: (int,), float: (int, float)}[tp]
        if isinstance(raw, bool) or not isinstance(raw, want):
            raise self.error(where, f"expected {tp.__name__}, found {_type_name(raw)} {raw!r}")
        for mark in marks:
            if isinstance(mark, Code) and raw not in mark.enum.values:
                known = ", ".join(mark.enum.codes())
                raise self.error(where, f"unknown {mark.enum.name} {raw!r} (known: {known})")
            if isinstance(mark, Ref):
                self.refs.append((where, mark.section, raw))
        return float(raw) if tp is float else raw

    def day(self, raw: Any, where: str, allow: Allow) -> Day:
        if not isinstance(raw, str):
            raise self.error(where, f'expected a day as text like "03-08", found {raw!r}')
        try:
            day = Day.parse(raw)
        except ValueError as exc:
            raise self.error(where, str(exc)) from exc
        if (day.day is None and not allow.month_only) or (day.years and not allow.other_year):
            raise self.error(where, f'{raw!r}: give a day of the plan year, like "03-08"')
        return day

    def check(self, pf: PlanFile) -> None:
        """What needs the whole file: unique keys, references, progress fitting its target."""
        plan, history = pf.plan, pf.history or History()
        sections = {
            "units": [u.key for u in plan.units],
            "targets": [t.key for t in plan.targets],
            "activities": [a.key for a in (*plan.activities, *plan.recurring) if a.key],
            "cases": [c.key for c in history.cases],
        }
        # One namespace: the builder maps every key to the id its record gets.
        seen: set[str] = set()
        for section, keys in sections.items():
            for k in keys:
                if k in seen:
                    raise self.error(section, f"key {k!r} is used twice")
                seen.add(k)
        for where, section, key in self.refs:
            if key not in sections[section]:
                raise self.error(where, f"{key!r} is not a key in {section}")
        for n, u in enumerate(plan.units):
            if u.parent and u.parent not in sections["units"][:n]:
                raise self.error(f"units[{n}] ({u.key})", f"parent {u.parent!r} must come first")
        metric = {t.key: t.metric for t in plan.targets}
        for n, p in enumerate(history.progress):
            rate = metric[p.target] == "rate"
            counts = p.numerator is not None and p.denominator is not None
            if rate != counts or rate == (p.value is not None):
                need = "numerator and denominator" if rate else "value"
                raise self.error(
                    f"history.progress[{n}] ({p.target})",
                    f"a {metric[p.target]} target needs {need}",
                )
        if history.aid_progress and metric[history.aid_progress.target] != "amount":
            raise self.error("history.aid_progress", "target must be an amount target")


def _entry(where: str, n: int, raw: Any) -> str:
    """An array entry by its position and the key, title or name that tells it apart."""
    if isinstance(raw, dict):
        name = next((raw[k] for k in ("key", "title", "name") if isinstance(raw.get(k), str)), "")
        if name:
            return f"{where}[{n}] ({name})"
    return f"{where}[{n}]"
