"""The report's files: the .docx opens with python-docx and holds the sections, tables,
images and Chinese fonts; a chart that cannot be drawn is a note; the edited narrative is
what is printed; the .xlsx opens with openpyxl; generating reports progress."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

from tests.memory_store import MemoryStore
from tests.reports.conftest import TODAY, docx_paragraphs, docx_tables, docx_text, fake_png
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.reports.docx_report import to_docx
from unionplan.reports.report import AID, OVERVIEW, build_report
from unionplan.reports.workplan import workplan_docx
from unionplan.reports.xlsx_report import to_xlsx


@pytest.fixture(scope="module")
def report(school: WorkbookData):
    return build_report(school, period="H1", lang="zh-Hans", today=TODAY)


def test_docx_holds_sections_tables_and_images(report) -> None:
    out = to_docx(report, render=fake_png)
    d = docx.Document(io.BytesIO(out))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、总体情况", "二、各项工作开展情况"]
    for h in ("三、困难职工帮扶", "四、目标任务完成情况", "五、开展的活动"):
        assert h in headings
    for s in report.sections:
        if s.key.startswith("section:"):
            assert s.heading in headings
    assert d.paragraphs[0].text == report.title == "某某中学工会2026年上半年工作小结"
    tables = docx_tables(out)
    assert [t[0][0] for t in tables] == ["帮扶类型", "工作板块", "日期"]  # aid, targets, activities
    assert len(tables[2]) == len(report.activities) + 1
    assert len(d.inline_shapes) == 2  # the aid chart and the targets chart


def test_docx_page_and_chinese_fonts(report) -> None:
    d = docx.Document(io.BytesIO(to_docx(report, charts=False)))
    sec = d.sections[0]
    # lengths are stored in twips: compare to the tenth of a millimetre
    assert (round(sec.page_width.mm, 1), round(sec.page_height.mm, 1)) == (210, 297)
    assert (round(sec.top_margin.mm, 1), round(sec.left_margin.mm, 1)) == (37, 28)

    def east_asian(style: str) -> str:
        rfonts = d.styles[style].element.rPr.find(qn("w:rFonts"))
        return rfonts.get(qn("w:eastAsia"))

    assert east_asian("Normal") == "宋体"
    assert east_asian("Heading 1") == "黑体"
    assert east_asian("Title") == "黑体"


def test_chart_that_cannot_be_drawn_is_a_note(report) -> None:
    def broken(fig: object) -> bytes:
        raise RuntimeError("no browser")

    out = to_docx(report, render=broken)
    d = docx.Document(io.BytesIO(out))
    assert len(d.inline_shapes) == 0
    notes = [p for p in docx_paragraphs(out) if p.startswith("（图表未能生成")]
    assert notes == ["（图表未能生成：RuntimeError）"] * 2


def test_edited_narrative_is_what_is_printed(report) -> None:
    texts = {OVERVIEW: "上半年工作总体平稳。\n第二段由主席补充。", AID: "帮扶工作按计划推进。"}
    paras = docx_paragraphs(to_docx(report, texts, charts=False))
    assert "上半年工作总体平稳。" in paras and "第二段由主席补充。" in paras
    assert "帮扶工作按计划推进。" in paras
    assert report.narrative()[OVERVIEW] not in paras  # the draft was replaced
    section = next(s for s in report.sections if s.key.startswith("section:"))
    assert section.text in paras  # sections not edited keep their draft


def test_progress_is_reported_step_by_step(school: WorkbookData) -> None:
    seen: list[tuple[int, int, str]] = []
    report = build_report(school, period="Q1", today=TODAY, progress=lambda *a: seen.append(a))
    assert seen[-1][0] == seen[-1][1] and [s[0] for s in seen] == sorted(s[0] for s in seen)
    seen.clear()
    to_docx(report, render=fake_png, progress=lambda *a: seen.append(a))
    steps = [s[0] for s in seen]
    assert steps == list(range(len(steps))) and seen[-1][0] == seen[-1][1] == 4
    assert all(label for *_, label in seen)


def test_xlsx_opens_with_the_same_tables(report) -> None:
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["目标任务", "活动", "帮扶汇总"]
    tables = docx_tables(to_docx(report, charts=False))
    for sheet, table in zip(("帮扶汇总", "目标任务", "活动"), tables, strict=True):
        cells = [
            [c if c is not None else "" for c in r] for r in book[sheet].iter_rows(values_only=True)
        ]
        assert cells == table


def test_xlsx_keeps_formula_like_text_as_text(school: WorkbookData) -> None:
    from dataclasses import replace

    report = build_report(school, period="H1", today=TODAY)
    report.activities = [replace(report.activities[0], title='=HYPERLINK("x")')]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    cell = book["活动"]["B2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"


@pytest.mark.parametrize("lang", ["zh-Hant", "en"])
def test_other_languages(school: WorkbookData, lang: str) -> None:
    report = build_report(school, period="Y", lang=lang, today=TODAY)
    text = docx_text(to_docx(report, render=fake_png))
    heading = {"zh-Hant": "一、總體情況", "en": "1. Overview"}[lang]
    assert heading in text
    assert ("工作總結" in report.title) if lang == "zh-Hant" else ("annual summary" in report.title)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs Debian chromium")
def test_real_renderer_draws_the_charts(report) -> None:
    """kaleido with the system chromium (slow: ~3 s for the first image)."""
    d = docx.Document(io.BytesIO(to_docx(report)))
    assert len(d.inline_shapes) == 2
    blob = d.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert d.part.related_parts[blob].blob[:8] == b"\x89PNG\r\n\x1a\n"


def test_control_characters_pasted_from_word_do_not_stop_an_export(
    school: WorkbookData, tmp_path: Path
) -> None:
    """Word's XML cannot hold "\\x07" or "\\x0b": the .docx shows their control pictures;
    the .xlsx keeps them, escaped as the workbook keeps them."""
    from dataclasses import replace

    report = build_report(school, period="H1", today=TODAY)
    report.activities = [replace(report.activities[0], title="教代会\x0b第二天\x07")]
    report.sections = [
        replace(s, heading=s.heading + "\x07") if s.key.startswith("section:") else s
        for s in report.sections
    ]
    text = docx_text(to_docx(report, render=fake_png))
    assert "教代会␋第二天␇" in text
    assert any(
        f"{s.heading[:-1]}␇" in text for s in report.sections if s.key.startswith("section:")
    )
    path = tmp_path / "report.xlsx"
    path.write_bytes(to_xlsx(report))
    assert XlsxStore(path).read_all()["活动"][1][1] == "教代会\x0b第二天\x07"


def test_a_section_name_with_a_control_character_in_the_work_plan() -> None:
    from tests.reports.conftest import YEAR
    from unionplan.ops import demo

    grids = demo.demo_grids(year=YEAR, kind="school", today=TODAY)
    targets = grids["目标"]
    col = targets[0].index("工作板块")
    section = targets[1][col]
    for row in targets[1:]:
        if row[col] == section:
            row[col] = section[:2] + "\x07" + section[2:]
    data = Workbook(MemoryStore(grids), ttl=0).load()
    d = docx.Document(io.BytesIO(workplan_docx(data, "zh-Hans")))
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == f"一、{section[:2]}␇{section[2:]}"
