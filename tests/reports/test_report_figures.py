"""Every figure of a generated report equals the value computed directly from the workbook.

The .docx is parsed back with python-docx and the numbers found in its text and tables
are compared with values this test computes itself from the demo workbook's tables (rows
filtered and summed here, not by calling the report's own functions). Target statuses are
by definition those of `goals.targets.evaluate`, so only they are taken from it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pandas as pd
import pytest

from tests.empty_workbook import empty_workbook
from tests.reports.conftest import TODAY, docx_tables, docx_text, fake_png, find, number
from unionplan.data.parse import PlanDate
from unionplan.data.periods import period_bounds
from unionplan.data.schema import AID_KIND
from unionplan.data.tables import WorkbookData
from unionplan.goals import assessment
from unionplan.goals.targets import evaluate
from unionplan.reports.docx_report import to_docx
from unionplan.reports.report import build_report

PERIODS = ("Q1", "Q2", "Q3", "H1", "Y")


def blank(v: object) -> bool:
    return v is None or bool(pd.isna(v)) if not isinstance(v, (list, str)) else not v


def held_directly(
    data: WorkbookData, start: dt.date, end: dt.date, units: set[str] | None = None
) -> tuple[int, int, float]:
    """(sessions held, person-times, money spent) from the activities tab's own cells."""
    held = people = 0
    cost = 0.0
    for rec in data.df("activities").to_dict("records"):
        if units is not None and rec["unit"] not in units:
            continue
        if not isinstance(rec["start"], PlanDate):
            continue
        if not blank(rec["recurrence"]):
            for part in str(rec["occurrences"] or "").split(";"):
                if "=" in part:
                    day, state = part.strip().split("=")
                    if state == "done" and start <= dt.date.fromisoformat(day) <= end:
                        held += 1
            continue
        if rec["status"] == "done" and start <= rec["start"].first() <= end:
            held += 1
            people += 0 if blank(rec["actual_participants"]) else int(rec["actual_participants"])
            cost += 0.0 if blank(rec["actual_cost"]) else float(rec["actual_cost"])
    return held, people, cost


def aid_directly(data: WorkbookData, start: dt.date, end: dt.date) -> dict:
    pays = [p for p in data.df("aid_payments").to_dict("records") if start <= p["date"] <= end]

    def money(p: dict) -> float:
        cash = 0 if blank(p["cash"]) else p["cash"]
        return cash + (0 if blank(p["goods_value"]) else p["goods_value"])

    kinds: dict[str, list[float]] = defaultdict(list)
    for p in pays:
        kinds[p["kind"]].append(money(p))
    return {
        "persons": len({p["case_id"] for p in pays}),
        "times": len(pays),
        "total": round(sum(money(p) for p in pays), 2),
        "cash": round(sum(0 if blank(p["cash"]) else p["cash"] for p in pays), 2),
        "kinds": {k: (len(v), round(sum(v), 2)) for k, v in kinds.items()},
    }


def actual_directly(data: WorkbookData, target: dict, as_of: dt.date) -> float | None:
    """A year target's actual on `as_of` from the progress (or activities) tab."""
    start = dt.date(data.plan_year, 1, 1)
    if target["metric"] == "count" and target["count_source"] in ("category", "linked"):
        n = 0
        for rec in data.df("activities").to_dict("records"):
            hit = (
                rec["category"] == target["count_category"]
                if target["count_source"] == "category"
                else rec["target_id"] == target["id"]
            )
            if not hit or not isinstance(rec["start"], PlanDate):
                continue
            if blank(rec["recurrence"]):
                n += rec["status"] == "done" and start <= rec["start"].first() <= as_of
            else:
                for part in str(rec["occurrences"] or "").split(";"):
                    if "=" in part:
                        day, state = part.strip().split("=")
                        n += state == "done" and start <= dt.date.fromisoformat(day) <= as_of
        return float(n)
    rows = [
        p
        for p in data.df("progress").to_dict("records")
        if p["target_id"] == target["id"] and start <= p["date"] <= as_of
    ]
    if target["metric"] == "rate":
        latest: dict[str, dict] = {}
        for p in sorted(rows, key=lambda p: (p["date"], p["_row"])):
            latest[p["unit"] if not blank(p["unit"]) else ""] = p
        if not latest:
            return None if blank(target["baseline"]) else float(target["baseline"])
        num = sum(p["numerator"] for p in latest.values())
        den = sum(p["denominator"] for p in latest.values())
        return num / den
    return float(sum(p["value"] for p in rows))


