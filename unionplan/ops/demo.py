"""A realistic demo year for a school union or a township federation, and the way back to empty.

The demo follows the seed plans (DOMAIN.md): a month-by-month activity schedule, targets
with the numbers plans set, progress recorded up to "today", hardship cases paired with
cadres and the aid paid to them. Every person in the aid files is invented (张某芳-style
names, ID numbers ending in XXXX, 138-0000-00xx phones). Output is deterministic for a
given (kind, year, today), so tests can rely on its figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import random
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unionplan.data import parse, schema
from unionplan.data.parse import PlanDate
from unionplan.data.schema import TABLES, Table
from unionplan.data.store.base import Cell, Grid, Store
from unionplan.data.workbook import ROW, Workbook, WorkbookData, new_id, read_table, to_cell
from unionplan.errors import BackendUnavailableError, UnionplanError
from unionplan.plan import holidays

LANG = "zh-Hans"
KINDS = ("school", "township")
UNION_NAMES = {"school": "某某中学工会", "township": "某某镇总工会"}
DEMO_NOTE = "演示数据：姓名、身份证号、电话、住址均为虚构"


# ------------------------------------------------------------------ the plan as data


@dataclass(frozen=True)
class _Unit:
    key: str
    name: str
    kind: str
    parent: str | None
    members: int
    women: int
    staff: int | None
    chair: str
    notes: str = ""


@dataclass(frozen=True)
class _Target:
    key: str
    section: str
    title: str
    metric: str
    uom: str
    target: float
    deadline: PlanDate
    responsible: str
    weight: float
    # count/amount: (month, day, increment, note, unit key|None)
    # rate: (month, day, numerator, denominator, note, None); milestone: (month, day, 1, note, None)
    progress: tuple[tuple[Any, ...], ...] = ()
    baseline: float | None = None
    unit: str | None = None
    milestones: str = ""
    count_source: str = "manual"
    count_category: str | None = None
    period: str = "year"
    direction: str = "at_least"
    notes: str = ""


@dataclass(frozen=True)
class _Act:
    month: int
    day: int | None  # None: the plan names only the month
    title: str
    category: str
    location: str
    unit: str | None
    responsible: str
    planned: int
    budget: float | None = None
    target: str | None = None
    flag: str | None = None  # "postpone" | "cancel": what happened if its date has passed
    time: str = ""
    days: int = 1  # how many days a dated activity lasts
    key: str | None = None  # for aid payments that point at it
    notes: str = ""
    # A lunar festival (holidays key) the activity is held `before` days ahead of: its
    # date moves with the lunar calendar instead of being fixed to one year's date.
    festival: str | None = None
    before: int = 0


@dataclass(frozen=True)
class _Case:
    key: str
    name: str
    gender: str
    birth: str  # yyyymmdd, only for the invented ID number
    unit: str
    causes: tuple[str, ...]
    level: str
    status: str
    family: int
    income: float
    situation: str
    cadre: str
    opened: tuple[int, int, int]  # (years before the plan year, month, day)
    review: tuple[int, int, int] | None = None  # (years after the plan year, month, day)
    exited: tuple[int, int] | None = None  # (month, day) in the plan year


@dataclass(frozen=True)
class _Pay:
    case: str
    month: int
    day: int
    kind: str
    cash: float
    fund: str
    handler: str
    goods: str = ""
    goods_value: float | None = None
    activity: str | None = None
    notes: str = ""


@dataclass(frozen=True)
class _Income:
    month: int
    day: int
    source: str
    amount: float
    handler: str
    notes: str


@dataclass(frozen=True)
class _Plan:
    units: tuple[_Unit, ...]
    targets: tuple[_Target, ...]
    activities: tuple[_Act, ...]
    recurring: _Act
    cases: tuple[_Case, ...]
    # Visits that go to every case on file: (month, day, kind, cash by level, goods, goods
    # value, fund, handler, activity key, note)
    rounds: tuple[tuple[Any, ...], ...]
    payments: tuple[_Pay, ...]
    income: tuple[_Income, ...]
    skip_note: str


# Invented cadres. Aid-case names below are written 张某芳-style so nobody real is named.
_S_CHAIR, _S_VICE, _S_ORG, _S_SPORT, _S_AID, _S_NEWS = (
    "李明华",
    "王秀兰",
    "张志强",
    "刘晓燕",
    "陈建国",
    "赵丽娟",
)

_SCHOOL = _Plan(
    units=(
        _Unit(
            "u_all",
            "某某中学工会",
            "base",
            None,
            120,
            72,
            126,
            _S_CHAIR,
            "学校工会，会员数为全校合计",
        ),
        _Unit("u_g7", "初一年级分会", "branch", "u_all", 28, 18, 29, "孙海燕"),
        _Unit("u_g8", "初二年级分会", "branch", "u_all", 27, 17, 28, "周国栋"),
        _Unit("u_g9", "初三年级分会", "branch", "u_all", 30, 19, 31, "吴丽萍"),
        _Unit("u_adm", "行政后勤分会", "branch", "u_all", 22, 12, 24, "郑卫东"),
        _Unit("u_pe", "体艺组工会小组", "group", "u_all", 13, 6, 14, _S_SPORT),
        _Unit("u_women", "女职工委员会", "committee", "u_all", 72, 72, None, _S_VICE),
    ),
    targets=(
        _Target(
            "t_rate",
            "组织建设",
            "教职工入会率",
            "rate",
            "%",
            0.98,
            PlanDate(0, 12, 31),
            _S_ORG,
            8,
            baseline=0.95,
            progress=(
                (3, 31, 115, 122, "一季度会员数据核对", None),
                (6, 30, 117, 122, "半年核对：2名合同制教师入会", None),
                (9, 30, 120, 124, "新学期新入职教师入会", None),
                (12, 20, 122, 124, "年终会员档案更新", None),
            ),
            notes="会员实名制管理，新入职教职工当月动员入会",
        ),
        _Target(
            "t_new",
            "组织建设",
            "新入职教职工入会",
            "count",
            "人",
            6,
            PlanDate(0, 10, 31),
            _S_ORG,
            4,
            progress=(
                (9, 12, 4, "新会员入会仪式，4名新教师入会", "u_all"),
                (10, 15, 1, "1名后勤新职工入会", "u_adm"),
            ),
        ),
        _Target(
            "t_contract",
            "维权与集体协商",
            "续签教职工集体合同（含工资专项协议）",
            "milestone",
            "项",
            1,
            PlanDate(0, 6, 30),
            _S_CHAIR,
            8,
            progress=((6, 12, 1, "经教代会审议通过并签订", None),),
        ),
        _Target(
            "t_congress",
            "民主管理",
            "召开教代会",
            "count",
            "次",
            2,
            PlanDate(0, 12, 31),
            _S_CHAIR,
            10,
            count_source="linked",
            notes="每年召开两次教代会，按关联活动统计",
        ),
        _Target(
            "t_motions",
            "民主管理",
            "教代会提案办结率",
            "rate",
            "%",
            0.9,
            PlanDate(0, 12, 31),
            _S_CHAIR,
            6,
            progress=(
                (7, 15, 8, 19, "首批提案答复", None),
                (9, 30, 13, 19, "三季度督办", None),
                (12, 20, 16, 19, "3件涉及校舍改造，待明年预算", None),
            ),
        ),
        _Target(
            "t_training",
            "职工素质",
            "培训工会干部",
            "count",
            "人次",
            50,
            PlanDate(0, 12, 31),
            _S_ORG,
            10,
            milestones="Q1:20%;Q2:50%;Q3:75%;Q4:100%",
            progress=(
                (3, 20, 12, "参加区教育工会春季培训班", None),
                (5, 24, 8, "教代会代表网上培训", None),
                (7, 16, 18, "工会干部暑期培训班", None),
                (11, 28, 15, "工会干部业务培训", None),
            ),
        ),
        _Target(
            "t_ideas",
            "职工素质",
            "征集合理化建议",
            "count",
            "项",
            12,
            PlanDate(0, 12, 31),
            _S_CHAIR,
            5,
            progress=(
                (6, 20, 7, "合理化建议征集月", None),
                (12, 10, 5, "“金点子”评选", None),
            ),
        ),
        _Target(
            "t_aid_money",
            "帮扶送温暖",
            "发放困难教职工帮扶资金",
            "amount",
            "元",
            18000,
            PlanDate(0, 12, 31),
            _S_AID,
            12,
            milestones="Q1:25%;Q2:45%;Q3:75%;Q4:100%",
            notes="含送温暖、金秋助学、大病救助，不含物资折价",
        ),
        _Target(
            "t_pairing",
            "帮扶送温暖",
            "困难教职工一对一结对帮扶覆盖率",
            "rate",
            "%",
            1.0,
            PlanDate(0, 6, 30),
            _S_AID,
            6,
            progress=(
                (3, 31, 7, 9, "新建档2户待结对", None),
                (6, 30, 9, 9, "全部落实结对干部", None),
                (12, 20, 9, 9, "年终复核", None),
            ),
        ),
        _Target(
            "t_women_rep",
            "女职工工作",
            "女代表占教代会代表比例",
            "rate",
            "%",
            0.5,
            PlanDate(0, 6),
            _S_VICE,
            5,
            unit="u_women",
            progress=(
                (6, 12, 21, 45, "二届三次教代会代表", None),
                (11, 25, 22, 45, "增补1名女代表", None),
            ),
        ),
        _Target(
            "t_women_info",
            "女职工工作",
            "女职工工作信息报送",
            "count",
            "篇",
            2,
            PlanDate(0, 12, 31),
            _S_VICE,
            4,
            unit="u_women",
            milestones="Q2:50%;Q4:100%",
            progress=((6, 25, 1, "上半年女职工工作信息", "u_women"),),
            notes="每半年向上级女职委报送一次",
        ),
        _Target(
            "t_sports",
            "文体活动",
            "开展教职工文体活动",
            "count",
            "次",
            10,
            PlanDate(0, 12, 31),
            _S_SPORT,
            10,
            unit="u_pe",
            count_source="category",
            count_category="culture_sports",
            notes="按已完成的文体活动自动统计",
        ),
        _Target(
            "t_half",
            "自身建设",
            "半年工作小结",
            "milestone",
            "项",
            1,
            PlanDate(0, 7, 15),
            _S_CHAIR,
            4,
            progress=((7, 10, 1, "半年小结已报上级工会", None),),
        ),
        _Target(
            "t_year",
            "自身建设",
            "年终总结及工会账务上交",
            "milestone",
            "项",
            1,
            PlanDate(0, 12, 31),
            _S_AID,
            4,
            progress=((12, 26, 1, "年度总结已报送", None),),
        ),
        _Target(
            "t_reports",
            "自身建设",
            "每季度信息报送",
            "count",
            "篇",
            4,
            PlanDate(0, 12, 31),
            _S_NEWS,
            4,
            milestones="Q1:25%;Q2:50%;Q3:75%;Q4:100%",
            progress=(
                (3, 25, 1, "一季度工会信息", None),
                (6, 28, 1, "二季度工会信息", None),
                (9, 26, 1, "三季度工会信息", None),
            ),
        ),
    ),
    activities=(
        _Act(
            1,
            6,
            "工会委员会议：部署年度工作计划",
            "meeting",
            "工会活动室",
            "u_all",
            _S_CHAIR,
            9,
            time="15:30-17:00",
        ),
        _Act(1, None, "会员档案更新", "other", "工会办公室", "u_all", _S_ORG, 120),
        _Act(
            1,
            15,
            "春节前慰问70岁以上退休教职工",
            "care",
            "走访",
            "u_all",
            _S_CHAIR,
            18,
            3600,
            key="a_retirees",
        ),
        _Act(
            1,
            18,
            "春节送温暖：走访特困教职工",
            "care",
            "走访",
            "u_all",
            _S_AID,
            7,
            target="t_aid_money",
            key="a_warm_jan",
            notes="看望慰问4名特困教师，送去1600元慰问金",
        ),
        _Act(2, None, "“书香办公室”读书学习活动", "study", "各办公室", "u_all", _S_NEWS, 100, 2000),
        _Act(
            2,
            12,
            "元宵节猜灯谜",
            "festival",
            "学校大厅",
            "u_all",
            _S_SPORT,
            90,
            800,
            festival="lantern",
        ),
        _Act(2, 24, "新学期工会委员会议", "meeting", "工会活动室", "u_all", _S_CHAIR, 9),
        _Act(2, None, "全体教职工健康体检", "other", "区人民医院", "u_all", _S_VICE, 120, 36000),
        _Act(
            3,
            6,
            "三八节女教职工趣味运动会",
            "culture_sports",
            "学校操场",
            "u_women",
            _S_VICE,
            70,
            3000,
            time="14:00-16:30",
        ),
        _Act(
            3,
            9,
            "庆三八女教职工座谈会暨教师特长展示",
            "women",
            "学校报告厅",
            "u_women",
            _S_VICE,
            72,
            1500,
        ),
        _Act(
            3,
            20,
            "区教育工会春季工会干部培训",
            "study",
            "区教师进修学校",
            "u_all",
            _S_ORG,
            12,
            600,
            target="t_training",
        ),
        _Act(
            3, None, "教职工第三套广播体操学练", "culture_sports", "学校操场", "u_pe", _S_SPORT, 100
        ),
        _Act(
            3,
            25,
            "第一季度工会信息报送",
            "other",
            "工会办公室",
            "u_all",
            _S_NEWS,
            1,
            target="t_reports",
        ),
        _Act(4, 3, "清明节革命传统教育", "study", "烈士陵园", "u_all", _S_NEWS, 60, 500),
        _Act(
            4,
            11,
            "教职工春游踏青",
            "culture_sports",
            "郊野公园",
            "u_all",
            _S_SPORT,
            100,
            8000,
            flag="postpone",
            notes="因连续降雨延期，改期待定",
        ),
        _Act(
            4,
            18,
            "教职工拔河比赛",
            "culture_sports",
            "学校操场",
            "u_pe",
            _S_SPORT,
            96,
            1200,
            time="16:20-17:30",
        ),
        _Act(4, 23, "世界读书日好书分享会", "study", "图书馆", "u_all", _S_NEWS, 45, 600),
        _Act(4, None, "女职工档案更新（上半年）", "women", "工会办公室", "u_women", _S_VICE, 72),
        _Act(4, 24, "五一先进评选（五一前完成）", "awards", "工会活动室", "u_all", _S_CHAIR, 15),
        _Act(
            4, 29, "庆五一教职工唱红歌比赛", "festival", "学校报告厅", "u_all", _S_SPORT, 110, 4000
        ),
        _Act(
            5,
            9,
            "青年教师（35岁以下）教学技能大赛",
            "skills",
            "各教研室",
            "u_all",
            _S_ORG,
            32,
            3000,
            days=2,
        ),
        _Act(
            5,
            16,
            "与兄弟学校羽毛球友谊赛",
            "culture_sports",
            "区体育馆",
            "u_pe",
            _S_SPORT,
            24,
            1500,
            flag="cancel",
            notes="与期中考试冲突，取消",
        ),
        _Act(
            5,
            24,
            "教代会代表网上培训",
            "democratic",
            "线上",
            "u_all",
            _S_CHAIR,
            45,
            target="t_training",
        ),
        _Act(
            5,
            28,
            "端午节慰问教职工",
            "care",
            "学校",
            "u_all",
            _S_AID,
            126,
            12600,
            festival="dragon_boat",
            before=2,
        ),
        _Act(6, 3, "教代会提案征集", "democratic", "各分会", "u_all", _S_CHAIR, 45),
        _Act(
            6,
            12,
            "二届三次教代会",
            "democratic",
            "学校报告厅",
            "u_all",
            _S_CHAIR,
            45,
            2000,
            target="t_congress",
            time="14:00-17:00",
        ),
        _Act(
            6, None, "合理化建议征集月", "other", "各分会", "u_all", _S_CHAIR, 120, target="t_ideas"
        ),
        _Act(
            6,
            19,
            "教职工棋牌赛",
            "culture_sports",
            "工会活动室",
            "u_pe",
            _S_SPORT,
            40,
            1000,
            time="16:20-18:00",
        ),
        _Act(
            6,
            26,
            "评选优秀学习年级组、健康锻炼积极分子",
            "awards",
            "工会活动室",
            "u_all",
            _S_CHAIR,
            15,
            2000,
        ),
        _Act(
            6,
            28,
            "第二季度工会信息报送",
            "other",
            "工会办公室",
            "u_all",
            _S_NEWS,
            1,
            target="t_reports",
        ),
        _Act(7, 10, "半年工作小结", "meeting", "工会活动室", "u_all", _S_CHAIR, 9, target="t_half"),
        _Act(
            7,
            8,
            "夏送清凉：慰问后勤一线职工",
            "care",
            "食堂、门卫、保洁",
            "u_adm",
            _S_AID,
            24,
            2400,
            key="a_cool_jul",
        ),
        _Act(
            7,
            15,
            "工会干部暑期培训班",
            "study",
            "区工人文化宫",
            "u_all",
            _S_ORG,
            18,
            2700,
            target="t_training",
            days=2,
        ),
        _Act(7, None, "教职工疗休养", "other", "某某山疗休养基地", "u_all", _S_VICE, 30, 36000),
        _Act(8, 5, "夏送清凉：慰问退休教师", "care", "走访", "u_all", _S_AID, 20, 2000),
        _Act(8, 14, "教职工无偿献血", "other", "区中心血站", "u_all", _S_VICE, 15),
        _Act(
            8,
            25,
            "金秋助学：资助困难教职工子女入学",
            "care",
            "工会活动室",
            "u_all",
            _S_AID,
            3,
            target="t_aid_money",
            key="a_grant",
        ),
        _Act(8, 28, "新学期教职工大会暨安全培训", "study", "学校报告厅", "u_all", _S_CHAIR, 124),
        _Act(9, 10, "庆祝教师节表彰大会", "festival", "学校报告厅", "u_all", _S_CHAIR, 124, 6000),
        _Act(
            9, 12, "新会员入会仪式", "other", "工会活动室", "u_all", _S_ORG, 10, 300, target="t_new"
        ),
        _Act(
            9,
            None,
            "中秋节慰问（月饼）",
            "care",
            "学校",
            "u_all",
            _S_AID,
            126,
            10000,
            festival="mid_autumn",
            before=3,
        ),
        _Act(9, 19, "校务公开推进讨论会", "democratic", "会议室", "u_all", _S_CHAIR, 20),
        _Act(
            9,
            26,
            "第三季度工会信息报送",
            "other",
            "工会办公室",
            "u_all",
            _S_NEWS,
            1,
            target="t_reports",
        ),
        _Act(
            10, None, "“祖国颂”经典诵读", "culture_sports", "学校报告厅", "u_all", _S_NEWS, 80, 1500
        ),
        _Act(
            10,
            11,
            "重阳节慰问退休教职工",
            "care",
            "学校会议室",
            "u_all",
            _S_CHAIR,
            40,
            4000,
            festival="double_ninth",
            before=1,
        ),
        _Act(10, None, "慈善一日捐", "other", "各分会", "u_all", _S_AID, 120),
        _Act(
            10,
            17,
            "教职工乒乓球赛",
            "culture_sports",
            "学校体育馆",
            "u_pe",
            _S_SPORT,
            36,
            1200,
            time="16:20-18:00",
        ),
        _Act(
            10, 24, "秋季教职工运动会", "culture_sports", "学校操场", "u_all", _S_SPORT, 110, 5000
        ),
        _Act(10, None, "女职工档案更新（下半年）", "women", "工会办公室", "u_women", _S_VICE, 72),
        _Act(
            11, None, "困难教职工调研走访", "care", "走访", "u_all", _S_AID, 9, target="t_pairing"
        ),
        _Act(11, 14, "冬季长跑", "culture_sports", "学校操场", "u_pe", _S_SPORT, 60, 600),
        _Act(
            11, 21, "教职工健身操比赛", "culture_sports", "学校体育馆", "u_pe", _S_SPORT, 70, 2000
        ),
        _Act(
            11,
            25,
            "二届四次教代会",
            "democratic",
            "学校报告厅",
            "u_all",
            _S_CHAIR,
            45,
            2000,
            target="t_congress",
            time="14:00-17:00",
        ),
        _Act(
            11,
            28,
            "工会干部业务培训",
            "study",
            "工会活动室",
            "u_all",
            _S_ORG,
            15,
            800,
            target="t_training",
        ),
        _Act(
            12,
            5,
            "冬送温暖：走访困难教职工",
            "care",
            "走访",
            "u_all",
            _S_AID,
            7,
            target="t_aid_money",
            key="a_warm_dec",
        ),
        _Act(
            12,
            12,
            "先进评比：优秀工会积极分子、金点子奖",
            "awards",
            "工会活动室",
            "u_all",
            _S_CHAIR,
            15,
            3000,
        ),
        _Act(12, 19, "工会账务上交与经费审查", "other", "财务室", "u_all", _S_AID, 3),
        _Act(
            12, 26, "年度工作总结", "meeting", "工会活动室", "u_all", _S_CHAIR, 9, target="t_year"
        ),
        _Act(
            12,
            30,
            "迎新年教职工联欢会",
            "festival",
            "学校报告厅",
            "u_all",
            _S_SPORT,
            124,
            8000,
            time="15:00-17:30",
        ),
    ),
    recurring=_Act(
        3,
        0,
        "双周五工会活动（健身·读书交流）",
        "study",
        "工会活动室",
        "u_all",
        _S_SPORT,
        40,
        time="16:20-17:00",
        notes="双周五下午4:20–5:00；寒暑假、国庆假期停开",
    ),
    cases=(
        _Case(
            "c1",
            "张某芳",
            "female",
            "19780512",
            "u_g8",
            ("illness",),
            "deep",
            "active",
            3,
            2800,
            "本人乳腺癌术后化疗，医疗费用负担重",
            _S_VICE,
            (1, 11, 20),
            (1, 1, 15),
        ),
        _Case(
            "c2",
            "李某军",
            "male",
            "19750308",
            "u_g9",
            ("disability", "schooling"),
            "deep",
            "active",
            4,
            3200,
            "本人肢体残疾，长子今年考入大学",
            _S_CHAIR,
            (2, 12, 10),
            (1, 1, 15),
        ),
        _Case(
            "c3",
            "王某华",
            "female",
            "19840921",
            "u_g7",
            ("single_parent", "schooling"),
            "relative",
            "active",
            2,
            3500,
            "单亲抚养女儿，女儿今年升入高中",
            _S_VICE,
            (1, 9, 5),
            (0, 10, 31),
        ),
        _Case(
            "c4",
            "刘某强",
            "male",
            "19700115",
            "u_adm",
            ("illness",),
            "deep",
            "active",
            3,
            2600,
            "配偶尿毒症长期透析",
            _S_AID,
            (3, 3, 18),
            (1, 1, 15),
        ),
        _Case(
            "c5",
            "陈某梅",
            "female",
            "19450706",
            "u_all",
            ("retired", "illness"),
            "deep",
            "active",
            1,
            2100,
            "退休教师，独居，患慢性病",
            _S_AID,
            (4, 12, 1),
            (1, 1, 15),
        ),
        _Case(
            "c6",
            "赵某平",
            "male",
            "19860630",
            "u_g7",
            ("disaster",),
            "accident",
            "active",
            4,
            4200,
            "住房失火，家中财物受损",
            _S_ORG,
            (0, 3, 12),
            (0, 9, 30),
        ),
        _Case(
            "c7",
            "孙某丽",
            "female",
            "19800227",
            "u_adm",
            ("schooling", "low_income"),
            "relative",
            "active",
            4,
            2900,
            "配偶无固定收入，儿子今年考入大学",
            _S_ORG,
            (1, 10, 8),
            (1, 1, 15),
        ),
        _Case(
            "c8",
            "周某东",
            "male",
            "19820411",
            "u_g9",
            ("illness",),
            "relative",
            "exited",
            3,
            5200,
            "去年因病住院，今年康复返岗",
            _S_CHAIR,
            (1, 5, 20),
            None,
            (6, 30),
        ),
        _Case(
            "c9",
            "吴某兰",
            "female",
            "19880119",
            "u_g8",
            ("single_parent",),
            "relative",
            "reviewing",
            2,
            3100,
            "离异后独自抚养两个孩子，申请建档",
            _S_VICE,
            (0, 10, 20),
            (0, 11, 30),
        ),
    ),
    rounds=(
        (
            1,
            18,
            "warmth",
            {"deep": 400, "relative": 400, "accident": 400},
            "大米、食用油",
            200,
            "higher_union",
            _S_AID,
            "a_warm_jan",
            "春节送温暖",
        ),
        (
            7,
            8,
            "summer_cooling",
            None,
            "绿豆、白糖、毛巾、清凉油",
            120,
            "union_funds",
            _S_AID,
            "a_cool_jul",
            "夏送清凉",
        ),
        (
            12,
            5,
            "warmth",
            {"deep": 800, "relative": 500, "accident": 500},
            "",
            None,
            "aid_fund",
            _S_AID,
            "a_warm_dec",
            "冬送温暖",
        ),
    ),
    payments=(
        _Pay("c6", 3, 16, "subsidy", 2000, "aid_fund", _S_AID, notes="住房失火临时困难补助"),
        _Pay("c1", 4, 22, "illness_relief", 3000, "aid_fund", _S_AID, notes="化疗费用救助"),
        _Pay(
            "c4",
            5,
            13,
            "hospital_visit",
            500,
            "union_funds",
            _S_CHAIR,
            goods="水果、牛奶",
            goods_value=150,
        ),
        _Pay(
            "c2",
            8,
            25,
            "school_grant",
            2000,
            "charity",
            _S_AID,
            activity="a_grant",
            notes="子女考入大学",
        ),
        _Pay(
            "c3",
            8,
            25,
            "school_grant",
            1000,
            "charity",
            _S_AID,
            activity="a_grant",
            notes="子女升入高中",
        ),
        _Pay(
            "c7",
            8,
            25,
            "school_grant",
            2000,
            "charity",
            _S_AID,
            activity="a_grant",
            notes="子女考入大学",
        ),
        _Pay("c4", 9, 18, "medical_mutual", 1500, "aid_fund", _S_AID, notes="职工医疗互助报销"),
    ),
    income=(
        _Income(1, 10, "higher_union", 6000, _S_AID, "区教育工会送温暖专项"),
        _Income(3, 2, "union_funds", 5000, _S_AID, "学校工会经费划入帮扶资金"),
        _Income(8, 12, "charity", 5000, _S_AID, "区慈善会金秋助学专项"),
        _Income(10, 30, "one_day_donation", 9860, _S_AID, "教职工互助一日捐，118人参加"),
        _Income(11, 18, "donation", 2000, _S_AID, "校友捐赠"),
        _Income(12, 1, "higher_union", 4000, _S_AID, "区教育工会冬送温暖专项"),
    ),
    skip_note="暑假",
)

_T_CHAIR, _T_VICE, _T_WOMEN, _T_AID, _T_ORG, _T_NEWS = (
    "孙国平",
    "吴海涛",
    "周红梅",
    "郑小兰",
    "冯志刚",
    "何静",
)

_TOWNSHIP = _Plan(
    units=(
        _Unit(
            "u_all",
            "某某镇总工会",
            "federation",
            None,
            1736,
            758,
            1850,
            _T_CHAIR,
            "会员数为全镇合计",
        ),
        _Unit(
            "u_east",
            "东湖社区联合工会",
            "joint",
            "u_all",
            240,
            118,
            262,
            "钱志明",
            "覆盖辖区25人以下小微企业",
        ),
        _Unit(
            "u_south",
            "南街社区联合工会",
            "joint",
            "u_all",
            180,
            95,
            201,
            "胡美玲",
            "覆盖辖区25人以下小微企业",
        ),
        _Unit("u_mach", "某某机械制造有限公司工会", "base", "u_east", 620, 150, 655, "徐建军"),
        _Unit("u_tex", "某某纺织有限公司工会", "base", "u_south", 480, 310, 512, "高秀英"),
        _Unit("u_school", "镇中心小学工会", "base", "u_all", 96, 70, 98, "林晓红"),
        _Unit("u_clinic", "镇卫生院分会", "branch", "u_all", 84, 58, 88, "罗永红"),
        _Unit("u_women", "镇总工会女职工委员会", "committee", "u_all", 758, 758, None, _T_WOMEN),
    ),
    targets=(
        _Target(
            "t_union_rate",
            "组织建设",
            "25人以上企业建会率",
            "rate",
            "%",
            0.95,
            PlanDate(0, 12, 31),
            _T_ORG,
            8,
            baseline=0.9,
            progress=(
                (3, 31, 38, 42, "一季度摸底", None),
                (6, 30, 40, 42, "新建2家", None),
                (9, 30, 41, 43, "新增1家规上企业", None),
                (12, 20, 42, 43, "年终统计", None),
            ),
        ),
        _Target(
            "t_new_unions",
            "组织建设",
            "新建工会组织（每个社区不少于2家）",
            "count",
            "家",
            4,
            PlanDate(0, 12, 31),
            _T_ORG,
            6,
            progress=(
                (4, 18, 1, "东湖社区某某物流公司建会", "u_east"),
                (6, 22, 1, "南街社区某某餐饮公司建会", "u_south"),
                (9, 12, 1, "东湖社区某某电子公司建会", "u_east"),
            ),
        ),
        _Target(
            "t_model",
            "组织建设",
            "创建示范工会",
            "count",
            "家",
            5,
            PlanDate(0, 12, 31),
            _T_CHAIR,
            6,
            progress=(
                (10, 28, 3, "通过县总工会验收3家", None),
                (12, 15, 2, "通过县总工会验收2家", None),
            ),
        ),
        _Target(
            "t_wage",
            "维权与集体协商",
            "已建会企业工资集体协商签订率",
            "rate",
            "%",
            0.9,
            PlanDate(0, 12, 31),
            _T_VICE,
            10,
            progress=(
                (3, 31, 30, 50, "要约行动月启动", None),
                (6, 30, 38, 50, "上半年签订", None),
                (9, 30, 41, 50, "三季度签订", None),
                (12, 20, 43, 50, "43家企业签订，签订率86%", None),
            ),
        ),
        _Target(
            "t_coverage",
            "维权与集体协商",
            "集体合同职工覆盖率",
            "rate",
            "%",
            0.95,
            PlanDate(0, 12, 31),
            _T_VICE,
            6,
            progress=(
                (6, 30, 2710, 3050, "上半年统计", None),
                (12, 20, 2950, 3050, "年终统计", None),
            ),
        ),
        _Target(
            "t_harmony",
            "维权与集体协商",
            "创建A级和谐企业（每个社区不少于2家）",
            "count",
            "家",
            4,
            PlanDate(0, 12, 31),
            _T_VICE,
            6,
            progress=((11, 20, 2, "东湖社区2家通过评审", "u_east"),),
        ),
        _Target(
            "t_congress",
            "民主管理",
            "召开职代会",
            "count",
            "次",
            2,
            PlanDate(0, 12, 31),
            _T_CHAIR,
            8,
            count_source="linked",
            notes="按关联活动统计",
        ),
        _Target(
            "t_training",
            "职工素质",
            "培训工会干部",
            "count",
            "人次",
            50,
            PlanDate(0, 12, 31),
            _T_ORG,
            10,
            milestones="Q1:20%;Q2:50%;Q3:75%;Q4:100%",
            progress=(
                (3, 20, 12, "基层工会主席培训班（第一期）", None),
                (5, 28, 8, "参加市总工会网络培训", None),
                (7, 22, 18, "基层工会主席培训班（第二期）", None),
                (11, 27, 15, "基层工会主席培训班（第三期）", None),
            ),
        ),
        _Target(
            "t_ideas",
            "职工素质",
            "征集合理化建议",
            "count",
            "项",
            12,
            PlanDate(0, 12, 31),
            _T_VICE,
            5,
            progress=(
                (6, 25, 7, "合理化建议征集月", "u_mach"),
                (10, 20, 5, "技术创新竞赛月", "u_tex"),
            ),
        ),
        _Target(
            "t_aid_money",
            "帮扶送温暖",
            "发放困难职工帮扶资金",
            "amount",
            "元",
            24000,
            PlanDate(0, 12, 31),
            _T_AID,
            10,
            milestones="Q1:25%;Q2:45%;Q3:75%;Q4:100%",
            notes="含送温暖、金秋助学、大病救助，不含物资折价",
        ),
        _Target(
            "t_women_info",
            "女职工工作",
            "女职工工作信息报送",
            "count",
            "篇",
            2,
            PlanDate(0, 12, 31),
            _T_WOMEN,
            4,
            unit="u_women",
            milestones="Q2:50%;Q4:100%",
            progress=((6, 26, 1, "上半年女职工工作信息", "u_women"),),
        ),
        _Target(
            "t_women_files",
            "女职工工作",
            "女职工档案更新（4月、10月）",
            "count",
            "次",
            2,
            PlanDate(0, 10, 31),
            _T_WOMEN,
            3,
            unit="u_women",
            progress=(
                (4, 28, 1, "上半年档案更新", "u_women"),
                (10, 29, 1, "下半年档案更新", "u_women"),
            ),
        ),
        _Target(
            "t_sports",
            "文体活动",
            "开展职工文体活动",
            "count",
            "次",
            8,
            PlanDate(0, 12, 31),
            _T_NEWS,
            8,
            count_source="category",
            count_category="culture_sports",
            notes="按已完成的文体活动自动统计",
        ),
        _Target(
            "t_grassroots",
            "自身建设",
            "工会干部下基层",
            "count",
            "天",
            90,
            PlanDate(0, 12, 31),
            _T_CHAIR,
            5,
            milestones="Q1:25%;Q2:50%;Q3:75%;Q4:100%",
            progress=(
                (3, 31, 18, "一季度走访企业", None),
                (6, 30, 22, "二季度走访企业", None),
                (9, 30, 20, "三季度走访企业", None),
                (12, 25, 15, "四季度走访企业", None),
            ),
        ),
        _Target(
            "t_half",
            "自身建设",
            "半年工作小结",
            "milestone",
            "项",
            1,
            PlanDate(0, 7, 15),
            _T_CHAIR,
            5,
            progress=((7, 12, 1, "半年小结已报县总工会", None),),
        ),
    ),
    activities=(
        _Act(
            1,
            8,
            "镇总工会全委会暨年度工作部署会",
            "meeting",
            "镇政府会议室",
            "u_all",
            _T_CHAIR,
            25,
            500,
            time="09:00-11:30",
        ),
        _Act(1, None, "会员实名制数据更新", "other", "各基层工会", "u_all", _T_ORG, 60),
        _Act(
            1,
            16,
            "元旦春节送温暖：走访困难职工",
            "care",
            "走访",
            "u_all",
            _T_AID,
            9,
            target="t_aid_money",
            key="a_warm_jan",
        ),
        _Act(
            1, 22, "春节慰问环卫工人和外来务工人员", "care", "镇环卫所", "u_all", _T_CHAIR, 80, 8000
        ),
        _Act(
            2,
            12,
            "节后返岗农民工慰问",
            "care",
            "某某机械制造有限公司",
            "u_mach",
            _T_VICE,
            120,
            3000,
        ),
        _Act(
            2, 24, "春风行动：春送岗位招聘会", "care", "镇文体中心广场", "u_all", _T_VICE, 300, 5000
        ),
        _Act(
            2,
            None,
            "社区元宵游园会",
            "festival",
            "东湖社区",
            "u_east",
            _T_NEWS,
            200,
            3000,
            festival="lantern",
        ),
        _Act(
            3,
            7,
            "三八节女职工趣味运动会",
            "culture_sports",
            "镇文体中心",
            "u_women",
            _T_WOMEN,
            150,
            6000,
        ),
        _Act(
            3, 13, "“巾帼风采”女职工座谈会", "women", "镇政府会议室", "u_women", _T_WOMEN, 30, 800
        ),
        _Act(
            3,
            20,
            "基层工会主席培训班（第一期）",
            "study",
            "镇党校",
            "u_all",
            _T_ORG,
            12,
            1500,
            target="t_training",
        ),
        _Act(
            3,
            None,
            "工资集体协商要约行动月",
            "democratic",
            "各企业",
            "u_all",
            _T_VICE,
            50,
            target="t_wage",
        ),
        _Act(3, 25, "第一季度信息报送", "other", "镇总工会", "u_all", _T_NEWS, 1),
        _Act(
            4,
            11,
            "职工健步走",
            "culture_sports",
            "湖滨绿道",
            "u_all",
            _T_NEWS,
            300,
            6000,
            flag="postpone",
            notes="雷雨预警，延期至秋季",
        ),
        _Act(4, None, "职工读书月", "study", "各基层工会", "u_all", _T_NEWS, 400, 4000),
        _Act(
            4, 22, "劳模和先进工作者推荐评选（五一前）", "awards", "镇总工会", "u_all", _T_CHAIR, 20
        ),
        _Act(4, 25, "职工法律知识竞赛", "study", "镇文体中心", "u_all", _T_VICE, 120, 3000),
        _Act(
            4,
            None,
            "女职工档案更新（上半年）",
            "women",
            "各基层工会",
            "u_women",
            _T_WOMEN,
            758,
            target="t_women_files",
        ),
        _Act(4, 29, "庆五一劳模表彰大会", "festival", "镇文体中心", "u_all", _T_CHAIR, 200, 10000),
        _Act(
            5,
            16,
            "职工职业技能大赛（焊工、电工）",
            "skills",
            "某某机械制造有限公司",
            "u_mach",
            _T_VICE,
            64,
            12000,
            days=2,
        ),
        _Act(
            5,
            23,
            "企业职工篮球友谊赛",
            "culture_sports",
            "镇文体中心",
            "u_all",
            _T_NEWS,
            80,
            4000,
            flag="cancel",
            notes="场馆维修，取消",
        ),
        _Act(
            6,
            None,
            "端午节慰问一线职工",
            "care",
            "各企业",
            "u_all",
            _T_AID,
            300,
            9000,
            festival="dragon_boat",
            before=3,
        ),
        _Act(6, 13, "安全生产月知识竞赛", "study", "镇文体中心", "u_all", _T_VICE, 90, 2500),
        _Act(
            6,
            18,
            "镇机关职工代表大会",
            "democratic",
            "镇政府会议室",
            "u_all",
            _T_CHAIR,
            60,
            1000,
            target="t_congress",
            time="14:30-17:00",
        ),
        _Act(
            6, None, "合理化建议征集月", "other", "各企业", "u_all", _T_VICE, 500, target="t_ideas"
        ),
        _Act(6, 27, "职工棋牌赛", "culture_sports", "镇职工之家", "u_all", _T_NEWS, 64, 2000),
        _Act(7, 12, "半年工作小结", "meeting", "镇总工会", "u_all", _T_CHAIR, 8, target="t_half"),
        _Act(
            7,
            15,
            "夏送清凉：走访建筑工地和户外职工",
            "care",
            "各建筑工地",
            "u_all",
            _T_AID,
            260,
            13000,
            key="a_cool_jul",
        ),
        _Act(
            7,
            22,
            "基层工会主席培训班（第二期）",
            "study",
            "镇党校",
            "u_all",
            _T_ORG,
            18,
            2500,
            target="t_training",
            days=2,
        ),
        _Act(7, None, "职工无偿献血", "other", "镇卫生院", "u_clinic", _T_WOMEN, 45),
        _Act(
            8, 6, "夏送清凉：慰问环卫工人和快递小哥", "care", "镇环卫所", "u_all", _T_AID, 120, 6000
        ),
        _Act(8, None, "劳模疗休养", "other", "某某山疗休养基地", "u_all", _T_CHAIR, 12, 24000),
        _Act(
            8,
            26,
            "金秋助学金发放仪式",
            "care",
            "镇政府会议室",
            "u_all",
            _T_AID,
            4,
            target="t_aid_money",
            key="a_grant",
        ),
        _Act(
            9,
            12,
            "新建工会集中入会仪式",
            "other",
            "东湖社区",
            "u_east",
            _T_ORG,
            60,
            1000,
            target="t_new_unions",
        ),
        _Act(
            9,
            None,
            "中秋节慰问困难职工和劳模",
            "care",
            "走访",
            "u_all",
            _T_AID,
            30,
            6000,
            festival="mid_autumn",
            before=3,
        ),
        _Act(
            9, 19, "农民工法律援助进企业", "care", "某某纺织有限公司", "u_tex", _T_VICE, 150, 1000
        ),
        _Act(9, 26, "第三季度信息报送", "other", "镇总工会", "u_all", _T_NEWS, 1),
        _Act(10, 10, "国庆职工登山比赛", "culture_sports", "某某山", "u_all", _T_NEWS, 180, 5000),
        _Act(10, None, "重阳节慰问退休职工", "care", "各社区", "u_all", _T_CHAIR, 60, 6000),
        _Act(10, None, "慈善一日捐", "other", "各基层工会", "u_all", _T_AID, 1500),
        _Act(10, 18, "职工乒乓球赛", "culture_sports", "镇文体中心", "u_all", _T_NEWS, 48, 2000),
        _Act(
            10,
            25,
            "秋季职工运动会",
            "culture_sports",
            "镇中心小学操场",
            "u_all",
            _T_NEWS,
            400,
            15000,
        ),
        _Act(
            10,
            None,
            "女职工档案更新（下半年）",
            "women",
            "各基层工会",
            "u_women",
            _T_WOMEN,
            758,
            target="t_women_files",
        ),
        _Act(11, None, "特困职工调研摸底", "care", "各基层工会", "u_all", _T_AID, 20),
        _Act(11, 15, "冬季长跑", "culture_sports", "湖滨绿道", "u_all", _T_NEWS, 200, 3000),
        _Act(
            11,
            20,
            "某某机械制造有限公司职代会",
            "democratic",
            "某某机械制造有限公司",
            "u_mach",
            _T_VICE,
            80,
            1500,
            target="t_congress",
        ),
        _Act(
            11,
            22,
            "广场健身操比赛",
            "culture_sports",
            "镇文体中心广场",
            "u_women",
            _T_WOMEN,
            160,
            5000,
        ),
        _Act(
            11,
            27,
            "基层工会主席培训班（第三期）",
            "study",
            "镇党校",
            "u_all",
            _T_ORG,
            15,
            1800,
            target="t_training",
        ),
        _Act(
            12,
            8,
            "冬送温暖：走访困难职工",
            "care",
            "走访",
            "u_all",
            _T_AID,
            9,
            target="t_aid_money",
            key="a_warm_dec",
        ),
        _Act(
            12, 12, "基层工会目标责任考核", "meeting", "各基层工会", "u_all", _T_CHAIR, 10, days=5
        ),
        _Act(12, 19, "先进评比表彰", "awards", "镇政府会议室", "u_all", _T_CHAIR, 60, 6000),
        _Act(12, 22, "工会账务上交与经费审查", "other", "镇总工会", "u_all", _T_AID, 5),
        _Act(12, 26, "年度工作总结", "meeting", "镇政府会议室", "u_all", _T_CHAIR, 25),
        _Act(
            12,
            30,
            "迎新年职工联欢会",
            "festival",
            "镇文体中心",
            "u_all",
            _T_NEWS,
            300,
            12000,
            time="19:00-21:00",
        ),
    ),
    recurring=_Act(
        3,
        0,
        "双周五工会活动（镇机关职工健身）",
        "study",
        "镇职工之家",
        "u_all",
        _T_NEWS,
        30,
        time="16:20-17:00",
        notes="双周五下午4:20–5:00；节假日停开",
    ),
    cases=(
        _Case(
            "c1",
            "郑某斌",
            "male",
            "19720818",
            "u_mach",
            ("migrant", "illness"),
            "deep",
            "active",
            4,
            3000,
            "外来务工，本人工伤后遗症，妻子无业",
            _T_AID,
            (1, 12, 5),
            (1, 1, 10),
        ),
        _Case(
            "c2",
            "冯某霞",
            "female",
            "19790402",
            "u_tex",
            ("single_parent", "schooling"),
            "deep",
            "active",
            3,
            2400,
            "单亲，两个孩子上学，女儿今年考入大学",
            _T_WOMEN,
            (2, 11, 16),
            (1, 1, 10),
        ),
        _Case(
            "c3",
            "何某林",
            "male",
            "19680923",
            "u_east",
            ("unemployed", "low_income"),
            "deep",
            "active",
            3,
            1800,
            "企业关停后下岗，家庭享受低保",
            _T_VICE,
            (2, 3, 9),
            (1, 1, 10),
        ),
        _Case(
            "c4",
            "马某芬",
            "female",
            "19830517",
            "u_tex",
            ("illness",),
            "deep",
            "active",
            4,
            3300,
            "丈夫患白血病，长期住院治疗",
            _T_WOMEN,
            (1, 8, 30),
            (1, 1, 10),
        ),
        _Case(
            "c5",
            "许某勇",
            "male",
            "19850226",
            "u_south",
            ("disaster",),
            "accident",
            "active",
            5,
            4500,
            "暴雨致住房倒塌",
            _T_ORG,
            (0, 7, 3),
            (0, 12, 31),
        ),
        _Case(
            "c6",
            "韩某燕",
            "female",
            "19870711",
            "u_clinic",
            ("schooling",),
            "relative",
            "active",
            4,
            4200,
            "儿子今年升入高中，家庭负担重",
            _T_AID,
            (1, 9, 12),
            (1, 3, 31),
        ),
        _Case(
            "c7",
            "曹某生",
            "male",
            "19500303",
            "u_all",
            ("retired", "illness"),
            "deep",
            "active",
            2,
            2200,
            "困难退休职工，老伴瘫痪在床",
            _T_CHAIR,
            (4, 1, 6),
            (1, 1, 10),
        ),
        _Case(
            "c8",
            "邓某红",
            "female",
            "19810128",
            "u_mach",
            ("illness",),
            "relative",
            "exited",
            3,
            5600,
            "前年因病致困，今年康复并恢复工作",
            _T_VICE,
            (2, 6, 15),
            None,
            (5, 31),
        ),
        _Case(
            "c9",
            "彭某伟",
            "male",
            "19900614",
            "u_east",
            ("migrant", "unemployed"),
            "relative",
            "active",
            3,
            2800,
            "外来务工人员，工厂停产后待业",
            _T_ORG,
            (1, 12, 20),
            (0, 9, 30),
        ),
        _Case(
            "c10",
            "蒋某珍",
            "female",
            "19760910",
            "u_south",
            ("low_income", "disability"),
            "relative",
            "applied",
            2,
            2000,
            "本人二级残疾，申请建档",
            _T_AID,
            (0, 11, 10),
            (0, 12, 15),
        ),
    ),
    rounds=(
        (
            1,
            16,
            "warmth",
            {"deep": 800, "relative": 500, "accident": 500},
            "大米、食用油",
            200,
            "higher_union",
            _T_AID,
            "a_warm_jan",
            "元旦春节送温暖",
        ),
        (
            7,
            15,
            "summer_cooling",
            None,
            "绿豆、白糖、毛巾、藿香正气水",
            150,
            "union_funds",
            _T_AID,
            "a_cool_jul",
            "夏送清凉",
        ),
        (
            12,
            8,
            "warmth",
            {"deep": 800, "relative": 500, "accident": 500},
            "",
            None,
            "aid_fund",
            _T_AID,
            "a_warm_dec",
            "冬送温暖",
        ),
    ),
    payments=(
        _Pay(
            "c4", 3, 10, "illness_relief", 5000, "aid_fund", _T_AID, notes="配偶白血病治疗大病救助"
        ),
        _Pay(
            "c3", 2, 24, "job_referral", 0, "other", _T_VICE, notes="春风行动推荐到某某物流公司面试"
        ),
        _Pay(
            "c1",
            5,
            20,
            "hospital_visit",
            500,
            "union_funds",
            _T_CHAIR,
            goods="水果、牛奶",
            goods_value=150,
        ),
        _Pay("c5", 7, 6, "subsidy", 3000, "aid_fund", _T_AID, notes="暴雨灾后临时困难补助"),
        _Pay(
            "c2",
            8,
            26,
            "school_grant",
            2000,
            "charity",
            _T_AID,
            activity="a_grant",
            notes="子女考入大学",
        ),
        _Pay(
            "c6",
            8,
            26,
            "school_grant",
            1500,
            "charity",
            _T_AID,
            activity="a_grant",
            notes="子女升入高中",
        ),
        _Pay("c9", 9, 19, "legal_aid", 0, "other", _T_VICE, notes="协助追讨拖欠工资"),
        _Pay("c7", 10, 20, "subsidy", 1200, "one_day_donation", _T_AID, notes="重阳节困难补助"),
    ),
    income=(
        _Income(1, 8, "higher_union", 12000, _T_AID, "县总工会送温暖专项"),
        _Income(3, 5, "aid_fund", 8000, _T_AID, "镇财政帮扶资金"),
        _Income(8, 10, "charity", 6000, _T_AID, "镇慈善会金秋助学专项"),
        _Income(10, 31, "one_day_donation", 26450, _T_AID, "职工互助一日捐，1500余人参加"),
        _Income(11, 25, "donation", 5000, _T_AID, "某某机械制造有限公司捐赠"),
        _Income(12, 2, "higher_union", 8000, _T_AID, "县总工会冬送温暖专项"),
    ),
    skip_note="节假日",
)

_PLANS = {"school": _SCHOOL, "township": _TOWNSHIP}


# ------------------------------------------------------------------ building the rows


def _first_friday_of_march(year: int) -> dt.date:
    first = dt.date(year, 3, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7)


class _Builder:
    """Turns a _Plan into records for one year, as it would look on `today`."""

    def __init__(self, plan: _Plan, kind: str, year: int, today: dt.date) -> None:
        self.plan, self.kind, self.year = plan, kind, year
        # Nothing of the plan year has happened before it starts; all of it after it ends.
        self.cutoff = min(today, dt.date(year, 12, 31))
        self.rng = random.Random(f"unionplan-demo-{kind}-{year}")
        now = dt.datetime.combine(today, dt.time(9, 0))
        # The plan is typed in at the start of the year (or now, for a year not begun).
        self.plan_created = min(dt.datetime(year, 1, 3, 9, 0), now)
        self.ids: dict[str, str] = {}
        self.counters: dict[str, int] = {}

    # ---------------------------------------------------------- helpers

    def _id(self, table: str, key: str | None = None) -> str:
        prefix = TABLES[table].id_prefix
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        rid = f"{prefix}-{n:04d}"
        if key:
            self.ids[key] = rid
        return rid

    def _stamp(
        self, rec: dict[str, Any], by: str, created: dt.datetime, updated: dt.datetime | None = None
    ) -> dict[str, Any]:
        rec.update(
            version=1,
            created_at=created,
            created_by=by,
            updated_at=max(created, updated or created),
            updated_by=by,
            deleted=False,
        )
        return rec

    def _date(self, month: int, day: int) -> dt.date:
        return dt.date(self.year, month, day)

    def _at(self, d: dt.date, hour: int = 17, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(d, dt.time(hour, minute))

    def happened(self, d: dt.date) -> bool:
        return d <= self.cutoff

    # ---------------------------------------------------------- tables

    def units(self) -> list[dict[str, Any]]:
        out = []
        for u in self.plan.units:
            rec = {
                "id": self._id("units", u.key),
                "name": u.name,
                "parent": self.ids.get(u.parent or ""),
                "kind": u.kind,
                "member_count": u.members,
                "women_members": u.women,
                "staff_count": u.staff,
                "chair": u.chair,
                "notes": u.notes,
            }
            out.append(self._stamp(rec, UNION_CHAIR[self.kind], self.plan_created))
        return out

    def targets(self) -> list[dict[str, Any]]:
        out = []
        for t in self.plan.targets:
            rec = {
                "id": self._id("targets", t.key),
                "section": t.section,
                "title": t.title,
                "metric": t.metric,
                "unit_of_measure": t.uom,
                "baseline": t.baseline,
                "target_value": t.target,
                "direction": t.direction,
                "period": t.period,
                "deadline": PlanDate(self.year, t.deadline.month, t.deadline.day),
                "responsible": t.responsible,
                "unit": self.ids.get(t.unit or ""),
                "weight": t.weight,
                "milestones": t.milestones,
                "count_source": t.count_source,
                "count_category": t.count_category,
                "notes": t.notes,
            }
            out.append(self._stamp(rec, UNION_CHAIR[self.kind], self.plan_created))
        return out

    def progress(self, paid_by_month: Mapping[int, tuple[dt.date, float]]) -> list[dict]:
        out = []
        entries: list[tuple[dt.date, _Target, tuple[Any, ...]]] = []
        for t in self.plan.targets:
            for p in t.progress:
                entries.append((self._date(p[0], p[1]), t, p))
            if t.metric == "amount":
                # The aid-money target is reported from what was actually paid each month.
                for month, (last_day, total) in sorted(paid_by_month.items()):
                    note = f"{month}月发放帮扶资金合计"
                    entries.append((last_day, t, (month, last_day.day, total, note, None)))
        entries.sort(key=lambda e: (e[0], self.ids[e[1].key]))
        for d, t, p in entries:
            if not self.happened(d):
                continue
            rec: dict[str, Any] = {"target_id": self.ids[t.key], "date": d}
            if t.metric == "rate":
                rec.update(numerator=p[2], denominator=p[3], note=p[4])
            else:
                rec.update(value=p[2], note=p[3], unit=self.ids.get(p[4] or ""))
            rec["id"] = self._id("progress")
            out.append(self._stamp(rec, t.responsible, self._at(d, 16, 30)))
        return out

    def _status(self, a: _Act, start: dt.date, end: dt.date) -> str:
        if end < self.cutoff:
            return {"postpone": "postponed", "cancel": "cancelled"}.get(a.flag or "", "done")
        if start <= self.cutoff:
            # A plan that was dropped before it began is recorded as soon as it is known.
            return {"postpone": "postponed", "cancel": "cancelled"}.get(a.flag or "", "in_progress")
        return "planned"

    def _on_festival(self, a: _Act) -> _Act:
        if a.festival is None:
            return a
        day = next(h.start for h in holidays.festivals(self.year) if h.key == a.festival)
        day -= dt.timedelta(days=a.before)
        return dataclasses.replace(a, month=day.month, day=day.day)

    def activities(self) -> list[dict[str, Any]]:
        acts = sorted(
            (self._on_festival(a) for a in self.plan.activities),
            key=lambda a: (a.month, a.day or 0),
        )
        out = []
        first = _first_friday_of_march(self.year)
        recurring_done = False
        for a in acts:
            if not recurring_done and (a.month, a.day or 0) > (first.month, first.day):
                out.append(self._recurring(first))  # in date order, so ids follow the rows
                recurring_done = True
            if a.day is None:
                start_pd = PlanDate(self.year, a.month)
                start, end = start_pd.first(), start_pd.last()
                end_pd = None
            else:
                start = self._date(a.month, a.day)
                end = start + dt.timedelta(days=a.days - 1)
                start_pd = PlanDate.of(start)
                end_pd = PlanDate.of(end) if a.days > 1 else None
            status = self._status(a, start, end)
            rec: dict[str, Any] = {
                "id": self._id("activities", a.key),
                "title": a.title,
                "category": a.category,
                "start": start_pd,
                "end": end_pd,
                "time": a.time,
                "location": a.location,
                "unit": self.ids.get(a.unit or ""),
                "responsible": a.responsible,
                "planned_participants": a.planned,
                "budget": a.budget,
                "status": status,
                "target_id": self.ids.get(a.target or ""),
                "notes": a.notes,
            }
            updated = None
            if status == "done":
                rec["actual_participants"] = max(1, round(a.planned * self.rng.uniform(0.85, 1.05)))
                if a.budget:
                    rec["actual_cost"] = round(a.budget * self.rng.uniform(0.8, 1.0), -1)
                updated = self._at(min(end + dt.timedelta(days=1), self.cutoff), 17, 30)
            elif status in ("postponed", "cancelled"):
                updated = self._at(min(start - dt.timedelta(days=2), self.cutoff), 12, 0)
            out.append(self._stamp(rec, a.responsible, self.plan_created, updated))
        return out

    def _recurring(self, first: dt.date) -> dict[str, Any]:
        a = self.plan.recurring
        until = dt.date(self.year, 12, 31)
        occurrences = []
        d = first
        while d <= until and self.happened(d):
            holiday = dt.date(self.year, 7, 10) <= d <= dt.date(self.year, 8, 31) or (
                d.month == 10 and d.day <= 7
            )
            occurrences.append(f"{d.isoformat()}={'skipped' if holiday else 'done'}")
            d += dt.timedelta(days=14)
        if self.cutoff < first:
            status = "planned"
        elif self.cutoff < until:
            status = "in_progress"
        else:
            status = "done"
        rec = {
            "id": self._id("activities", "a_biweekly"),
            "title": a.title,
            "category": a.category,
            "start": PlanDate.of(first),
            "time": a.time,
            "location": a.location,
            "unit": self.ids.get(a.unit or ""),
            "responsible": a.responsible,
            "planned_participants": a.planned,
            "status": status,
            "recurrence": "biweekly",
            "recurrence_until": until,
            "occurrences": "; ".join(occurrences),
            "notes": a.notes,
        }
        last = dt.date.fromisoformat(occurrences[-1][:10]) if occurrences else None
        updated = self._at(last, 17, 10) if last else None
        return self._stamp(rec, a.responsible, self.plan_created, updated)

    def _opened(self, c: _Case) -> dt.date:
        back, m, d = c.opened
        return dt.date(self.year - back, m, d)

    def _on_file(self, c: _Case, d: dt.date) -> bool:
        """Whether the case received visits on day d: opened, accepted, not yet closed."""
        if c.status in ("applied", "reviewing", "rejected") or self._opened(c) > d:
            return False
        return not (c.exited and self._date(*c.exited) < d)

    def cases(self) -> list[dict[str, Any]]:
        out = []
        for n, c in enumerate(self.plan.cases, start=1):
            opened = self._opened(c)
            if not self.happened(opened):
                continue  # not yet known on `today`
            exited = self._date(*c.exited) if c.exited else None
            status = c.status
            if exited and not self.happened(exited):
                status, exited = "active", None  # still on file on `today`
            review = None
            if c.review:
                fwd, m, d = c.review
                review = dt.date(self.year + fwd, m, d)
            rec = {
                "id": self._id("aid_cases", c.key),
                "name": c.name,
                "gender": c.gender,
                # 18 characters like a real number, but "XXXX" can never be a valid one.
                "id_number": f"110101{c.birth}XXXX",
                "phone": f"138-0000-{n:04d}",
                "address": f"某某区某某路{n * 3 + 1}号（虚构地址）",
                "unit": self.ids[c.unit],
                "causes": list(c.causes),
                "level": c.level,
                "status": status,
                "family_size": c.family,
                "monthly_income": c.income,
                "situation": c.situation,
                "paired_cadre": c.cadre,
                "opened_on": opened,
                "review_date": review,
                "exited_on": exited,
                "notes": DEMO_NOTE,
            }
            created = self._at(opened, 10, 0)
            updated = self._at(exited, 11, 0) if exited else None
            out.append(self._stamp(rec, AID_OFFICER[self.kind], created, updated))
        return out

    def payments(self) -> list[dict[str, Any]]:
        rows: list[tuple[dt.date, dict[str, Any]]] = []
        for month, day, kind, cash, goods, gval, fund, handler, act, note in self.plan.rounds:
            d = self._date(month, day)
            if not self.happened(d):
                continue
            for c in self.plan.cases:
                if not self._on_file(c, d):
                    continue
                if kind == "summer_cooling" and c.level == "relative":
                    continue  # the cooling round visits the deep and sudden cases only
                rec = {
                    "case_id": self.ids[c.key],
                    "date": d,
                    "kind": kind,
                    "cash": cash[c.level] if cash else None,
                    "goods": goods if (goods and (cash is None or c.level == "deep")) else "",
                    "fund_source": fund,
                    "handler": handler,
                    "activity_id": self.ids.get(act),
                    "notes": note,
                }
                if rec["goods"]:
                    rec["goods_value"] = gval
                rows.append((d, rec))
        for p in self.plan.payments:
            d = self._date(p.month, p.day)
            if not self.happened(d):
                continue
            rec = {
                "case_id": self.ids[p.case],
                "date": d,
                "kind": p.kind,
                "cash": p.cash or None,
                "goods": p.goods,
                "goods_value": p.goods_value,
                "fund_source": p.fund,
                "handler": p.handler,
                "activity_id": self.ids.get(p.activity or ""),
                "notes": p.notes,
            }
            rows.append((d, rec))
        rows.sort(key=lambda r: (r[0], r[1]["case_id"]))
        out = []
        for d, rec in rows:
            if not self.happened(d):
                continue
            rec["id"] = self._id("aid_payments")
            out.append(self._stamp(rec, rec["handler"], self._at(d, 15, 0)))
        return out

    def income(self) -> list[dict[str, Any]]:
        out = []
        for i in self.plan.income:
            d = self._date(i.month, i.day)
            if not self.happened(d):
                continue
            rec = {
                "id": self._id("fund_income"),
                "date": d,
                "source": i.source,
                "amount": i.amount,
                "handler": i.handler,
                "notes": i.notes,
            }
            out.append(self._stamp(rec, i.handler, self._at(d, 10, 0)))
        return out

    def settings(self, union_name: str) -> list[dict[str, Any]]:
        values = {
            "union_name": union_name,
            "plan_year": str(self.year),
            "language": "简体中文",
            "demo": "1",
        }
        return [{"id": self._id("settings"), "key": k, "value": v} for k, v in values.items()]


UNION_CHAIR = {"school": _S_CHAIR, "township": _T_CHAIR}
AID_OFFICER = {"school": _S_AID, "township": _T_AID}


def _rows(table: Table, records: Sequence[Mapping[str, Any]], lang: str = LANG) -> Grid:
    """Records as rows in the table's column order, written exactly as the app writes."""
    return [[to_cell(c, rec.get(c.key), lang) for c in table.columns] for rec in records]


