"""The targets page through the app: record progress in the form and see the status move;
refused input shows why and writes nothing; a new target is added; the period selector
moves every figure."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import PointApp, clear_caches, open_page, open_tab
from tests.people import admin
from unionplan import i18n
from unionplan.data.store.xlsx import XlsxStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.ui.targets import BULLETS_SHOWN

# A past plan year: the selector opens on the whole year, seen as at 31 December, so the
# statuses do not depend on the day the test runs.
YEAR = dt.date.today().year - 1


def _store(path: Path) -> Workbook:
    return Workbook(XlsxStore(str(path)))


@pytest.fixture
def workbook_path(tmp_path: Path, point_app_at: PointApp) -> Path:
    """A workbook with a rate target, a count target and two member units."""
    path = tmp_path / "targets.xlsx"
    wb = _store(path)
    wb.ensure_tabs("zh-Hans")
    wb.set_setting("plan_year", str(YEAR), admin("test"))
    wb.append("units", {"id": "U-EAST", "name": "东社区联合工会"}, admin("test"))
    wb.append(
        "targets",
        {
            "id": "T-RATE",
            "section": "维权",
            "title": "集体合同签订率",
            "metric": "rate",
            "target_value": 0.9,
            "unit": "U-EAST",
        },
        admin("test"),
    )
    wb.append(
        "targets",
        {
            "id": "T-COUNT",
            "section": "自身建设",
            "title": "培训工会干部",
            "metric": "count",
            "target_value": 50,
            "unit_of_measure": "人次",
        },
        admin("test"),
    )
    return point_app_at(path)


def _fresh(path: Path) -> WorkbookData:
    return _store(path).load(fresh=True)


def _targets_page(lang: str = "zh-Hans") -> AppTest:
    at = open_page("targets", lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    return at


def _detail_status(at: AppTest, target_id: str) -> str:
    open_tab(at, "targets", "detail")
    at.selectbox(key="targets_detail_pick").set_value(target_id).run()
    facts = [m.value for m in at.markdown if "状态" in m.value or "Status" in m.value]
    return facts[-1]


def _pick_progress_target(at: AppTest, target_id: str) -> None:
    open_tab(at, "targets", "progress")
    at.selectbox(key="tp_target").set_value(target_id).run()


def _key(field: str, target_id: str) -> str:
    return f"tp_{field}_{target_id}_0"


def test_recording_progress_moves_the_status(workbook_path: Path) -> None:
    at = _targets_page()
    assert at.segmented_control(key="targets_period").value == "Y"
    assert "✖ 未达成" in _detail_status(at, "T-RATE")  # the year ended with nothing
    _pick_progress_target(at, "T-RATE")
    at.date_input(key=_key("date", "T-RATE")).set_value(dt.date(YEAR, 6, 1))
    at.number_input(key=_key("numerator", "T-RATE")).set_value(46)
    at.number_input(key=_key("denominator", "T-RATE")).set_value(50)
    at.text_input(key=_key("note", "T-RATE")).input("46 家已签订")
    at.button(key="tp_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == [
        i18n.t("targets.progress_saved", "zh-Hans", title="集体合同签订率")
    ]
    status = _detail_status(at, "T-RATE")
    assert "✔ 已达成" in status and "92%（46/50）" in status
    rows = _fresh(workbook_path).df("progress")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["target_id"], row["numerator"], row["denominator"]) == ("T-RATE", 46, 50)
    assert row["unit"] == "U-EAST"  # the target's unit is the default reporting unit
    assert row["date"] == dt.date(YEAR, 6, 1) and row["note"] == "46 家已签订"
    assert row["updated_by"] == "local"


@pytest.mark.parametrize(
    ("target_id", "values", "message"),
    [
        ("T-RATE", {"numerator": 3, "denominator": 0}, "targets.v_denominator_positive"),
        ("T-RATE", {"numerator": 60, "denominator": 50}, "targets.v_numerator_gt_denominator"),
        ("T-COUNT", {"value": -3}, "targets.v_negative"),
    ],
)
def test_invalid_progress_is_refused_and_nothing_written(
    workbook_path: Path, target_id: str, values: dict[str, int], message: str
) -> None:
    before = _fresh(workbook_path)
    at = _targets_page()
    _pick_progress_target(at, target_id)
    for field, value in values.items():
        at.number_input(key=_key(field, target_id)).set_value(value)
    at.button(key="tp_submit").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and i18n.t(message, "zh-Hans") in errors[0]
    after = _fresh(workbook_path)
    assert after.df("progress").empty
    assert len(after.df("audit_log")) == len(before.df("audit_log"))
    # What was typed is still in the form, to be corrected.
    for field, value in values.items():
        assert at.number_input(key=_key(field, target_id)).value == value


def test_refusal_speaks_the_users_language(workbook_path: Path) -> None:
    at = _targets_page("en")
    _pick_progress_target(at, "T-COUNT")
    at.number_input(key=_key("value", "T-COUNT")).set_value(-1)
    at.button(key="tp_submit").click().run()
    assert "Value: Must not be negative" in at.error[0].value
    assert _fresh(workbook_path).df("progress").empty


def test_add_a_target_through_the_form(workbook_path: Path) -> None:
    at = open_tab(_targets_page(), "targets", "edit")
    key = "te_new"
    at.text_input(key=f"{key}:title").input("文体活动")
    at.text_input(key=f"{key}:section").input("文体活动")
    at.selectbox(key=f"{key}:metric").set_value("rate")
    at.text_input(key=f"{key}:target_value").input("150%")
    at.button(key=f"{key}_submit").click().run()
    assert i18n.t("targets.v_rate_range", "zh-Hans") in at.error[0].value
    assert len(_fresh(workbook_path).df("targets")) == 2
    at.selectbox(key=f"{key}:metric").set_value("count")
    at.text_input(key=f"{key}:target_value").input("10")
    at.selectbox(key=f"{key}:count_source").set_value("category")
    at.selectbox(key=f"{key}:count_category").set_value("culture_sports")
    at.button(key=f"{key}_submit").click().run()
    assert not at.error, [e.value for e in at.error]
    df = _fresh(workbook_path).df("targets").set_index("title")
    assert df.loc["文体活动", "target_value"] == 10
    assert df.loc["文体活动", "count_source"] == "category"
    # A target counted from activities takes no hand-entered progress.
    new_id = df.loc["文体活动", "id"]
    _pick_progress_target(at, new_id)
    assert at.info[-1].value == i18n.t("targets.progress_computed", "zh-Hans")


def test_period_selector_moves_the_figures(workbook_path: Path) -> None:
    wb = _store(workbook_path)
    wb.append("progress", {"target_id": "T-COUNT", "date": dt.date(YEAR, 2, 1), "value": 20},
              admin("test"))  # fmt: skip
    wb.append("progress", {"target_id": "T-COUNT", "date": dt.date(YEAR, 8, 1), "value": 30},
              admin("test"))  # fmt: skip
    clear_caches()
    at = _targets_page()
    assert "✔ 已达成" in _detail_status(at, "T-COUNT")  # 50 of 50 by year end
    at.segmented_control(key="targets_period").set_value("Q1").run()
    assert any(f"{YEAR}年3月31日" in c.value for c in at.caption)
    status = _detail_status(at, "T-COUNT")
    assert "实际：20人次" in status and "● 正常推进" in status  # 20 against 12.3 by 31 March
    at.segmented_control(key="targets_period").set_value("H1").run()
    assert "▲ 存在风险" in _detail_status(at, "T-COUNT")  # 20 against 24.8: 0.81


def test_edit_conflict_shows_both_versions_and_keeps_mine_on_request(workbook_path: Path) -> None:
    at = open_tab(_targets_page(), "targets", "edit")
    at.selectbox(key="te_pick").set_value("T-COUNT").run()
    key = "te_T-COUNT"
    assert at.text_input(key=f"{key}:target_value").value == "50"
    # Someone else changes the target in the sheet meanwhile.
    other = _store(workbook_path)
    other.update(
        "targets", "T-COUNT", {"target_value": 40}, expected_version=1, actor=admin("李明华")
    )
    at.text_input(key=f"{key}:target_value").input("60")
    at.button(key=f"{key}_submit").click().run()
    assert not at.exception
    assert any("第 1 版" in w.value and "第 2 版" in w.value for w in at.warning)
    compare = next(d.value for d in at.dataframe if "项目" in d.value.columns)
    assert compare.iloc[0].tolist() == ["目标值", "40", "60"]
    assert _fresh(workbook_path).df("targets").set_index("id").loc["T-COUNT", "target_value"] == 40
    at.button(key=f"{key}_mine").click().run()
    assert not at.exception and not at.error
    row = _fresh(workbook_path).df("targets").set_index("id").loc["T-COUNT"]
    assert row["target_value"] == 60 and row["version"] == 3 and row["updated_by"] == "local"


def _bullet_titles(at: AppTest, n: int) -> list[str]:
    """The target titles drawn in the n-th section's bullet chart."""
    (chart,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"chart_bullets_{n}")]
    layout = json.loads(chart.proto.spec)["layout"]
    return [a["text"].split("  ")[0] for a in layout.get("annotations", [])]


