"""Command line: check a workbook, copy one between stores, write a demo workbook, import
a plan, manage the sign-in accounts.

    python -m unionplan check WORKBOOK [--lang zh-Hans|zh-Hant|en]
    python -m unionplan copy SOURCE DEST
    python -m unionplan demo PATH [--kind school|township] [--year N] [--force]
    python -m unionplan import PLAN WORKBOOK [--dry-run] [--json] [--year N]
    python -m unionplan aid-split PLAN AID [--dry-run]
    python -m unionplan user add|list|passwd|edit|remove|unlock …   (see ops/usercli.py)

The command line runs on the server, by whoever administers it: it acts as the local
administrator (`access.LOCAL_ADMIN`, "local" in the audit log).

WORKBOOK, SOURCE and DEST take the forms UNIONPLAN_WORKBOOK takes: a path to an .xlsx
file, a Google Sheets URL or a spreadsheet key. PLAN is a .txt, .md, .xlsx or .csv file.
Exit status: 0 done, 1 a copy did not read back the same or a plan held nothing to
import, 2 the workbook or plan could not be opened or the command was refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from unionplan import i18n
from unionplan.data import schema
from unionplan.data.access import LOCAL_ADMIN
from unionplan.data.parse import PlanDate
from unionplan.data.sheet_address import sheet_key
from unionplan.data.store.base import Store
from unionplan.data.tables import WorkbookData, parse_workbook
from unionplan.data.workbook import Workbook
from unionplan.errors import UnionplanError
from unionplan.ops import aidsplit, demo, transfer, usercli
from unionplan.ops.config import Location, open_store, parse_location, read_secrets
from unionplan.reports import importer

EXIT_OK, EXIT_MISMATCH, EXIT_FAILED = 0, 1, 2
EXIT_NOTHING = 1  # import: the plan held no activity or target


def say(key: str, lang: str, /, **params: object) -> str:
    return i18n.t(key, lang, **params)


def error_text(err: UnionplanError, lang: str) -> str:
    params = {"detail": err.detail, **err.params}
    return say(err.key, lang, **params)


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ opening


def open_location(text: str, *, must_exist: bool = True) -> tuple[Location, Store]:
    """The store for a WORKBOOK argument; a missing local file is an error when reading.

    A Google sheet is opened with the service account configured for the app
    (.streamlit/secrets.toml [connections.gsheets], else UNIONPLAN_SERVICE_ACCOUNT_FILE).
    """
    conn: dict = {}
    if sheet_key(text):  # a broken secrets file must not stop a local check
        conn = dict(read_secrets().get("connections", {}).get("gsheets", {}))
    loc = parse_location(text, credentials=conn)
    if loc.kind == "xlsx":
        path = Path(loc.target)
        if must_exist and not path.is_file():
            raise UnionplanError(str(path), key="errors.workbook_missing", path=str(path))
        if path.is_file() and not zipfile.is_zipfile(path):
            # An .xlsx is a zip archive; anything else (a .csv, an old .xls) is refused
            # here with a plain message rather than an openpyxl traceback.
            raise UnionplanError(str(path), key="errors.not_xlsx", path=str(path))
    return loc, open_store(loc)


def read(store: Store) -> WorkbookData:
    return parse_workbook(store.read_all(), location=store.location, kind=store.kind)


# ------------------------------------------------------------------ commands


def cmd_check(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    try:
        _, store = open_location(args.workbook)
        data = read(store)
    except UnionplanError as err:
        _err(say("cli.cannot_open", lang, location=args.workbook, message=error_text(err, lang)))
        return EXIT_FAILED
    lang = args.lang or data.language
    _out(say("cli.location", lang, location=data.location, kind=data.kind))
    _out()
    if data.issues:
        _out(say("cli.issues_header", lang))
        for issue in data.issues:
            message = i18n.t(issue.key, lang, **dict(issue.params))
            row = "" if issue.row is None else str(issue.row)
            raw = issue.raw.replace("\t", " ").replace("\n", " ")
            _out("\t".join([issue.tab, row, issue.column or "", raw, message]))
    else:
        _out(say("cli.no_issues", lang))
    _out()
    _out(say("cli.summary", lang))
    for key, table in schema.TABLES.items():
        td = data.tables[key]
        name = td.title or table.label.get(lang)
        if td.title is None:
            _out("  " + say("cli.tab_missing", lang, table=name))
        elif td.n_deleted:
            line = say(
                "cli.table_rows_deleted", lang, table=name, rows=len(td.df), deleted=td.n_deleted
            )
            _out("  " + line)
        else:
            _out("  " + say("cli.table_rows", lang, table=name, rows=len(td.df)))
    _out(say("cli.issue_count", lang, n=len(data.issues)))
    return EXIT_OK


def differences(
    src: dict[str, list[list[object]]], dst: dict[str, list[list[object]]]
) -> dict[str, str]:
    """Tab -> what differs, comparing the non-blank rows as text (how Sheets reads back)."""

    def rows(grid: list[list[object]]) -> list[list[str]]:
        out = []
        for row in transfer.clean_grid(grid):
            cells = ["" if v is None else str(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                out.append(cells)
        return out

    diffs: dict[str, str] = {}
    for title, grid in src.items():
        if title not in dst:
            diffs[title] = "missing"
            continue
        a, b = rows(grid), rows(dst[title])
        if len(a) != len(b):
            diffs[title] = f"{len(a)} != {len(b)} rows"
            continue
        for n, (ra, rb) in enumerate(zip(a, b, strict=True), start=1):
            if ra != rb:
                diffs[title] = f"row {n}: {ra} != {rb}"
                break
    return diffs


def cmd_copy(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    opened: list[Store] = []
    for text, must in ((args.source, True), (args.dest, False)):
        try:
            opened.append(open_location(text, must_exist=must)[1])
        except UnionplanError as err:
            _err(say("cli.cannot_open", lang, location=text, message=error_text(err, lang)))
            return EXIT_FAILED
    src, dst = opened

    def progress(share: float, message: str) -> None:
        _out(say("cli.copy_progress", lang, percent=round(share * 100), tab=message))

    try:
        copied = transfer.copy_workbook(src, dst, actor=LOCAL_ADMIN, progress=progress)
        before, after = src.read_all(), dst.read_all()
    except UnionplanError as err:
        _err(error_text(err, lang))
        return EXIT_FAILED
    for title, rows in copied.items():
        _out("  " + say("cli.table_rows", lang, table=title, rows=rows))
    _out(say("cli.copy_done", lang, tabs=len(copied), rows=sum(copied.values())))
    # Read the destination back: the point of the copy is that nothing was lost.
    diffs = differences(before, after)
    if diffs:
        for title, detail in diffs.items():
            _err(say("cli.verify_failed", lang, tab=title, detail=detail))
        return EXIT_MISMATCH
    _out(say("cli.verify_ok", lang))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    year = args.year or dt.date.today().year
    path = Path(args.path).expanduser().resolve()
    try:
        demo.create_demo(path, year=year, kind=args.kind, overwrite=args.force)
    except UnionplanError as err:
        _err(error_text(err, lang))
        return EXIT_FAILED
    _out(say("cli.demo_written", lang, path=str(path), kind=args.kind, year=year))
    return EXIT_OK


def _span_text(start: object, end: object, lang: str) -> str:
    first = i18n.fmt_date(start, lang) if isinstance(start, PlanDate) else str(start or "")
    if isinstance(end, PlanDate) and end != start:
        return f"{first}–{i18n.fmt_date(end, lang)}"
    return first


def _record_line(table: str, record: dict, row: object, lang: str) -> str:
    if table == "activities":
        return say(
            "cli.import_activity",
            lang,
            when=_span_text(record.get("start"), record.get("end"), lang),
            category=schema.ACTIVITY_CATEGORY.label(record.get("category") or "other", lang),
            title=record.get("title"),
        )
    value = getattr(row, "value", None)
    number = "" if value is None else f"{value:g}"
    return say(
        "cli.import_target",
        lang,
        value=number,
        unit=getattr(row, "unit", ""),
        direction=schema.DIRECTION.label(record.get("direction") or "at_least", lang),
        title=record.get("title"),
    )


def cmd_import(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    try:
        _, store = open_location(args.workbook)
        workbook = Workbook(store)
        data = workbook.load(fresh=True)
    except UnionplanError as err:
        _err(say("cli.cannot_open", lang, location=args.workbook, message=error_text(err, lang)))
        return EXIT_FAILED
    lang = args.lang or data.language
    year = args.year or data.plan_year
    plan_path = Path(args.plan)
    try:
        preview = importer.read_plan(plan_path, plan_path.name, year=year)
    except UnionplanError as err:
        _err(say("cli.import_cannot_read", lang, plan=args.plan, message=error_text(err, lang)))
        return EXIT_FAILED
    for issue in preview.issues:  # what was not understood, line by line, to stderr
        _err(
            say(
                "cli.import_issue",
                lang,
                where=issue.where(lang) or plan_path.name,
                message=issue.message(lang),
                text=issue.text,
            ).rstrip()
        )
    if preview.empty:
        _err(say("cli.import_nothing", lang, plan=args.plan))
        return EXIT_NOTHING
    try:
        if args.dry_run:
            plan = importer.plan_import(preview, importer.existing_keys(data), strict=False)
            written = [(t, values, row) for t, values, row in plan.create]
            existing, invalid = plan.existing, plan.invalid
        else:
            result = importer.import_preview(workbook, preview, LOCAL_ADMIN, strict=False)
            written = result.created
            existing, invalid = result.existing, result.invalid
    except UnionplanError as err:
        _err(error_text(err, lang))
        return EXIT_FAILED
    for row, problems in invalid:
        message = "; ".join(i18n.t(k, lang) for keys in problems.values() for k in keys)
        where = i18n.t("reports.line", lang, line=row.line) if row.line else plan_path.name
        _err(say("cli.import_issue", lang, where=where, message=message, text=row.title))
    for table, record, row in written:
        if args.json:
            line = importer.summary(table, record, row)
            _out(json.dumps(line, ensure_ascii=False, default=str))
        else:
            _out(_record_line(table, record, row, lang))
    counts = {
        "activities": sum(1 for t, _, _ in written if t == "activities"),
        "targets": sum(1 for t, _, _ in written if t == "targets"),
        "existing": len(existing),
    }
    key = "cli.import_would" if args.dry_run else "cli.import_done"
    # With --json, stdout holds only the JSON lines; the summary goes to stderr.
    (_err if args.json else _out)(say(key, lang, location=data.location, **counts))
    return EXIT_OK


def cmd_aid_split(args: argparse.Namespace) -> int:
    lang = args.lang or schema.DEFAULT_LANG
    opened: list[Store] = []
    for text, must in ((args.plan, True), (args.aid, False)):
        try:
            opened.append(open_location(text, must_exist=must)[1])
        except UnionplanError as err:
            _err(say("cli.cannot_open", lang, location=text, message=error_text(err, lang)))
            return EXIT_FAILED
    plan, aid = opened
    try:
        result = aidsplit.split_aid(plan, aid, actor=LOCAL_ADMIN, dry_run=args.dry_run)
    except UnionplanError as err:
        _err(error_text(err, lang))
        return EXIT_MISMATCH if err.key == "errors.split_verify" else EXIT_FAILED
    for title, rows in result.rows.items():
        _out("  " + say("cli.aid_split_table", lang, table=title, rows=rows))
    counts = {"rows": sum(result.rows.values()), "tabs": len(result.rows)}
    if result.dry_run:
        _out(say("cli.aid_split_would", lang, plan=plan.location, aid=aid.location, **counts))
        return EXIT_OK
    _out(say("cli.aid_split_done", lang, aid=aid.location, backup=result.backup, **counts))
    _out(say("cli.aid_split_next", lang))
    return EXIT_OK


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    where = (
        "Excel 文件路径、Google 表格网址或表格 key / "
        "a path to an .xlsx file, a Google Sheets URL or a spreadsheet key"
    )
    lang_help = "输出语言，默认取工作簿设置 / output language, default: the workbook's setting"
    p = argparse.ArgumentParser(
        prog="python -m unionplan",
        description="工会工作计划工作簿工具 / unionplan workbook tools",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="检查工作簿，列出所有问题 / check a workbook and list every issue",
        description="读取工作簿，逐条列出无法识别的内容并汇总 / "
        "read a workbook, list every issue and a summary",
    )
    check.add_argument("workbook", metavar="WORKBOOK", help=where)
    check.add_argument("--lang", choices=schema.LANGS, help=lang_help)
    check.set_defaults(func=cmd_check)

    copy = sub.add_parser(
        "copy",
        help="在本地文件与 Google 表格之间复制工作簿 / copy a workbook between stores",
        description="复制所有工作表（含未知列、标题行、编号），目标须为空 / "
        "copy every tab (unknown columns, title rows, ids included) into an empty destination",
    )
    copy.add_argument("source", metavar="SOURCE", help="源工作簿 / source: " + where)
    copy.add_argument("dest", metavar="DEST", help="目标工作簿 / destination: " + where)
    copy.add_argument("--lang", choices=schema.LANGS, help="输出语言 / output language")
    copy.set_defaults(func=cmd_copy)

    dem = sub.add_parser(
        "demo",
        help="生成演示工作簿 / write a demo workbook",
        description="生成一年的演示数据（人员信息均为虚构） / "
        "write a demo year (every person in it is invented)",
    )
    dem.add_argument("path", metavar="PATH", help="要生成的 .xlsx 路径 / the .xlsx to write")
    dem.add_argument(
        "--kind",
        choices=demo.KINDS,
        default="school",
        help="school：某某中学工会；township：某某镇总工会 / school union or township federation",
    )
    dem.add_argument("--year", type=int, help="计划年度，默认今年 / plan year, default this year")
    dem.add_argument("--force", action="store_true", help="覆盖已有文件 / replace an existing file")
    dem.add_argument("--lang", choices=schema.LANGS, help="输出语言 / output language")
    dem.set_defaults(func=cmd_demo)

    imp = sub.add_parser(
        "import",
        help="把写好的工作计划导入工作簿 / import a written plan into a workbook",
        description="从计划文本（.txt .md）或计划表（.xlsx .csv）读出按月的活动和带数字的目标，"
        "一次写入；已导入过的不会重复 / read activities by month and targets with numbers "
        "from a plan (.txt .md .xlsx .csv) and write them at once; what was imported before "
        "is skipped",
    )
    imp.add_argument("plan", metavar="PLAN", help="计划文件 / the plan file (.txt .md .xlsx .csv)")
    imp.add_argument("workbook", metavar="WORKBOOK", help=where)
    imp.add_argument(
        "--dry-run", action="store_true", help="只预览，不写入 / show what would be imported"
    )
    imp.add_argument("--json", action="store_true", help="每项一行 JSON / one JSON object per line")
    imp.add_argument(
        "--year", type=int, help="计划年度，默认取工作簿设置 / plan year, default: the workbook's"
    )
    imp.add_argument("--lang", choices=schema.LANGS, help=lang_help)
    imp.set_defaults(func=cmd_import)

    split = sub.add_parser(
        "aid-split",
        help="把帮扶档案搬到单独的工作簿 / move the aid files into a separate workbook",
        description="把帮扶档案、发放记录、资金收入、帮扶记录（及其操作日志）复制到新的帮扶档案"
        "工作簿，逐行核对，备份工作计划工作簿后清空其中的帮扶工作表（保留表头） / copy the aid "
        "tabs (and their audit rows) into a new aid workbook, verify, back up the plan "
        "workbook, then clear its aid tabs (headers stay)",
    )
    split.add_argument("plan", metavar="PLAN", help="工作计划工作簿 / the plan workbook: " + where)
    split.add_argument(
        "aid", metavar="AID", help="帮扶档案工作簿（空） / the empty aid workbook: " + where
    )
    split.add_argument(
        "--dry-run", action="store_true", help="只预览，不写入 / show what would be moved"
    )
    split.add_argument("--lang", choices=schema.LANGS, help="输出语言 / output language")
    split.set_defaults(func=cmd_aid_split)
    usercli.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    # Chinese text must reach a terminal or pipe whatever its encoding; never crash on it.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_FAILED
    return int(args.func(args))
