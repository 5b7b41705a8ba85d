"""The plan importer on text: the seed plans' activity schedules and targets, and malformed
text (no months, mixed numbering, full-width digits, a month named twice, Traditional)."""

from __future__ import annotations

from pathlib import Path

import pytest

from unionplan.data.parse import PlanDate
from unionplan.errors import UnionplanError
from unionplan.reports.lines import clean_line, label
from unionplan.reports.months import read_months
from unionplan.reports.plan_text import MAX_CHARS, parse_plan_text
from unionplan.reports.preview import ImportPreview

FIXTURES = Path(__file__).parent / "fixtures"
YEAR = 2026


def parse(name: str) -> ImportPreview:
    return parse_plan_text((FIXTURES / name).read_text(encoding="utf-8"), YEAR)


def keys(preview: ImportPreview) -> list[str]:
    return [i.key for i in preview.issues]


# ------------------------------------------------------------------ the seed blocks

# Counted by hand from the text of 篇三 (seed 002): "2月新学期新面貌" 1.–4., "3月争创活动"
# 1.–3., "4月体验与运动" 1.–3., "5月收获与畅想" 1、2、, "6月评比表彰" 1.2., "9月…" 1、–3、,
# "10月祖国颂活动" 1、2、, "11月强身健体" 1、2、, "12月收获与畅想" 1、2、.
PLAN3_COUNTS = {
    (2,): 4,
    (3,): 3,
    (4,): 3,
    (5,): 2,
    (6,): 2,
    (9,): 3,
    (10,): 2,
    (11,): 2,
    (12,): 2,
}
# 篇七's 具体工作安排: 九月份, 三月份 … 六月份 four unnumbered lines each; 七、八月份 five.
PLAN7_COUNTS = {(9,): 4, (3,): 4, (4,): 4, (5,): 4, (6,): 4, (7, 8): 5}
# 篇八's 主要活动安排, one line a month, items split at "，" after the colon.
PLAN8_COUNTS = {
    (1, 2): 2,
    (3,): 2,
    (4,): 1,
    (5,): 1,
    (6,): 1,
    (7, 8): 1,
    (9,): 1,
    (10,): 1,
    (11,): 1,
    (12,): 1,
}


def test_plan3_schedule_activities_per_month() -> None:
    preview = parse("plan3_schedule.txt")
    assert preview.month_counts() == PLAN3_COUNTS
    feb = [a for a in preview.activities if a.months == (2,)]
    assert [a.title for a in feb] == [
        "开展读书学习活动，让书香飘进办公室",  # numbering and the closing ";" dropped
        "参加青年教师论坛",
        "庆祝“元宵节”",
        "关爱---全校教师体检",
    ]
    assert {a.theme for a in feb} == {"新学期新面貌"}  # the month's theme heading
    assert all(a.start == PlanDate(YEAR, a.months[0]) and a.end is None for a in feb)


def test_plan3_schedule_ends_at_the_next_plan() -> None:
    preview = parse("plan3_schedule.txt")
    lines = (FIXTURES / "plan3_schedule.txt").read_text(encoding="utf-8").splitlines()
    last = max(a.line for a in preview.activities if a.line is not None)
    assert lines[last - 1].endswith("迎新座谈总结")
    after = [i for i in preview.issues if i.line and i.line > last]
    assert [i.key for i in after] == ["reports.not_imported"]  # 篇四's title and its goals
    assert after[0].text == "工会工作计划表篇四"


def test_plan7_schedule_with_a_span_of_two_months() -> None:
    preview = parse("plan7_schedule.txt")
    assert preview.month_counts() == PLAN7_COUNTS
    summer = [a for a in preview.activities if a.months == (7, 8)]
    assert [a.title for a in summer] == [
        "校歌颂唱决赛",
        "教研组校歌颂唱",
        "教职工疗修养活动",
        "二届二次教代会",
        "暑期送凉风帮困活动",
    ]
    # One activity over both months, not two; a school year: after 九月 comes next year's
    # 三月, so the summer is next year's too.
    assert all((a.start, a.end) == (PlanDate(YEAR + 1, 7), PlanDate(YEAR + 1, 8)) for a in summer)
    assert {a.start.year for a in preview.activities if a.months == (9,)} == {YEAR}
    assert "reports.month_again" not in keys(preview)


def test_plan8_one_line_a_month_and_spans_written_together() -> None:
    preview = parse("plan8_schedule.txt")
    assert preview.month_counts() == PLAN8_COUNTS
    jan_feb = [a.title for a in preview.activities if a.months == (1, 2)]
    assert jan_feb == ["召开职工代表大会", "农历新年慰问退休教职工"]
    by_title = {a.title: a.category for a in preview.activities}
    assert by_title["庆祝“三八”节"] == "festival"
    assert by_title["趣味运动会"] == "culture_sports"
    assert by_title["农历新年慰问退休教职工"] == "care"
    assert by_title["召开职工代表大会"] == "democratic"
    assert by_title["举办教职工乒乓球赛"] == "culture_sports"


