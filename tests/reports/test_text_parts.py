"""The importer's parts: months at a line's head, list numbering, folding, categories, and
targets in sentences."""

from __future__ import annotations

import pytest

from unionplan.data.parse import PlanDate
from unionplan.data.schema import ACTIVITY_CATEGORY
from unionplan.reports import lines as ln
from unionplan.reports.categories import RULES, guess_category
from unionplan.reports.months import deadline_of, read_months
from unionplan.reports.target_text import find_targets


@pytest.mark.parametrize(
    ("text", "months", "span", "rest"),
    [
        ("三月份：1、庆祝", (3,), False, "：1、庆祝"),
        ("七、八月份", (7, 8), True, ""),
        ("一二月份：召开", (1, 2), True, "：召开"),
        ("3-5月 春季活动", (3, 4, 5), True, " 春季活动"),
        ("７月", (7,), False, ""),
        ("十二月收获与畅想", (12,), False, "收获与畅想"),
        ("3、11月开展", (3, 11), False, "开展"),
    ],
)
def test_read_months(text: str, months: tuple[int, ...], span: bool, rest: str) -> None:
    head = read_months(ln.fold(text))
    assert head is not None and head.valid
    assert (head.months, head.span, text[head.end :]) == (months, span, rest)


@pytest.mark.parametrize(
    "text",
    ["一、健全女工组织", "五一庆祝活动", "三八节", "二是", "1、以争创活动为抓手", "2016年，人大"],
)
def test_not_months(text: str) -> None:
    assert read_months(ln.fold(text)) is None


def test_shaped_like_a_month_but_not_one() -> None:
    assert read_months("13月") is not None and not read_months("13月").valid
    assert not read_months("11-2月").valid  # across the new year


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("3月;11月", PlanDate(2026, 11)),
        ("3月25日前", PlanDate(2026, 3, 25)),
        ("1、4季度", PlanDate(2026, 12)),
        ("1-12月", PlanDate(2026, 12)),
        ("每半年一次", None),
    ],
)
def test_deadline_of(text: str, due: PlanDate | None) -> None:
    assert deadline_of(ln.fold(text), 2026) == due


def test_fold_keeps_length_and_maps_full_width_and_traditional() -> None:
    text = "慶祝“三八”節，３月（１）運動會"
    folded = ln.fold(text)
    assert len(folded) == len(text)
    assert folded == "庆祝“三八”节,3月(1)运动会"


@pytest.mark.parametrize(
    ("text", "number", "rest"),
    [
        ("1、读书", 1, "读书"),
        ("(2)、论坛", 2, "论坛"),
        ("③体检", 3, "体检"),
        ("4. 展示", 4, "展示"),
        ("5）座谈", 5, "座谈"),
        ("6。学习", 6, "学习"),
        ("3.8节活动", None, "3.8节活动"),
        ("2016年计划", None, "2016年计划"),
    ],
)
def test_numbering(text: str, number: int | None, rest: str) -> None:
    n, at = ln.numbering(ln.fold(text))
    assert (n, text[at:]) == (number, rest)


def test_split_numbered_needs_consecutive_numbers() -> None:
    def parts(text: str) -> list[str]:
        f = ln.fold(text)
        return [ln.trim(text[a:b]) for a, b in ln.split_numbered(f)]

    assert parts("1、读书 2、论坛；3、体检") == ["读书", "论坛", "体检"]
    assert parts("（1）甲（2）乙") == ["甲", "乙"]
    assert parts("评出第2、3名 各5人") == ["评出第2、3名 各5人"]


@pytest.mark.parametrize(
    "text",
    [
        "下面是小编整理的个人今后的计划范文,欢迎阅读分享,希望对大家有所帮助。",
        "相关信息请访问[工作计划网](#)工作计划频道。",
        "更多工作计划尽在工作计划网。",
    ],
)
def test_ad_lines(text: str) -> None:
    assert ln.is_ad(ln.fold(text))


def test_plan_lines_are_not_ads() -> None:
    for text in ("利用医院网站“医学与法律”专栏进行大力宣传", "培养更多德才兼备的工会干部"):
        assert not ln.is_ad(ln.fold(text))


def test_category_rules_use_the_schema_codes() -> None:
    assert {code for code, _ in RULES} <= set(ACTIVITY_CATEGORY.values)


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("庆祝“三八”节", "festival"),
        ("五一劳动节表彰", "awards"),
        ("教师节文艺联欢", "festival"),
        ("中秋节游园", "festival"),
        ("春节慰问退休教职工", "care"),
        ("职工运动会", "culture_sports"),
        ("教职工乒乓球比赛", "culture_sports"),
        ("棋牌赛", "culture_sports"),
        ("春游踏青", "culture_sports"),
        ("工会干部培训", "study"),
        ("青年教师技能大赛", "skills"),
        ("召开工会委员会议", "meeting"),
        ("暑期送清凉", "care"),
        ("召开教代会", "democratic"),
        ("女职工档案更新", "women"),
        ("年终先进评比", "awards"),
        ("板报", "other"),
        ("慶祝“三八”節", "festival"),  # Traditional
        ("教職工運動會", "culture_sports"),
        ("慰問困難職工", "care"),
    ],
)
def test_guess_category(title: str, code: str) -> None:
    assert guess_category(title) == code


def targets(text: str) -> list[tuple[float, str, str, str, str | None]]:
    return [
        (t.value, t.unit, t.metric, t.direction, t.note) for t in find_targets(text, ln.fold(text))
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("建会率≥95%。", [(95.0, "%", "rate", "at_least", None)]),
        ("各社区新增建会任务全年不少于2家。", [(2.0, "家", "count", "at_least", None)]),
        ("每年不少于2篇。", [(2.0, "篇", "count", "at_least", None)]),
        ("举办1-2期工会干部培训班。", [(1.0, "期", "count", "at_least", "1-2期")]),
        ("签订工资集体协议达到90%以上。", [(90.0, "%", "rate", "at_least", None)]),
        ("女职工代表要达到职工代表总数的50%。", [(50.0, "%", "rate", "at_least", None)]),
        ("全年活动经费不超过2.5万元。", [(25000.0, "元", "amount", "at_most", None)]),
        ("确保每年召开两次职工代表大会。", [(2.0, "次", "count", "at_least", None)]),
        ("每名干部每年下基层不少于90天。", [(90.0, "天", "count", "at_least", None)]),
    ],
)
def test_targets_in_sentences(text: str, found: list) -> None:
    assert targets(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "培训工会干部53人次；全镇有1400多名职工参加了知识竞赛。",  # a summary reports
        "至今已有43家企业签订了工资集体协商协议书，签订率达86%。",
        "以“三个代表”重要思想为指导。",  # a number inside a name
        "坚持每三个月举行会议。",  # a duration
        "开展35岁以下青年教师基本功比赛。",  # an age, not a unit
        "工会主席第2次参加培训。",  # an ordinal
        "拟在六月份召开二届二次教代会。",  # which session, not how many
    ],
)
def test_not_targets(text: str) -> None:
    assert targets(text) == []


def test_qualifying_size_is_not_a_target() -> None:
    text = "努力达到25人以上企业建独立工会率达95%以上"
    assert targets(text) == [(95.0, "%", "rate", "at_least", None)]


def test_several_targets_in_one_sentence_get_their_clause_as_title() -> None:
    text = "年内举办培训班1次以上，组织代表集中学法2次以上，撰写上报3篇以上典型材料。"
    titles = [t.title for t in find_targets(text, ln.fold(text))]
    assert titles == ["年内举办培训班1次以上", "组织代表集中学法2次以上", "撰写上报3篇以上典型材料"]
