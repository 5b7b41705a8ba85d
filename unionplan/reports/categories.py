"""Guessing an activity's category from its title, by keywords, as a first suggestion.

The codes are those of `unionplan.data.schema.ACTIVITY_CATEGORY`. Rules are tried in
order and the first category with a keyword in the (folded, Simplified) title wins, so
a festival visit to retirees is care ("春节慰问"), a Women's Day party a festival
("庆祝三八节") and a women workers' file update women's work ("女职工档案"). The person
corrects the guess in the preview; "other" when nothing matches.
"""

from __future__ import annotations

import re

from unionplan.reports.lines import fold

# (category code, keywords), most specific first. Keywords are Simplified Chinese and
# lower-case English; titles are folded (Traditional to Simplified) before matching.
RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "care",
        (
            "慰问",
            "送温暖",
            "帮扶",
            "帮困",
            "困难职工",
            "救助",
            "送清凉",
            "送凉",
            "夏送",
            "金秋助学",
            "助学",
            "体检",
            "疗休养",
            "疗养",
            "探望",
            "看望",
            "关爱",
            "保险",
            "互助",
            "献爱心",
            "一日捐",
            "献血",
            "义诊",
            "visit",
        ),
    ),
    (
        "democratic",
        (
            "职代会",
            "教代会",
            "职工代表大会",
            "教职工代表大会",
            "代表大会",
            "提案",
            "合理化建议",
            "校务公开",
            "厂务公开",
            "院务公开",
            "政务公开",
            "民主",
            "集体协商",
            "集体合同",
            "congress",
        ),
    ),
    (
        "skills",
        (
            "技能",
            "技术比武",
            "岗位练兵",
            "劳动竞赛",
            "基本功",
            "评教",
            "听评课",
            "评课",
            "教案",
            "说课",
            "大赛",
            "创新",
            "skills",
        ),
    ),
    (
        "awards",
        (
            "评优",
            "评先",
            "先进",
            "表彰",
            "评比",
            "评选",
            "劳模",
            "积极分子",
            "积级分子",
            "红旗",
            "标兵",
            "award",
        ),
    ),
    (
        "festival",
        (
            "三八",
            "三、八",
            "妇女节",
            "五一",
            "劳动节",
            "五四",
            "青年节",
            "六一",
            "儿童节",
            "七一",
            "建党",
            "八一",
            "教师节",
            "护士节",
            "中秋",
            "国庆",
            "春节",
            "元旦",
            "元宵",
            "端午",
            "重阳",
            "清明",
            "扫墓",
            "新年",
            "迎新",
            "节日",
            "festival",
        ),
    ),
    (
        "women",
        ("女职工", "女工", "女教工", "女教师", "女员工", "妇女", "巾帼", "妇科", "women"),
    ),
    (
        "culture_sports",
        (
            "运动会",
            "比赛",
            "竞赛",
            "球赛",
            "乒乓",
            "羽毛球",
            "篮球",
            "足球",
            "排球",
            "拔河",
            "棋牌",
            "象棋",
            "春游",
            "秋游",
            "踏青",
            "登山",
            "爬山",
            "健身",
            "体操",
            "课间操",
            "锻炼",
            "文艺",
            "文体",
            "联欢",
            "联谊",
            "唱",
            "歌",
            "舞",
            "演讲",
            "诵读",
            "颂读",
            "朗诵",
            "书法",
            "摄影",
            "展演",
            "电影",
            "观影",
            "趣味",
            "游园",
            "决赛",
            "sport",
        ),
    ),
    (
        "study",
        (
            "学习",
            "培训",
            "讲座",
            "论坛",
            "读书",
            "教育",
            "知识",
            "宣传",
            "研讨",
            "沙龙",
            "参观",
            "考察",
            "报告会",
            "征文",
            "training",
        ),
    ),
    (
        "meeting",
        (
            "会议",
            "例会",
            "座谈",
            "委员会",
            "讨论会",
            "总结",
            "部署",
            "计划",
            "换届",
            "选举",
            "meeting",
        ),
    ),
)

DEFAULT = "other"

# One compiled alternation per category: a title is checked in C, rule by rule.
_PATTERNS = tuple(
    (code, re.compile("|".join(re.escape(w) for w in words))) for code, words in RULES
)


def guess_category(title: str) -> str:
    """The category code a title suggests; "other" when no keyword matches."""
    text = fold(title).casefold()
    for code, pattern in _PATTERNS:
        if pattern.search(text):
            return code
    return DEFAULT
