"""A viewer's report holds no personal aid data: none of the demo cases' names, ID numbers
or phones anywhere in the .docx or the .xlsx; a report for the aid officer lists names."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.people import person
from tests.reports.conftest import TODAY, docx_text, fake_png
from unionplan.data.tables import WorkbookData
from unionplan.reports.docx_report import to_docx
from unionplan.reports.report import build_report, may_see_personal
from unionplan.reports.xlsx_report import to_xlsx


def personal_values(data: WorkbookData) -> list[str]:
    cases = data.df("aid_cases")
    out = []
    for col in ("name", "id_number", "phone", "address"):
        out += [str(v) for v in cases[col].dropna() if str(v).strip()]
    return out


def xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )


@pytest.mark.parametrize("kind", ["school", "township"])
@pytest.mark.parametrize("period", ["Q1", "H1", "Y"])
def test_viewer_report_has_no_personal_aid_data(
    kind: str, period: str, request: pytest.FixtureRequest
) -> None:
    data: WorkbookData = request.getfixturevalue(kind)
    values = personal_values(data)
    assert len(values) >= 20
    report = build_report(data, period=period, personal=False, today=TODAY)
    assert report.aid.payments == ()
    text = docx_text(to_docx(report, render=fake_png)) + xlsx_text(to_xlsx(report))
    text += "\n".join(report.narrative().values())
    leaked = [v for v in values if v in text]
    assert leaked == []
    assert "本报告不含困难职工个人信息" in text


def test_aid_officer_report_lists_the_names(school: WorkbookData) -> None:
    report = build_report(school, period="Y", personal=True, today=TODAY)
    text = docx_text(to_docx(report, render=fake_png))
    names = set(school.df("aid_cases")["name"])
    assert {p.name for p in report.aid.payments} <= names
    assert any(n in text for n in names)
    assert "帮扶明细" in openpyxl.load_workbook(io.BytesIO(to_xlsx(report))).sheetnames
    # ID numbers and phones are never in a report, whoever asks
    for col in ("id_number", "phone"):
        assert not any(str(v) in text for v in school.df("aid_cases")[col].dropna())


# ------------------------------------------------------------------ who may see names


@pytest.mark.parametrize(
    ("roles", "unit", "report_unit", "may"),
    [
        (["admin"], None, None, False),  # running the app does not open the hardship files
        (["admin", "aid"], None, None, True),
        (["aid"], None, None, True),
        (["viewer"], None, None, False),
        (["editor"], None, "U-0002", False),
        # an aid officer of 东湖社区 (U-0002, with U-0004 below it)
        (["aid"], "U-0002", "U-0002", True),  # every case of the report is theirs
        (["aid"], "U-0002", "U-0004", True),
        (["aid"], "U-0002", "U-0003", False),  # 南街's cases are not
        (["aid"], "U-0002", None, False),  # the whole union holds others' cases
        (["aid", "viewer"], "U-0004", "U-0002", False),  # U-0002's own cases are not theirs
    ],
)
def test_who_may_see_the_names_in_a_report(
    township: WorkbookData, roles: list[str], unit: str | None, report_unit: str | None, may: bool
) -> None:
    who = person("p", *roles, unit=unit)
    assert may_see_personal(township, who, report_unit) is may
