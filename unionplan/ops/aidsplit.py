"""The separate aid workbook, for administrators: the data page's check of where personal
data sits, the setting that names the aid workbook, and moving the aid tabs out of a plan
workbook into an aid workbook (``python -m unionplan aid-split PLAN AID``).

Plain Python; how the two workbooks are read and written together is
`unionplan.data.split` and `unionplan.data.workbook`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unionplan.data import schema
from unionplan.data.access import AID, Person, check_admin
from unionplan.data.split import AID_TABLES, personal_cases
from unionplan.data.store.base import Cell, Grid, Store
from unionplan.data.tables import WorkbookData, find_header, parse_workbook
from unionplan.data.values import is_blank
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError
from unionplan.ops import config
from unionplan.ops.config import Location

# ------------------------------------------------------------------ the data page's check


@dataclass(frozen=True)
class Finding:
    """One thing the check found: a message key (area ``data.aid``) and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _readable_by_others(path: str) -> str | None:
    """The file's mode as "0644" when group or others may read it, else None."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return None
    return f"{mode:04o}" if mode & 0o044 else None


def check_placement(
    data: WorkbookData,
    plan: Location,
    aid: Location | None,
    people: Iterable[Person],
) -> list[Finding]:
    """Where the personal data of aid cases sits, and who could read it outside the app.

    Warns when the plan workbook holds cases with personal data while accounts without
    the aid role exist (each of them may be able to open the shared workbook itself), when
    it still holds such cases although an aid workbook is configured (the app no longer
    reads them), and when a local file holding personal data is readable by other users
    of the machine. An empty list: nothing to warn about.
    """
    out: list[Finding] = []
    in_plan = personal_cases(data.df("aid_cases")) if aid is None else data.plan_personal_cases or 0
    if in_plan and aid is None:
        others = sorted({p.login for p in people if not (p.is_admin or p.has(AID))})
        if others:
            logins = "、".join(others[:10]) + ("…" if len(others) > 10 else "")
            out.append(
                Finding("data.aid.warn_shared", {"n": in_plan, "k": len(others), "logins": logins})
            )
    elif in_plan:
        out.append(Finding("data.aid.warn_left", {"n": in_plan}))
    files = []
    if in_plan and plan.kind == "xlsx":
        files.append(plan.target)
    if aid is not None and aid.kind == "xlsx" and personal_cases(data.df("aid_cases")):
        files.append(aid.target)
    for path in files:
        mode = _readable_by_others(path)
        if mode:
            out.append(Finding("data.aid.warn_mode", {"path": path, "mode": mode}))
    return out


def save_aid_setting(workbook: Workbook, plan: Location, value: str, actor: Person) -> None:
    """Name the aid workbook in the plan workbook's settings (blank: none). Administrators
    only; a value that is neither a Sheets address nor a plain .xlsx file name is refused
    (ConfigError "data.aid.bad_name") before anything is written."""
    check_admin(actor)
    config.aid_setting_location(plan, value)
    workbook.set_setting(config.AID_SETTING, value.strip(), actor)


# ------------------------------------------------------------------ moving the aid tabs


class _Grids(Store):
    """Grids already read, offered as a read-only store (the source of a copy)."""

    kind = "grids"

    def __init__(self, grids: dict[str, Grid], location: str) -> None:
        super().__init__()
        self._grids, self._location = grids, location

    @property
    def location(self) -> str:
        return self._location

    def read_all(self) -> dict[str, Grid]:
        return self._grids

    def read_tab(self, title: str) -> Grid:
        return self._grids[title]

    def create_tabs(self, tabs: dict[str, list[str]]) -> None:
        raise NotImplementedError

    def append_rows(self, title: str, rows: Any, *, id_col: int) -> None:
        raise NotImplementedError

    def update_cells(self, title: str, cells: Any) -> None:
        raise NotImplementedError


@dataclass
class SplitResult:
    """What `split_aid` moved (or, in a dry run, would move): data rows per plan tab."""

    rows: dict[str, int]
    backup: Path | None = None
    dry_run: bool = False


def _aid_part(grids: Mapping[str, Grid]) -> tuple[dict[str, Grid], dict[str, list[int]]]:
    """The plan workbook's tabs that move: each aid table's tab whole, and the audit log
    (its header and the rows about aid tables); with, per tab, the 1-based rows to blank."""
    part: dict[str, Grid] = {}
    blank: dict[str, list[int]] = {}
    for title, grid in grids.items():
        key = schema.match_tab(title)
        head = find_header(schema.TABLES[key], grid) if key else None
        if key in AID_TABLES:
            part[title] = grid
            start = head[0] + 1 if head else 1
            blank[title] = [r + 1 for r in range(start, len(grid)) if _filled(grid[r])]
        elif key == "audit_log" and head is not None and "table" in head[1]:
            col = head[1]["table"]
            rows = [
                r
                for r in range(head[0] + 1, len(grid))
                if col < len(grid[r]) and str(grid[r][col] or "").strip() in AID_TABLES
            ]
            if rows:
                part[title] = [*grid[: head[0] + 1], *(grid[r] for r in rows)]
                blank[title] = [r + 1 for r in rows]
    return part, blank


def _filled(row: list[Cell]) -> bool:
    return any(not is_blank(c) for c in row)


def _ids(data: WorkbookData, key: str) -> tuple[int, set[str]]:
    td = data.tables[key]
    ids = set(td.df["id"].dropna().astype(str)) if not td.df.empty else set()
    return len(td.df) + td.n_deleted, ids


def split_aid(
    plan: Store,
    aid: Store,
    *,
    actor: Person,
    dry_run: bool = False,
    backup_dir: Path | None = None,
) -> SplitResult:
    """Move the aid tabs of `plan` into the empty workbook `aid`.

    Copies every aid table's tab (and the audit rows about them), reads `aid` back and
    compares each table's rows and ids with the plan's, backs up `plan`, then blanks the
    moved rows in `plan` in one write (headers stay). Nothing in `plan` changes unless the
    copy verified. A dry run only reads. Administrators only. Raises UnionplanError
    "errors.dest_not_empty" when `aid` already holds aid data, "errors.split_verify" when
    the copy does not read back the same.
    """
    from unionplan.ops.backup import save_backup
    from unionplan.ops.transfer import copy_workbook, data_rows

    check_admin(actor)
    grids = plan.read_all()
    part, blank = _aid_part(grids)
    rows = {title: data_rows(title, grid) for title, grid in part.items()}
    if dry_run:
        existing = aid.read_all()
        busy = [t for t in existing if schema.match_tab(t) and data_rows(t, existing[t])]
        if busy:
            raise UnionplanError(
                f"destination has data in: {busy}",
                key="errors.dest_not_empty",
                tabs="、".join(busy),
            )
        return SplitResult(rows, dry_run=True)
    copy_workbook(_Grids(part, plan.location), aid, actor=actor)
    before = parse_workbook(part)
    after = parse_workbook(aid.read_all())
    for key in [*sorted(AID_TABLES), "audit_log"]:
        if _ids(before, key) != _ids(after, key):
            raise UnionplanError(
                f"{key}: {_ids(before, key)[0]} rows in the plan workbook, "
                f"{_ids(after, key)[0]} in the aid workbook",
                key="errors.split_verify",
                table=key,
            )
    backup = save_backup(plan, actor, folder=backup_dir)
    updates = []
    for title, numbers in blank.items():
        width = max((len(grids[title][r - 1]) for r in numbers), default=0)
        cells = [(r, c, "") for r in numbers for c in range(1, width + 1)]
        if cells:
            updates.append((title, cells))
    if updates:
        plan.write(updates=updates)
    return SplitResult(rows, backup=backup)
