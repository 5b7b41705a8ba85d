"""Cell values on their way in and out of the file: one canonical form, and how it is spelled.

`canon` decides what a caller's value is stored as, `norm` what a read hands out; both
readers (calamine, openpyxl), the XML writer and the in-memory view go through them, so
the value a transaction sees is the value a fresh read returns.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any

from unionplan.data.store.base import Grid

# A value on its way into a cell, after `canon`: None means "no value".
WriteValue = None | str | bool | int | float | dt.datetime | dt.date
CellEdit = tuple[int, int, WriteValue]  # (row, column, value), both 1-based

MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's grid
MAX_EXACT_INT = 2**53  # beyond this a double (what a cell holds) loses digits
EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 0 in Excel's 1900 system (after Feb 1900)
EPOCH_1904 = dt.datetime(1904, 1, 1)
_FIRST_SAFE_1900 = dt.datetime(1900, 3, 1)  # earlier serials are skewed by Lotus' leap-year bug


def canon(v: Any) -> WriteValue:
    """What we will actually store for a value the caller gave us.

    Everything becomes one of None/str/bool/int/float/datetime/date, so the fast XML
    writer, the openpyxl fallback and the in-memory view all agree on one value.
    """
    if v is None:
        return None
    t = type(v)
    if t is str:
        return v or None
    if t is bool:
        return v
    if t is int:
        # A cell holds a double: an 18-digit number (an ID card number) would lose digits.
        return v if -MAX_EXACT_INT <= v <= MAX_EXACT_INT else str(v)
    if t is float:
        if math.isnan(v):
            return None  # pandas' missing value
        return v if math.isfinite(v) else str(v)  # Excel has no infinity
    name = t.__name__
    if name in ("NAType", "NaTType"):  # pandas' missing markers, without importing pandas
        return None
    if t.__module__.split(".")[0] == "numpy" and hasattr(v, "item"):
        return canon(v.item())
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, str):
        return str(v) or None
    if isinstance(v, numbers.Integral):
        return canon(int(v))
    if isinstance(v, (numbers.Real, decimal.Decimal)):
        return canon(float(v))
    if isinstance(v, dt.datetime):
        # Plain naive datetime (drops pandas' nanoseconds and any tzinfo: Excel has no zones),
        # rounded to the millisecond, which is what a cell's serial number keeps exactly.
        base = dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second)
        out = base + dt.timedelta(milliseconds=(v.microsecond + 500) // 1000)
        return out if out >= _FIRST_SAFE_1900 else out.isoformat(sep=" ")
    if isinstance(v, dt.date):
        d = dt.date(v.year, v.month, v.day)
        return d if d >= _FIRST_SAFE_1900.date() else d.isoformat()
    if isinstance(v, dt.time):
        return v.isoformat()
    return str(v)


def norm(v: Any) -> Any:
    """One cell as the store hands it out, whichever reader (or the view) produced it."""
    t = type(v)
    if t is str:
        return v if v else None
    if t is float:
        # Readers disagree (calamine: 5.0, openpyxl: 5); hand out what the user typed.
        return int(v) if v.is_integer() and -MAX_EXACT_INT <= v <= MAX_EXACT_INT else v
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def normalize_rows(rows: Iterable[Sequence[Any]]) -> Grid:
    """Normalise cells and trim trailing empty cells and rows."""
    out: Grid = []
    for row in rows:
        # Most cells are text: test for it inline rather than pay a call per cell.
        r = [(v or None) if type(v) is str else norm(v) for v in row]
        while r and r[-1] is None:
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def apply_cells(grid: Grid, cells: Iterable[CellEdit]) -> Grid:
    """A new grid with cells set; `grid` itself is never mutated (snapshots share it)."""
    g = list(grid)
    touched: dict[int, list[Any]] = {}
    for r, c, v in cells:
        value = norm(v)
        i = r - 1
        if i >= len(g):
            if value is None:
                continue
            g.extend([] for _ in range(i + 1 - len(g)))
        row = touched.get(i)
        if row is None:
            row = touched[i] = list(g[i])
            g[i] = row
        if c > len(row):
            if value is None:
                continue
            row.extend([None] * (c - len(row)))
        row[c - 1] = value
    for row in touched.values():
        while row and row[-1] is None:
            row.pop()
    while g and not g[-1]:
        g.pop()
    return g


def copy_grid(grid: Grid) -> Grid:
    return [list(r) for r in grid]


def header_cells(header: list[WriteValue]) -> list[CellEdit]:
    return [(1, c, v) for c, v in enumerate(header, 1)]


# ---------------------------------------------------------------- spelling in XML

# OOXML escapes characters XML cannot carry as _xHHHH_; a literal "_x0041_" in the text must
# then be written as "_x005F_x0041_" or Excel and calamine would decode it.
_OOXML_ESCAPE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_(?=x[0-9A-Fa-f]{4}_)"
)
_OOXML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def ooxml_escape(s: str) -> str:
    return _OOXML_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", s)


def ooxml_unescape(s: str) -> str:
    return _OOXML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def xml_text(s: str) -> bytes:
    s = ooxml_escape(s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A raw CR would be normalised to LF by XML parsers; a character reference survives.
    return s.replace("\r", "&#13;").encode("utf-8")


def xml_attr(s: str) -> bytes:
    return xml_text(s).replace(b'"', b"&quot;")


def _col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


_LETTERS = [b""] + [_col_letters(i).encode("ascii") for i in range(1, 257)]


def letters(n: int) -> bytes:
    """Column number -> "A", "B", … "AA" (cached for the columns a table actually has)."""
    return _LETTERS[n] if n < len(_LETTERS) else _col_letters(n).encode("ascii")
