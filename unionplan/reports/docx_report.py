"""A report as a Word document (.docx): the narrative as edited, the tables, the charts.

    data = to_docx(report, texts=edited_texts, progress=callback)

Layout: the title, the period and the day the figures are taken on, then 一、总体情况,
二、各项工作开展情况 (a heading per plan section), 三、困难职工帮扶 (the narrative, the table
by kind of aid, and the payments with names only in a report for someone allowed to see
them), 四、目标任务完成情况 (table and chart), 五、开展的活动 (table). Fonts, page and
charts: `docx_base`.
"""

from __future__ import annotations

from collections.abc import Mapping

from unionplan import i18n
from unionplan.aid import charts as aid_charts
from unionplan.goals import charts as goal_charts
from unionplan.reports import docx_base as base
from unionplan.reports import narrative as words
from unionplan.reports.report import AID, OVERVIEW, SECTION, Progress, Report, edited


def targets_rows(report: Report) -> list[list[str]]:
    """The targets table: section, target, target value, actual, completion, status,
    responsible — the same texts in the .docx and the .xlsx."""
    lang = report.lang
    rows = []
    for line in report.targets:
        milestone = line.metric == "milestone"
        share = None if milestone else line.pct_achieved
        rows.append(
            [
                line.section or words.t("other_work", lang),
                line.title,
                "—" if milestone else words.value_text(line, line.target, lang),
                _milestone_text(line.status, lang)
                if milestone
                else ("—" if line.actual is None else words.value_text(line, line.actual, lang)),
                "—" if share is None else words.pct(share),
                i18n.t(f"targets.status_{line.status}", lang),
                line.responsible,
            ]
        )
    return rows


def _milestone_text(status: str, lang: str) -> str:
    return words.t("milestone_done" if status == "achieved" else "milestone_open", lang)


TARGET_COLUMNS = ("col_section", "col_target", "col_target_value", "col_actual", "col_pct")
TARGET_COLUMNS += ("col_status", "col_responsible")
ACTIVITY_COLUMNS = ("col_date", "col_activity", "col_category", "col_unit", "col_sessions")
ACTIVITY_COLUMNS += ("col_participants", "col_cost")
AID_COLUMNS = ("col_kind", "col_persons", "col_times", "col_cash", "col_goods", "col_total")
PAYMENT_COLUMNS = ("col_date", "col_name", "col_unit", "col_kind", "col_cash", "col_goods")


def activity_rows(report: Report) -> list[list[str]]:
    lang = report.lang
    return [
        [
            i18n.fmt_date(a.date, lang),
            a.title,
            words.category_label(a.category, lang),
            report.unit_names.get(a.unit or "", a.unit or ""),
            words.num(a.sessions),
            "" if a.participants is None else words.num(a.participants),
            "" if a.cost is None else words.money(a.cost, lang),
        ]
        for a in report.activities
    ]


def aid_rows(report: Report) -> list[list[str]]:
    lang = report.lang
    rows = [
        [
            words.aid_kind_label(k.kind, lang),
            words.num(k.persons),
            words.num(k.person_times),
            words.money(k.cash, lang),
            words.money(k.goods_value, lang),
            words.money(k.total, lang),
        ]
        for k in report.aid.by_kind
    ]
    aid = report.aid
    rows.append(
        [
            words.t("total_row", lang),
            words.num(aid.persons),
            words.num(aid.person_times),
            words.money(aid.cash, lang),
            words.money(aid.goods_value, lang),
            words.money(aid.total, lang),
        ]
    )
    return rows


def payment_rows(report: Report) -> list[list[str]]:
    """Payments with names: only a report built with personal=True has any."""
    lang = report.lang
    return [
        [
            i18n.fmt_date(p.date, lang),
            p.name,
            report.unit_names.get(p.unit or "", p.unit or ""),
            words.aid_kind_label(p.kind, lang),
            words.money(p.cash, lang),
            words.money(p.goods_value, lang),
        ]
        for p in report.aid.payments
    ]


def header(keys: tuple[str, ...], lang: str) -> list[str]:
    return [words.t(k, lang) for k in keys]


def to_docx(
    report: Report,
    texts: Mapping[str, str] | None = None,
    *,
    charts: bool = True,
    render: base.Renderer | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The report as .docx bytes, with `texts` (section key -> edited text) in place of
    the draft. `render` turns a plotly figure into PNG (default kaleido); `charts=False`
    leaves the charts out. `progress(step, total, label)` is called before each step."""
    lang = report.lang
    narrative = edited(report, texts)
    figs = {}
    if charts and not report.aid.by_kind_quarter.empty:
        figs[AID] = aid_charts.paid_by_kind_quarter(report.aid.by_kind_quarter, lang)
    if charts and not report.evaluated.empty:
        title = words.t("chart_targets", lang)
        figs["targets"] = goal_charts.section_bullets(report.evaluated, lang, title)
    total = len(figs) + 2

    def before(n: int) -> None:
        if progress:
            progress(n - 1, total, words.t("step_chart", lang, n=n, total=len(figs)))

    # The charts first, in one browser session; the document then only places them.
    images = base.render_all(figs, render, before)
    failed = words.t("chart_failed", lang)

    def chart(key: str) -> None:
        if key in images:
            base.picture(doc, images[key], failed)

    if progress:
        progress(len(figs), total, words.t("step_text", lang))
    doc = base.new_document()
    base.title(doc, report.title)
    p = report.period
    meta = [
        words.t(
            "meta_period", lang, start=i18n.fmt_date(p.start, lang), end=i18n.fmt_date(p.end, lang)
        ),
        words.t("meta_as_of", lang, date=i18n.fmt_date(p.as_of, lang)),
    ]
    doc.add_paragraph(words.t("sep_list", lang).join(meta)).alignment = 1  # centred

    n = 0

    def heading(text: str) -> None:
        nonlocal n
        n += 1
        doc.add_heading(base.numbered(n, text, lang), level=1)

    heading(words.t("h_overview", lang))
    base.paragraphs(doc, narrative[OVERVIEW])

    heading(words.t("h_sections", lang))
    for s in report.sections:
        if s.key.startswith(SECTION):
            base.heading(doc, s.heading, 2)  # a plan section's name, typed in the sheet
            base.paragraphs(doc, narrative[s.key])

    heading(words.t("h_aid", lang))
    base.paragraphs(doc, narrative[AID])
    base.table(doc, header(AID_COLUMNS, lang), aid_rows(report))
    chart(AID)
    if report.personal:
        if report.aid.payments:
            doc.add_heading(words.t("h_aid_payments", lang), level=2)
            base.table(doc, header(PAYMENT_COLUMNS, lang), payment_rows(report))
    else:
        doc.add_paragraph(words.t("note_no_personal", lang))

    heading(words.t("h_targets", lang))
    base.table(doc, header(TARGET_COLUMNS, lang), targets_rows(report))
    chart("targets")

    heading(words.t("h_activities", lang))
    if report.activities:
        base.table(doc, header(ACTIVITY_COLUMNS, lang), activity_rows(report))
    else:
        doc.add_paragraph(words.t("no_activities", lang))
    if progress:
        progress(len(figs) + 1, total, words.t("step_save", lang))
    out = base.to_bytes(doc)
    if progress:
        progress(total, total, words.t("step_done", lang))
    return out