def pct_text(fraction: float) -> str:
    v = round(fraction * 100, 1)
    return f"{v:g}%"


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("kind", ["school", "township"])
def test_overview_and_aid_figures_equal_the_workbook(
    kind: str, period: str, request: pytest.FixtureRequest
) -> None:
    data: WorkbookData = request.getfixturevalue(kind)
    start, end = period_bounds(data.plan_year, period)
    report = build_report(data, period=period, lang="zh-Hans", today=TODAY)
    text = docx_text(to_docx(report, render=fake_png))

    held, people, cost = held_directly(data, start, end)
    assert held > 0
    m = find(r"共开展活动([\d,]+)次，参与职工([\d,]+)人次(?:，支出活动经费([\d,.]+)元)?", text)
    assert number(m[1]) == held
    assert number(m[2]) == people
    assert number(m[3] or "0") == pytest.approx(cost)

    aid = aid_directly(data, start, end)
    if aid["times"]:
        m = find(r"共帮扶困难职工([\d,]+)人、([\d,]+)人次，发放帮扶资金及物资合计([\d,.]+)元", text)
        assert (number(m[1]), number(m[2])) == (aid["persons"], aid["times"])
        assert number(m[3]) == pytest.approx(aid["total"])
        assert number(find(r"其中现金([\d,.]+)元", text)[1]) == pytest.approx(aid["cash"])
        for code, (times, total) in aid["kinds"].items():
            label = AID_KIND.label(code, "zh-Hans")
            m = find(rf"{label}([\d,]+)人次、([\d,.]+)元", text)
            assert (number(m[1]), number(m[2])) == (times, pytest.approx(total))


@pytest.mark.parametrize("period", ["Q2", "H1", "Y"])
@pytest.mark.parametrize("kind", ["school", "township"])
def test_targets_table_equals_the_workbook(
    kind: str, period: str, request: pytest.FixtureRequest
) -> None:
    data: WorkbookData = request.getfixturevalue(kind)
    _, end = period_bounds(data.plan_year, period)
    as_of = min(end, TODAY)
    report = build_report(data, period=period, lang="zh-Hans", today=TODAY)
    out = to_docx(report, render=fake_png)
    table = next(t for t in docx_tables(out) if t[0][1] == "目标任务")
    rows = {r[1]: r for r in table[1:]}
    targets = data.df("targets").to_dict("records")
    assert len(rows) == len(targets)
    statuses = dict(
        zip(evaluate(data, as_of)["title"], evaluate(data, as_of)["status"], strict=True)
    )
    from unionplan import i18n

    checked = 0
    for t in targets:
        row = rows[t["title"]]
        assert row[5] == i18n.t(f"targets.status_{statuses[t['title']]}", "zh-Hans")
        if t["period"] != "year" or t["metric"] == "milestone":
            continue
        actual = actual_directly(data, t, as_of)
        if t["metric"] == "rate":
            assert row[2] == pct_text(t["target_value"])
            if actual is not None:
                assert row[3] == pct_text(actual)
                assert number(row[4].rstrip("%")) == round(actual / t["target_value"] * 100, 1)
        elif t["metric"] == "amount":
            assert number(row[2].removesuffix("元")) == t["target_value"]
            assert number(row[3].removesuffix("元")) == pytest.approx(actual)
        else:
            uom = t["unit_of_measure"] or ""
            assert number(row[2].removesuffix(uom)) == t["target_value"]
            assert number(row[3].removesuffix(uom)) == actual
        checked += 1
    assert checked >= 8