def test_plan1_targets_with_deadlines_sections_and_responsible() -> None:
    preview = parse("plan1_women_targets.txt")
    assert preview.activities == []
    assert "reports.no_months" in keys(preview)
    got = {(t.value, t.unit): t for t in preview.targets}
    reports = got[(2.0, "篇")]
    assert (
        reports.title
        == "建立信息报送制度，及时向上级工会女职工组织报送女职工工作信息，每年不少于2篇"
    )
    assert (reports.metric, reports.direction, reports.period) == ("count", "at_least", "year")
    assert reports.deadline == PlanDate(YEAR, 11)  # 时限：3月;11月
    assert reports.responsible == "工会女工"  # 责任人：工会女工, at the section's end
    assert reports.section == "健全女工组织，规范女职工工作制度"
    delegates = got[(50.0, "%")]
    assert (delegates.metric, delegates.direction) == ("rate", "at_least")
    assert delegates.title == "女职工代表要达到职工代表总数的50%"
    assert delegates.section == "履行女职工工作职能，深入实施依法维权工程"
    assert delegates.deadline == PlanDate(YEAR, 12)  # 时限：1月、12月。
    files = got[(2.0, "次")]
    assert files.title.startswith("完善女职工档案，全年进行二次女职工档案信息调整工作")
    assert files.deadline == PlanDate(YEAR, 10)  # 时限：4月;10月
    committees = got[(4.0, "个")]
    assert committees.deadline == PlanDate(YEAR, 3, 25)  # 时限：3月25日前
    half_yearly = [t for t in preview.targets if t.period == "half"]
    assert [t.value for t in half_yearly] == [1.0, 1.0]  # 每半年一次, 每半年报告一次
    assert len(preview.targets) == 6


def test_street_targets_rates_counts_and_a_qualifier() -> None:
    preview = parse("street_targets.txt")
    found = [(t.value, t.unit, t.direction) for t in preview.targets]
    assert found == [
        (95.0, "%", "at_least"),  # 25人以上企业建独立工会率达95%以上 (25人 qualifies)
        (95.0, "%", "at_least"),
        (2.0, "家", "at_least"),  # 全年不少于2家
        (90.0, "%", "at_least"),  # 达到90%以上
        (2.0, "家", "at_least"),
        (40.0, "%", "at_least"),  # a sentence broken over two lines, read as one
        (2.0, "家", "at_least"),  # 2家以上
    ]
    split = preview.targets[5]
    assert "要达到单独建会正常生产经营企业的40%以上的目标" in split.title
    lines = (FIXTURES / "street_targets.txt").read_text(encoding="utf-8").splitlines()
    assert "40%" in lines[split.line - 1]  # the line its number is on, not the one before
    assert lines[preview.targets[6].line - 1].startswith("独建会")


def test_markdown_version_gives_the_same_schedule() -> None:
    preview = parse("plan3_markdown.md")
    assert preview.month_counts() == PLAN3_COUNTS
    titles = [a.title for a in preview.activities if a.months == (3,)]
    assert titles[0] == "开展“三八”节庆祝活动，教师特长展示"  # "### 3月争创活动" heading


def test_site_ads_are_skipped_and_reported() -> None:
    preview = parse("site_ads.txt")
    ads = [i for i in preview.issues if i.key == "reports.ad_skipped"]
    assert [i.line for i in ads] == [5, 9, 23, 33]
    assert ads[-1].last_line == 37  # three ad lines in a row (blank lines between): one issue
    assert all(i.level == "info" for i in ads)


