"""The 报告 page (AppTest, on the demo year): a report generated for a chosen period and
unit, previewed with its narrative in text areas, edited, downloaded as .docx (charts as
images) and .xlsx that open; the year's work plan as .docx; reruns that do not build
again; and a viewer's preview and downloads without any personal aid data."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_page, page_text
from tests.pages.report_helpers import (
    Downloads,
    docx_text,
    problems,
    signed_in,
    xlsx_text,
)
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.markup import md_text
from unionplan.reports import report as report_module
from unionplan.ui import reports as view

ZH = "zh-Hans"


def _load(path: Path) -> WorkbookData:
    return Workbook(XlsxStore(path)).load(fresh=True)


def _generate(at: AppTest, kind: str = "half", period: str | None = "H1") -> AppTest:
    at.segmented_control(key=view.KIND_KEY).set_value(kind).run()
    if period:
        at.segmented_control(key=view.PERIOD_KEY).set_value(period).run()
    at.button(key="rep_go").click().run()
    assert not problems(at), problems(at)
    return at


def _section(key: str) -> str:
    # "rep_text:H1||zh-Hans:section:组织建设" -> "section:组织建设"
    return key.split(":", 2)[2]


def test_nothing_is_built_before_the_person_asks(demo_workbook: Path) -> None:
    at = open_page("reports")
    assert not problems(at)
    assert [i.value for i in at.info] == [i18n.t("reports.page.choose_hint", ZH)]
    assert not at.text_area and not at.dataframe


def test_generate_preview_and_download(
    demo_workbook: Path, downloads: Downloads, fake_charts: list[Any]
) -> None:
    at = _generate(open_page("reports"))
    data = _load(demo_workbook)
    # The preview is the report the domain builds for the same choice.
    expected = report_module.build_report(data, period="H1", lang=ZH, personal=True)
    assert [s.value for s in at.subheader] == [md_text(expected.title)]
    areas = {_section(ta.key): ta.value for ta in at.text_area}
    assert areas == expected.narrative()
    shown = [df.value for df in at.dataframe]
    assert [len(df) for df in shown] == [
        *([len(expected.aid.by_kind) + 1] if expected.aid.by_kind else []),  # + the total
        *([len(expected.aid.payments)] if expected.aid.payments else []),
        len(expected.targets),
        len(expected.activities),
    ]

    at.button(key="rep_docx_make").click().run()
    assert not problems(at)
    assert downloads.name("rep_docx").endswith(".docx")
    document = docx.Document(io.BytesIO(downloads.bytes("rep_docx")))
    text = docx_text(downloads.bytes("rep_docx"))
    assert expected.title in text
    assert expected.narrative()["overview"] in text
    assert len(document.inline_shapes) == len(fake_charts) >= 1  # the charts, as images
    assert len(document.tables) >= 3

    book = openpyxl.load_workbook(io.BytesIO(downloads.bytes("rep_xlsx")))
    targets = book.worksheets[0]
    assert targets.max_row == len(expected.targets) + 1  # the header row and one per target
    assert downloads.name("rep_xlsx").endswith(".xlsx")

    plan = docx.Document(io.BytesIO(downloads.bytes("rep_workplan")))
    union = data.settings["union_name"]
    assert plan.paragraphs[0].text == i18n.t("reports.wp_title", ZH, who=union, year=data.plan_year)


def test_edits_are_kept_and_printed(
    demo_workbook: Path, downloads: Downloads, fake_charts: list[Any]
) -> None:
    at = _generate(open_page("reports"))
    overview = next(ta for ta in at.text_area if ta.key.endswith(":overview"))
    draft = overview.value
    mine = "上半年，我会围绕中心、服务大局，各项工作稳步推进。"
    overview.input(mine).run()
    assert not problems(at)
    # Kept across a visit to another page, which drops the widgets' own state.
    at.switch_page("pages/overview.py").run()
    at.switch_page("pages/reports.py").run()
    overview = next(ta for ta in at.text_area if ta.key.endswith(":overview"))
    assert overview.value == mine

    at.button(key="rep_docx_make").click().run()
    text = docx_text(downloads.bytes("rep_docx"))
    assert mine in text and draft not in text

    at.button(key="rep_restore").click().run()
    overview = next(ta for ta in at.text_area if ta.key.endswith(":overview"))
    assert overview.value == draft
    assert at.button(key="rep_docx_make")  # the .docx held the edit: it must be made again
    assert i18n.t("reports.page.docx_stale", ZH) in [c.value for c in at.caption]


def test_reruns_neither_rebuild_the_report_nor_redraw_the_charts(
    demo_workbook: Path,
    downloads: Downloads,
    fake_charts: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[str] = []
    real = view.build_report

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(kwargs["period"])
        return real(*args, **kwargs)

    monkeypatch.setattr(view, "build_report", counting)
    at = _generate(open_page("reports"))
    at.button(key="rep_docx_make").click().run()
    assert built == ["H1"]
    charts = len(fake_charts)
    assert charts >= 1
    at.run()
    at.button(key="freshness_refresh").click().run()  # reads the workbook again: a new load
    assert built == ["H1", "H1"]
    at.run()
    at.segmented_control(key=view.PERIOD_KEY).set_value("H2").run()  # not asked for yet
    assert built == ["H1", "H1"]
    assert len(fake_charts) == charts
    assert i18n.t("reports.page.choice_changed", ZH) in [c.value for c in at.caption]
    at.button(key="rep_go").click().run()
    assert built == ["H1", "H1", "H2"]


def test_quarterly_and_annual_reports_for_a_unit(demo_workbook: Path) -> None:
    data = _load(demo_workbook)
    unit = str(data.df("units")["id"].iloc[1])
    at = open_page("reports", lang="en")
    at.selectbox(key=view.UNIT_KEY).set_value(unit).run()
    _generate(at, "quarter", "Q2")
    expected = report_module.build_report(data, period="Q2", unit=unit, lang="en", personal=True)
    assert [s.value for s in at.subheader] == [md_text(expected.title)]
    _generate(at, "year", None)
    expected = report_module.build_report(data, period="Y", unit=unit, lang="en", personal=True)
    assert [s.value for s in at.subheader] == [md_text(expected.title)]
    assert {_section(ta.key): ta.value for ta in at.text_area} == expected.narrative()


def _personal_values(data: WorkbookData) -> list[str]:
    cases = data.df("aid_cases")
    return [
        str(v)
        for col in ("name", "id_number", "phone", "address")
        for v in cases[col].dropna()
        if str(v).strip()
    ]


@pytest.mark.parametrize("period", ["H1", "H2"])
def test_a_viewers_report_holds_no_personal_aid_data(
    demo_workbook: Path,
    accounts: Any,
    downloads: Downloads,
    fake_charts: list[Any],
    period: str,
) -> None:
    data = _load(demo_workbook)
    values = _personal_values(data)
    names = set(data.df("aid_cases")["name"].dropna())
    assert len(values) >= 20 and names

    def everything(login: str) -> str:
        at = _generate(signed_in(login, "reports"), "half", period)
        at.button(key="rep_docx_make").click().run()
        assert not problems(at)
        return "\n".join(
            [
                page_text(at),
                docx_text(downloads.bytes("rep_docx")),
                xlsx_text(downloads.bytes("rep_xlsx")),
            ]
        )

    viewer = everything("leader")
    assert [v for v in values if v in viewer] == []
    assert i18n.t("reports.note_no_personal", ZH) in viewer
    # The aid officer's report of the same period names the people helped: the search
    # above would have found them.
    officer = everything("zhou")
    assert any(n in officer for n in names)