def demo_grids(*, year: int, kind: str = "school", today: dt.date | None = None) -> dict[str, Grid]:
    """Every tab of the demo workbook, header row first, keyed by its Simplified Chinese title.

    `today` (default: the real date) decides what has already happened: activities before
    it are done, progress and payments after it are not there yet.
    """
    if kind not in _PLANS:
        raise UnionplanError(f"unknown demo kind {kind!r}", key="errors.demo_kind", kind=kind)
    b = _Builder(_PLANS[kind], kind, year, today or dt.date.today())
    records: dict[str, list[dict[str, Any]]] = {"settings": b.settings(UNION_NAMES[kind])}
    records["units"] = b.units()
    records["targets"] = b.targets()
    records["activities"] = b.activities()
    records["aid_cases"] = b.cases()
    records["aid_payments"] = b.payments()
    paid: dict[int, tuple[dt.date, float]] = {}
    for p in records["aid_payments"]:
        if p.get("cash"):
            last, total = paid.get(p["date"].month, (p["date"], 0.0))
            paid[p["date"].month] = (max(last, p["date"]), total + p["cash"])
    records["progress"] = b.progress(paid)
    records["fund_income"] = b.income()
    records["audit_log"] = []
    records["aid_events"] = []  # a case's history begins when the app files or changes it
    return {
        t.label.get(LANG): [t.headers(LANG), *_rows(t, records[key])] for key, t in TABLES.items()
    }


