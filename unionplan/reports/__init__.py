"""Reports (报告): taking a union's written plan in, and later the summaries it hands up.

Today this holds the importer: a pasted plan or a plan table becomes a preview of
activities and targets (`importer.parse_plan_text`, `importer.parse_plan_table`), which a
person corrects and imports in one write (`importer.import_preview`).
"""
