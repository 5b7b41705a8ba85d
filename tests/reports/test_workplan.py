"""The annual plan as a .docx work plan: a part per section with goals, measures,
deadlines and responsible persons, and the month-by-month schedule."""

from __future__ import annotations

import io

import docx

from tests.reports.conftest import docx_tables
from unionplan.data.tables import WorkbookData
from unionplan.reports.workplan import workplan_docx


def test_workplan_has_a_part_per_section_and_the_schedule(school: WorkbookData) -> None:
    out = workplan_docx(school, "zh-Hans")
    d = docx.Document(io.BytesIO(out))
    assert d.paragraphs[0].text == "某某中学工会2026年工作计划"
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    sections = list(dict.fromkeys(school.df("targets")["section"]))
    assert headings[:-1] == [f"{'一二三四五六七八九十'[i]}、{s}" for i, s in enumerate(sections)]
    assert headings[-1].endswith("活动安排")
    tables = docx_tables(out)
    assert len(tables) == len(sections) + 1
    goals = tables[0]
    assert goals[0] == ["目标", "措施", "时限", "责任人"]
    first = school.df("targets").iloc[0]
    assert goals[1] == [
        "教职工入会率不低于98%",
        first["notes"],
        "2026年12月31日",
        first["responsible"],
    ]
    n_targets = sum(len(t) - 1 for t in tables[:-1])
    assert n_targets == len(school.df("targets"))
    schedule = tables[-1]
    assert [r[0] for r in schedule[1:]] == [f"2026年{m}月" for m in range(1, 13)]
    assert "1、" in schedule[3][2] and "三八" in schedule[3][2]


def test_workplan_in_english(school: WorkbookData) -> None:
    out = workplan_docx(school, "en")
    tables = docx_tables(out)
    assert tables[0][0] == ["Goal", "Measures", "Deadline", "Responsible"]
    assert tables[-1][1][0] == "Jan 2026"
