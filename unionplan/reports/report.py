"""A report (报告) for a period and a member unit: the drafted narrative and its tables.

    report = build_report(data, period="H1", unit=None, lang="zh-Hans", personal=False)
    report.narrative()          # {"overview": "2026年上半年，…", "section:组织建设": …, "aid": …}
    report.figures()            # every number the narrative states, by key, value and text

Three kinds, chosen by the period: a quarterly progress report ("Q1"…"Q4"), a half-year
summary (半年工作小结, "H1"/"H2") and an annual summary (年度工作总结, "Y"). The narrative
is a draft in the person's language: the page lets them edit it, and the exports take the
edited text (`unionplan.reports.docx_report`). Figures come from `figures.py`; a report
for someone who may not see personal data (`personal=False`) holds aggregates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from unionplan.data import access
from unionplan.data.access import Person
from unionplan.data.tables import WorkbookData, unit_tree
from unionplan.data.values import py
from unionplan.reports import figures as rfig
from unionplan.reports import narrative as words
from unionplan.reports.narrative import Figure

Progress = Callable[[int, int, str], None]  # (step, total steps, what is being done)

OVERVIEW = "overview"
AID = "aid"
SECTION = "section:"  # + the section's name
REPORT_KINDS = ("quarter", "half", "year")


@dataclass(frozen=True)
class NarrativeSection:
    key: str  # OVERVIEW, AID, or SECTION + name
    heading: str
    text: str
    figures: tuple[Figure, ...]


@dataclass(eq=False)
class Report:
    title: str
    kind: str  # "quarter", "half", "year"
    period: rfig.Period
    period_name: str  # "2026年上半年"
    lang: str
    personal: bool  # whether names of aid cases may appear
    union_name: str
    unit: str | None
    unit_name: str  # the member unit's name, or the union's
    sections: list[NarrativeSection]
    targets: list[rfig.TargetLine]
    activities: list[rfig.ActivityLine]
    aid: rfig.AidFigures
    unit_names: dict[str, str] = field(default_factory=dict)
    evaluated: pd.DataFrame = field(default_factory=pd.DataFrame)  # for the charts

    def narrative(self) -> dict[str, str]:
        """Section key -> drafted text: what the page shows in its text areas."""
        return {s.key: s.text for s in self.sections}

    def figures(self) -> dict[str, Figure]:
        return {f.key: f for s in self.sections for f in s.figures}

    def section(self, key: str) -> NarrativeSection:
        return next(s for s in self.sections if s.key == key)


def period_name(period: rfig.Period, lang: str) -> str:
    return words.t(f"period_{period.code.lower()}", lang, year=period.year)


def build_report(
    data: WorkbookData,
    *,
    period: str,
    unit: str | None = None,
    lang: str = "zh-Hans",
    personal: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Report:
    """The report of `period` ("Q1"…"Q4", "H1", "H2", "Y" of the plan year) for `unit`
    and its sub-units (None: the whole union), worded in `lang`.

    `personal` says whether the person asking may see aid cases' personal data; without
    it the report holds counts and sums only. `progress(step, total, label)` is called
    before each step.
    """
    steps = 4

    def step(n: int, label: str) -> None:
        if progress:
            progress(n, steps, words.t(f"step_{label}", lang))

    year = data.plan_year
    per = rfig.period_of(year, period, today or dt.date.today())
    scope = rfig.scope_of(data, unit)
    unit_names = _unit_names(data)
    union_name = data.settings.get("union_name", "") or words.t("the_union", lang)
    who = unit_names.get(unit, union_name) if unit else union_name
    pname = period_name(per, lang)

    step(0, "targets")
    targets = rfig.target_lines(data, per, scope)
    section_names = list(dict.fromkeys(line.section for line in targets if line.section))
    step(1, "activities")
    placed = rfig.activity_sections(data, section_names)
    held = rfig.held_activities(data, per, scope, placed)
    for a in held:  # a section named only by activities (their target is out of scope)
        if a.section and a.section not in section_names:
            section_names.append(a.section)
    step(2, "aid")
    aid = rfig.aid_figures(data, per, scope, personal=personal)
    step(3, "narrative")

    sections = [_overview(pname, who, held, targets, lang)]
    names = [*section_names, *([rfig.NO_SECTION] if any(not a.section for a in held) else [])]
    for name in names:
        sections.append(_plan_section(name, held, targets, lang))
    text, figs = words.aid_sentences(pname, aid, lang)
    sections.append(NarrativeSection(AID, words.t("h_aid", lang), text, tuple(figs)))

    kind = per.kind
    title = words.t(f"title_{kind}", lang, who=who, period=pname)
    if progress:
        progress(steps, steps, words.t("step_done", lang))
    return Report(
        title=title,
        kind=kind,
        period=per,
        period_name=pname,
        lang=lang,
        personal=personal,
        union_name=union_name,
        unit=unit,
        unit_name=who,
        sections=sections,
        targets=targets,
        activities=held,
        aid=aid,
        unit_names=unit_names,
        evaluated=rfig.evaluated_frame(data, per, scope),
    )


def may_see_personal(data: WorkbookData, person: Person, unit: str | None) -> bool:
    """Whether a report of `unit` (None: the whole union) may name aid cases for `person`:
    only when they may see the personal data of every case the report covers
    (`access.can_see_personal`): an aid officer, or one limited to a unit for a report of
    cases all in that unit's subtree. Otherwise aggregates only (an administrator too)."""
    if access.can_see_all_personal(person):
        return True
    if not person.has(access.AID):
        return False
    scope = rfig.scope_of(data, unit)
    cases = data.df("aid_cases")
    if cases.empty:
        return True
    tree = unit_tree(data)
    return all(access.can_see_personal(person, u, tree) for u in cases["unit"] if scope.covers(u))


def _unit_names(data: WorkbookData) -> dict[str, str]:
    units = data.df("units")
    if units.empty:
        return {}
    return {str(i): str(py(n) or i) for i, n in zip(units["id"], units["name"], strict=True)}


def _overview(
    pname: str,
    who: str,
    held: list[rfig.ActivityLine],
    targets: list[rfig.TargetLine],
    lang: str,
) -> NarrativeSection:
    totals = rfig.activity_totals(held)
    first, figs = words.activities_clause(OVERVIEW, totals, lang, period=pname, who=who)
    second, more = words.status_clause(OVERVIEW, targets, lang)
    text = first + second
    return NarrativeSection(OVERVIEW, words.t("h_overview", lang), text, tuple(figs + more))


def _plan_section(
    name: str, held: list[rfig.ActivityLine], targets: list[rfig.TargetLine], lang: str
) -> NarrativeSection:
    key = SECTION + name
    shown = name or words.t("other_work", lang)
    mine = [a for a in held if a.section == name]
    totals = rfig.activity_totals(mine)
    first, figs = words.activities_clause(key, totals, lang, section=shown)
    parts = [first]
    for line in targets:
        if line.section == name:
            text, more = words.target_clause(line, lang)
            parts.append(text)
            figs += more
    return NarrativeSection(key, shown, words.clauses(parts, lang), tuple(figs))


def edited(report: Report, texts: Mapping[str, str] | None) -> dict[str, str]:
    """The narrative as the person left it: their text where they edited, else the draft."""
    out = report.narrative()
    for key, text in (texts or {}).items():
        if key in out and text is not None:
            out[key] = str(text)
    return out
