"""The year's plan itself as a Word work plan (年度工作计划), in the shape of the seeds' plans.

    data = workplan_docx(workbook.load(), lang="zh-Hans")

A title ("某某中学工会2026年工作计划"), a short opening, then one numbered part per plan
section (一、组织建设 …) with a table of its goals (目标: the target and its number),
measures (措施: the target's notes), deadline (时限) and who is responsible (责任人), then
the month-by-month activity schedule (活动安排) as `plan.schedule_xlsx` lays it out, and
the closing rule 年初有计划、半年有小结、年终有总结、工作有记录.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.tables import WorkbookData
from unionplan.data.values import py
from unionplan.plan import schedule_xlsx
from unionplan.reports import docx_base as base
from unionplan.reports import narrative as words
from unionplan.reports.figures import NO_SECTION
from unionplan.reports.report import Progress

PLAN_COLUMNS = ("wp_goal", "wp_measures", "wp_deadline", "wp_responsible")


def goal_text(rec: Mapping[str, Any], lang: str) -> str:
    """ "教职工入会率不低于98%" / "培训工会干部50人次": a target as a plan states it."""
    title = str(py(rec.get("title")) or "")
    metric = py(rec.get("metric")) or "count"
    value = py(rec.get("target_value"))
    if metric == "milestone" or value is None:
        return title
    value = float(value)
    if metric == "rate":
        number = words.pct(value if value <= 1 else value / 100)
    elif metric == "amount":
        number = words.money(value, lang)
    else:
        number = words.quantity(value, str(py(rec.get("unit_of_measure")) or ""), lang)
    key = "wp_at_most" if py(rec.get("direction")) == "at_most" else "wp_at_least"
    return words.t(key, lang, title=title, value=number)


def plan_rows(data: WorkbookData, lang: str) -> dict[str, list[list[str]]]:
    """Section -> rows of (goal, measures, deadline, responsible), in the targets' order."""
    out: dict[str, list[list[str]]] = {}
    targets = data.df("targets")
    for rec in targets.to_dict("records") if not targets.empty else []:
        section = str(py(rec.get("section")) or NO_SECTION)
        deadline = py(rec.get("deadline"))
        out.setdefault(section, []).append(
            [
                goal_text(rec, lang),
                str(py(rec.get("notes")) or ""),
                i18n.fmt_date(deadline, lang) if isinstance(deadline, PlanDate) else "",
                str(py(rec.get("responsible")) or ""),
            ]
        )
    return out


def workplan_docx(
    data: WorkbookData, lang: str = "zh-Hans", *, progress: Progress | None = None
) -> bytes:
    """The plan year's work plan as .docx bytes."""
    year = data.plan_year
    who = data.settings.get("union_name", "") or words.t("the_union", lang)
    if progress:
        progress(0, 2, words.t("step_text", lang))
    doc = base.new_document()
    base.title(doc, words.t("wp_title", lang, who=who, year=year))
    base.paragraphs(doc, words.t("wp_opening", lang, who=who, year=year))
    n = 0
    for section, rows in plan_rows(data, lang).items():
        n += 1
        name = section or words.t("other_work", lang)
        base.heading(doc, base.numbered(n, name, lang), 1)  # a section's name, typed
        base.table(doc, [words.t(k, lang) for k in PLAN_COLUMNS], rows)
    schedule = schedule_xlsx.build(data.df("activities"), year, lang)
    n += 1
    doc.add_heading(base.numbered(n, words.t("wp_schedule", lang), lang), level=1)
    sep, mark = words.t("wp_item_sep", lang), words.t("wp_item_mark", lang)
    base.table(
        doc,
        [words.t("wp_month", lang), words.t("wp_theme", lang), words.t("wp_items", lang)],
        [
            [
                i18n.fmt_month(year, m.month, lang),
                m.theme,
                sep.join(f"{k}{mark}{item}" for k, item in enumerate(m.items, start=1)),
            ]
            for m in schedule
        ],
    )
    base.paragraphs(doc, words.t("wp_closing", lang))
    if progress:
        progress(1, 2, words.t("step_save", lang))
    out = base.to_bytes(doc)
    if progress:
        progress(2, 2, words.t("step_done", lang))
    return out