def write_grids(store: Store, grids: Mapping[str, Grid]) -> None:
    """Create every tab with its header in one batch, then one append per tab with rows."""
    store.create_tabs({title: list(grid[0]) for title, grid in grids.items()})
    for title, grid in grids.items():
        if len(grid) > 1:
            store.append_rows(title, grid[1:], id_col=1)


def _write_new_file(path: Path, grids: Mapping[str, Grid]) -> None:
    """Write the grids to a new .xlsx beside `path`, then move it into place in one step.

    A half-written workbook is never seen at `path`, and the old one (if any) stays until
    the new one is complete.
    """
    from unionplan.data.store.xlsx import XlsxStore  # only the store modules touch openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".unionplan-new-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # the store creates the file itself
    try:
        write_grids(XlsxStore(tmp), grids)
        try:
            os.replace(tmp, path)
        except OSError as exc:  # e.g. the workbook is open in Excel on Windows
            raise BackendUnavailableError(f"{path}: cannot replace the workbook: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        for leftover in path.parent.glob(tmp.name + "*"):  # the store's lock file, if any
            leftover.unlink(missing_ok=True)


def create_demo(
    path: Path,
    *,
    year: int,
    kind: str = "school",
    today: dt.date | None = None,
    overwrite: bool = False,
) -> None:
    """Create a new demo workbook at `path` (kind "school" or "township").

    Refuses to replace an existing file unless `overwrite`: the file may be someone's data.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise UnionplanError(f"{path} exists", key="errors.file_exists", path=str(path))
    _write_new_file(path, demo_grids(year=year, kind=kind, today=today))


def is_demo(data: WorkbookData) -> bool:
    """Whether the workbook is the demo (settings "demo" is a yes)."""
    value, _ = parse.parse_bool(data.settings.get("demo"))
    return value


def empty_grids(data: WorkbookData) -> dict[str, Grid]:
    """An empty workbook in `data`'s language: every tab with its header, settings kept."""
    lang = data.language
    settings = dict(data.settings)
    settings["demo"] = "0"
    for key in ("plan_year", "language"):
        settings.setdefault(key, str(data.plan_year) if key == "plan_year" else "简体中文")
    grids: dict[str, Grid] = {}
    for key, table in TABLES.items():
        title = data.tables[key].title or table.label.get(lang)
        grids[title] = [table.headers(lang)]
    st = schema.SETTINGS
    rows = [
        {"id": f"{st.id_prefix}-{n:04d}", "key": k, "value": v}
        for n, (k, v) in enumerate(settings.items(), start=1)
    ]
    grids[data.tables["settings"].title or st.label.get(lang)].extend(_rows(st, rows, lang))
    return grids


def start_empty(workbook: Workbook, user: str) -> None:
    """Turn the workbook (usually the demo) into an empty one for real use.

    Local file: recreated with every tab's header and the settings (union name, year,
    language kept; demo = 0); unknown tabs and the audit log go with the demo.
    Any other store (Google Sheets): the Store interface cannot delete rows, so every data
    row is marked deleted (one fresh read and one update per tab, version bumped so a form
    opened on the demo cannot save over it), one audit row per tab says so, and demo is
    set to 0. The rows stay in the sheet; the app hides them and people may delete them.
    """
    data = workbook.load(fresh=True)
    store = workbook.store
    try:
        if store.kind == "xlsx":
            # The file is replaced whole, under the store's lock so no write interleaves.
            with store.transaction():
                _write_new_file(Path(store.location), empty_grids(data))
            return
        with store.transaction():
            _mark_all_deleted(workbook, data, user)
            _set_demo_off(workbook, data)
    finally:
        workbook.invalidate()


def _mark_all_deleted(workbook: Workbook, data: WorkbookData, user: str) -> None:
    store = workbook.store
    lang = data.language
    now = dt.datetime.now().replace(microsecond=0)
    audit: list[dict[str, Any]] = []
    for key, table in TABLES.items():
        title = data.tables[key].title
        if table.system or title is None:
            continue
        # A fresh read: rows added since the cached load are emptied too, at their real rows.
        td, _ = read_table(table, title, store.read_tab(title), data.plan_year)
        if td.df.empty or not td.colmap:
            continue
        cells: list[tuple[int, int, Cell]] = []
        width = len(td.header)
        for k in ("version", "updated_at", "updated_by", "deleted"):
            if k not in td.colmap:  # a hand-made tab: give it the column after the last one
                width += 1
                td.colmap[k] = width
                cells.append((td.header_row, width, table.column(k).label.get(lang)))
        for rownum, version in zip(td.df[ROW], td.df["version"], strict=True):
            cells += [
                (int(rownum), td.colmap["version"], int(version or 0) + 1),
                (
                    int(rownum),
                    td.colmap["updated_at"],
                    to_cell(table.column("updated_at"), now, lang),
                ),
                (int(rownum), td.colmap["updated_by"], user),
                (int(rownum), td.colmap["deleted"], to_cell(table.column("deleted"), True, lang)),
            ]
        store.update_cells(title, cells)
        audit.append(
            {
                "id": new_id(schema.AUDIT_LOG.id_prefix),
                "at": now,
                "user": user,
                "table": key,
                "record_id": "*",
                "action": "delete",
                "changes": json.dumps(
                    {"deleted": [False, True], "rows": len(td.df), "reason": "start_empty"},
                    ensure_ascii=False,
                ),
            }
        )
    if audit:
        _append_system_rows(workbook, data, "audit_log", audit)


def _set_demo_off(workbook: Workbook, data: WorkbookData) -> None:
    """settings.demo = 0, written straight to the cell (settings rows carry no version)."""
    td = data.tables["settings"]
    hit = td.df[td.df["key"] == "demo"] if not td.df.empty else td.df
    if not hit.empty and td.title and "value" in td.colmap:
        workbook.store.update_cells(td.title, [(int(hit[ROW].iat[0]), td.colmap["value"], "0")])
        return
    row = {"id": new_id(schema.SETTINGS.id_prefix), "key": "demo", "value": "0"}
    _append_system_rows(workbook, data, "settings", [row])


def _append_system_rows(
    workbook: Workbook, data: WorkbookData, key: str, records: Sequence[Mapping[str, Any]]
) -> None:
    """Append rows to a system tab (audit log, settings) in its own column layout."""
    table = TABLES[key]
    lang = data.language
    td = data.tables[key]
    if td.title is None or not td.colmap:
        title = td.title or table.label.get(lang)
        if td.title is None:
            workbook.store.create_tabs({title: table.headers(lang)})
        colmap = {c.key: n for n, c in enumerate(table.columns, start=1)}
        width = len(table.columns)
    else:
        title, colmap, width = td.title, td.colmap, max(len(td.header), *td.colmap.values())
    rows: Grid = []
    for rec in records:
        row: list[Cell] = [""] * width
        for k, j in colmap.items():
            row[j - 1] = to_cell(table.column(k), rec.get(k), lang)
        rows.append(row)
    workbook.store.append_rows(title, rows, id_col=colmap.get("id", 1))
