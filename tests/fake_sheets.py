"""A local fake of the Google Sheets v4 REST API, for testing the store with real gspread.

`FakeSheets` is a threaded HTTP server on 127.0.0.1 that answers the calls gspread 6 makes
for unionplan's store (metadata, values get/batchGet/update/batchUpdate/append/clear and
spreadsheets:batchUpdate) the way Google does, as recorded in the cassettes under
``tests/data/store/cassettes``: trailing blanks trimmed, A1 ranges echoed with
quoted sheet names, the ``updates`` reply of append, RAW vs USER_ENTERED, Google's JSON error
bodies. It can inject scripted faults per request kind (429, 5xx, an HTML 502, a timeout or
dropped connection after the request was applied) and logs every request for counting.

Its fixtures (`fake_sheets`, `sheets_emulator`, `gsheets_store`) are offered to every test
by tests/conftest.py.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import datetime as dt
import json
import math
import operator
import random
import re
import socket
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import requests

from tests.fake_sheets_meta import DevMeta, MetadataRequests, copy_meta, shift_meta
from unionplan.data.store.gsheets import GSheetsStore
from unionplan.data.store.gsheets_http import EMULATOR_ENV, EmulatorSession

JSON_TYPE = "application/json; charset=UTF-8"
# A FakeSession marks its requests with _CLIENT_HEADER; the fake marks its answer to one that
# hit a timeout fault with _FAULT_HEADER, and the session raises the timeout (see Fault).
_CLIENT_HEADER = "X-Fake-Sheets-Client"
_FAULT_HEADER = "X-Fake-Sheets-Fault"

# The service-account key every test uses, shaped like the JSON file Google hands out. The
# fake needs no credentials (the emulator variable routes requests anonymously), so only the
# fields the app reads matter: the e-mail (whom to share the sheet with, error messages) and
# a private key that is present and PEM-shaped but not a real key. The `service_account_file`
# fixture (tests/conftest.py) writes it to a file.
TEST_SERVICE_ACCOUNT: dict[str, str] = {
    "type": "service_account",
    "project_id": "unionplan-test",
    "private_key_id": "abc",
    "private_key": "-----BEGIN PRIVATE KEY-----\nFAKE\n-----END PRIVATE KEY-----\n",
    "client_email": "unionplan-bot@unionplan-test.iam.gserviceaccount.com",
    "client_id": "1234567890",
    "token_uri": "https://oauth2.googleapis.com/token",
}

_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_GOOGLE_MESSAGE = {
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: (
        "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per "
        "minute per user' of service 'sheets.googleapis.com' for consumer "
        "'project_number:1234567890'."
    ),
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
# What Google's front end sends for a 502: HTML, not JSON (gspread then reports code -1).
HTML_502 = (
    "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
    "  <title>Error 502 (Server Error)!!1</title>\n"
    "  <p><b>502.</b> <ins>That’s an error.</ins>\n"
    "  <p>The server encountered a temporary error and could not complete your request."
    "<p>Please try again in 30 seconds.  <ins>That’s all we know.</ins>\n"
)


class ApiError(Exception):
    """An error answer in Google's shape: {"error": {"code", "message", "status"}}."""

    def __init__(self, code: int, message: str, details: list[dict] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        err: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": _GOOGLE_STATUS.get(self.code, "UNKNOWN"),
        }
        if self.details:
            err["details"] = self.details
        return {"error": err}


# -- A1 notation -----------------------------------------------------------------------------


def col_letters(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def quote_sheet(title: str) -> str:
    """A sheet name as Google echoes it: bare if a plain identifier, else in single quotes."""
    plain = re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(
        r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|true|false", title, re.IGNORECASE
    )
    return title if plain else "'" + title.replace("'", "''") + "'"


def _split_sheet(text: str) -> tuple[str | None, str | None]:
    """("'My sheet'!A1:B2") -> ("My sheet", "A1:B2"); a bare name -> (name, None)."""
    text = text.strip()
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        else:
            raise ApiError(400, f"Unable to parse range: {text}")
        rest = text[i + 1 :]
        if not rest:
            return "".join(name), None
        if rest.startswith("!"):
            return "".join(name), rest[1:]
        raise ApiError(400, f"Unable to parse range: {text}")
    if "!" in text:
        name, a1 = text.rsplit("!", 1)
        return name, a1
    return text, None  # a sheet name, or an A1 range on the first sheet (resolve decides)


_A1 = re.compile(r"^([A-Za-z]{0,3})([0-9]*)(?::([A-Za-z]{0,3})([0-9]*))?$")


def _parse_a1(a1: str) -> tuple[int | None, int | None, int | None, int | None] | None:
    """A1 text -> 1-based (row1, col1, row2, col2), None meaning unbounded; None if not A1."""
    m = _A1.match(a1.strip())
    if not m:
        return None
    c1, r1, c2, r2 = m.group(1), m.group(2), m.group(3), m.group(4)
    if m.group(3) is None and m.group(4) is None:  # a single cell
        if not (c1 and r1):
            return None
        return int(r1), col_number(c1), int(r1), col_number(c1)
    if not (c1 or r1) or not (c2 or r2):
        return None
    return (
        int(r1) if r1 else None,
        col_number(c1) if c1 else None,
        int(r2) if r2 else None,
        col_number(c2) if c2 else None,
    )


@dataclass
class Box:
    """A resolved range: 0-based inclusive rows/cols, clipped to the grid."""

    sheet: Sheet
    r1: int
    c1: int
    r2: int
    c2: int
    single: bool  # one cell: for writes, an anchor that grows to fit the values
    whole: bool  # the whole sheet (no A1 part)

    def a1(self) -> str:
        return a1_range(self.sheet.title, self.r1, self.c1, self.r2, self.c2)


def a1_range(title: str, r1: int, c1: int, r2: int, c2: int) -> str:
    first = f"{col_letters(c1 + 1)}{r1 + 1}"
    if (r1, c1) == (r2, c2):
        return f"{quote_sheet(title)}!{first}"
    return f"{quote_sheet(title)}!{first}:{col_letters(c2 + 1)}{r2 + 1}"


# -- cells -----------------------------------------------------------------------------------

_EPOCH = dt.date(1899, 12, 30)  # Sheets' serial day 0
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


@dataclass
class FCell:
    """One non-blank cell: its value, and the formula or date text it came from."""

    value: str | int | float | bool
    formula: str | None = None
    date_text: str | None = None  # a date typed as USER_ENTERED: value is its serial


def _number(value: float) -> int | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def format_number(value: float) -> str:
    """Roughly Sheets' "Automatic" number format."""
    value = _number(value)
    if isinstance(value, int):
        return str(value)
    if abs(value) >= 1e15 or (value != 0 and abs(value) < 1e-10):
        mantissa, exp = f"{value:.2E}".split("E")
        return f"{mantissa.rstrip('0').rstrip('.')}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp))}"
    return f"{value:.10f}".rstrip("0").rstrip(".")


def render(cell: FCell | None, how: str, dates: str) -> Any:
    """A cell as values.get returns it for valueRenderOption/dateTimeRenderOption."""
    if cell is None:
        return ""
    if how == "FORMULA" and cell.formula is not None:
        return cell.formula
    v = cell.value
    if how == "FORMATTED_VALUE":
        if cell.date_text is not None:
            return cell.date_text
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, int | float):
            return format_number(v)
        return v
    if cell.date_text is not None and dates == "FORMATTED_STRING":
        return cell.date_text
    if isinstance(v, float):
        return _number(v)
    return v