def test_rate_gap_in_percentage_points(school: WorkbookData) -> None:
    """ "距目标98%尚差2.1个百分点": the gap is target minus actual, in points, from the cells."""
    report = build_report(school, period="H1", lang="zh-Hans", today=TODAY)
    text = docx_text(to_docx(report, charts=False))
    as_of = dt.date(2026, 6, 30)
    seen = 0
    for t in school.df("targets").to_dict("records"):
        if t["metric"] != "rate" or t["direction"] != "at_least":
            continue
        actual = actual_directly(school, t, as_of)
        if actual is None or actual >= t["target_value"]:
            continue
        gap = round(round(t["target_value"] * 100, 1) - round(actual * 100, 1), 1)
        sentence = f"{t['title']}达{pct_text(actual)}，距目标{pct_text(t['target_value'])}尚差{gap:g}个百分点"
        assert sentence in text
        seen += 1
    assert seen >= 1


def test_sections_add_up_to_the_overview(school: WorkbookData) -> None:
    report = build_report(school, period="Y", lang="zh-Hans", today=TODAY)
    figs = report.figures()
    sections = [s for s in report.sections if s.key.startswith("section:")]
    held = sum(figs[f"{s.key}.held"].value for s in sections)
    people = sum(
        figs[f"{s.key}.participants"].value for s in sections if f"{s.key}.participants" in figs
    )
    assert held == figs["overview.held"].value
    assert people == figs["overview.participants"].value


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_every_figure_is_printed_as_its_text(school: WorkbookData, lang: str) -> None:
    report = build_report(school, period="H1", lang=lang, today=TODAY)
    narrative = "\n".join(report.narrative().values())
    text = docx_text(to_docx(report, charts=False))
    assert len(report.figures()) > 30
    for f in report.figures().values():
        assert f.text in narrative, f
        assert f.text in text


def test_member_unit_report_counts_its_subtree(township: WorkbookData) -> None:
    units = township.df("units")
    parents = assessment.parent_map(units)
    # the member unit with the most activities of its own subtree
    best = max(
        (u for u in parents if parents[u] is not None),
        key=lambda u: held_directly(
            township, dt.date(2026, 1, 1), dt.date(2026, 12, 31), assessment.descendants(parents, u)
        )[0],
    )
    subtree = assessment.descendants(parents, best)
    held, people, _ = held_directly(township, dt.date(2026, 1, 1), dt.date(2026, 12, 31), subtree)
    assert held > 0
    report = build_report(township, period="Y", unit=best, lang="zh-Hans", today=TODAY)
    figs = report.figures()
    assert figs["overview.held"].value == held
    assert figs["overview.participants"].value == people
    name = units.set_index("id").loc[best, "name"]
    assert report.title.startswith(name)
    whole = build_report(township, period="Y", lang="zh-Hans", today=TODAY)
    assert figs["overview.held"].value < whole.figures()["overview.held"].value


def test_hand_made_rows_and_an_empty_workbook() -> None:
    """Rows without an id or start, a repeated id, and no rows at all: nothing crashes,
    and two rows sharing an id are still two activities."""
    wb = empty_workbook(2026)
    empty = build_report(wb.load(fresh=True), period="Y", today=TODAY)
    assert empty.figures()["overview.held"].value == 0
    assert "尚无已完成的活动" in empty.narrative()["overview"]
    assert docx_text(to_docx(empty, render=fake_png))
    store = wb.store
    title = "活动"
    header = store.grids[title][0]
    col = {h: i for i, h in enumerate(header)}

    def row(**cells: object) -> list[object]:
        out: list[object] = [""] * len(header)
        for k, v in cells.items():
            out[col[k]] = v
        return out

    store.grids[title] += [
        row(编号="A-1", 活动名称="甲", 开始日期="2026-03-01", 状态="已完成", 实际人次=10),
        row(编号="A-1", 活动名称="乙", 开始日期="2026-03-02", 状态="已完成", 实际人次=20),
        row(活动名称="丙", 开始日期="2026-03-03", 状态="已完成", 实际人次=30),
        row(编号="A-4", 活动名称="丁", 状态="已完成", 实际人次=40),
    ]
    store._version += 1
    data = wb.load(fresh=True)
    report = build_report(data, period="Q1", today=TODAY)
    assert report.figures()["overview.held"].value == 3
    assert report.figures()["overview.participants"].value == 60
