"""Importing a plan: read a file into a preview, then write the corrected preview at once.

    preview = read_plan(data, "计划.docx.txt", year=2026)      # or parse_plan_text(...)
    ... a person corrects preview (ImportPreview.from_frames) ...
    result = import_preview(workbook, preview, actor)

`import_preview` checks every row first (a row that cannot be imported stops the whole
import with every problem listed), leaves out the rows whose import key is already in the
workbook, and writes all the new activities and targets with their audit rows in one
store write (`Workbook.append_many`). `plan_import` is the same without the write, for a
dry run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unionplan.data.access import Person
from unionplan.data.parse import PlanDate
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError, ValidationError
from unionplan.goals import target_input
from unionplan.plan import activities as activity_rules
from unionplan.reports.lines import decode_text
from unionplan.reports.plan_table import TABLE_SUFFIXES, parse_plan_table
from unionplan.reports.plan_text import MAX_CHARS, parse_plan_text
from unionplan.reports.preview import (
    ActivityRow,
    ImportPreview,
    TargetRow,
    activity_key,
    target_key,
)

__all__ = [
    "ImportPlan",
    "ImportResult",
    "import_preview",
    "parse_plan_table",
    "parse_plan_text",
    "plan_import",
    "read_plan",
]

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
Progress = Callable[[int, int], None]


# ------------------------------------------------------------------ reading a file


def read_plan(
    source: bytes | str | Path,
    filename: str,
    *,
    year: int,
    columns: Mapping[str, str | int] | None = None,
) -> ImportPreview:
    """The preview of a plan file: text (.txt, .md) or a table (.xlsx, .csv).

    `source` is the file's bytes (an upload) or its path. `columns` maps fields to
    columns for a table whose headers are not recognised (see `parse_plan_table`).
    """
    suffix = Path(filename).suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return parse_plan_table(source, filename, year=year, columns=columns)
    if suffix not in TEXT_SUFFIXES:
        raise UnionplanError(filename, key="reports.err_file_type", name=filename)
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_CHARS * 4:  # 4 bytes at most per character
                raise UnionplanError(filename, key="reports.err_too_long", limit=MAX_CHARS)
            data = path.read_bytes()
        except OSError as e:
            raise UnionplanError(str(e), key="reports.err_unreadable", name=filename) from e
    return parse_plan_text(decode_text(data), year, source=filename)


# ------------------------------------------------------------------ rows to records


@dataclass
class ImportPlan:
    """What an import of a preview would write, and what it leaves out."""

    create: list[tuple[str, dict[str, Any], ActivityRow | TargetRow]] = field(
        default_factory=list
    )  # (table key, record values, the row it came from)
    existing: list[ActivityRow | TargetRow] = field(default_factory=list)  # imported before
    excluded: int = 0  # rows the person unticked
    # rows that cannot be imported, with their problems (field -> message keys); only
    # when not strict, else these raise ValidationError
    invalid: list[tuple[ActivityRow | TargetRow, dict[str, list[str]]]] = field(
        default_factory=list
    )

    @property
    def activities(self) -> int:
        return sum(1 for table, _, _ in self.create if table == "activities")

    @property
    def targets(self) -> int:
        return sum(1 for table, _, _ in self.create if table == "targets")


@dataclass
class ImportResult:
    """What an import wrote: each record as stored (ids included) with the row it came
    from, and what it left out."""

    created: list[tuple[str, dict[str, Any], ActivityRow | TargetRow]]
    existing: list[ActivityRow | TargetRow]
    excluded: int = 0
    invalid: list[tuple[ActivityRow | TargetRow, dict[str, list[str]]]] = field(
        default_factory=list
    )

    @property
    def activities(self) -> list[dict[str, Any]]:
        return [record for table, record, _ in self.created if table == "activities"]

    @property
    def targets(self) -> list[dict[str, Any]]:
        return [record for table, record, _ in self.created if table == "targets"]


def _activity_record(row: ActivityRow, year: int) -> tuple[dict[str, Any], dict]:
    start = row.start
    end = row.end
    if isinstance(start, PlanDate) and isinstance(end, PlanDate) and end == start:
        end = None
    raw = {
        "title": row.title,
        "category": row.category,
        "start": start,
        "end": end,
        "responsible": row.responsible,
        "notes": row.theme,
        "status": activity_rules.DEFAULT_STATUS,
    }
    try:
        record = activity_rules.validate(raw, year)
    except ValidationError as err:
        return {}, err.problems
    return {**record, **_as_written(raw, ("title", "responsible", "notes"))}, {}


def _as_written(raw: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Text fields as the plan wrote them, only trimmed.

    The form's checks fold text (NFKC turns "，" into ","), which suits what is typed
    into a form; an imported title keeps the plan's own Chinese punctuation.
    """
    out: dict[str, Any] = {}
    for key in keys:
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = value.strip()
    return out