_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}


def _evaluate(formula: str, sheet: Sheet) -> str | int | float | bool:
    """Arithmetic formulas with numbers and same-sheet cell references; else an error value.

    Evaluated once when written (the fake does not recalculate on later edits).
    """

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            val = ev(node.operand)
            return -val if isinstance(node.op, ast.USub) else +val
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            left, right = ev(node.left), ev(node.right)
            if not all(isinstance(x, int | float) for x in (left, right)):
                raise ValueError("#VALUE!")
            try:
                return _BINOPS[type(node.op)](left, right)
            except ZeroDivisionError:
                raise ValueError("#DIV/0!") from None
        if isinstance(node, ast.Name) and re.fullmatch(r"[A-Z]{1,3}[0-9]+", node.id):
            m = re.fullmatch(r"([A-Z]+)([0-9]+)", node.id)
            assert m
            ref = sheet.cells.get((int(m.group(2)) - 1, col_number(m.group(1)) - 1))
            return 0 if ref is None else ref.value
        raise ValueError("#NAME?")

    try:
        tree = ast.parse(formula[1:].replace("^", "**"), mode="eval")
    except SyntaxError:
        return "#ERROR!"
    try:
        result = ev(tree.body)
    except ValueError as exc:
        return str(exc)
    return _number(result) if isinstance(result, float) else result


