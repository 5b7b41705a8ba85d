"""The 导入计划 page (AppTest): a seed plan pasted gives the expected activities per month
and targets in editable tables and lists the lines it did not take; corrections in the
tables are what is imported, in one write; importing again adds nothing; a table whose
headers are not recognised asks which column is which; only editors and admins import."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import open_page
from tests.pages.report_helpers import problems, signed_in
from tests.reports.test_plan_text import PLAN3_COUNTS, PLAN7_COUNTS
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.reports import importer
from unionplan.reports.plan_text import parse_plan_text
from unionplan.ui import plan_import as view

FIXTURES = Path(__file__).parents[1] / "reports" / "fixtures"
ZH = "zh-Hans"


def _text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _load(path: Path) -> WorkbookData:
    return Workbook(XlsxStore(path)).load(fresh=True)


def _paste(at: AppTest, text: str) -> AppTest:
    at.text_area(key=view.TEXT_KEY).input(text).run()
    assert not problems(at), problems(at)
    return at


def _editor(at: AppTest, name: str) -> Any:
    """The activities ("acts") or targets ("tgts") editor of the reading on show."""
    (found,) = [df for df in at.data_editor if (df.key or "").startswith(f"imp_{name}:")]
    return found


def _months(at: AppTest) -> dict[tuple[int, ...], int]:
    counts: dict[tuple[int, ...], int] = {}
    acts = _editor(at, "acts").value
    for start, end in zip(acts["start"], acts["end"], strict=True):
        months = tuple(range(int(start[5:7]), int((end or start)[5:7]) + 1))
        counts[months] = counts.get(months, 0) + 1
    return counts


def _markdown(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_month_summary_names_months_in_english_and_numbers_them_in_chinese(
    demo_workbook: Path,
) -> None:
    captions = {}
    for lang in (ZH, "en"):
        at = _paste(open_page("plan_import", lang=lang), _text("plan3_schedule.txt"))
        captions[lang] = " ".join(c.value for c in at.caption)
    assert "3月：" in captions[ZH] and "Mar: " in captions["en"]
    assert "month 3" not in captions["en"]


def test_a_school_years_months_are_summed_up_in_the_plans_order(demo_workbook: Path) -> None:
    text = "九月份\n1. 教师节\n十二月份\n1. 联欢会\n一月份\n1. 寒假慰问\n六月份\n1. 端午节\n"
    at = _paste(open_page("plan_import"), text)
    assert "9月：1项 · 12月：1项 · 1月：1项 · 6月：1项" in [c.value for c in at.caption]


def test_a_pasted_seed_plan_previews_its_months(demo_workbook: Path) -> None:
    at = _paste(open_page("plan_import"), _text("plan3_schedule.txt"))
    assert _months(at) == PLAN3_COUNTS
    year = _load(demo_workbook).plan_year
    expected = parse_plan_text(_text("plan3_schedule.txt"), year)
    assert [c.value for c in at.caption if c.value == view.month_summary(expected)]
    # Every line not taken is listed with where it is.
    (issues,) = [df.value for df in at.dataframe if df.editing_mode == "read_only"]
    assert list(issues.iloc[:, 0]) == [i.where(ZH) for i in expected.issues]
    assert len(issues) == len(expected.issues) >= 1
    heading = i18n.t("reports.import.issues", ZH, n=len(expected.issues))
    warnings = sum(1 for i in expected.issues if i.level == "warning")
    if warnings:
        heading += i18n.t("reports.import.issues_check", ZH, warnings=warnings)
    assert f"**{heading}**" in _markdown(at)


def test_a_span_of_months_is_one_activity_over_both(demo_workbook: Path) -> None:
    at = _paste(open_page("plan_import", lang="en"), _text("plan7_schedule.txt"))
    assert _months(at) == PLAN7_COUNTS
    summer = _editor(at, "acts").value
    summer = summer[summer["end"] != ""]
    assert len(summer) == PLAN7_COUNTS[(7, 8)]
    assert all(
        s.endswith("-07") and e.endswith("-08")
        for s, e in zip(summer["start"], summer["end"], strict=True)
    )


def test_targets_with_numbers(demo_workbook: Path) -> None:
    at = _paste(open_page("plan_import"), _text("plan1_women_targets.txt"))
    targets = _editor(at, "tgts").value
    assert len(targets) == 6
    assert len(_editor(at, "acts").value) == 0
    assert "2.0" in [str(v) for v in targets["value"]]  # 每年不少于2篇


def test_text_without_months_lists_why(demo_workbook: Path) -> None:
    at = _paste(open_page("plan_import"), "今年工会要把工作做好。\n大家一起努力。")
    (issues,) = [df.value for df in at.dataframe]
    messages = list(issues.iloc[:, 2])
    assert i18n.t("reports.no_months", ZH) in messages
    assert [i.value for i in at.info] == [i18n.t("reports.import.nothing", ZH)]
    assert not at.data_editor  # nothing to correct, nothing to import


def test_import_writes_once_and_importing_again_adds_nothing(
    demo_workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    real = Workbook.append_many

    def counting(self: Workbook, records: Any, *args: Any, **kwargs: Any) -> Any:
        writes.append(len(records))
        return real(self, records, *args, **kwargs)

    monkeypatch.setattr(Workbook, "append_many", counting)
    before = len(_load(demo_workbook).df("activities"))
    text = _text("plan3_schedule.txt")
    n = sum(PLAN3_COUNTS.values())

    at = _paste(open_page("plan_import"), text)
    would = view.would_text(ZH, activities=n, targets=0, existing=0, excluded=0)
    assert would in _markdown(at)
    # Nothing skipped, nothing unticked: the sentence does not mention them.
    assert would == i18n.t("reports.import.would", ZH, activities=n, targets=0) + "。"
    at.button(key="imp_go").click().run()
    assert not problems(at)
    assert writes == [n]  # one write, every activity in it
    done = i18n.t("reports.import.done", ZH, activities=n, targets=0, existing=0)
    assert [s.value for s in at.success] == [done]
    data = _load(demo_workbook)
    assert len(data.df("activities")) == before + n
    keys = importer.existing_keys(data)
    assert {r.import_key for r in parse_plan_text(text, data.plan_year).activities} <= keys

    # The same plan again, here and in a new session: nothing to add, the button is off.
    assert at.button(key="imp_go").disabled
    again = _paste(open_page("plan_import"), text)
    would = view.would_text(ZH, activities=0, targets=0, existing=n, excluded=0)
    assert i18n.t("reports.import.would_existing", ZH, n=n) in would
    assert would in _markdown(again)
    assert again.button(key="imp_go").disabled
    assert writes == [n]
    assert len(_load(demo_workbook).df("activities")) == before + n


def test_corrections_in_the_tables_are_what_is_imported(demo_workbook: Path) -> None:
    at = _paste(open_page("plan_import"), _text("plan3_schedule.txt"))
    acts = _editor(at, "acts")
    first, second = acts.value["title"].iloc[0], acts.value["title"].iloc[1]
    at.session_state[acts.key] = {
        "edited_rows": {
            0: {"include": False},
            1: {"title": "全校教师体检（改）", "category": "care"},
        },
        "added_rows": [
            {"include": True, "title": "新加的活动", "start": "2026-05", "category": "meeting"}
        ],
        "deleted_rows": [],
    }
    at.run()
    n = sum(PLAN3_COUNTS.values())
    would = view.would_text(ZH, activities=n, targets=0, existing=0, excluded=1)
    assert i18n.t("reports.import.would_excluded", ZH, n=1) in would
    assert would in _markdown(at)
    at.button(key="imp_go").click().run()
    assert not problems(at)
    acts = _load(demo_workbook).df("activities")
    titles = set(acts["title"])
    assert first not in titles and second not in titles
    changed = acts[acts["title"] == "全校教师体检（改）"]
    assert list(changed["category"]) == ["care"]
    assert "新加的活动" in titles


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_table_whose_headers_are_not_recognised_asks_for_its_columns(
    demo_workbook: Path,
) -> None:
    plan = _xlsx(
        [
            ["某某工会活动一览"],
            ["时段", "做什么", "谁负责"],
            ["三月", "1、三八节座谈会 2、趣味运动会", "女工委员"],
            ["", "植树活动", "组织委员"],
            ["七、八月", "夏送清凉", "工会主席"],
        ]
    )
    at = open_page("plan_import")
    at.segmented_control(key=view.HOW_KEY).set_value("file").run()
    at.file_uploader(key=view.FILE_KEY).set_value(("活动.xlsx", plan, None)).run()
    assert not problems(at)
    (box,) = at.expander
    assert box.proto.expanded  # opened by itself: the headers were not recognised
    assert [i.value for i in at.info] == [i18n.t("reports.import.nothing", ZH)]
    at.selectbox(key=f"{view.MAP_KEY}:month").set_value(0).run()
    at.selectbox(key=f"{view.MAP_KEY}:items").set_value(1).run()
    at.selectbox(key=f"{view.MAP_KEY}:responsible").set_value(2).run()
    assert not problems(at)
    acts = _editor(at, "acts").value
    assert list(acts["title"]) == ["三八节座谈会", "趣味运动会", "植树活动", "夏送清凉"]
    assert list(acts["responsible"]) == ["女工委员", "女工委员", "组织委员", "工会主席"]
    assert list(acts["end"])[-1].endswith("-08")  # 七、八月: one activity over both
    # The title and header rows have no month: listed, not dropped.
    (issues,) = [df.value for df in at.dataframe if df.editing_mode == "read_only"]
    assert len(issues) == 2


@pytest.mark.parametrize(("login", "may"), [("leader", False), ("zhou", False), ("wang", True)])
def test_only_editors_and_admins_import(
    demo_workbook: Path, accounts: Any, login: str, may: bool
) -> None:
    at = signed_in(login, "plan_import")
    assert not problems(at)
    assert bool(at.text_area) == may
    shown = [c.value for c in at.caption]
    assert (i18n.t("reports.import.read_only", ZH) in shown) == (not may)