def _target_record(row: TargetRow, year: int) -> tuple[dict[str, Any], dict]:
    value: Any = row.value
    if row.metric == "rate" and value is not None:
        value = f"{value:g}%"  # the value as written ("95" of "95%"): a percentage
    raw = {
        "title": row.title,
        "section": row.section,
        "metric": row.metric,
        "unit_of_measure": row.unit or None,
        "target_value": value,
        "direction": row.direction,
        "period": row.period,
        "deadline": row.deadline,
        "responsible": row.responsible,
        "notes": row.note,
    }
    record, problems = target_input.clean_target(raw, year)
    written = _as_written(raw, ("title", "section", "responsible", "notes", "unit_of_measure"))
    return {**record, **written}, problems


def existing_keys(data: WorkbookData) -> set[str]:
    """The import keys already in the workbook's activities and targets."""
    keys: set[str] = set()
    for table in ("activities", "targets"):
        df = data.df(table)
        if "import_key" in df.columns and not df.empty:
            keys.update(str(k) for k in df["import_key"].dropna() if str(k).strip())
    return keys


def plan_import(
    preview: ImportPreview,
    existing: set[str],
    *,
    strict: bool = True,
    progress: Progress | None = None,
) -> ImportPlan:
    """The records an import would create, after checking every included row.

    When `strict`, raises ValidationError listing every problem ("activities[3].start":
    [message keys]; rows counted from 1 as the preview shows them) if any row cannot be
    imported; otherwise such rows are left out and listed in `invalid`. A row whose
    import key is in `existing`, or repeats an earlier row, is left out.
    """
    plan = ImportPlan()
    problems: dict[str, list[str]] = {}
    seen = set(existing)
    rows: list[tuple[str, int, ActivityRow | TargetRow]] = [
        *(("activities", n, r) for n, r in enumerate(preview.activities, start=1)),
        *(("targets", n, r) for n, r in enumerate(preview.targets, start=1)),
    ]
    total = len(rows)
    for done, (table, number, row) in enumerate(rows, start=1):
        if not row.include:
            plan.excluded += 1
        else:
            if isinstance(row, ActivityRow):
                key = row.import_key or activity_key(preview.year, row)
                record, found = _activity_record(row, preview.year)
            else:
                key = row.import_key or target_key(preview.year, row)
                record, found = _target_record(row, preview.year)
            for name, keys in found.items():
                problems[f"{table}[{number}].{name}"] = list(keys)
            if found and not strict:
                plan.invalid.append((row, {k: list(v) for k, v in found.items()}))
            elif key in seen:
                plan.existing.append(row)
            elif not found:
                seen.add(key)
                plan.create.append((table, {**record, "import_key": key}, row))
        if progress:
            progress(done, total + 1)  # the write is the last step
    if problems and strict:
        rows_wrong = {k.split(".", 1)[0] for k in problems}
        raise ValidationError(problems, f"{len(rows_wrong)} rows: {problems}")
    return plan


def import_preview(
    workbook: Workbook,
    preview: ImportPreview,
    actor: Person,
    *,
    strict: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Write the preview's new activities and targets in ONE store write.

    The workbook is read fresh inside the store's transaction (for a local file, under
    its lock), so two people importing the same plan at once cannot both add it.
    `progress(done, total)` is called as rows are checked and once more after the write.
    """
    with workbook.store.transaction():
        data = workbook.load(fresh=True)
        plan = plan_import(preview, existing_keys(data), strict=strict, progress=progress)
        made = workbook.append_many([(t, values) for t, values, _ in plan.create], actor)
    total = len(preview.activities) + len(preview.targets) + 1
    if progress:
        progress(total, total)
    return ImportResult(
        created=[
            (table, record, row) for (table, _, row), record in zip(plan.create, made, strict=True)
        ],
        existing=plan.existing,
        excluded=plan.excluded,
        invalid=plan.invalid,
    )


def summary(table: str, record: Mapping[str, Any], row: ActivityRow | TargetRow) -> dict[str, Any]:
    """One record as the CLI prints it (a JSON object): what it is, when, how much."""
    out: dict[str, Any] = {"kind": "activity" if table == "activities" else "target"}
    if record.get("id"):
        out["id"] = record["id"]
    out["title"] = record.get("title")
    if table == "activities":
        start, end = record.get("start"), record.get("end")
        out["months"] = list(ActivityRow("", start, end).months)
        out["start"] = str(start) if start else None
        out["end"] = str(end) if end else None
        out["category"] = record.get("category")
    else:
        assert isinstance(row, TargetRow)
        value = row.value
        out["value"] = int(value) if value is not None and float(value).is_integer() else value
        out["unit"] = row.unit
        out["direction"] = record.get("direction")
        out["metric"] = record.get("metric")
        out["period"] = record.get("period")
        deadline = record.get("deadline")
        out["deadline"] = str(deadline) if deadline else None
    out["line"] = row.line
    out["import_key"] = record.get("import_key")
    return out