def make_cell(raw: Any, option: str, sheet: Sheet) -> FCell | None:
    """The cell a JSON value becomes under valueInputOption RAW or USER_ENTERED."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return FCell(raw)
    if isinstance(raw, int | float):
        return FCell(_number(float(raw)) if isinstance(raw, float) else raw)
    text = str(raw)
    if option == "RAW":
        return FCell(text)  # RAW: text stays text, "=1+1" and "007" included
    if text.startswith("'"):
        return FCell(text[1:]) if len(text) > 1 else None
    if text.startswith("=") and len(text) > 1:
        return FCell(_evaluate(text, sheet), formula=text)
    if text.upper() in ("TRUE", "FALSE"):
        return FCell(text.upper() == "TRUE")
    if _NUMBER.match(text.strip()):
        return FCell(_number(float(text)))
    if _GROUPED.match(text.strip()):
        return FCell(_number(float(text.replace(",", ""))))
    m = _DATE.match(text.strip())
    if m:
        try:
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return FCell(text)
        return FCell((day - _EPOCH).days, date_text=text.strip())
    return FCell(text)


def cell_from_extended(value: Mapping[str, Any]) -> FCell | None:
    """A cell from a batchUpdate ExtendedValue ({"stringValue": …} etc.)."""
    if "stringValue" in value:
        return FCell(str(value["stringValue"])) if value["stringValue"] != "" else None
    if "numberValue" in value:
        return FCell(_number(float(value["numberValue"])))
    if "boolValue" in value:
        return FCell(bool(value["boolValue"]))
    if "formulaValue" in value:
        return FCell("#NAME?", formula=str(value["formulaValue"]))
    return None


# -- the spreadsheet model -------------------------------------------------------------------


@dataclass
class Sheet:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    frozen_rows: int = 0
    cells: dict[tuple[int, int], FCell] = field(default_factory=dict)  # 0-based (row, col)
    meta: dict[int, DevMeta] = field(default_factory=dict)  # on rows/columns of this sheet

    def properties(self, index: int) -> dict[str, Any]:
        grid: dict[str, Any] = {"rowCount": self.rows, "columnCount": self.cols}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }

    def filled(self, r: int, c: int) -> bool:
        return (r, c) in self.cells

    def insert_rows(self, at: int, n: int) -> None:
        self.cells = {((r + n if r >= at else r), c): v for (r, c), v in self.cells.items()}
        self.rows += n
        shift_meta(self.meta, "ROWS", at, n)

    def delete_rows(self, start: int, end: int) -> None:
        n = end - start
        self.cells = {
            ((r - n if r >= end else r), c): v
            for (r, c), v in self.cells.items()
            if not start <= r < end
        }
        self.rows -= n
        shift_meta(self.meta, "ROWS", start, -n)

    def insert_cols(self, at: int, n: int) -> None:
        self.cells = {(r, (c + n if c >= at else c)): v for (r, c), v in self.cells.items()}
        self.cols += n
        shift_meta(self.meta, "COLUMNS", at, n)

    def delete_cols(self, start: int, end: int) -> None:
        n = end - start
        self.cells = {
            (r, (c - n if c >= end else c)): v
            for (r, c), v in self.cells.items()
            if not start <= c < end
        }
        self.cols -= n
        shift_meta(self.meta, "COLUMNS", start, -n)


class Spreadsheet(MetadataRequests):
    """One fake spreadsheet. Methods take/return the REST JSON shapes; callers hold the lock."""

    def __init__(self, key: str, title: str) -> None:
        self.key = key
        self.title = title
        self.sheets: list[Sheet] = []
        self.meta: dict[int, DevMeta] = {}  # spreadsheet- and sheet-level metadata

    # lookup and ranges

    def sheet(self, title: str) -> Sheet | None:
        return next((s for s in self.sheets if s.title == title), None)

    def sheet_by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def resolve(self, text: str, *, check_grid: bool = True) -> Box:
        name, a1 = _split_sheet(text)
        if name is not None and a1 is None:
            sheet = self.sheet(name)
            if sheet is None and _parse_a1(name) is not None:
                sheet, a1 = self.sheets[0], name  # "A1:B2" alone: the first sheet
        else:
            sheet = self.sheets[0] if name is None else self.sheet(name)
        if sheet is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        if a1 is None:
            return Box(sheet, 0, 0, sheet.rows - 1, sheet.cols - 1, single=False, whole=True)
        bounds = _parse_a1(a1)
        if bounds is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        r1, c1, r2, c2 = bounds
        single = r1 is not None and (r1, c1) == (r2, c2)
        r1, c1 = (r1 or 1) - 1, (c1 or 1) - 1
        r2 = (r2 or sheet.rows) - 1
        c2 = (c2 or sheet.cols) - 1
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
        box = Box(sheet, r1, c1, r2, c2, single=single, whole=False)
        if check_grid and (r2 >= sheet.rows or c2 >= sheet.cols):
            raise self._grid_error(box)
        return box

    @staticmethod
    def _grid_error(box: Box) -> ApiError:
        return ApiError(
            400,
            f"Range ({box.a1()}) exceeds grid limits. Max rows: {box.sheet.rows}, "
            f"max columns: {box.sheet.cols}",
        )

    # reading

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.key,
            "properties": {
                "title": self.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
                "defaultFormat": {
                    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
                    "verticalAlignment": "BOTTOM",
                    "wrapStrategy": "OVERFLOW_CELL",
                },
            },
            "sheets": [{"properties": s.properties(i)} for i, s in enumerate(self.sheets)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.key}/edit",
        }

    def value_range(self, box: Box, params: Mapping[str, str]) -> dict[str, Any]:
        how = params.get("valueRenderOption", "FORMATTED_VALUE")
        dates = params.get("dateTimeRenderOption", "SERIAL_NUMBER")
        major = params.get("majorDimension", "ROWS")
        sheet = box.sheet
        outer = range(box.r1, box.r2 + 1) if major != "COLUMNS" else range(box.c1, box.c2 + 1)
        inner = range(box.c1, box.c2 + 1) if major != "COLUMNS" else range(box.r1, box.r2 + 1)
        grid: list[list[Any]] = []
        for o in outer:
            line: list[Any] = []
            last = -1
            for i, n in enumerate(inner):
                cell = sheet.cells.get((o, n) if major != "COLUMNS" else (n, o))
                line.append(render(cell, how, dates))
                if cell is not None:
                    last = i
            grid.append(line[: last + 1])  # trailing blank cells are cut
        while grid and not grid[-1]:
            grid.pop()  # and trailing blank rows; blank rows inside stay as []
        out: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
        if grid:
            out["values"] = grid
        return out

    # writing

    def write(self, box: Box, values: Any, option: str, major: str | None, field_: str) -> dict:
        """values.update semantics: write from the box's top-left; return the update reply."""
        rows = _check_values(values, field_)
        if major == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            rows = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        sheet = box.sheet
        if height == 0 or width == 0:
            return {"spreadsheetId": self.key, "updatedRange": box.a1()}
        end_r, end_c = box.r1 + height - 1, box.c1 + width - 1
        if not box.single and not box.whole and (end_r > box.r2 or end_c > box.c2):
            too_far = f"row [{end_r + 1}]" if end_r > box.r2 else ""
            where = too_far or f"column [{col_letters(end_c + 1)}]"
            raise ApiError(
                400, f"Requested writing within range [{box.a1()}], but tried writing to {where}"
            )
        target = Box(sheet, box.r1, box.c1, end_r, end_c, single=False, whole=False)
        if end_r >= sheet.rows or end_c >= sheet.cols:
            raise self._grid_error(target)
        cells = 0
        for i, row in enumerate(rows):
            for j, raw in enumerate(row):
                cells += 1
                if raw is None:
                    continue  # JSON null leaves the cell as it is
                cell = make_cell(raw, option, sheet)
                pos = (box.r1 + i, box.c1 + j)
                if cell is None:
                    sheet.cells.pop(pos, None)
                else:
                    sheet.cells[pos] = cell
        return {
            "spreadsheetId": self.key,
            "updatedRange": target.a1(),
            "updatedRows": height,
            "updatedColumns": width,
            "updatedCells": cells,
        }

    def find_table(self, box: Box) -> tuple[int, int, int, int] | None:
        """The "table" values:append looks for: the contiguous block from the first filled
        cell of the range, growing down and right while the next row/column has a filled
        cell alongside it. A blank row ends the table."""
        sheet = box.sheet
        if box.single:
            if not sheet.filled(box.r1, box.c1):
                return None
            start = (box.r1, box.c1)
        else:
            inside = [
                (r, c) for (r, c) in sheet.cells if box.r1 <= r <= box.r2 and box.c1 <= c <= box.c2
            ]
            if not inside:
                return None
            start = min(inside)
        r1, c1 = start
        r2, c2 = start
        grown = True
        # Grow all the way down, then all the way right, until neither moves: the same
        # block as growing one step at a time, without re-scanning every row per step
        # (which made an append to a 20k-row tab take ~20 s).
        while grown:
            grown = False
            while any(sheet.filled(r2 + 1, c) for c in range(c1, c2 + 1)):
                r2 += 1
                grown = True
            while any(sheet.filled(r, c2 + 1) for r in range(r1, r2 + 1)):
                c2 += 1
                grown = True
        return r1, c1, r2, c2

    def append(self, box: Box, params: Mapping[str, str], body: Mapping[str, Any]) -> dict:
        option = params.get("valueInputOption", "")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        insert = params.get("insertDataOption", "OVERWRITE")
        rows = _check_values(body.get("values"), "data.values")
        if body.get("majorDimension") == "COLUMNS":
            width = max((len(r) for r in rows), default=0)
            rows = [[r[i] if i < len(r) else None for r in rows] for i in range(width)]
        sheet = box.sheet
        table = self.find_table(box)
        if table is not None:
            at_row, at_col = table[2] + 1, table[1]
        else:
            at_row, at_col = box.r1, box.c1
        height = len(rows)
        width = max((len(r) for r in rows), default=0)
        if insert == "INSERT_ROWS":
            sheet.insert_rows(at_row, height)
        # Appending grows the grid as needed (unlike values.update).
        sheet.rows = max(sheet.rows, at_row + height)
        sheet.cols = max(sheet.cols, at_col + width)
        anchor = Box(sheet, at_row, at_col, at_row, at_col, single=True, whole=False)
        update = self.write(anchor, rows, option, "ROWS", "data.values")
        out: dict[str, Any] = {"spreadsheetId": self.key}
        if table is not None:
            out["tableRange"] = a1_range(sheet.title, *table)
        out["updates"] = update
        if str(params.get("includeValuesInResponse", "false")).lower() == "true":
            written = Box(
                sheet, at_row, at_col, at_row + height - 1, at_col + width - 1, False, False
            )
            update["updatedData"] = self.value_range(written, params)
        return out

    def clear(self, box: Box) -> dict[str, Any]:
        sheet = box.sheet
        for pos in [
            p for p in sheet.cells if box.r1 <= p[0] <= box.r2 and box.c1 <= p[1] <= box.c2
        ]:
            del sheet.cells[pos]
        return {"spreadsheetId": self.key, "clearedRange": box.a1()}

    def values_batch_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption", "")
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified")
        responses = []
        rows: set[tuple[int, int]] = set()
        cols: set[tuple[int, int]] = set()
        sheets: set[int] = set()
        for i, item in enumerate(body.get("data") or []):
            box = self.resolve(str(item.get("range", "")))
            reply = self.write(
                box, item.get("values"), option, item.get("majorDimension"), f"data[{i}].values"
            )
            responses.append(reply)
            if "updatedRows" in reply:
                sid = box.sheet.sheet_id
                sheets.add(sid)
                rows.update((sid, box.r1 + k) for k in range(reply["updatedRows"]))
                cols.update((sid, box.c1 + k) for k in range(reply["updatedColumns"]))
        return {
            "spreadsheetId": self.key,
            "totalUpdatedRows": len(rows),
            "totalUpdatedColumns": len(cols),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
            "totalUpdatedSheets": len(sheets),
            "responses": responses,
        }

    def batch_update(self, body: Mapping[str, Any]) -> dict[str, Any]:
        replies = []
        for i, request in enumerate(body.get("requests") or []):
            if not isinstance(request, Mapping) or len(request) != 1:
                raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request")
            ((name, args),) = request.items()
            handler = getattr(self, f"_req_{name}", None)
            if handler is None:
                raise ApiError(
                    400,
                    f'Invalid JSON payload received. Unknown name "{name}" at '
                    f"'requests[{i}]': Cannot find field.",
                )
            try:
                replies.append(handler(args))
            except ApiError as exc:
                raise ApiError(400, f"Invalid requests[{i}].{name}: {exc.message}") from None
        return {"spreadsheetId": self.key, "replies": replies}

    def _sheet_arg(self, sheet_id: Any) -> Sheet:
        sheet = self.sheet_by_id(int(sheet_id or 0))
        if sheet is None:
            raise ApiError(400, f"No grid with id: {sheet_id}")
        return sheet

    def _req_addSheet(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        props = dict(args.get("properties") or {})
        title = props.get("title")
        if title is None:
            n = len(self.sheets) + 1
            while self.sheet(f"Sheet{n}"):
                n += 1
            title = f"Sheet{n}"
        if self.sheet(title):
            raise ApiError(
                400, f'A sheet with the name "{title}" already exists. Please enter another name.'
            )
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = random.randrange(1, 2**31 - 1)
            while self.sheet_by_id(sheet_id):
                sheet_id = random.randrange(1, 2**31 - 1)
        elif self.sheet_by_id(int(sheet_id)):
            raise ApiError(400, f"Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        sheet = Sheet(
            int(sheet_id),
            str(title),
            rows=int(grid.get("rowCount", 1000)),
            cols=int(grid.get("columnCount", 26)),
            frozen_rows=int(grid.get("frozenRowCount", 0)),
        )
        index = min(int(props.get("index", len(self.sheets))), len(self.sheets))
        self.sheets.insert(index, sheet)
        return {"addSheet": {"properties": sheet.properties(index)}}

    def _req_deleteSheet(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        sheet = self._sheet_arg(args.get("sheetId"))
        if len(self.sheets) == 1:
            raise ApiError(400, "You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        return {}

    def _req_updateSheetProperties(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        props = args.get("properties") or {}
        sheet = self._sheet_arg(props.get("sheetId"))
        fields = str(args.get("fields", "")).split(",")
        grid = props.get("gridProperties") or {}
        for f in fields:
            f = f.strip()
            if f == "title":
                if self.sheet(props["title"]) not in (None, sheet):
                    raise ApiError(
                        400,
                        f'A sheet with the name "{props["title"]}" already exists. '
                        "Please enter another name.",
                    )
                sheet.title = props["title"]
            elif f == "gridProperties/rowCount":
                sheet.rows = int(grid["rowCount"])
                sheet.cells = {p: v for p, v in sheet.cells.items() if p[0] < sheet.rows}
            elif f == "gridProperties/columnCount":
                sheet.cols = int(grid["columnCount"])
                sheet.cells = {p: v for p, v in sheet.cells.items() if p[1] < sheet.cols}
            elif f == "gridProperties/frozenRowCount":
                sheet.frozen_rows = int(grid.get("frozenRowCount", 0))
        return {}

    def _req_insertDimension(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        rng = args.get("range") or {}
        sheet = self._sheet_arg(rng.get("sheetId"))
        start, end = int(rng.get("startIndex", 0)), int(rng["endIndex"])
        if rng.get("dimension") == "COLUMNS":
            sheet.insert_cols(start, end - start)
        else:
            sheet.insert_rows(start, end - start)
        return {}

    def _req_deleteDimension(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        rng = args.get("range") or {}
        sheet = self._sheet_arg(rng.get("sheetId"))
        start, end = int(rng.get("startIndex", 0)), int(rng["endIndex"])
        if rng.get("dimension") == "COLUMNS":
            sheet.delete_cols(start, end)
        else:
            sheet.delete_rows(start, end)
        return {}

    def _put_rows(self, sheet: Sheet, r0: int, c0: int, rows: list[Mapping[str, Any]]) -> None:
        for i, row in enumerate(rows):
            for j, value in enumerate(row.get("values") or []):
                r, c = r0 + i, c0 + j
                if r >= sheet.rows or c >= sheet.cols:
                    raise ApiError(
                        400,
                        f"Range ({a1_range(sheet.title, r, c, r, c)}) exceeds grid limits. "
                        f"Max rows: {sheet.rows}, max columns: {sheet.cols}",
                    )
                cell = cell_from_extended(value.get("userEnteredValue") or {})
                if cell is None:
                    sheet.cells.pop((r, c), None)
                else:
                    sheet.cells[(r, c)] = cell

    def _req_updateCells(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        if "start" in args:
            start = args["start"]
            sheet = self._sheet_arg(start.get("sheetId"))
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        else:
            rng = args.get("range") or {}
            sheet = self._sheet_arg(rng.get("sheetId"))
            r0, c0 = int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0))
        self._put_rows(sheet, r0, c0, list(args.get("rows") or []))
        return {}

    def _req_appendCells(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        sheet = self._sheet_arg(args.get("sheetId"))
        rows = list(args.get("rows") or [])
        last = max((r for r, _ in sheet.cells), default=-1)
        sheet.rows = max(sheet.rows, last + 1 + len(rows))
        self._put_rows(sheet, last + 1, 0, rows)
        return {}

    def _req_setDataValidation(self, args: Mapping[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {}  # accepted, not modelled


def _split_top(text: str) -> list[str]:
    """Split a fields mask at commas outside parentheses."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return [p.strip() for p in [*parts, cur] if p.strip()]


def apply_fields(obj: Any, fields: str) -> Any:
    """Google's partial response (``fields=sheets.properties`` or ``a(b,c)``), simply."""
    if not fields or fields.strip() == "*":
        return obj
    if isinstance(obj, list):
        return [apply_fields(item, fields) for item in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[str, Any] = {}
    for part in _split_top(fields):
        m = re.fullmatch(r"([A-Za-z_]+)\((.*)\)", part)
        head, rest = (m.group(1), m.group(2)) if m else [*part.split(".", 1), ""][:2]
        if head in obj:
            picked = apply_fields(obj[head], rest)
            if isinstance(out.get(head), dict) and isinstance(picked, dict):
                out[head].update(picked)
            else:
                out[head] = picked
    return out


def _check_values(values: Any, field_: str) -> list[list[Any]]:
    if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
        message = (
            f"Invalid value at '{field_}' (type.googleapis.com/google.protobuf.ListValue), "
            f"{json.dumps(values if not isinstance(values, list) else values[0])}"
        )
        details = [
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field_, "description": message}],
            }
        ]
        raise ApiError(400, message, details)
    return values


# -- faults and the request log -------------------------------------------------------------


@dataclass
class Fault:
    """A scripted misbehaviour for the next request(s) of one kind.

    ``apply`` first performs the request (as Google sometimes does before failing); then
    ``delay`` withholds the answer (a timeout), ``drop`` closes the connection without an
    answer, or ``status`` answers with that error. ``times`` is how many requests it hits;
    None means every one (a persistent outage).

    A timeout is decided by the fake, not by a clock: a `FakeSession` client (what test
    stores use, `FakeSheets.session()`) gets requests' ReadTimeout as soon as the fake has
    applied or refused the request, so the client never gives up before the write landed
    and never gives up on a request that was merely slow on a loaded machine. Any other
    client sees the answer stalled for ``delay`` seconds, and times out if that is longer
    than its own timeout.
    """

    status: int | None = 500
    message: str | None = None
    html: bool = False
    apply: bool = False
    delay: float = 0.0
    drop: bool = False
    times: int | None = 1
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def error(cls, status: int, *, times: int | None = 1, **kw: Any) -> Fault:
        return cls(status=status, times=times, **kw)

    @classmethod
    def quota(cls, *, times: int | None = 1, **kw: Any) -> Fault:
        return cls(status=429, times=times, **kw)

    @classmethod
    def html_502(cls, *, times: int | None = 1) -> Fault:
        return cls(status=502, html=True, times=times)

    @classmethod
    def timeout(cls, delay: float = 5.0, *, apply: bool = True, times: int | None = 1) -> Fault:
        """No answer in time (after applying the request, by default); see the class notes."""
        return cls(status=None if apply else 503, apply=apply, delay=delay, times=times)

    @classmethod
    def dropped(cls, *, apply: bool = True, times: int | None = 1) -> Fault:
        """Close the connection without an answer (after applying, by default)."""
        return cls(status=None, apply=apply, drop=True, times=times)


@dataclass
class Hook:
    callback: Callable[[], None]
    at: int
    when: str
    seen: int = 0
    running: bool = False


# Requests Google counts as reads although they are POSTs.
READ_KINDS = frozenset(
    {"values.batchGetByDataFilter", "developerMetadata.search", "developerMetadata.get"}
)


@dataclass
class LoggedRequest:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    kind: str
    key: str | None
    body: Any
    status: int | None = None  # None: no answer (dropped)
    fault: Fault | None = None
    applied: bool = False
    over_quota: bool = False
    sent_bytes: int = 0  # the answer's body

    @property
    def write(self) -> bool:
        return self.kind not in READ_KINDS and self.method != "GET"


class FakeSheets:
    """The fake Sheets API server. Use as a context manager or call start()/close()."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.denied: set[str] = set()
        self.log: list[LoggedRequest] = []
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._hooks: list[Hook] = []
        self._quota: tuple[int, int, Callable[[], float]] | None = None
        self._quota_used: dict[tuple[int, bool], int] = defaultdict(int)
        self._closing = threading.Event()
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # lifecycle

    def start(self) -> FakeSheets:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes handlers stalled by a timeout fault
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeSheets:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def host(self) -> str:
        """host:port, the value for UNIONPLAN_SHEETS_EMULATOR_HOST."""
        host, port = self.server.server_address[:2]
        return f"{host}:{port}"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}"

    def session(self) -> FakeSession:
        """A requests session for a test store (``GSheetsStore(…, session=…)``)."""
        return FakeSession(self)

    # test set-up helpers (no HTTP)

    def create_spreadsheet(
        self,
        key: str | None = None,
        *,
        title: str = "Untitled spreadsheet",
        tabs: Mapping[str, list[list[Any]]] | None = None,
    ) -> str:
        """A new spreadsheet: "Sheet1" (1000x26) like Google's, or these tabs filled RAW."""
        key = key or "fake" + "".join(random.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=40))
        book = Spreadsheet(key, title)
        with self.lock:
            if not tabs:
                book.sheets.append(Sheet(0, "Sheet1"))
            for i, (name, grid) in enumerate((tabs or {}).items()):
                sheet = Sheet(0 if i == 0 else random.randrange(1, 2**31 - 1), name)
                book.sheets.append(sheet)
                _fill(sheet, grid)
            self.spreadsheets[key] = book
        return key

    def delete_spreadsheet(self, key: str) -> None:
        with self.lock:
            self.spreadsheets.pop(key, None)

    def set_values(self, key: str, title: str, grid: list[list[Any]]) -> None:
        """Replace a tab's cells, as a person editing the sheet would (RAW)."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            assert sheet is not None, title
            sheet.cells.clear()
            _fill(sheet, grid)

    def add_tab(self, key: str, title: str, grid: list[list[Any]] | None = None) -> None:
        with self.lock:
            book = self.spreadsheets[key]
            sheet = Sheet(random.randrange(1, 2**31 - 1), title)
            book.sheets.append(sheet)
            _fill(sheet, grid or [])

    def rename_tab(self, key: str, old: str, new: str) -> None:
        with self.lock:
            sheet = self.spreadsheets[key].sheet(old)
            assert sheet is not None, old
            sheet.title = new

    def values(self, key: str, title: str, render_option: str = "FORMATTED_VALUE") -> list:
        """A tab's values as values.get would return them (trimmed)."""
        with self.lock:
            book = self.spreadsheets[key]
            box = book.resolve(quote_sheet(title))
            return book.value_range(box, {"valueRenderOption": render_option}).get("values", [])

    def titles(self, key: str) -> list[str]:
        with self.lock:
            return [s.title for s in self.spreadsheets[key].sheets]

    def tab(self, key: str, title: str) -> Sheet:
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            assert sheet is not None, title
            return sheet

    def deny(self, key: str) -> None:
        """Answer 403 PERMISSION_DENIED for this spreadsheet (not shared with the caller)."""
        self.denied.add(key)

    # faults and log

    def fail(self, kind: str, *faults: Fault) -> None:
        """Queue faults for requests of ``kind`` (see LoggedRequest.kind; "*" = any)."""
        with self.lock:
            self._faults[kind].extend(faults)

    def clear_faults(self) -> None:
        with self.lock:
            self._faults.clear()

    def take_fault(self, kind: str) -> Fault | None:
        with self.lock:
            for k in (kind, "*"):
                queue = self._faults.get(k)
                if queue:
                    fault = queue[0]
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            queue.popleft()
                    return fault
        return None

    # interleaving: run a callback at a chosen request, as another writer would

    def hook(self, callback: Callable[[], None], *, at: int, when: str = "after") -> None:
        """Run ``callback`` once, at the ``at``-th request from now (1 = the next one),
        ``before`` the fake executes it or ``after`` (applied, the answer not yet sent).

        It runs in the server's thread without the fake's lock, so it may edit the sheet
        through the helpers below or send requests of its own (another app session, a
        person's gspread). Arm one hook at a time: every request counts towards ``at``.
        """
        assert when in ("before", "after")
        with self.lock:
            self._hooks.append(Hook(callback, at, when))

    def run_hooks(self, when: str) -> None:
        due: list[Hook] = []
        with self.lock:
            if when == "before":
                for h in self._hooks:
                    h.seen += 1
            for h in list(self._hooks):
                if h.when == when and h.seen == h.at and not h.running:
                    h.running = True
                    due.append(h)
        for h in due:
            try:
                h.callback()
            finally:
                with self.lock:
                    self._hooks.remove(h)

    # quota: Google's per-minute request limits on the fake's own clock

    def set_quota(
        self, *, reads: int = 60, writes: int = 60, clock: Callable[[], float] | None = None
    ) -> None:
        """Answer 429 (with Retry-After) past ``reads``/``writes`` requests per minute.

        Minutes are counted on ``clock`` (default: time.monotonic), as Google's quota is
        "refilled every minute".
        """
        import time

        with self.lock:
            self._quota = (reads, writes, clock or time.monotonic)
            self._quota_used.clear()

    def over_quota(self, entry: LoggedRequest) -> str | None:
        """None if the request fits this minute's quota (and count it), else Retry-After."""
        with self.lock:
            if self._quota is None:
                return None
            reads, writes, clock = self._quota
            now = clock()
            minute = int(now // 60)
            used = self._quota_used[(minute, entry.write)]
            if used >= (writes if entry.write else reads):
                entry.over_quota = True
                return str(max(1, math.ceil((minute + 1) * 60 - now)))
            self._quota_used[(minute, entry.write)] = used + 1
            return None

    def quota_usage(self) -> dict[tuple[int, bool], int]:
        """Requests let through per (minute of the quota clock, is a write)."""
        with self.lock:
            return dict(self._quota_used)

    # a person editing the sheet (no HTTP; the same model operations as the API requests)

    def insert_row(self, key: str, title: str, before: int, values: list[Any]) -> None:
        """Insert a row above sheet row ``before`` (1-based), filled RAW."""
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            assert sheet is not None, title
            sheet.insert_rows(before - 1, 1)
            for c, raw in enumerate(values):
                cell = make_cell(raw, "RAW", sheet)
                if cell is not None:
                    sheet.cells[(before - 1, c)] = cell

    def delete_row(self, key: str, title: str, row: int) -> None:
        with self.lock:
            sheet = self.spreadsheets[key].sheet(title)
            assert sheet is not None, title
            sheet.delete_rows(row - 1, row)

    def sort_rows(self, key: str, title: str, first: int, col: int, *, desc: bool) -> None:
        """Sort rows ``first``.. (1-based) by column ``col`` (1-based), as sortRange does."""
        with self.lock:
            book = self.spreadsheets[key]
            sheet = book.sheet(title)
            assert sheet is not None, title
            spec = {"dimensionIndex": col - 1, "sortOrder": "DESCENDING" if desc else "ASCENDING"}
            rng = {"sheetId": sheet.sheet_id, "startRowIndex": first - 1}
            book.batch_update({"requests": [{"sortRange": {"range": rng, "sortSpecs": [spec]}}]})

    def metadata_count(self, key: str) -> int:
        with self.lock:
            return len(self.spreadsheets[key].all_meta())

    def requests(self, kind: str | None = None) -> list[LoggedRequest]:
        with self.lock:
            return [r for r in self.log if kind is None or r.kind == kind]

    def count(self, kind: str | None = None, *, write: bool | None = None) -> int:
        return sum(1 for r in self.requests(kind) if write is None or r.write == write)

    def reset_log(self) -> None:
        with self.lock:
            self.log.clear()


def _fill(sheet: Sheet, grid: list[list[Any]]) -> None:
    for r, row in enumerate(grid):
        for c, raw in enumerate(row):
            cell = make_cell(raw, "RAW", sheet)
            if cell is not None:
                sheet.cells[(r, c)] = cell
    sheet.rows = max(sheet.rows, len(grid))
    sheet.cols = max(sheet.cols, max((len(r) for r in grid), default=0))


def _route(method: str, raw_path: str) -> tuple[str, str | None, str | None]:
    """(kind, spreadsheet key, range) for a request path; kind "unknown" if none matches."""
    m = re.match(r"^/v4/spreadsheets/([^/:]+)(.*)$", raw_path)
    if not m:
        return "unknown", None, None
    key, rest = unquote(m.group(1)), m.group(2)
    routes = {
        ("GET", ""): "spreadsheets.get",
        ("POST", ":batchUpdate"): "spreadsheets.batchUpdate",
        ("GET", "/values:batchGet"): "values.batchGet",
        ("POST", "/values:batchUpdate"): "values.batchUpdate",
        ("POST", "/values:batchClear"): "values.batchClear",
        ("POST", "/values:batchGetByDataFilter"): "values.batchGetByDataFilter",
        ("POST", "/values:batchUpdateByDataFilter"): "values.batchUpdateByDataFilter",
        ("POST", "/developerMetadata:search"): "developerMetadata.search",
    }
    if (method, rest) in routes:
        return routes[(method, rest)], key, None
    if method == "GET" and rest.startswith("/developerMetadata/"):
        return "developerMetadata.get", key, rest[len("/developerMetadata/") :]
    if rest.startswith("/values/"):
        seg = rest[len("/values/") :]
        if method == "POST" and seg.endswith(":append"):
            return "values.append", key, unquote(seg[: -len(":append")])
        if method == "POST" and seg.endswith(":clear"):
            return "values.clear", key, unquote(seg[: -len(":clear")])
        if method == "GET":
            return "values.get", key, unquote(seg)
        if method == "PUT":
            return "values.update", key, unquote(seg)
    return "unknown", key, None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like Google's front end
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall
    fake: FakeSheets

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        fake = self.fake
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw_body) if raw_body else {}
        except ValueError:
            body = None
        query = parse_qs(split.query, keep_blank_values=True)
        kind, key, rng = _route(method, split.path)
        entry = LoggedRequest(method, unquote(split.path), query, kind, key, body)
        with fake.lock:
            fake.log.append(entry)
        fake.run_hooks("before")
        over = fake.over_quota(entry)
        if over is not None:
            message = (
                f"Quota exceeded for quota metric '{'Write' if entry.write else 'Read'} requests' "
                f"and limit '{'Write' if entry.write else 'Read'} requests per minute per user' "
                "of service 'sheets.googleapis.com' for consumer 'project_number:1234567890'."
            )
            self._send(entry, 429, ApiError(429, message).body(), {"Retry-After": over})
            fake.run_hooks("after")
            return
        fault = fake.take_fault(kind)
        entry.fault = fault

        if fault is not None and not fault.apply:
            self._misbehave(entry, fault)
            return
        try:
            status, payload = 200, self._execute(kind, key, rng, query, body)
            entry.applied = True
        except ApiError as exc:
            status, payload = exc.code, exc.body()
        except Exception as exc:  # a bug in the fake: answer like Google's 500, visibly
            status, payload = 500, ApiError(500, f"fake_sheets bug: {exc!r}").body()
        fake.run_hooks("after")
        if fault is not None:
            self._misbehave(entry, fault, status, payload)
            return
        self._send(entry, status, payload)

    def _misbehave(
        self, entry: LoggedRequest, fault: Fault, status: int = 200, payload: Any = None
    ) -> None:
        if fault.delay and self.headers.get(_CLIENT_HEADER):
            # The request has been applied (or refused) by now: the FakeSession raises the
            # timeout when this answer arrives, so it cannot give up any earlier.
            status = status if fault.status is None else fault.status
            self._send(entry, status, payload or {}, {_FAULT_HEADER: "timeout"})
            return
        if fault.delay:
            self.fake._closing.wait(fault.delay)
        if fault.drop:
            entry.status = None
            self.close_connection = True
            with contextlib.suppress(OSError):  # the client may already be gone
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.status is None:
            self._send(entry, status, payload)  # the client has usually given up by now
            return
        if fault.html:
            self._send(entry, fault.status, HTML_502, content_type="text/html; charset=UTF-8")
            return
        message = fault.message or _GOOGLE_MESSAGE.get(fault.status, "Error")
        self._send(entry, fault.status, ApiError(fault.status, message).body(), fault.headers)

    def _send(
        self,
        entry: LoggedRequest,
        status: int,
        payload: Any,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON_TYPE,
    ) -> None:
        entry.status = status
        if isinstance(payload, str):
            data = payload.encode("utf-8")
        else:
            data = json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
        entry.sent_bytes = len(data)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client went away (it timed out)

    def _execute(
        self,
        kind: str,
        key: str | None,
        rng: str | None,
        query: dict[str, list[str]],
        body: Any,
    ) -> dict[str, Any]:
        fake = self.fake
        if kind == "unknown":
            raise ApiError(404, "Method not found.")
        if body is None:
            raise ApiError(400, "Invalid JSON payload received.")
        params = {k: v[-1] for k, v in query.items()}
        with fake.lock:
            book = fake.spreadsheets.get(key or "")
            if book is None:
                raise ApiError(404, _GOOGLE_MESSAGE[404])
            if key in fake.denied:
                raise ApiError(403, _GOOGLE_MESSAGE[403])
            if kind == "spreadsheets.get":
                return apply_fields(book.metadata(), params.get("fields", ""))
            if kind == "values.get":
                return book.value_range(book.resolve(rng or ""), params)
            if kind == "values.batchGet":
                boxes = [book.resolve(r) for r in query.get("ranges", [])]
                return {
                    "spreadsheetId": book.key,
                    "valueRanges": [book.value_range(b, params) for b in boxes],
                }
            if kind == "values.batchGetByDataFilter":
                return book.batch_get_by_filter(body)
            if kind == "developerMetadata.search":
                return book.search_meta(body)
            if kind == "developerMetadata.get":
                return book.get_meta(int(rng or 0))
            # Writes are all-or-nothing, like Google's: work on a copy, keep it on success.
            # Cells are replaced, never mutated, so copying each sheet's dict is a full
            # snapshot; a deepcopy of 500k cells cost ~10 s per write on a 20k-row tab.
            saved = [
                dataclasses.replace(sh, cells=dict(sh.cells), meta=copy_meta(sh.meta))
                for sh in book.sheets
            ]
            saved_meta = copy_meta(book.meta)
            try:
                if kind == "values.update":
                    option = params.get("valueInputOption", "")
                    if option not in ("RAW", "USER_ENTERED"):
                        raise ApiError(400, "'valueInputOption' is required but not specified")
                    box = book.resolve(rng or "")
                    return book.write(
                        box, body.get("values"), option, body.get("majorDimension"), "data.values"
                    )
                if kind == "values.append":
                    return book.append(book.resolve(rng or ""), params, body)
                if kind == "values.clear":
                    return book.clear(book.resolve(rng or "", check_grid=False))
                if kind == "values.batchClear":
                    ranges = body.get("ranges") or []
                    cleared = [book.clear(book.resolve(r))["clearedRange"] for r in ranges]
                    return {"spreadsheetId": book.key, "clearedRanges": cleared}
                if kind == "values.batchUpdate":
                    return book.values_batch_update(body)
                if kind == "spreadsheets.batchUpdate":
                    return book.batch_update(body)
                if kind == "values.batchUpdateByDataFilter":
                    return book.batch_update_by_filter(body)
            except (ApiError, KeyError, ValueError, TypeError) as exc:
                book.sheets = saved
                book.meta = saved_meta
                if isinstance(exc, ApiError):
                    raise
                raise ApiError(400, f"Invalid request: {exc!r}") from None
        raise ApiError(404, "Method not found.")


class FakeSession(EmulatorSession):
    """The session test stores use: Google's URLs go to the fake, as the emulator variable
    makes the app's do, and a `Fault.timeout` ends in the ReadTimeout requests raises when
    an answer does not come, at the moment the fake decides (see `Fault`)."""

    def __init__(self, fake: FakeSheets) -> None:
        super().__init__(fake.host)
        self.headers[_CLIENT_HEADER] = "1"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        response = super().request(method, url, *args, **kwargs)
        if response.headers.get(_FAULT_HEADER) == "timeout":
            response.close()
            raise requests.exceptions.ReadTimeout(
                f"fake_sheets: no answer to {method!r} {url!r} (a scripted timeout)",
                request=response.request,
            )
        return response


# -- pytest fixtures (tests/conftest.py offers them to every test) ----------------------------


class RecordingSleep:
    """A sleep() that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        assert seconds >= 0 and math.isfinite(seconds)
        self.delays.append(seconds)


@pytest.fixture
def fake_sheets() -> Iterator[FakeSheets]:
    """A running fake Sheets API server, closed after the test."""
    with FakeSheets() as fake:
        yield fake


@pytest.fixture
def sheets_emulator(fake_sheets: FakeSheets, monkeypatch: pytest.MonkeyPatch) -> FakeSheets:
    """The fake, with the emulator variable set: the app's Google connections go to it."""
    monkeypatch.setenv(EMULATOR_ENV, fake_sheets.host)
    return fake_sheets


@pytest.fixture
def gsheets_store(sheets_emulator: FakeSheets) -> GSheetsStore:
    """A GSheetsStore on a fresh fake spreadsheet, through a `FakeSession`; the emulator
    variable is set too, for code under test that opens its own store.

    Backoff sleeps are recorded, not slept (``store._sleep.delays``); the key is
    ``store.key`` and the fake is ``fake_sheets``.
    """
    key = sheets_emulator.create_spreadsheet(title="unionplan test")
    return GSheetsStore.connect(
        key,
        TEST_SERVICE_ACCOUNT,
        session=sheets_emulator.session(),
        timeout=5.0,
        sleep=RecordingSleep(),
        rng=lambda: 1.0,
    )
