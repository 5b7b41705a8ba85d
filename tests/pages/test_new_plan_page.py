"""The 新建计划 page (AppTest): a template's sections and counts shown before anything is
written, the confirmed write of its records and plan year, last year's plan moved to the
next year, and only an administrator may start one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_page
from tests.pages.report_helpers import problems, signed_in
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.plan import newyear
from unionplan.ui import new_plan as view

ZH = "zh-Hans"


def _load(path: Path) -> WorkbookData:
    return Workbook(XlsxStore(path)).load(fresh=True)


def _metrics(at: AppTest) -> dict[str, int]:
    return {m.label: int(m.value) for m in at.metric}


def _counts(new: newyear.NewYear, lang: str = ZH) -> dict[str, int]:
    """The page's figures of a template's plan, computed here from the plan itself."""
    label = lambda k: i18n.t(f"reports.newplan.count_{k}", lang)  # noqa: E731
    return {
        label("sections"): len(newyear.template_sections(new.source)),
        label("targets"): new.count("targets"),
        label("activities"): new.count("activities"),
        label("units"): new.count("units"),
    }


def _confirm_and_start(at: AppTest) -> AppTest:
    assert at.button(key="np_go").disabled  # not before the confirmation
    at.checkbox[0].check().run()
    assert not at.button(key="np_go").disabled
    at.button(key="np_go").click().run()
    assert not problems(at), problems(at)
    return at


@pytest.mark.parametrize("kind", newyear.TEMPLATE_KINDS)
def test_a_template_shows_its_sections_and_counts_first(empty_workbook: Path, kind: str) -> None:
    at = open_page("new_plan")
    at.selectbox(key=view.KIND_KEY).set_value(kind).run()
    assert not problems(at)
    year = _load(empty_workbook).plan_year
    assert at.number_input(key=view.YEAR_KEY).value == year  # an empty workbook: this year
    expected = newyear.new_year_from_template(kind, year, data=_load(empty_workbook))
    assert _metrics(at) == _counts(expected)
    sections = "、".join(newyear.template_sections(kind))
    assert i18n.t("reports.newplan.sections", ZH, names=sections) in [m.value for m in at.markdown]
    targets, activities = (df.value for df in at.dataframe)
    assert (len(targets), len(activities)) == (
        expected.count("targets"),
        expected.count("activities"),
    )
    assert 15 <= len(activities) <= 40 and 8 <= len(targets) <= 15  # the sizes
    assert len(_load(empty_workbook).df("activities")) == 0  # nothing written yet


def test_starting_from_a_template_writes_its_records(empty_workbook: Path) -> None:
    at = open_page("new_plan")
    at.selectbox(key=view.KIND_KEY).set_value("hospital").run()
    year = _load(empty_workbook).plan_year
    expected = newyear.new_year_from_template("hospital", year, data=_load(empty_workbook))
    _confirm_and_start(at)
    data = _load(empty_workbook)
    assert len(data.df("activities")) == expected.count("activities")
    assert len(data.df("targets")) == expected.count("targets")
    assert data.plan_year == year
    done = i18n.t(
        "reports.newplan.done",
        ZH,
        year=year,
        activities=expected.count("activities"),
        targets=expected.count("targets"),
    )
    assert [s.value for s in at.success] == [done]
    # Written once: the next year is offered, the confirmation asked anew; the same year
    # again is flagged as a repeat.
    assert at.number_input(key=view.YEAR_KEY).value == year + 1
    assert not at.checkbox[0].value and at.button(key="np_go").disabled
    assert not at.warning
    at.number_input(key=view.YEAR_KEY).set_value(year).run()
    repeat = i18n.t(
        "reports.newplan.already",
        ZH,
        year=year,
        activities=expected.count("activities"),
        targets=expected.count("targets"),
    )
    assert [w.value for w in at.warning] == [repeat]


def test_last_years_plan_moves_to_the_next_year(demo_workbook: Path) -> None:
    before = _load(demo_workbook)
    old = before.plan_year
    at = open_page("new_plan", lang="en")
    at.segmented_control(key=view.FROM_KEY).set_value("last").run()
    assert not problems(at)
    assert at.number_input(key=view.YEAR_KEY).value == old + 1  # the workbook has a plan
    expected = newyear.new_year_from_last(before, old + 1)
    shown = _metrics(at)
    assert shown[i18n.t("reports.newplan.count_activities", "en")] == expected.count("activities")
    assert shown[i18n.t("reports.newplan.count_targets", "en")] == expected.count("targets")
    assert i18n.t("reports.newplan.year_change", "en", old=old, new=old + 1) in [
        m.value for m in at.markdown
    ]
    _confirm_and_start(at)
    after = _load(demo_workbook)
    assert after.plan_year == old + 1
    added = len(after.df("activities")) - len(before.df("activities"))
    assert added == expected.count("activities")


def test_the_same_year_from_last_year_is_explained(demo_workbook: Path) -> None:
    at = open_page("new_plan")
    at.segmented_control(key=view.FROM_KEY).set_value("last").run()
    at.number_input(key=view.YEAR_KEY).set_value(_load(demo_workbook).plan_year).run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.t("reports.err_same_year", ZH)]
    assert not at.dataframe and not [b for b in at.button if b.key == "np_go"]


@pytest.mark.parametrize("login", ["wang", "zhou", "leader"])
def test_only_an_administrator_starts_a_plan(
    empty_workbook: Path, accounts: Any, login: str
) -> None:
    at = signed_in(login, "new_plan")
    assert not problems(at)
    assert at.metric  # the template can be looked at
    assert not [b for b in at.button if b.key == "np_go"] and not at.checkbox
    assert i18n.t("reports.newplan.admin_only", ZH) in [c.value for c in at.caption]


def test_an_administrator_may(empty_workbook: Path, accounts: Any) -> None:
    _confirm_and_start(signed_in("boss", "new_plan"))
    assert len(_load(empty_workbook).df("activities")) > 0
