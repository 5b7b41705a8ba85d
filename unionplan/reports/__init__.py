"""Reports (报告): taking a union's written plan in, and giving out the summaries it hands up.

In: the importer — a pasted plan or a plan table becomes a preview of activities and
targets (`importer.parse_plan_text`, `importer.parse_plan_table`), which a person corrects
and imports in one write (`importer.import_preview`).

Out: `report.build_report` drafts a quarterly progress report, a half-year summary or an
annual summary for a period and a member unit (figures.py computes, narrative.py words);
`docx_report.to_docx` and `xlsx_report.to_xlsx` export it with the person's edits, and
`workplan.workplan_docx` prints the year's plan itself as a Word work plan.
"""
