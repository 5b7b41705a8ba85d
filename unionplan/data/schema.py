"""The workbook's vocabulary: tables, columns, enums and their labels in three languages.

This module is data, not behaviour. Column keys (snake_case English) are what the code
uses; labels are what people see and type in the sheet. Any label of any language, and
any alias, is accepted when reading; the workbook is written in its own language.

Longer than the ~600 lines other modules keep to, on purpose: every tab's columns are
declared here one after another, so the sheet's layout reads top to bottom in one file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from unionplan.data.limits import MAX_LABEL_CHARS

Lang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: tuple[Lang, ...] = ("zh-Hans", "zh-Hant", "en")
DEFAULT_LANG: Lang = "zh-Hans"

# What a cell holds. `plandate` is a day or only a month ("3月", "2026-03");
# `quantity` is a number that may be written as a percentage ("95%" -> 0.95).
Kind = Literal[
    "text",
    "int",
    "number",
    "money",
    "quantity",
    "date",
    "plandate",
    "datetime",
    "enum",
    "multienum",
    "ref",
    "bool",
    "version",
]


@dataclass(frozen=True)
class Label:
    """One thing named in the three languages, plus extra spellings accepted on read."""

    zh_hans: str
    zh_hant: str
    en: str
    aliases: tuple[str, ...] = ()

    def get(self, lang: str) -> str:
        return {"zh-Hans": self.zh_hans, "zh-Hant": self.zh_hant}.get(lang, self.en)

    def all(self) -> tuple[str, ...]:
        return (self.zh_hans, self.zh_hant, self.en, *self.aliases)


def L(hans: str, hant: str, en: str, *aliases: str) -> Label:  # noqa: N802 - a terse constructor keeps the tables readable
    return Label(hans, hant, en, tuple(aliases))


@dataclass(frozen=True)
class Enum:
    """A closed set of codes; each code has a label per language and aliases."""

    name: str
    values: dict[str, Label]

    def codes(self) -> list[str]:
        return list(self.values)

    def label(self, code: str, lang: str) -> str:
        lab = self.values.get(code)
        return lab.get(lang) if lab else code


@dataclass(frozen=True)
class Column:
    key: str
    label: Label
    kind: Kind = "text"
    enum: Enum | None = None
    ref: str | None = None  # table key a `ref` column points to
    required: bool = False
    sensitive: bool = False  # personal data: shown only to roles allowed to see it


@dataclass(frozen=True)
class Table:
    key: str
    label: Label  # the tab title
    id_prefix: str
    columns: tuple[Column, ...]
    system: bool = False  # audit_log and settings: not edited through forms

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}.{key}")

    def headers(self, lang: str) -> list[str]:
        return [c.label.get(lang) for c in self.columns]


# ---------------------------------------------------------------- enums

ACTIVITY_CATEGORY = Enum(
    "activity_category",
    {
        "festival": L("节日庆祝", "節日慶祝", "Festival celebration", "节日活动", "Festival"),
        "culture_sports": L("文体活动", "文體活動", "Culture and sports", "文体", "Sports"),
        "study": L("学习培训", "學習培訓", "Study and training", "培训", "学习", "Training"),
        "skills": L("劳动技能竞赛", "勞動技能競賽", "Skills contest", "技能竞赛", "劳动竞赛"),
        "meeting": L("会议", "會議", "Meeting"),
        "care": L("慰问帮扶", "慰問幫扶", "Visits and aid", "慰问", "帮扶", "Care"),
        "women": L("女职工", "女職工", "Women workers", "女工", "女职工工作"),
        "democratic": L("民主管理", "民主管理", "Democratic management", "职代会", "教代会"),
        "awards": L("评先评优", "評先評優", "Awards", "评优", "先进评比"),
        "other": L("其他", "其他", "Other", "其它"),
    },
)

ACTIVITY_STATUS = Enum(
    "activity_status",
    {
        "planned": L("计划中", "計劃中", "Planned", "计划", "未开始", "待办"),
        "in_progress": L("进行中", "進行中", "In progress", "开展中"),
        "done": L("已完成", "已完成", "Done", "完成", "已办结", "Completed"),
        "postponed": L("已延期", "已延期", "Postponed", "延期", "推迟"),
        "cancelled": L("已取消", "已取消", "Cancelled", "取消", "Canceled"),
    },
)

RECURRENCE = Enum(
    "recurrence",
    {
        "weekly": L("每周", "每週", "Weekly", "每星期"),
        "biweekly": L("每两周", "每兩週", "Every other week", "双周", "隔周", "Biweekly"),
        "monthly": L("每月", "每月", "Monthly"),
        "quarterly": L("每季度", "每季度", "Quarterly", "每季"),
        "halfyearly": L("每半年", "每半年", "Every half-year", "半年", "Half-yearly"),
    },
)

METRIC = Enum(
    "metric",
    {
        "rate": L("比率", "比率", "Rate", "率", "百分比", "%"),
        "count": L("数量", "數量", "Count", "计数", "次数"),
        "amount": L("金额", "金額", "Amount", "资金"),
        "milestone": L("节点", "節點", "Milestone", "完成", "里程碑"),
    },
)

DIRECTION = Enum(
    "direction",
    {
        "at_least": L("不低于", "不低於", "At least", "≥", ">=", "不少于", "至少"),
        "at_most": L("不高于", "不高於", "At most", "≤", "<=", "不超过", "至多"),
    },
)

PERIOD = Enum(
    "period",
    {
        "year": L("年度", "年度", "Year", "全年", "每年"),
        "half": L("半年", "半年", "Half-year", "每半年"),
        "quarter": L("季度", "季度", "Quarter", "每季度"),
    },
)

COUNT_SOURCE = Enum(
    "count_source",
    {
        "manual": L("手工填报", "手工填報", "Entered", "手工"),
        "category": L("按活动类别统计", "按活動類別統計", "Done activities of a category"),
        "linked": L("按关联活动统计", "按關聯活動統計", "Done activities linked to it"),
    },
)

UNIT_KIND = Enum(
    "unit_kind",
    {
        "federation": L("总工会", "總工會", "Federation", "乡镇工会", "街道总工会"),
        "joint": L("联合工会", "聯合工會", "Joint union", "社区联合工会"),
        "base": L("基层工会", "基層工會", "Base-level union", "企业工会", "学校工会"),
        "branch": L("分会", "分會", "Branch"),
        "group": L("工会小组", "工會小組", "Union group", "小组"),
        "committee": L("女职工委员会", "女職工委員會", "Women's committee", "女工委"),
    },
)

HARDSHIP_CAUSE = Enum(
    "hardship_cause",
    {
        "illness": L("因病", "因病", "Illness", "疾病", "大病"),
        "disability": L("因残", "因殘", "Disability", "残疾"),
        "disaster": L("因灾", "因災", "Disaster", "灾害", "意外"),
        "single_parent": L("单亲", "單親", "Single parent", "单亲家庭"),
        "schooling": L("子女就学", "子女就學", "Children's schooling", "子女上学"),
        "unemployed": L("下岗失业", "下崗失業", "Laid off", "失业", "下岗"),
        "low_income": L("低保", "低保", "Minimum allowance", "低保户"),
        "migrant": L("农民工", "農民工", "Migrant worker", "外来务工人员"),
        "retired": L("困难离退休", "困難離退休", "Retired in hardship", "离退休"),
        "other": L("其他", "其他", "Other", "其它"),
    },
)

HARDSHIP_LEVEL = Enum(
    "hardship_level",
    {
        "deep": L("深度困难", "深度困難", "Deep hardship", "特困", "特困职工"),
        "relative": L("相对困难", "相對困難", "Relative hardship", "困难", "一般困难"),
        "accident": L("意外致困", "意外致困", "Hardship by accident", "突发困难"),
    },
)

# A case's life: application -> verified -> filed (建档) -> being helped -> out of hardship
# (脱困) -> closed (销档), or rejected (不予建档) before filing; unionplan.aid.lifecycle holds
# the allowed moves. The codes of the statuses older workbooks had are kept ("applied",
# "reviewing", "active", "exited") so those workbooks read unchanged: "reviewing" is the
# verification stage (old "审核中" cells read as it), "active" is filed (old "在档"), and
# "销档" now reads as closed rather than as out of hardship.
CASE_STATUS = Enum(
    "case_status",
    {
        "applied": L("已申请", "已申請", "Application", "申请", "Applied"),
        "reviewing": L(
            "已核实", "已核實", "Verified", "审核中", "審核中", "审核", "核实", "Under review"
        ),
        "active": L("已建档", "已建檔", "Filed", "在档", "在檔", "建档", "On file"),
        "helping": L("帮扶中", "幫扶中", "Being helped", "帮扶", "在帮"),
        "exited": L("已脱困", "已脫困", "Out of hardship", "脱困"),
        "closed": L("已销档", "已銷檔", "Closed", "销档", "銷檔"),
        "rejected": L("不予建档", "不予建檔", "Not accepted", "驳回", "Rejected"),
    },
)

AID_KIND = Enum(
    "aid_kind",
    {
        "warmth": L("送温暖", "送溫暖", "Winter warmth visit", "冬送温暖", "春节慰问"),
        "school_grant": L("金秋助学", "金秋助學", "Autumn school grant", "助学"),
        "summer_cooling": L("夏送清凉", "夏送清涼", "Summer cooling", "送清凉"),
        "job_referral": L("春送岗位", "春送崗位", "Job referral", "送岗位"),
        "illness_relief": L("大病救助", "大病救助", "Serious-illness relief", "大病"),
        "medical_mutual": L("医疗互助", "醫療互助", "Mutual medical aid"),
        "subsidy": L("困难补助", "困難補助", "Hardship subsidy", "补助", "救济"),
        "hospital_visit": L(
            "慰问住院职工", "慰問住院職工", "Hospital visit", "住院慰问", "慰问住院"
        ),
        "condolence": L("吊唁慰问", "弔唁慰問", "Condolence", "吊唁"),
        "legal_aid": L("法律援助", "法律援助", "Legal aid"),
        "birthday": L("生日祝福", "生日祝福", "Birthday wishes"),
        "other": L("其他", "其他", "Other", "其它"),
    },
)

FUND_SOURCE = Enum(
    "fund_source",
    {
        "aid_fund": L("帮扶资金", "幫扶資金", "Aid fund", "帮扶基金"),
        "one_day_donation": L("一日捐", "一日捐", "One-day donation", "职工互助一日捐"),
        "charity": L("慈善会", "慈善會", "Charity federation", "慈善"),
        "higher_union": L("上级工会拨款", "上級工會撥款", "Higher union allocation", "上级拨款"),
        "union_funds": L("工会经费", "工會經費", "Union funds", "会费"),
        "donation": L("社会捐赠", "社會捐贈", "Donation", "捐赠"),
        "other": L("其他", "其他", "Other", "其它"),
    },
)

GENDER = Enum(
    "gender",
    {
        "female": L("女", "女", "Female", "F"),
        "male": L("男", "男", "Male", "M"),
    },
)

# What kind of paper backs the ID number of an aid case: a mainland resident ID card is
# checked (GB 11643); any other document (passport, Hong Kong/Macao/Taiwan permits …) is not.
ID_KIND = Enum(
    "id_kind",
    {
        "mainland": L("居民身份证", "居民身份證", "Mainland ID card", "身份证", "Mainland ID"),
        "other": L("其他证件", "其他證件", "Other document", "护照", "Passport", "Other"),
    },
)

# One line of a case's history (帮扶记录).
AID_EVENT_KIND = Enum(
    "aid_event_kind",
    {
        "status_change": L("状态变更", "狀態變更", "Status change", "变更"),
        "visit": L("走访", "走訪", "Visit", "走访慰问", "走访记录"),
        "note": L("备注", "備註", "Note", "记录", "说明"),
    },
)

AUDIT_ACTION = Enum(
    "audit_action",
    {
        "append": L("新增", "新增", "Added", "add", "create"),
        "update": L("修改", "修改", "Changed", "edit"),
        "delete": L("删除", "刪除", "Deleted", "remove"),
        # A save that lost a race with another save of the same record: nothing of it was
        # written; the row keeps what it tried to change, so both attempts are on record.
        "conflict": L("冲突未保存", "衝突未儲存", "Conflict, not saved", "conflict"),
    },
)

# The settings tab's `language`: which language the workbook itself is written in.
LANGUAGE = Enum(
    "language",
    {
        "zh-Hans": L("简体中文", "簡體中文", "Simplified Chinese", "zh-CN", "zh_CN", "zh"),
        "zh-Hant": L("繁體中文", "繁體中文", "Traditional Chinese", "zh-TW", "zh_TW", "zh-HK"),
        "en": L("English", "English", "English", "英文", "英語", "en-US"),
    },
)

ENUMS: dict[str, Enum] = {
    e.name: e
    for e in (
        ACTIVITY_CATEGORY,
        ACTIVITY_STATUS,
        RECURRENCE,
        METRIC,
        DIRECTION,
        PERIOD,
        COUNT_SOURCE,
        UNIT_KIND,
        HARDSHIP_CAUSE,
        HARDSHIP_LEVEL,
        CASE_STATUS,
        AID_KIND,
        FUND_SOURCE,
        GENDER,
        ID_KIND,
        AID_EVENT_KIND,
        AUDIT_ACTION,
        LANGUAGE,
    )
}

# ---------------------------------------------------------------- columns

C = Column

SYSTEM_COLUMNS: tuple[Column, ...] = (
    C("version", L("版本", "版本", "Version", "版本号"), "version"),
    C("created_at", L("创建时间", "建立時間", "Created at"), "datetime"),
    C("created_by", L("创建人", "建立人", "Created by"), "text"),
    C("updated_at", L("更新时间", "更新時間", "Updated at", "修改时间"), "datetime"),
    C("updated_by", L("更新人", "更新人", "Updated by", "修改人"), "text"),
    C("deleted", L("已删除", "已刪除", "Deleted", "删除"), "bool"),
)

ID = C("id", L("编号", "編號", "ID", "序号编码", "记录编号"), "text", required=True)


# Which item of an imported plan a row came from (a hash of year, months and title), so
# importing the same plan again skips what is already there. Blank for rows typed by hand.
IMPORT_KEY = C("import_key", L("导入标识", "匯入標識", "Import key", "导入编号"))


def _table(key: str, label: Label, prefix: str, *cols: Column, system: bool = False) -> Table:
    return Table(key, label, prefix, (ID, *cols, *SYSTEM_COLUMNS), system)


ACTIVITIES = _table(
    "activities",
    L("活动", "活動", "Activities", "活动安排", "活动计划"),
    "A",
    C("title", L("活动名称", "活動名稱", "Title", "活动", "活动内容", "名称"), required=True),
    C("category", L("类别", "類別", "Category", "活动类别"), "enum", ACTIVITY_CATEGORY),
    C("start", L("开始日期", "開始日期", "Start", "日期", "时间", "月份"), "plandate"),
    C("end", L("结束日期", "結束日期", "End"), "plandate"),
    C("time", L("时段", "時段", "Time of day", "具体时间")),
    C("location", L("地点", "地點", "Location", "活动地点")),
    C("unit", L("组织单位", "組織單位", "Organising unit", "承办单位", "单位"), "ref", ref="units"),
    C("responsible", L("负责人", "負責人", "Responsible", "责任人")),
    C("planned_participants", L("计划人次", "計劃人次", "Planned participants"), "int"),
    C("actual_participants", L("实际人次", "實際人次", "Actual participants", "参加人次"), "int"),
    C("budget", L("预算(元)", "預算(元)", "Budget (CNY)", "预算"), "money"),
    C("actual_cost", L("实际费用(元)", "實際費用(元)", "Actual cost (CNY)", "实际费用"), "money"),
    C("status", L("状态", "狀態", "Status"), "enum", ACTIVITY_STATUS),
    C("target_id", L("关联目标", "關聯目標", "Linked target"), "ref", ref="targets"),
    C("recurrence", L("重复", "重複", "Repeats", "重复规则", "周期"), "enum", RECURRENCE),
    C("recurrence_until", L("重复截止", "重複截止", "Repeats until"), "date"),
    # "2026-03-06=done; 2026-03-20=skipped": per-occurrence outcome of a recurring activity.
    C("occurrences", L("场次记录", "場次記錄", "Occurrences")),
    C("notes", L("备注", "備註", "Notes", "说明")),
    IMPORT_KEY,
)

TARGETS = _table(
    "targets",
    L("目标", "目標", "Targets", "目标任务", "工作目标"),
    "T",
    C("section", L("工作板块", "工作板塊", "Plan section", "板块")),
    C("title", L("目标名称", "目標名稱", "Title", "目标", "目标任务"), required=True),
    C("metric", L("指标类型", "指標類型", "Metric", "类型"), "enum", METRIC),
    C("unit_of_measure", L("计量单位", "計量單位", "Unit of measure", "单位名称")),
    C("baseline", L("基数", "基數", "Baseline", "基准值"), "quantity"),
    C("target_value", L("目标值", "目標值", "Target value", "目标数"), "quantity"),
    C("direction", L("方向", "方向", "Direction"), "enum", DIRECTION),
    C("period", L("周期", "週期", "Period"), "enum", PERIOD),
    C("deadline", L("截止日期", "截止日期", "Deadline", "时限", "完成时限"), "plandate"),
    C("responsible", L("责任人", "責任人", "Responsible", "负责人")),
    C("unit", L("责任单位", "責任單位", "Member unit", "单位"), "ref", ref="units"),
    C("weight", L("权重", "權重", "Weight", "分值"), "number"),
    # "Q1:20%; Q2:50%; Q3:75%; Q4:100%" — share of the target expected by each quarter end.
    C("milestones", L("季度节点", "季度節點", "Quarterly milestones")),
    C("count_source", L("统计方式", "統計方式", "Counted from"), "enum", COUNT_SOURCE),
    C("count_category", L("统计类别", "統計類別", "Counted category"), "enum", ACTIVITY_CATEGORY),
    C("notes", L("备注", "備註", "Notes", "措施")),
    IMPORT_KEY,
)

PROGRESS = _table(
    "progress",
    L("进度", "進度", "Progress", "进度记录", "完成情况"),
    "P",
    C("target_id", L("目标", "目標", "Target", "目标编号"), "ref", ref="targets", required=True),
    C("date", L("日期", "日期", "Date", "记录日期"), "date"),
    # count / amount: the increment achieved; milestone: 1 when done; rate: use numerator
    # and denominator (a snapshot, the latest one counts).
    C("value", L("数值", "數值", "Value", "完成数"), "quantity"),
    C("numerator", L("分子", "分子", "Numerator"), "number"),
    C("denominator", L("分母", "分母", "Denominator"), "number"),
    C("unit", L("单位", "單位", "Member unit", "填报单位"), "ref", ref="units"),
    C("note", L("说明", "說明", "Note", "备注")),
    C("evidence", L("佐证材料", "佐證材料", "Evidence", "佐证", "链接")),
)

UNITS = _table(
    "units",
    L("组织", "組織", "Units", "分会", "组织单位", "基层工会"),
    "U",
    C("name", L("名称", "名稱", "Name", "单位名称", "工会名称"), required=True),
    C("parent", L("上级单位", "上級單位", "Parent unit", "上级"), "ref", ref="units"),
    C("kind", L("类型", "類型", "Kind", "组织类型"), "enum", UNIT_KIND),
    C("member_count", L("会员人数", "會員人數", "Members", "会员数"), "int"),
    C("women_members", L("女会员人数", "女會員人數", "Women members", "女会员"), "int"),
    C("staff_count", L("职工人数", "職工人數", "Staff", "职工数"), "int"),
    C("chair", L("工会主席", "工會主席", "Chair", "主席")),
    C("notes", L("备注", "備註", "Notes")),
)

# Every personal field of a case is sensitive: masked (unionplan.data.privacy) wherever
# someone without the aid role sees a row, the audit log included.
AID_CASES = _table(
    "aid_cases",
    L("帮扶对象", "幫扶對象", "Aid cases", "困难职工档案", "困难职工"),
    "C",
    C("name", L("姓名", "姓名", "Name"), required=True, sensitive=True),
    C("gender", L("性别", "性別", "Gender"), "enum", GENDER, sensitive=True),
    C(
        "id_kind",
        L("证件类型", "證件類型", "Document kind", "证件种类"),
        "enum",
        ID_KIND,
        sensitive=True,
    ),
    C("id_number", L("身份证号", "身份證號", "ID number", "身份证", "证件号码"), sensitive=True),
    C("phone", L("联系电话", "聯絡電話", "Phone", "电话"), sensitive=True),
    C("address", L("住址", "住址", "Address", "家庭住址"), sensitive=True),
    C("unit", L("所在单位", "所在單位", "Unit", "单位"), "ref", ref="units"),
    C(
        "causes",
        L("困难原因", "困難原因", "Causes", "致困原因"),
        "multienum",
        HARDSHIP_CAUSE,
        sensitive=True,
    ),
    C("level", L("困难类别", "困難類別", "Hardship level", "困难程度"), "enum", HARDSHIP_LEVEL),
    C("status", L("档案状态", "檔案狀態", "Status", "状态"), "enum", CASE_STATUS),
    C("family_size", L("家庭人口", "家庭人口", "Family size"), "int", sensitive=True),
    C(
        "monthly_income",
        L("家庭月收入(元)", "家庭月收入(元)", "Monthly income (CNY)", "月收入"),
        "money",
        sensitive=True,
    ),
    C("situation", L("困难情况", "困難情況", "Situation", "病情", "情况说明"), sensitive=True),
    C("paired_cadre", L("结对干部", "結對幹部", "Paired cadre", "帮扶责任人", "结对帮扶人")),
    C("opened_on", L("建档日期", "建檔日期", "Opened on"), "date"),
    C("review_date", L("复核日期", "複核日期", "Review date", "下次复核"), "date"),
    C("exited_on", L("脱困日期", "脫困日期", "Exited on"), "date"),
    C("closed_on", L("销档日期", "銷檔日期", "Closed on"), "date"),
    C("notes", L("备注", "備註", "Notes"), sensitive=True),
)

AID_PAYMENTS = _table(
    "aid_payments",
    L("帮扶发放", "幫扶發放", "Aid payments", "发放记录", "慰问发放"),
    "D",
    C(
        "case_id",
        L("帮扶对象", "幫扶對象", "Aid case", "对象编号"),
        "ref",
        ref="aid_cases",
        required=True,
    ),
    C("date", L("发放日期", "發放日期", "Date", "日期"), "date"),
    C("kind", L("帮扶类型", "幫扶類型", "Kind", "类型"), "enum", AID_KIND),
    C("cash", L("现金(元)", "現金(元)", "Cash (CNY)", "慰问金", "金额"), "money"),
    C("goods", L("物资", "物資", "Goods")),
    C("goods_value", L("物资折价(元)", "物資折價(元)", "Goods value (CNY)", "物资价值"), "money"),
    C("fund_source", L("资金来源", "資金來源", "Fund source", "来源"), "enum", FUND_SOURCE),
    C("handler", L("经办人", "經辦人", "Handler")),
    C("approved_by", L("审批人", "審批人", "Approved by", "批准人")),
    C("receipt_signed", L("已签领", "已簽領", "Receipt signed", "签领", "签收"), "bool"),
    # Paid before the fund had the money (垫付): allowed to take the source below zero.
    C("advance", L("垫付", "墊付", "Advance", "是否垫付"), "bool"),
    C("campaign_id", L("发放批次", "發放批次", "Campaign", "批次")),
    C("activity_id", L("关联活动", "關聯活動", "Activity"), "ref", ref="activities"),
    # Notes on a payment tell of the family ("化疗费用救助"): personal as well.
    C("notes", L("备注", "備註", "Notes"), sensitive=True),
)

FUND_INCOME = _table(
    "fund_income",
    L("资金收入", "資金收入", "Fund income", "帮扶资金收入", "资金"),
    "I",
    C("date", L("日期", "日期", "Date", "到账日期"), "date"),
    C("source", L("来源", "來源", "Source", "资金来源"), "enum", FUND_SOURCE),
    C("amount", L("金额(元)", "金額(元)", "Amount (CNY)", "金额"), "money", required=True),
    C("handler", L("经办人", "經辦人", "Handler")),
    C("notes", L("备注", "備註", "Notes")),
)

# A case's own history (帮扶记录): status changes with their reason, visits and notes.
# Append-only, written by unionplan.aid.lifecycle and never through the generic record form
# (hence `system`); a correction is a new note, so the file keeps telling what happened.
AID_EVENTS = _table(
    "aid_events",
    L("帮扶记录", "幫扶記錄", "Aid case history", "档案记录", "走访记录"),
    "E",
    C(
        "case_id",
        L("帮扶对象", "幫扶對象", "Aid case", "对象编号"),
        "ref",
        ref="aid_cases",
        required=True,
    ),
    C("date", L("日期", "日期", "Date", "记录日期", "走访日期"), "date"),
    C("kind", L("记录类型", "記錄類型", "Kind", "类型"), "enum", AID_EVENT_KIND),
    C("from_status", L("原状态", "原狀態", "From status"), "enum", CASE_STATUS),
    C("to_status", L("新状态", "新狀態", "To status"), "enum", CASE_STATUS),
    C(
        "details",
        L("内容", "內容", "Details", "原因", "事由", "走访情况", "备注"),
        sensitive=True,
    ),
    C("by", L("记录人", "記錄人", "By", "走访人", "经办人")),
    system=True,
)

AUDIT_LOG = Table(
    "audit_log",
    L("操作日志", "操作日誌", "Audit log", "审计日志", "日志"),
    "L",
    (
        ID,
        C("at", L("时间", "時間", "At"), "datetime"),
        C("user", L("操作人", "操作人", "User"), "text"),
        C("table", L("表", "表", "Table"), "text"),
        C("record_id", L("记录编号", "記錄編號", "Record"), "text"),
        C("action", L("操作", "操作", "Action"), "enum", AUDIT_ACTION),
        # JSON {"field": [before, after]}; sensitive aid fields are masked, see workbook.
        C("changes", L("变更内容", "變更內容", "Changes"), "text"),
    ),
    system=True,
)

SETTINGS = Table(
    "settings",
    L("设置", "設定", "Settings", "配置"),
    "S",
    (
        ID,
        C("key", L("项目", "項目", "Key", "设置项"), "text", required=True),
        C("value", L("值", "值", "Value", "内容"), "text"),
    ),
    system=True,
)

TABLES: dict[str, Table] = {
    t.key: t
    for t in (
        ACTIVITIES,
        TARGETS,
        PROGRESS,
        UNITS,
        AID_CASES,
        AID_PAYMENTS,
        FUND_INCOME,
        AID_EVENTS,
        AUDIT_LOG,
        SETTINGS,
    )
}

# Settings keys the app understands; others are carried through untouched.
SETTING_KEYS = ("union_name", "plan_year", "language", "demo", "aid_workbook")


# ---------------------------------------------------------------- name matching

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
_SPACES = re.compile(r"[\s\u3000]+")


def norm(text: object) -> str:
    """Fold a header, tab title or enum label to a comparison key.

    NFKC turns full-width letters and brackets into ASCII; whitespace (including the
    ideographic space) is dropped; case is folded. A bracketed unit such as "(元)" is
    kept in a second spelling by `_keys_for`, so "预算" and "预算（元）" both match.
    """
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = _SPACES.sub("", s)
    return s.casefold().rstrip(":：*")


def _keys_for(text: str) -> set[str]:
    # No header, tab title or label is longer: a longer cell is not compared at all (the
    # lazy bracket pattern would be quadratic on a long run of opening brackets).
    if len(text) > MAX_LABEL_CHARS:
        return set()
    n = norm(text)
    out = {n}
    stripped = _BRACKETS.sub("", unicodedata.normalize("NFKC", text))
    if stripped != text:
        out.add(norm(stripped))
    return {k for k in out if k}


def _index(labels: dict[str, Label]) -> dict[str, str]:
    idx: dict[str, str] = {}
    # Main labels win over aliases when two things share a spelling.
    for pass_aliases in (False, True):
        for code, lab in labels.items():
            names = lab.aliases if pass_aliases else (lab.zh_hans, lab.zh_hant, lab.en, code)
            for name in names:
                for k in _keys_for(name):
                    idx.setdefault(k, code)
    return idx


@dataclass
class _Lookup:
    tabs: dict[str, str] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    enums: dict[str, dict[str, str]] = field(default_factory=dict)


def _build() -> _Lookup:
    lk = _Lookup()
    lk.tabs = _index({t.key: t.label for t in TABLES.values()})
    for t in TABLES.values():
        lk.columns[t.key] = _index({c.key: c.label for c in t.columns})
    for e in ENUMS.values():
        lk.enums[e.name] = _index(e.values)
    return lk


_LOOKUP = _build()


def match_tab(title: str) -> str | None:
    """The table key a tab title names, in any language, or None."""
    for k in _keys_for(title):
        if k in _LOOKUP.tabs:
            return _LOOKUP.tabs[k]
    return None


def match_column(table: str, header: object) -> str | None:
    """The column key a header cell names in `table`, or None for an unknown column."""
    for k in _keys_for(str(header or "")):
        if k in _LOOKUP.columns[table]:
            return _LOOKUP.columns[table][k]
    return None


def match_enum(enum: Enum, text: object) -> str | None:
    """The code an enum label (any language, alias or code) names, or None."""
    for k in _keys_for(str(text or "")):
        if k in _LOOKUP.enums[enum.name]:
            return _LOOKUP.enums[enum.name][k]
    return None