def test_a_long_section_draws_its_first_bullets_and_more_on_request(workbook_path: Path) -> None:
    many = 2 * BULLETS_SHOWN + 5
    _store(workbook_path).append_many(
        [
            ("targets", {"section": "组织建设", "title": f"建会{i:02d}", "target_value": 5})
            for i in range(many)
        ],
        admin("test"),
    )
    clear_caches()
    at = _targets_page()
    sections = [s.value for s in at.subheader]
    n = next(i for i, s in enumerate(sections) if s.startswith("组织建设"))
    assert _bullet_titles(at, n) == [f"建会{i:02d}" for i in range(BULLETS_SHOWN)]
    table = next(d.value for d in at.dataframe if "建会00" in d.value.to_string())
    assert len(table) == many  # the table lists the whole section
    shown = i18n.t("targets.bullets_shown", "zh-Hans", shown=BULLETS_SHOWN, n=many)
    assert shown in [c.value for c in at.caption]

    at.button(key=f"targets_bullets_more_{n}").click().run()
    assert len(_bullet_titles(at, n)) == 2 * BULLETS_SHOWN
    at.button(key=f"targets_bullets_more_{n}").click().run()
    assert len(_bullet_titles(at, n)) == many
    assert not [b for b in at.button if b.key == f"targets_bullets_more_{n}"]  # all drawn


def _chart_ids(at: AppTest) -> str:
    return " ".join(c.proto.id for c in at.get("plotly_chart"))


def test_only_the_open_tab_runs_and_it_stays_open_in_another_language(
    workbook_path: Path,
) -> None:
    at = _targets_page()
    assert "chart_sections" in _chart_ids(at)  # the overview's charts
    assert not [s for s in at.selectbox if s.key == "targets_detail_pick"]
    open_tab(at, "targets", "detail")
    assert [s.key for s in at.selectbox if s.key == "targets_detail_pick"]
    assert "chart_sections" not in _chart_ids(at)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.session_state["targets_tab"] == i18n.t("targets.tab_detail", "en")
    assert [s.key for s in at.selectbox if s.key == "targets_detail_pick"]
