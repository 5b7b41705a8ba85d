"""Target charts: the traces and values they draw, accessible styling, a static PNG export."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest

from tests.goals.test_targets import make_data
from unionplan.goals import assessment, charts
from unionplan.goals import targets as tg

D = dt.date
AS_OF = D(2026, 6, 30)

TARGETS = [
    {"section": "维权", "title": "工资集体协商覆盖率", "metric": "rate", "target_value": "90%",
     "unit": "U-2"},
    {"section": "维权", "title": "召开职代会", "metric": "milestone", "deadline": "2026-05",
     "unit": "U-2"},
    {"section": "自身建设", "title": "培训工会干部", "metric": "count", "target_value": 100,
     "unit_of_measure": "人次", "milestones": "Q1:20%;Q2:50%;Q3:75%;Q4:100%", "unit": "U-3",
     "weight": 2},
    {"section": "帮扶", "title": "送温暖慰问金", "metric": "amount", "target_value": 20000,
     "unit": "U-3"},
]  # fmt: skip
PROGRESS = [
    {"target_id": "T-1", "date": "2026-06-01", "numerator": 43, "denominator": 50},
    {"target_id": "T-2", "date": "2026-04-20", "value": 1},
    {"target_id": "T-3", "date": "2026-02-10", "value": 20},
    {"target_id": "T-3", "date": "2026-05-10", "value": 10},
    {"target_id": "T-4", "date": "2026-01-20", "value": 1600},
]
UNITS = [
    {"name": "街道总工会"},
    {"name": "东社区联合工会", "parent": "U-1"},
    {"name": "西社区联合工会", "parent": "U-1"},
]


@pytest.fixture(scope="module")
def evaluated() -> tuple:
    data = make_data(TARGETS, PROGRESS, UNITS)
    return data, tg.evaluate(data, AS_OF)


def test_statuses_of_the_example(evaluated: tuple) -> None:
    _, df = evaluated
    assert df["status"].tolist() == ["on_track", "achieved", "behind", "behind"]


def test_bullet_draws_actual_expected_and_target(evaluated: tuple) -> None:
    _, df = evaluated
    rate = df.iloc[0].to_dict()
    fig = charts.bullet(rate, "zh-Hans")
    track, actual, expected, status = fig.data
    assert [track.name, actual.name, expected.name] == ["目标", "实际", "应完成"]
    assert track.x[0] == pytest.approx(90.0)  # a rate is drawn in percent
    assert actual.x[0] == pytest.approx(86.0)
    assert actual.marker.color[0] == charts.STATUS_COLOURS["on_track"]
    assert expected.x[0] == pytest.approx(rate["expected_by_now"] * 100)
    assert status.text[0] == "● 正常推进"  # the status in words, not colour alone
    line = fig.layout.annotations[0].text
    assert "工资集体协商覆盖率" in line and "86%（43/50）" in line
    assert "Noto Sans CJK SC" in fig.layout.font.family
    count = df.iloc[2].to_dict()
    fig = charts.bullet(count, "en")
    assert fig.data[1].x[0] == 30 and fig.data[0].x[0] == 100
    assert fig.data[2].x[0] == pytest.approx(50)  # the Q2 milestone
    assert fig.data[1].marker.pattern.shape[0] == charts.STATUS_PATTERNS["behind"]
    assert fig.data[3].text[0] == "▼ Behind"
    assert "30 人次" in fig.layout.annotations[0].text


def test_section_bullets_put_every_target_on_a_percent_axis(evaluated: tuple) -> None:
    _, df = evaluated
    fig = charts.section_bullets(df, "zh-Hans")
    track, actual, expected, status = fig.data
    assert list(track.x) == [100.0] * 4
    assert list(actual.x) == pytest.approx([86 / 90 * 100, 100.0, 30.0, 8.0])
    assert list(actual.marker.color) == [
        charts.STATUS_COLOURS[s] for s in ("on_track", "achieved", "behind", "behind")
    ]
    assert expected.x[2] == pytest.approx(50.0)
    assert expected.x[1] is None  # a milestone has no part-way expectation
    assert list(status.text) == ["● 正常推进", "✔ 已达成", "▼ 进度落后", "▼ 进度落后"]
    assert [a.text.split("  ")[0] for a in fig.layout.annotations] == list(df["title"])


def test_trend_has_plan_line_actual_and_target(evaluated: tuple) -> None:
    data, df = evaluated
    points = tg.trend(data, "T-3", AS_OF)
    fig = charts.trend(points, df.iloc[2].to_dict(), "zh-Hans", AS_OF)
    plan, actual, target = fig.data
    assert list(plan.y) == pytest.approx([0, 20, 50, 75, 100])
    assert list(actual.y[:3]) == [0, 20, 30] and actual.y[3] is None
    assert list(target.y) == [100, 100]
    assert list(fig.layout.xaxis.ticktext) == ["期初", "Q1末", "Q2末", "Q3末", "Q4末"]


def test_section_status_shares_and_completion(evaluated: tuple) -> None:
    _, df = evaluated
    summary = charts.section_summary(df, "未分板块")
    assert summary["section"].tolist() == ["维权", "自身建设", "帮扶"]
    assert summary["on_track_share"].tolist() == [100.0, 0.0, 0.0]
    assert summary["completion"].tolist() == pytest.approx([(0.86 / 0.9 + 1) / 2 * 100, 30.0, 8.0])
    fig = charts.section_status(summary, "en")
    shares = {tr.name: list(tr.x) for tr in fig.data}
    assert shares["● On track"] == [50.0, 0.0, 0.0]
    assert shares["✔ Achieved"] == [50.0, 0.0, 0.0]
    assert shares["▼ Behind"] == [0.0, 100.0, 100.0]
    assert fig.layout.barmode == "stack"
    for tr, s in zip(fig.data, ("achieved", "on_track", "behind"), strict=True):
        assert tr.marker.pattern.shape == charts.STATUS_PATTERNS[s]
    fig = charts.section_completion(summary, "zh-Hans")
    assert fig.data[0].text[0] == "98%"
    assert fig.data[0].customdata[0] == "完成度 98%，正常推进及已达成 100%"


def test_unit_ranking_best_on_top_with_unit_ids(evaluated: tuple) -> None:
    data, df = evaluated
    scores = assessment.unit_scores(df, data.df("units"))
    fig = charts.unit_ranking(scores, "zh-Hans", selected="U-3")
    bar = fig.data[0]
    assert list(bar.customdata) == ["U-2", "U-3"]
    assert list(bar.x) == pytest.approx([(0.86 / 0.9 + 1) / 2 * 100, (2 * 0.3 + 0.08) / 3 * 100])
    assert bar.marker.color[1] == charts.STATUS_COLOURS["at_risk"]  # the selected one
    assert fig.layout.yaxis.autorange == "reversed"


def test_palette_is_distinct_and_every_status_has_a_symbol_and_label() -> None:
    assert len(set(charts.STATUS_COLOURS.values())) == len(tg.STATUSES)
    assert len(set(charts.STATUS_SYMBOLS.values())) == len(tg.STATUSES)
    for s in tg.STATUSES:
        for lang in ("zh-Hans", "zh-Hant", "en"):
            assert not charts.status_label(s, lang).endswith(f"status_{s}")


def test_wrap_breaks_long_chinese_labels() -> None:
    assert charts.wrap("规模以上企业建会率", 9) == "规模以上企业建会率"
    assert charts.wrap("规模以上企业工会组建率不低于百分之九十五", 9) == (
        "规模以上企业工会组<br>建率不低于百分之…"
    )
    assert charts.wrap("工资<90%的企业") == "工资&lt;90%的企业"  # not a tag
    # A Latin letter is half as wide: words stay whole.
    assert charts.wrap("Collective wage agreement coverage", 9) == (
        "Collective wage<br>agreement coverage"
    )


def test_wrap_escapes_after_cutting_so_no_entity_is_split() -> None:
    # Cut after 8 characters: escaping first would have cut "&amp;" into a bare "&".
    assert charts.wrap("工" * 7 + "&&" + "工" * 5, 9, 1) == "工" * 7 + "&amp;…"
    assert charts.wrap("<a href='x'>链接</a>", 30) == "&lt;a href='x'&gt;链接&lt;/a&gt;"


def test_typed_units_of_measure_reach_hover_texts_escaped() -> None:
    row = {"title": "培训<b>", "metric": "count", "target": 10, "actual": 3,
           "expected_by_now": 5, "unit_of_measure": "<i>人次</i>", "status": "at_risk"}  # fmt: skip
    fig = charts.bullet(row, "zh-Hans")
    hovers = [str(x) for tr in fig.data for x in (tr.customdata or ())]
    assert hovers and all("<i>" not in h for h in hovers)
    assert any("&lt;i&gt;人次&lt;/i&gt;" in h for h in hovers)
    notes = [a.text for a in fig.layout.annotations]
    assert notes and all("<i>" not in n and "培训<b>" not in n for n in notes)
    assert charts.value_text(row, "actual", "zh-Hans", lambda u: u.upper()) == "3<I>人次</I>"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="kaleido needs chromium")
def test_static_png_renders_chinese_glyphs(evaluated: tuple) -> None:
    """Two figures that differ only in their Chinese title give different pictures.

    Missing CJK fonts would draw both titles as the same empty boxes (tofu)."""
    from PIL import Image

    _, df = evaluated
    pictures = []
    for title in ("工会目标", "帮扶进度"):
        fig = charts.section_bullets(df, "zh-Hans", title=title)
        png = fig.to_image(format="png", width=390, height=300)
        img = Image.open(io.BytesIO(png)).convert("L")
        assert img.size == (390, 300)
        title_box = img.crop((0, 0, 200, 40))
        assert title_box.getextrema()[0] < 100  # something dark was drawn there
        pictures.append(title_box.tobytes())
    assert pictures[0] != pictures[1]