@pytest.mark.parametrize(
    "name",
    ["plan1_women_targets.txt", "plan3_schedule.txt", "plan7_schedule.txt", "site_ads.txt"],
)
def test_no_line_is_dropped_silently(name: str) -> None:
    """Every non-blank line became an activity, a target or a heading, or is in an issue."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    preview = parse_plan_text(text, YEAR)
    accounted: set[int] = set()
    for issue in preview.issues:
        if issue.line is not None:
            accounted.update(range(issue.line, (issue.last_line or issue.line) + 1))
    accounted.update(a.line for a in preview.activities if a.line)
    accounted.update(t.line for t in preview.targets if t.line)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean_line(number, raw)
        if line is None or number in accounted:
            continue
        # What remains is structure that was used: month headings, 时限/责任人 lines.
        used = read_months(line.folded) is not None or label(line.folded) is not None
        assert used, (number, raw)


# ------------------------------------------------------------------ malformed text


def test_text_without_months_is_an_empty_preview_with_a_clear_issue() -> None:
    preview = parse_plan_text("工会要做好服务工作。\n关心职工生活，办实事。\n", YEAR)
    assert preview.empty
    assert preview.issues[0].key == "reports.no_months" and preview.issues[0].line is None
    assert preview.issues[1].key == "reports.not_imported"
    assert (preview.issues[1].line, preview.issues[1].last_line) == (1, 2)


def test_empty_text() -> None:
    preview = parse_plan_text("", YEAR)
    assert preview.empty and keys(preview) == ["reports.no_months"]


def test_mixed_numbering_that_starts_anywhere() -> None:
    text = "三月份\n3、庆祝三八节\n(4)趣味运动会\n⑤女职工座谈会\n6. 读书沙龙\n7）慰问困难职工\nb、植树活动\n"
    preview = parse_plan_text(text, YEAR)
    assert [a.title for a in preview.activities] == [
        "庆祝三八节",
        "趣味运动会",
        "女职工座谈会",
        "读书沙龙",
        "慰问困难职工",
        "植树活动",
    ]
    assert preview.month_counts() == {(3,): 6}


def test_items_numbered_on_the_heading_line() -> None:
    preview = parse_plan_text("三月份：1、庆祝“三八”节 2、趣味运动会 3、女职工体检\n", YEAR)
    assert [a.title for a in preview.activities] == ["庆祝“三八”节", "趣味运动会", "女职工体检"]
    one_line = parse_plan_text("5月：①五一表彰②劳模座谈", YEAR)
    assert [a.title for a in one_line.activities] == ["五一表彰", "劳模座谈"]


def test_a_theme_then_a_colon_then_the_items() -> None:
    preview = parse_plan_text(
        "三月份活动安排：庆祝三八节，趣味运动会\n四月份工作：\n1、春游\n", YEAR
    )
    assert [(a.title, a.months, a.theme) for a in preview.activities] == [
        ("庆祝三八节", (3,), "活动安排"),
        ("趣味运动会", (3,), "活动安排"),
        ("春游", (4,), "工作"),
    ]


def test_full_width_digits() -> None:
    text = "３月：\n１．庆祝三八节\n２．趣味运动会\n７－８月：疗休养\n"
    preview = parse_plan_text(text, YEAR)
    assert preview.month_counts() == {(3,): 2, (7, 8): 1}
    assert preview.activities[0].title == "庆祝三八节"


@pytest.mark.parametrize(
    ("heading", "months"),
    [
        ("一、二月", (1, 2)),
        ("一二月份", (1, 2)),
        ("七、八月份", (7, 8)),
        ("七八月份", (7, 8)),
        ("7-8月", (7, 8)),
        ("7至8月", (7, 8)),
        ("2月", (2,)),
        ("二月：", (2,)),
        ("十一月份", (11,)),
        ("十二月", (12,)),
        ("**三月份**", (3,)),
        ("## 九月份", (9,)),
        ("20xx年3月：", (3,)),
    ],
)
def test_month_headings(heading: str, months: tuple[int, ...]) -> None:
    preview = parse_plan_text(f"{heading}\n1、工会活动\n", YEAR)
    assert preview.month_counts() == {months: 1}


def test_a_month_named_twice_is_merged_and_reported() -> None:
    text = "三月份\n1、庆祝三八节\n四月份\n1、春游\n三月份\n1、趣味运动会\n"
    preview = parse_plan_text(text, YEAR)
    assert preview.month_counts() == {(3,): 2, (4,): 1}
    again = [i for i in preview.issues if i.key == "reports.month_again"]
    assert [(i.line, dict(i.params)) for i in again] == [(5, {"months": "3", "first": 1})]
    assert again[0].level == "warning"


def test_the_same_item_twice_is_imported_once() -> None:
    preview = parse_plan_text("三月份\n1、庆祝三八节\n2、庆祝三八节；\n", YEAR)
    assert [a.title for a in preview.activities] == ["庆祝三八节"]
    dup = [i for i in preview.issues if i.key == "reports.duplicate_item"]
    assert [(i.line, i.params["first"]) for i in dup] == [(3, 2)]


def test_traditional_chinese() -> None:
    text = (
        "三、主要活動安排\n"
        "三月份：慶祝“三八”節，趣味運動會\n"
        "七、八月份：在職教工送清涼活動\n"
        "十月份：舉辦教職工乒乓球賽\n"
        "各社區新增建會任務全年不少於2家。\n"
    )
    preview = parse_plan_text(text, YEAR)
    assert [(a.title, a.months, a.category) for a in preview.activities] == [
        ("慶祝“三八”節", (3,), "festival"),  # titles stay as written
        ("趣味運動會", (3,), "culture_sports"),
        ("在職教工送清涼活動", (7, 8), "care"),
        ("舉辦教職工乒乓球賽", (10,), "culture_sports"),
    ]
    assert [(t.value, t.unit, t.direction) for t in preview.targets] == [(2.0, "家", "at_least")]


def test_a_month_heading_with_nothing_under_it() -> None:
    preview = parse_plan_text("三月份\n四月份\n1、春游\n", YEAR)
    assert preview.month_counts() == {(4,): 1}
    assert [(i.line, i.key) for i in preview.issues] == [(1, "reports.month_empty")]


def test_a_theme_alone_becomes_the_activity() -> None:
    preview = parse_plan_text("九月份 教师节慰问\n十月份 重阳节看望退休教师\n", YEAR)
    assert [(a.title, a.category, a.theme) for a in preview.activities] == [
        ("教师节慰问", "care", None),
        ("重阳节看望退休教师", "care", None),
    ]


def test_months_not_consecutive_give_one_activity_each() -> None:
    preview = parse_plan_text("3、11月：女职工法律知识答卷\n", YEAR)
    assert preview.month_counts() == {(3,): 1, (11,): 1}


def test_a_day_in_the_heading_is_kept() -> None:
    preview = parse_plan_text("3月8日：庆祝三八妇女节\n", YEAR)
    assert preview.activities[0].start == PlanDate(YEAR, 3, 8)


def test_not_a_month_is_reported() -> None:
    preview = parse_plan_text("13月：联欢会\n", YEAR)
    assert preview.activities == []
    assert "reports.bad_month" in keys(preview)


def test_prose_that_starts_with_a_month_is_not_a_schedule() -> None:
    text = "5月份各基层工会组织广大职工学习规划知识，全镇有1400多名职工参加了知识竞赛活动。\n"
    preview = parse_plan_text(text, YEAR)
    assert preview.empty
    assert "reports.not_imported" in keys(preview)


def test_too_long_text_is_refused_clearly() -> None:
    with pytest.raises(UnionplanError) as err:
        parse_plan_text("三" * (MAX_CHARS + 1), YEAR)
    assert err.value.key == "reports.err_too_long"
    assert err.value.params == {"limit": MAX_CHARS}


# ------------------------------------------------------------------ long lines

# No pattern in the importer can backtrack badly; these inputs return at once. The timeout
# is a guard against a hang (catastrophic backtracking takes hours here), not a timing.
LONG_LINES = {
    "digits": "1" * 100_000,
    "numerals": "三" * 100_000,
    "month list": "七、" * 50_000,
    "inline items": "三月份：" + "1、庆祝 " * 16_000,
    "targets": "每年不少于2篇，" * 12_500,
    "percents": "95%以上" * 20_000,
    "dotted numbers": "1." * 50_000,
    "ranges": "1-" * 50_000,
    "parentheses": "(1)" * 33_000,
    "circled": "①" * 100_000,
    "quotes": "“" * 100_000,
    "counts": "二次" * 50_000,
    "number then spaces": "1" + " " * 99_998 + "篇",
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", sorted(LONG_LINES))
def test_a_100000_character_line_returns(name: str) -> None:
    preview = parse_plan_text(LONG_LINES[name], YEAR)
    # Bounded output: a line gives at most one activity per item and 100 targets.
    assert len(preview.targets) <= 100
    assert all(len(a.title) <= 201 for a in preview.activities)
    assert preview.issues  # and says what it made of it


SCHOOL_YEAR = """某某小学工会2026—2027学年工作安排
九月份
1. 庆祝教师节
十二月份
1. 迎新年联欢会
一月份
1. 寒假前走访慰问
六月份
1. 端午节包粽子
"""


def test_a_school_year_plan_puts_its_spring_in_the_next_year() -> None:
    preview = parse_plan_text(SCHOOL_YEAR, YEAR)
    starts = {a.title: a.start for a in preview.activities}
    assert starts == {
        "庆祝教师节": PlanDate(YEAR, 9),
        "迎新年联欢会": PlanDate(YEAR, 12),
        "寒假前走访慰问": PlanDate(YEAR + 1, 1),
        "端午节包粽子": PlanDate(YEAR + 1, 6),
    }
    (turn,) = [i for i in preview.issues if i.key == "reports.next_year"]
    assert turn.line == 6 and turn.params == {"year": YEAR + 1}  # at 一月份, said once
    assert str(YEAR + 1) in turn.message("zh-Hans")


def test_a_calendar_year_plan_stays_in_its_year() -> None:
    preview = parse("plan3_schedule.txt")
    assert {a.start.year for a in preview.activities} == {YEAR}
    assert not [i for i in preview.issues if i.key == "reports.next_year"]
