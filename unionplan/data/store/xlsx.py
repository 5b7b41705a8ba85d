"""The local .xlsx store: one workbook file on disk, read fast and edited in place, safely.

Reads go through python-calamine. Writes do not load the workbook into openpyxl (a full
load + save of a 10k-row workbook takes ~10 s): they edit the XML of the one worksheet they
touch and copy every other part of the zip byte for byte. That is fast, and it keeps what
the app does not understand (other columns, formatting, merged cells, comments, charts)
exactly as it was. Files whose XML is unusual fall back to an openpyxl load/save.

Every write runs inside `transaction()`: a file lock shared by all processes, a reload if
the file changed on disk, edits in memory, then one atomic save (temp file + os.replace).
"""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import decimal
import io
import math
import numbers
import os
import posixpath
import re
import struct
import threading
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import filelock
from python_calamine import CalamineWorkbook

from unionplan.data.store.base import Cell, Grid, Store
from unionplan.errors import BackendUnavailableError, ConfigError, NotFoundError

# A value on its way into a cell, after `_canon`: None means "no value".
WriteValue = None | str | bool | int | float | dt.datetime | dt.date
_Op = tuple[str, str, Any]  # ("create", title, header) | ("set", title, cells)

LOCK_TIMEOUT_S = 15.0
# zlib level for parts we rewrite. A big sheet is recompressed on every write: level 1 takes a
# third of level 6's time (43 MB: 0.11 s vs 0.32 s) for a ~35% larger part. Small parts: 6.
_BIG_PART = 4 * 2**20
_MAX_ROW, _MAX_COL = 1_048_576, 16_384  # Excel's grid
_TOKEN_TAIL = 65_536  # bytes at the file's end hashed into change_token: the central directory
_MAX_EXACT_INT = 2**53  # beyond this a double (what a cell holds) loses digits
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 0 in Excel's 1900 system (after Feb 1900)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_FIRST_SAFE_1900 = dt.datetime(1900, 3, 1)  # earlier serials are skewed by Lotus' leap-year bug

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET_REL = _REL_NS + "/worksheet"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BAD_TITLE_CHARS = set("[]:*?/\\")


class _CorruptError(Exception):
    """The file is not a readable workbook (turned into BackendUnavailableError)."""


class _UnsupportedError(Exception):
    """The XML is valid but unusual enough that the surgical writer does not touch it."""


# ---------------------------------------------------------------- values


def _canon(v: Any) -> WriteValue:
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
        return v if -_MAX_EXACT_INT <= v <= _MAX_EXACT_INT else str(v)
    if t is float:
        if math.isnan(v):
            return None  # pandas' missing value
        return v if math.isfinite(v) else str(v)  # Excel has no infinity
    name = t.__name__
    if name in ("NAType", "NaTType"):  # pandas' missing markers, without importing pandas
        return None
    if t.__module__.split(".")[0] == "numpy" and hasattr(v, "item"):
        return _canon(v.item())
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, str):
        return str(v) or None
    if isinstance(v, numbers.Integral):
        return _canon(int(v))
    if isinstance(v, (numbers.Real, decimal.Decimal)):
        return _canon(float(v))
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


def _norm(v: Any) -> Any:
    """One cell as the store hands it out, whichever reader (or the view) produced it."""
    t = type(v)
    if t is str:
        return v if v else None
    if t is float:
        # Readers disagree (calamine: 5.0, openpyxl: 5); hand out what the user typed.
        return int(v) if v.is_integer() and -_MAX_EXACT_INT <= v <= _MAX_EXACT_INT else v
    if t is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


def _normalize_rows(rows: Iterable[Sequence[Any]]) -> Grid:
    """Normalise cells and trim trailing empty cells and rows."""
    out: Grid = []
    for row in rows:
        # Most cells are text: test for it inline rather than pay a call per cell.
        r = [(v or None) if type(v) is str else _norm(v) for v in row]
        while r and r[-1] is None:
            r.pop()
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


def _apply_cells(grid: Grid, cells: Iterable[tuple[int, int, WriteValue]]) -> Grid:
    """A new grid with cells set; `grid` itself is never mutated (snapshots share it)."""
    g = list(grid)
    touched: dict[int, list[Any]] = {}
    for r, c, v in cells:
        value = _norm(v)
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


def _copy_grid(grid: Grid) -> Grid:
    return [list(r) for r in grid]


# OOXML escapes characters XML cannot carry as _xHHHH_; a literal "_x0041_" in the text must
# then be written as "_x005F_x0041_" or Excel and calamine would decode it.
_OOXML_ESCAPE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_(?=x[0-9A-Fa-f]{4}_)"
)
_OOXML_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _ooxml_escape(s: str) -> str:
    return _OOXML_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", s)


def _ooxml_unescape(s: str) -> str:
    return _OOXML_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s) if "_x" in s else s


def _xml_text(s: str) -> bytes:
    s = _ooxml_escape(s)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # A raw CR would be normalised to LF by XML parsers; a character reference survives.
    return s.replace("\r", "&#13;").encode("utf-8")


def _xml_attr(s: str) -> bytes:
    return _xml_text(s).replace(b'"', b"&quot;")


def _col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: bytes | str) -> int:
    n = 0
    for ch in letters if isinstance(letters, str) else letters.decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


_LETTERS = [b""] + [_col_letters(i).encode("ascii") for i in range(1, 257)]


def _letters(n: int) -> bytes:
    return _LETTERS[n] if n < len(_LETTERS) else _col_letters(n).encode("ascii")


# ---------------------------------------------------------------- zip container


class _Entry:
    """One part of the zip: kept compressed as found, decompressed only when needed."""

    __slots__ = ("crc", "data", "date_time", "method", "name", "raw", "size")

    def __init__(
        self,
        name: str,
        *,
        method: int = zipfile.ZIP_DEFLATED,
        crc: int = 0,
        size: int = 0,
        raw: bytes | memoryview | None = None,
        data: bytes | None = None,
        date_time: tuple[int, int, int, int, int, int] = (1980, 1, 1, 0, 0, 0),
    ) -> None:
        self.name = name
        self.method = method
        self.crc = crc
        self.size = size
        self.raw = raw  # compressed bytes exactly as stored; None until a new part is packed
        self.data = data
        self.date_time = date_time

    @classmethod
    def new(cls, name: str, data: bytes, like: _Entry | None = None) -> _Entry:
        return cls(name, data=data, date_time=like.date_time if like else (1980, 1, 1, 0, 0, 0))

    def content(self) -> bytes:
        if self.data is None:
            assert self.raw is not None
            try:
                if self.method == zipfile.ZIP_STORED:
                    data = bytes(self.raw)
                elif self.method == zipfile.ZIP_DEFLATED:
                    data = zlib.decompress(self.raw, -15)
                else:
                    raise _UnsupportedError(f"{self.name}: compression method {self.method}")
            except zlib.error as e:
                raise _CorruptError(f"{self.name}: {e}") from e
            if len(data) != self.size or zlib.crc32(data) != self.crc:
                raise _CorruptError(f"{self.name}: checksum mismatch")
            self.data = data
        return self.data

    def packed(self) -> tuple[bytes | memoryview, int, int, int]:
        """(compressed bytes, method, crc, size), compressing a new part once."""
        if self.raw is None:
            assert self.data is not None
            level = 1 if len(self.data) > _BIG_PART else 6
            comp = zlib.compressobj(level, zlib.DEFLATED, -15)
            self.raw = comp.compress(self.data) + comp.flush()
            self.method = zipfile.ZIP_DEFLATED
            self.crc = zlib.crc32(self.data)
            self.size = len(self.data)
        return self.raw, self.method, self.crc, self.size


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def _read_entries(data: bytes) -> dict[str, _Entry]:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise _CorruptError("not an .xlsx file (a password-protected workbook or an old .xls?)")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _CorruptError(f"not an .xlsx (zip) file: {e}") from e
    mv = memoryview(data)
    out: dict[str, _Entry] = {}
    for info in infos:
        off = info.header_offset
        if info.flag_bits & 0x1:
            raise _CorruptError("the workbook is encrypted")
        if data[off : off + 4] != b"PK\x03\x04" or info.filename in out:
            raise _CorruptError(f"damaged zip entry {info.filename}")
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        start = off + 30 + name_len + extra_len
        raw = mv[start : start + info.compress_size]
        if len(raw) != info.compress_size:
            raise _CorruptError(f"truncated zip entry {info.filename}")
        out[info.filename] = _Entry(
            info.filename,
            method=info.compress_type,
            crc=info.CRC,
            size=info.file_size,
            raw=raw,
            date_time=info.date_time,
        )
    return out


def _build_zip(entries: Iterable[_Entry]) -> tuple[bytes, int]:
    """A zip of the entries (unchanged ones copied compressed, as found): (bytes, CD offset)."""
    buf = bytearray()
    central = bytearray()
    count = 0
    for e in entries:
        raw, method, crc, size = e.packed()
        name = e.name.encode("utf-8")
        flags = 0 if e.name.isascii() else 0x800  # bit 11: the name is UTF-8
        y, mo, d, h, mi, s = e.date_time
        dos_time = (h << 11) | (mi << 5) | (s // 2)
        dos_date = (max(y, 1980) - 1980) << 9 | (mo << 5) | d
        offset = len(buf)
        if max(len(raw), size, offset) >= 0xFFFFFFFF or count >= 0xFFFF:
            raise _UnsupportedError("workbook too large for a plain zip")
        buf += _LOCAL.pack(
            0x04034B50, 20, flags, method, dos_time, dos_date, crc, len(raw), size, len(name), 0
        )
        buf += name
        buf += raw
        central += _CENTRAL.pack(
            0x02014B50, 20, 20, flags, method, dos_time, dos_date, crc, len(raw), size,
            len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
        count += 1
    cd_offset = len(buf)
    buf += central
    buf += _END.pack(0x06054B50, 0, 0, count, count, len(central), cd_offset, 0)
    return bytes(buf), cd_offset


def _zip_tail(data: bytes) -> bytes:
    """The central directory + end record: it carries every part's CRC, so comparing it tells
    apart two versions of the file that happen to share size and mtime."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        return data[-22:]
    cd_size, cd_offset = struct.unpack_from("<II", data, pos + 12)
    start = cd_offset if cd_offset + cd_size == pos else pos
    return data[start:]


# ---------------------------------------------------------------- package (rels, workbook)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(entry: _Entry) -> ET.Element:
    try:
        return ET.fromstring(entry.content())
    except ET.ParseError as e:
        raise _CorruptError(f"{entry.name}: {e}") from e


def _rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def _read_rels(entries: dict[str, _Entry], part: str) -> dict[str, tuple[str, str]]:
    """{rel id: (type, target part name)} of a part ('' for the package itself)."""
    entry = _find_entry(entries, _rels_name(part))
    if entry is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in _parse_xml(entry):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def _find_entry(entries: dict[str, _Entry], name: str) -> _Entry | None:
    entry = entries.get(name)
    if entry is None:  # part names are case-insensitive in OPC
        low = name.lower()
        entry = next((e for n, e in entries.items() if n.lower() == low), None)
    return entry


def _rel_id_attr(el: ET.Element) -> str | None:
    for key, value in el.attrib.items():
        if key.startswith("{") and _local(key) == "id":
            return value
    return None


# ---------------------------------------------------------------- styles

# Built-in number formats that certainly show a number (not a date or time).
_PLAIN_FORMATS = {*range(0, 14), *range(37, 45), 48, 49}
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[([^\]]*)\]")


def _is_date_format(fmt_id: int, code: str | None) -> bool:
    """Conservative: True unless the format surely shows a plain number."""
    if fmt_id in _PLAIN_FORMATS:
        return False
    if code is None:
        return True  # a built-in date format, or one we do not know
    text = _QUOTED.sub("", code)
    if any(re.fullmatch(r"[hmsHMS]+", b) for b in _BRACKET.findall(text)):
        return True  # [h]:mm elapsed time
    text = _BRACKET.sub("", text).lower()
    return bool(re.search(r"[ymdhse]", text.replace("general", "")))


def _with_count(tag: bytes, n: int) -> bytes:
    if re.search(rb"\scount\s*=", tag):
        return re.sub(rb"""(\scount\s*=\s*)["'][^"']*["']""", rb'\g<1>"%d"' % n, tag, count=1)
    return tag[:-1] + b' count="%d">' % n


class _Styles:
    """Read access to styles.xml plus the few additions a write needs (date, bold)."""

    def __init__(self, entry: _Entry) -> None:
        self.name = entry.name
        self.xml = entry.content()
        self.changed = False
        root = _parse_xml(entry)
        if _local(root.tag) != "styleSheet" or not re.search(rb"<styleSheet\b", self.xml):
            raise _UnsupportedError("prefixed styles.xml")
        self.codes: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self.plain_xf: dict[int, int] = {}  # numFmtId -> first xf that only sets that format
        self.n_fonts = 0
        try:
            self._read(root)
        except ValueError as e:
            raise _UnsupportedError(f"styles.xml: {e}") from e
        self._bold: int | None = None

    def _read(self, root: ET.Element) -> None:
        for child in root:
            kind = _local(child.tag)
            if kind == "numFmts":
                for nf in child:
                    self.codes[int(nf.get("numFmtId", "0"))] = nf.get("formatCode", "")
            elif kind == "fonts":
                self.n_fonts = sum(1 for f in child if _local(f.tag) == "font")
            elif kind == "cellXfs":
                for xf in child:
                    fmt = int(xf.get("numFmtId", "0"))
                    plain = len(xf) == 0 and all(
                        xf.get(k, "0") == "0" for k in ("fontId", "fillId", "borderId")
                    )
                    if plain:
                        self.plain_xf.setdefault(fmt, len(self.xf_formats))
                    self.xf_formats.append(fmt)

    def is_date(self, xf: int) -> bool:
        if xf >= len(self.xf_formats):
            return True
        fmt = self.xf_formats[xf]
        return _is_date_format(fmt, self.codes.get(fmt))

    def date_xf(self, with_time: bool) -> int:
        code = "yyyy-mm-dd hh:mm:ss" if with_time else "yyyy-mm-dd"
        fmt = next((i for i, c in self.codes.items() if c == code), None)
        if fmt is None:
            fmt = self._add_numfmt(code)
        xf = self.plain_xf.get(fmt)
        if xf is None:
            xf = self._add_xf(
                b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0" '
                b'applyNumberFormat="1"/>' % fmt,
                fmt,
            )
            self.plain_xf[fmt] = xf
        return xf

    def bold_xf(self) -> int:
        if self._bold is None:
            m = re.search(rb"<fonts\b[^>]*?(/?)>", self.xml)
            if not m or m.group(1):
                raise _UnsupportedError("styles.xml has no fonts")
            end = self.xml.index(b"</fonts>", m.end())
            first = re.compile(rb"<font\b[^>]*?/>|<font\b[^>]*>.*?</font>", re.S).search(
                self.xml, m.end(), end
            )
            if first is None:
                raise _UnsupportedError("styles.xml has no font")
            font = first.group()
            if not re.search(rb"<b\s*/>|<b\s", font):
                if font.endswith(b"/>"):
                    font = font[:-2].rstrip() + b"><b/></font>"
                else:
                    gt = font.index(b">") + 1
                    font = font[:gt] + b"<b/>" + font[gt:]
            self.xml = (
                self.xml[: m.start()]
                + _with_count(m.group(), self.n_fonts + 1)
                + self.xml[m.end() : end]
                + font
                + self.xml[end:]
            )
            font_id = self.n_fonts
            self.n_fonts += 1
            self._bold = self._add_xf(
                b'<xf numFmtId="0" fontId="%d" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
                % font_id,
                0,
            )
            self.changed = True
        return self._bold

    def _add_numfmt(self, code: str) -> int:
        fmt = max([163, *self.codes]) + 1
        elem = b'<numFmt numFmtId="%d" formatCode="%s"/>' % (fmt, _xml_attr(code))
        m = re.search(rb"<numFmts\b[^>]*?(/?)>", self.xml)
        n = len(self.codes) + 1
        if m and not m.group(1):
            end = self.xml.index(b"</numFmts>", m.end())
            self.xml = (
                self.xml[: m.start()]
                + _with_count(m.group(), n)
                + self.xml[m.end() : end]
                + elem
                + self.xml[end:]
            )
        elif m:
            new = b'<numFmts count="1">' + elem + b"</numFmts>"
            self.xml = self.xml[: m.start()] + new + self.xml[m.end() :]
        else:  # numFmts must be styleSheet's first child
            root = re.search(rb"<styleSheet\b[^>]*>", self.xml)
            if root is None:
                raise _UnsupportedError("styles.xml root")
            new = b'<numFmts count="1">' + elem + b"</numFmts>"
            self.xml = self.xml[: root.end()] + new + self.xml[root.end() :]
        self.codes[fmt] = code
        self.changed = True
        return fmt

    def _add_xf(self, elem: bytes, fmt: int) -> int:
        m = re.search(rb"<cellXfs\b[^>]*?(/?)>", self.xml)
        if not m or m.group(1):
            raise _UnsupportedError("styles.xml has no cellXfs")
        end = self.xml.index(b"</cellXfs>", m.end())
        self.xml = (
            self.xml[: m.start()]
            + _with_count(m.group(), len(self.xf_formats) + 1)
            + self.xml[m.end() : end]
            + elem
            + self.xml[end:]
        )
        self.xf_formats.append(fmt)
        self.changed = True
        return len(self.xf_formats) - 1


# ---------------------------------------------------------------- worksheet XML surgery

_PREFIXED_ROOT = re.compile(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]")
_SHEETDATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_ROW_START = re.compile(rb"<row[\s/>]")
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_CELL_START = re.compile(rb"<c[\s/>]")
_CELL_R = re.compile(rb"""\sr\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_CELL_S = re.compile(rb"""\ss\s*=\s*["'](\d+)["']""")
_SPANS = re.compile(rb"""\sspans\s*=\s*["'][^"']*["']""")
_FORMULA = re.compile(rb"<f(?:\s[^>]*)?/?>")
_FORMULA_T = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_FORMULA_REF = re.compile(rb"\sref\s*=")
_HAS_VALUE = re.compile(rb"<v(?:\s[^>]*)?(?<!/)>(?!\s*</v>)|<t(?:\s[^>]*)?(?<!/)>(?!</t>)|<f[\s>/]")
_DIMENSION = re.compile(rb"""<dimension\s+ref\s*=\s*["']([^"']*)["']\s*/>""")
_REF = re.compile(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")
_MERGE = re.compile(rb"""<mergeCell\s[^>]*?ref\s*=\s*["'][A-Z]+\d+:[A-Z]+(\d+)["']""")


def _sheet_data(xml: bytes) -> tuple[re.Match[bytes], int, int]:
    """The <sheetData> start tag and the [start, end) of its content."""
    if _PREFIXED_ROOT.search(xml, 0, 4096):
        raise _UnsupportedError("worksheet XML uses a namespace prefix")
    m = _SHEETDATA.search(xml)
    if m is None:
        raise _UnsupportedError("worksheet without sheetData")
    if m.group(1):
        return m, m.end(), m.end()
    end = xml.rfind(b"</sheetData>")  # from the end: it is near it, and there is one
    if end < m.end():
        raise _CorruptError("worksheet XML is cut off")
    return m, m.end(), end


def _row_at(xml: bytes, start: int) -> tuple[int, int, int, bool]:
    """(row number, index of the start tag's '>', end of the element, self-closing)."""
    try:
        gt = xml.index(b">", start)
        m = _ROW_R.search(xml, start, gt)
        if m is None:
            raise _UnsupportedError("row without a row number")
        if xml[gt - 1] == 0x2F:  # '/>'
            return int(m.group(1)), gt, gt + 1, True
        return int(m.group(1)), gt, xml.index(b"</row>", gt) + 6, False
    except ValueError as e:
        raise _CorruptError("worksheet XML is cut off") from e


def _last_value_row(xml: bytes, lo: int, hi: int) -> int:
    """Number of the last row that holds any value, scanning backwards from the end.

    Cells holding a formula or a shared string count as values even if they show nothing:
    when in doubt we append below, never over a row.
    """
    pos = hi
    while True:
        s = xml.rfind(b"<row", lo, pos)
        if s < 0:
            return 0
        if xml[s + 4] in b" \t\r\n/>":
            num, gt, end, closed = _row_at(xml, s)
            if not closed and _HAS_VALUE.search(xml, gt, end):
                return num
        pos = s


class _CellWriter:
    """Turns values into <c> elements; adds styles for dates on demand."""

    def __init__(self, book: _Book) -> None:
        self.book = book
        self.styles: _Styles | None = None
        self.inexact = False  # a value will read back differently from how the view has it
        self.formula_removed = False

    def _get_styles(self) -> _Styles:
        if self.styles is None:
            self.styles = self.book.styles()
        return self.styles

    def cell(self, col: int, row: int, value: WriteValue, style: bytes | None) -> bytes:
        ref = _letters(col) + b"%d" % row
        s_attr = b' s="' + style + b'"' if style else b""
        if value is None:
            return b'<c r="' + ref + b'"' + s_attr + b"/>" if style else b""
        if isinstance(value, str):
            ws = value[0].isspace() or value[-1].isspace() or "\n" in value or "\t" in value
            sp = b' xml:space="preserve"' if ws else b""
            text = _xml_text(value)
            return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s_attr, sp, text)
        if isinstance(value, bool):
            return b'<c r="%s"%s t="b"><v>%d</v></c>' % (ref, s_attr, 1 if value else 0)
        if isinstance(value, (int, float)):
            if style and self._get_styles().is_date(int(style)):
                self.inexact = True  # a number in a date-formatted cell reads back as a date
            if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_EXACT_INT:
                value = int(value)  # "5", as Excel writes it
            return b'<c r="%s"%s><v>%s</v></c>' % (ref, s_attr, repr(value).encode("ascii"))
        styles = self._get_styles()
        if style and styles.is_date(int(style)):
            self.inexact = True  # the user's own date format: it may read back as a time
        else:
            style = b"%d" % styles.date_xf(isinstance(value, dt.datetime))
        serial = self._serial(value)
        if serial is None:  # before the 1904 epoch: keep it as text
            self.inexact = True
            return self.cell(col, row, value.isoformat(), None)
        return b'<c r="%s" s="%s"><v>%s</v></c>' % (ref, style, serial.encode("ascii"))

    def _serial(self, value: dt.date) -> str | None:
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        epoch = _EPOCH_1904 if self.book.date1904 else _EPOCH_1900
        if value < epoch:
            return None
        delta = value - epoch
        if delta.seconds == 0 and delta.microseconds == 0:
            return str(delta.days)
        ms = delta.seconds * 1000 + delta.microseconds // 1000
        return repr(delta.days + ms / 86_400_000)


def _row_element(num: int, cells: dict[int, WriteValue], writer: _CellWriter) -> bytes:
    body = b"".join(writer.cell(c, num, cells[c], None) for c in sorted(cells))
    return b'<row r="%d">%s</row>' % (num, body) if body else b""


def _merge_row(
    xml: bytes, start: int, num: int, cells: dict[int, WriteValue], writer: _CellWriter
) -> tuple[bytes, int]:
    """The existing row element at `start` with `cells` set; every other cell kept verbatim."""
    _, gt, end, closed = _row_at(xml, start)
    tag = xml[start : gt + 1]
    if closed:
        tag = tag[:-2].rstrip() + b">"
    tag = _SPANS.sub(b"", tag)  # an optional hint that may no longer hold
    body_end = gt + 1 if closed else end - 6
    if xml.find(b"<extLst", gt, body_end) >= 0:
        raise _UnsupportedError("row with extensions")
    existing: dict[int, tuple[int, int, int]] = {}
    for m in _CELL_START.finditer(xml, gt + 1, body_end):
        cs = m.start()
        cgt = xml.index(b">", cs)
        rm = _CELL_R.search(xml, cs, cgt)
        if rm is None or int(rm.group(2)) != num:
            raise _UnsupportedError("cell without a proper reference")
        ce = cgt + 1 if xml[cgt - 1] == 0x2F else xml.index(b"</c>", cgt) + 4
        existing[_col_index(rm.group(1))] = (cs, cgt, ce)
    parts = [tag]
    for col in sorted(existing.keys() | cells.keys()):
        old = existing.get(col)
        if col not in cells:
            assert old is not None
            parts.append(xml[old[0] : old[2]])
            continue
        style = None
        if old is not None:
            sm = _CELL_S.search(xml, old[0], old[1])
            style = sm.group(1) if sm else None
            f = _FORMULA.search(xml, old[1], old[2])
            if f is not None:
                kind = _FORMULA_T.search(f.group())
                kind_name = kind.group(1) if kind else b"normal"
                # Other cells hang off a shared formula's master or an array formula: leave
                # those to openpyxl, which knows how to unpick them.
                if kind_name in (b"array", b"dataTable") or (
                    kind_name == b"shared" and _FORMULA_REF.search(f.group())
                ):
                    raise _UnsupportedError("overwriting a shared or array formula")
                writer.formula_removed = True
        parts.append(writer.cell(col, num, cells[col], style))
    parts.append(b"</row>")
    return b"".join(parts), end


def _set_cells(xml: bytes, changes: dict[int, dict[int, WriteValue]], writer: _CellWriter) -> bytes:
    """The worksheet XML with cells set; untouched rows and cells are copied as they are."""
    open_tag, lo, hi = _sheet_data(xml)
    targets = sorted(changes)
    mv = memoryview(xml)
    # Only the part before <sheetData> is copied to widen <dimension>; the rest is sliced.
    head = _grow_dimension(xml[: open_tag.start()], changes)
    pieces: list[bytes | memoryview] = [head]
    last = 0
    s = xml.rfind(b"<row", lo, hi)
    while s >= 0 and xml[s + 4] not in b" \t\r\n/>":
        s = xml.rfind(b"<row", lo, s)
    if s >= 0:
        last = _row_at(xml, s)[0]
    if open_tag.group(1):  # <sheetData/>: an empty sheet
        rows = b"".join(_row_element(n, changes[n], writer) for n in targets)
        pieces += [b"<sheetData>", rows, b"</sheetData>", mv[open_tag.end() :]]
    elif targets[0] > last:  # a plain append: no need to index the rows
        rows = b"".join(_row_element(n, changes[n], writer) for n in targets)
        pieces += [mv[open_tag.start() : hi], rows, mv[hi:]]
    else:
        nums: list[int] = []
        starts: list[int] = []
        for m in _ROW_START.finditer(xml, lo, hi):
            num = _ROW_R.search(xml, m.start(), xml.index(b">", m.start()))
            if num is None:
                raise _UnsupportedError("row without a row number")
            n = int(num.group(1))
            if nums and n <= nums[-1]:
                raise _UnsupportedError("rows out of order")
            nums.append(n)
            starts.append(m.start())
        cursor = open_tag.start()
        for n in targets:
            k = bisect.bisect_left(nums, n)
            if k < len(nums) and nums[k] == n:
                pieces.append(mv[cursor : starts[k]])
                row, cursor = _merge_row(xml, starts[k], n, changes[n], writer)
                pieces.append(row)
            else:
                at = starts[k] if k < len(nums) else hi
                pieces.append(mv[cursor:at])
                pieces.append(_row_element(n, changes[n], writer))
                cursor = at
        pieces.append(mv[cursor:])
    return b"".join(pieces)


def _grow_dimension(head: bytes, changes: dict[int, dict[int, WriteValue]]) -> bytes:
    """Widen <dimension ref> to cover the new cells (openpyxl's read-only mode trusts it)."""
    m = _DIMENSION.search(head)
    filled = [(r, c) for r, cols in changes.items() for c, v in cols.items() if v is not None]
    if m is None or not filled:
        return head
    ref = _REF.match(m.group(1).decode("ascii", "replace").replace("$", ""))
    if ref is None:
        return head
    c1, r1 = _col_index(ref.group(1)), int(ref.group(2))
    c2, r2 = (_col_index(ref.group(3)), int(ref.group(4))) if ref.group(3) else (c1, r1)
    r1, r2 = min(r1, *(r for r, _ in filled)), max(r2, *(r for r, _ in filled))
    c1, c2 = min(c1, *(c for _, c in filled)), max(c2, *(c for _, c in filled))
    new = b'<dimension ref="%s%d:%s%d"/>' % (_letters(c1), r1, _letters(c2), r2)
    return head[: m.start()] + new + head[m.end() :]


def _new_sheet_xml(header: list[WriteValue], writer: _CellWriter, bold: int | None) -> bytes:
    style = b"%d" % bold if bold is not None else None
    cells = b"".join(writer.cell(i, 1, v, style) for i, v in enumerate(header, 1) if v is not None)
    n = max(len(header), 1)
    widths = b"".join(
        b'<col min="%d" max="%d" width="%d" customWidth="1"/>'
        % (i, i, max(10, min(40, 2 * len(str(v)) + 4)))
        for i, v in enumerate(header, 1)
        if v is not None
    )
    return (
        _XML_DECL
        + b'<worksheet xmlns="%s" xmlns:r="%s">' % (_MAIN_NS.encode(), _REL_NS.encode())
        + b'<dimension ref="A1:%s1"/>' % _letters(n)
        + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        b'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
        b'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        b'<sheetFormatPr defaultRowHeight="15"/>'
        + (b"<cols>" + widths + b"</cols>" if widths else b"")
        + (b'<sheetData><row r="1">' + cells + b"</row></sheetData>" if cells else b"<sheetData/>")
        + b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        b'footer="0.3"/></worksheet>'
    )


def _template_entries() -> dict[str, _Entry]:
    """The parts of an empty workbook; create_tabs adds the sheets before anything is saved."""
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{_CT_NS}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/>'
            '</bookViews><sheets/><calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{_MAIN_NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/>'
            "</font></fonts>"
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
            "</borders>"
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
            "</cellStyleXfs>"
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            "</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
    }
    return {n: _Entry.new(n, _XML_DECL + x.encode("utf-8")) for n, x in parts.items()}


def _insert_before(xml: bytes, close: bytes, elem: bytes, empty: bytes) -> bytes:
    """Insert `elem` before the closing tag, or expand a self-closing `empty` element."""
    at = xml.rfind(close)
    if at >= 0:
        return xml[:at] + elem + xml[at:]
    m = re.search(re.escape(empty[:-2]) + rb"\s*/>", xml)
    if m is None:
        raise _UnsupportedError(f"cannot find {close.decode()}")
    return xml[: m.start()] + empty[:-2] + b">" + elem + close + xml[m.end() :]


# ---------------------------------------------------------------- the in-memory workbook


class _Book:
    """The workbook as last read from disk, plus the edits of the current transaction.

    Copy-on-write: `snapshot()` is a shallow copy, and edits replace entries, grids and
    rows instead of mutating them, so a snapshot can be restored when a block fails.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp: tuple[int, int, int] | None = None  # (inode, size, mtime_ns) on disk
        self.tail = b""
        self.base: bytes | None = None  # the file's bytes; None when there is no file yet
        self.entries: dict[str, _Entry] = {}
        self.wb_part = ""
        self.sheets: list[tuple[str, str | None]] = []  # (title, worksheet part) in tab order
        self.base_titles: frozenset[str] = frozenset()
        self.date1904 = False
        self.grids: dict[str, Grid] = {}  # current view, loaded lazily
        self.ops: list[_Op] = []  # edits since the last save, in order
        self.inexact: set[str] = set()  # tabs whose view may differ from what will read back
        self.surgery_ok = True  # False: this transaction saves through openpyxl
        self.dirty = False
        self._calamine: CalamineWorkbook | None = None

    # -- loading

    @classmethod
    def load(cls, path: Path, data: bytes, stamp: tuple[int, int, int]) -> _Book:
        book = cls(path)
        book.stamp = stamp
        book.base = data
        try:
            book.tail = _zip_tail(data)
            book.entries = _read_entries(data)
            book._parse_package()
        except (_UnsupportedError, struct.error, ValueError, KeyError, IndexError) as e:
            raise _CorruptError(f"{type(e).__name__}: {e}") from e
        book.base_titles = frozenset(t for t, _ in book.sheets)
        return book

    def _parse_package(self) -> None:
        office = [
            t for typ, t in _read_rels(self.entries, "").values() if typ.endswith("/officeDocument")
        ]
        self.wb_part = office[0] if office else "xl/workbook.xml"
        wb_entry = _find_entry(self.entries, self.wb_part)
        if wb_entry is None:
            raise _CorruptError("no workbook part (is this an .xlsx file?)")
        self.wb_part = wb_entry.name
        rels = _read_rels(self.entries, self.wb_part)
        root = _parse_xml(wb_entry)
        sheets: list[tuple[str, str | None]] = []
        for el in root.iter():
            kind = _local(el.tag)
            if kind == "workbookPr":
                self.date1904 = el.get("date1904", "0").lower() in ("1", "true")
            elif kind == "sheet":
                typ, target = rels.get(_rel_id_attr(el) or "", ("", ""))
                entry = _find_entry(self.entries, target) if target else None
                if typ.endswith("/worksheet") and entry is not None:
                    sheets.append((el.get("name", ""), entry.name))
        self.sheets = sheets

    def adopt_grids(self, old: _Book) -> None:
        """Keep the grids of tabs whose parts did not change on disk (their CRCs say so):
        after another session appended to one tab, only that tab is parsed again."""
        if not old.grids or old.ops:
            return

        def shared(book: _Book) -> dict[str, tuple[int, int]]:
            sheet_parts = {p for _, p in book.sheets}
            return {n: (e.crc, e.size) for n, e in book.entries.items() if n not in sheet_parts}

        if shared(old) != shared(self):
            return  # shared strings, styles or the workbook changed: every tab may read anew
        old_parts = dict(old.sheets)
        for title, part in self.sheets:
            grid = old.grids.get(title)
            if grid is None or part is None or old_parts.get(title) != part:
                continue
            before, now = old.entries.get(part), self.entries.get(part)
            if before and now and (before.crc, before.size) == (now.crc, now.size):
                self.grids[title] = grid

    def snapshot(self) -> _Book:
        other = copy.copy(self)
        other.entries = dict(self.entries)
        other.sheets = list(self.sheets)
        other.grids = dict(self.grids)
        other.ops = list(self.ops)
        other.inexact = set(self.inexact)
        return other

    # -- reading

    def find(self, title: str) -> str | None:
        titles = [t for t, _ in self.sheets]
        if title in titles:
            return title
        folded = title.casefold()  # Excel treats tab names case-insensitively
        return next((t for t in titles if t.casefold() == folded), None)

    def resolve(self, title: str) -> str:
        found = self.find(title)
        if found is None:
            raise NotFoundError(f"{self.path}: no tab named {title!r}", key="errors.not_found")
        return found

    def titles(self) -> list[str]:
        return [t for t, _ in self.sheets]

    def grid(self, title: str) -> Grid:
        g = self.grids.get(title)
        if g is None:
            if title in self.base_titles:
                self._load_base_grids([title])
                g = self.grids[title]
            else:
                g = []
            for kind, t, arg in self.ops:
                if t == title:
                    g = _apply_cells(g, arg if kind == "set" else _header_cells(arg))
            self.grids[title] = g
        return g

    def load_all_grids(self) -> None:
        missing = [t for t in self.titles() if t not in self.grids and t in self.base_titles]
        if missing and not self.ops:
            self._load_base_grids(missing)
        for t in self.titles():
            self.grid(t)

    def _load_base_grids(self, titles: list[str]) -> None:
        """Read tabs from the file bytes with calamine (openpyxl if calamine fails)."""
        assert self.base is not None
        try:
            if self._calamine is None:
                self._calamine = CalamineWorkbook.from_filelike(io.BytesIO(self.base))
            for t in titles:
                rows = self._calamine.get_sheet_by_name(t).to_python(skip_empty_area=False)
                self.grids[t] = _normalize_rows(rows)
        except Exception as e:  # any calamine failure (it has many types): try openpyxl
            try:
                self._load_with_openpyxl(titles)
            except Exception as e2:  # a library's failure on a bad file, whatever its type
                raise _CorruptError(f"calamine: {e}; openpyxl: {e2}") from e2

    def _load_with_openpyxl(self, titles: list[str]) -> None:
        import openpyxl

        assert self.base is not None
        wb = openpyxl.load_workbook(io.BytesIO(self.base), read_only=True, data_only=True)
        try:
            for t in titles:
                ws = wb[t]
                ws.reset_dimensions()  # the <dimension> tag may be missing or wrong
                rows = (
                    [_ooxml_unescape(v) if type(v) is str else v for v in row]
                    for row in ws.iter_rows(values_only=True)
                )
                self.grids[t] = _normalize_rows(rows)
        finally:
            wb.close()

    def styles(self) -> _Styles:
        for typ, target in _read_rels(self.entries, self.wb_part).values():
            if typ.endswith("/styles"):
                entry = _find_entry(self.entries, target)
                if entry is not None:
                    return _Styles(entry)
        raise _UnsupportedError("workbook without styles")

    # -- writing

    def init_new(self) -> None:
        self.entries = _template_entries()
        self.wb_part = "xl/workbook.xml"

    def add_tab(self, title: str, header: list[WriteValue]) -> None:
        self.ops.append(("create", title, header))
        part: str | None = None
        if self.surgery_ok:
            try:
                part = self._add_sheet_part(title, header)
            except _UnsupportedError:
                self.surgery_ok = False
        self.sheets.append((title, part))
        self.grids[title] = _apply_cells([], _header_cells(header))
        self.dirty = True

    def append(self, title: str, rows: Sequence[Sequence[WriteValue]]) -> None:
        last = None
        if self.surgery_ok:
            try:
                xml = self._part(title).content()
                _, lo, hi = _sheet_data(xml)
                merges = [int(m.group(1)) for m in _MERGE.finditer(xml, hi)]
                # Below a merged block too, or the new cells would hide under it.
                last = max(_last_value_row(xml, lo, hi), *merges, 0)
            except _UnsupportedError:
                self.surgery_ok = False
        if last is None:
            last = len(self.grid(title))
        cells = [(last + i, c, v) for i, row in enumerate(rows, 1) for c, v in enumerate(row, 1)]
        if last + len(rows) > _MAX_ROW:
            raise ValueError(f"{title}: the sheet is full ({_MAX_ROW} rows)")
        self.set_cells(title, cells)

    def set_cells(self, title: str, cells: list[tuple[int, int, WriteValue]]) -> None:
        self.ops.append(("set", title, cells))
        if self.surgery_ok:
            try:
                self._set_cells_xml(title, cells)
            except _UnsupportedError:
                self.surgery_ok = False
        if title in self.grids:
            self.grids[title] = _apply_cells(self.grids[title], cells)
        self.dirty = True

    def _part(self, title: str) -> _Entry:
        part = dict(self.sheets)[title]
        if part is None:
            raise _UnsupportedError("tab was added through openpyxl")
        return self.entries[part]

    def _set_cells_xml(self, title: str, cells: list[tuple[int, int, WriteValue]]) -> None:
        entry = self._part(title)
        changes: dict[int, dict[int, WriteValue]] = {}
        for r, c, v in cells:
            changes.setdefault(r, {})[c] = v
        writer = _CellWriter(self)
        xml = _set_cells(entry.content(), changes, writer)
        # Build every changed part first and swap them in together: a failure above leaves
        # the entries as they were.
        entries = dict(self.entries)
        entries[entry.name] = _Entry.new(entry.name, xml, entry)
        if writer.styles is not None and writer.styles.changed:
            old = entries[writer.styles.name]
            entries[old.name] = _Entry.new(old.name, writer.styles.xml, old)
        if writer.formula_removed:
            self._drop_calc_chain(entries)
        self.entries = entries
        if writer.inexact:
            self.inexact.add(title)

    def _drop_calc_chain(self, entries: dict[str, _Entry]) -> None:
        """Excel's list of formula cells must not name a cell that lost its formula; without
        the list Excel simply rebuilds it."""
        chain = [n for n in entries if n.lower().endswith("calcchain.xml")]
        if not chain:
            return
        for n in chain:
            del entries[n]
        for name, pattern in (
            ("[Content_Types].xml", rb"<Override\b[^>]*calcChain\.xml[^>]*/>"),
            (_rels_name(self.wb_part), rb"<Relationship\b[^>]*calcChain\.xml[^>]*/>"),
        ):
            e = _find_entry(entries, name)
            if e is not None:
                entries[e.name] = _Entry.new(e.name, re.sub(pattern, b"", e.content()), e)

    def _add_sheet_part(self, title: str, header: list[WriteValue]) -> str:
        entries = dict(self.entries)
        wb = entries[self.wb_part]
        wb_xml = wb.content()
        root_tag = re.search(rb"<workbook\b[^>]*>", wb_xml)
        if root_tag is None:
            raise _UnsupportedError("prefixed workbook.xml")
        prefix = re.search(rb'xmlns:([\w.-]+)\s*=\s*"' + _REL_NS.encode() + rb'"', root_tag.group())
        if prefix is None:
            raise _UnsupportedError("workbook.xml without the relationships namespace")
        rels_name = _rels_name(self.wb_part)
        rels_entry = _find_entry(entries, rels_name)
        ct_entry = _find_entry(entries, "[Content_Types].xml")
        if rels_entry is None or ct_entry is None:
            raise _UnsupportedError("package without relationships or content types")
        rels = _read_rels(entries, self.wb_part)
        used = {n.lower() for n in entries}
        folder = posixpath.join(posixpath.dirname(self.wb_part), "worksheets")
        k = 1
        while f"{folder}/sheet{k}.xml".lower() in used:
            k += 1
        part = f"{folder}/sheet{k}.xml"
        rid_nums = [int(m) for r in rels for m in re.findall(r"^rId(\d+)$", r)]
        rid = f"rId{max(rid_nums, default=0) + 1}"
        while rid in rels:
            rid = "rId" + uuid.uuid4().hex[:8]
        sheet_ids = [int(x) for x in re.findall(rb'<sheet\b[^>]*?\ssheetId\s*=\s*"(\d+)"', wb_xml)]
        sheet_id = max(sheet_ids, default=0) + 1

        sheet_el = b'<sheet name="%s" sheetId="%d" %s:id="%s"/>' % (
            _xml_attr(title),
            sheet_id,
            prefix.group(1),
            rid.encode(),
        )
        rel_el = b'<Relationship Id="%s" Type="%s" Target="worksheets/sheet%d.xml"/>' % (
            rid.encode(),
            _WORKSHEET_REL.encode(),
            k,
        )
        ct_el = b'<Override PartName="/%s" ContentType="%s"/>' % (
            part.encode(),
            _WORKSHEET_CT.encode(),
        )
        entries[wb.name] = _Entry.new(
            wb.name, _insert_before(wb_xml, b"</sheets>", sheet_el, b"<sheets/>"), wb
        )
        entries[rels_entry.name] = _Entry.new(
            rels_entry.name,
            _insert_before(rels_entry.content(), b"</Relationships>", rel_el, b"<Relationships/>"),
            rels_entry,
        )
        entries[ct_entry.name] = _Entry.new(
            ct_entry.name,
            _insert_before(ct_entry.content(), b"</Types>", ct_el, b"<Types/>"),
            ct_entry,
        )
        writer = _CellWriter(self)
        bold = None
        try:
            writer.styles = self.styles()
            bold = writer.styles.bold_xf()
            if writer.styles.changed:
                entries[writer.styles.name] = _Entry.new(
                    writer.styles.name, writer.styles.xml, entries[writer.styles.name]
                )
        except _UnsupportedError:
            writer.styles = None  # no bold header then; the data matters, not the font
        entries[part] = _Entry.new(part, _new_sheet_xml(header, writer, bold))
        self.entries = entries
        return part

    # -- saving

    def build(self) -> tuple[bytes, int | None]:
        """The new file's bytes and the zip's central-directory offset (None via openpyxl)."""
        if self.surgery_ok:
            try:
                self._ensure_full_calc()
                return _build_zip(self.entries.values())
            except _UnsupportedError:
                pass
        return self._build_with_openpyxl(), None

    def _ensure_full_calc(self) -> None:
        """Ask Excel to recalculate on open: a user's own formulas (a summary tab) would
        otherwise show sums cached before our write. openpyxl's files always ask this."""
        wb = self.entries.get(self.wb_part)
        if wb is None:
            return
        xml = wb.content()
        calc = re.search(rb"<calcPr\b[^>]*?/?>", xml)
        if calc is not None:
            if re.search(rb"""\sfullCalcOnLoad\s*=\s*["'](1|true)["']""", calc.group()):
                return
            tag = re.sub(rb"""\sfullCalcOnLoad\s*=\s*["'][^"']*["']""", b"", calc.group())
            end = -2 if tag.endswith(b"/>") else -1
            new = tag[:end].rstrip() + b' fullCalcOnLoad="1"' + tag[end:]
            xml = xml[: calc.start()] + new + xml[calc.end() :]
        else:  # calcPr follows sheets, functionGroups, externalReferences and definedNames
            ends = [
                m.end()
                for m in re.finditer(
                    rb"</(?:sheets|functionGroups|externalReferences|definedNames)>"
                    rb"|<(?:sheets|functionGroups|externalReferences|definedNames)\b[^>]*/>",
                    xml,
                )
            ]
            if not ends:
                return
            xml = xml[: max(ends)] + b'<calcPr fullCalcOnLoad="1"/>' + xml[max(ends) :]
        self.entries[wb.name] = _Entry.new(wb.name, xml, wb)

    def _build_with_openpyxl(self) -> bytes:
        import openpyxl
        from openpyxl.styles import Font

        try:
            if self.base is not None:
                wb = openpyxl.load_workbook(io.BytesIO(self.base))
            else:
                wb = openpyxl.Workbook()
                wb.remove(wb.active)
            for kind, title, arg in self.ops:
                if kind == "create":
                    ws = wb.create_sheet(title)
                    for c, v in enumerate(arg, 1):
                        _openpyxl_set(ws.cell(row=1, column=c), v)
                        ws.cell(row=1, column=c).font = Font(bold=True)
                    ws.freeze_panes = "A2"
                else:
                    ws = wb[title]
                    for r, c, v in arg:
                        _openpyxl_set(ws.cell(row=r, column=c), v)
            out = io.BytesIO()
            wb.save(out)
            return out.getvalue()
        except Exception as e:  # openpyxl fails in many ways on odd files
            raise BackendUnavailableError(
                f"{self.path}: cannot write this workbook ({type(e).__name__}: {e})"
            ) from e

    def after_save(self, data: bytes, cd_offset: int | None, stamp: tuple[int, int, int]) -> _Book:
        """The book that now matches the disk; keeps what is still valid of this one."""
        book = _Book.load(self.path, data, stamp)
        if cd_offset is None:
            return book  # openpyxl rewrote everything: read it afresh
        for name, entry in book.entries.items():
            old = self.entries.get(name)
            if old is not None and old.data is not None and old.crc == entry.crc:
                entry.data = old.data  # spare the next write a decompress
        book.grids = {t: g for t, g in self.grids.items() if t not in self.inexact}
        return book


def _header_cells(header: list[WriteValue]) -> list[tuple[int, int, WriteValue]]:
    return [(1, c, v) for c, v in enumerate(header, 1)]


def _openpyxl_set(cell: Any, v: WriteValue) -> None:
    if isinstance(v, str):
        cell.value = _ooxml_escape(v)
        cell.data_type = "s"  # text, even when it starts with "="
    else:
        cell.value = v


# ---------------------------------------------------------------- the store


class XlsxStore(Store):
    """A workbook in a local .xlsx file."""

    kind = "xlsx"

    def __init__(self, path: str | Path, *, lock_timeout: float = LOCK_TIMEOUT_S) -> None:
        super().__init__()
        if not str(path).strip():
            raise ConfigError("no workbook path given", key="errors.config")
        # resolve(): os.replace on a symlink would replace the link, not the workbook.
        self._path = Path(path).expanduser().resolve()
        if self._path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise ConfigError(
                f"{self._path}: the workbook must be an .xlsx file", key="errors.config"
            )
        if self._path.is_dir():
            raise ConfigError(f"{self._path} is a folder, not a workbook", key="errors.config")
        self._lock_timeout = lock_timeout
        # One FileLock per store; the RLock orders this process' threads in front of it.
        self._file_lock = filelock.FileLock(str(self._path) + ".lock")
        self._mutex = threading.RLock()
        self._book = _Book(self._path)
        self._book_known = False  # False until the file (or its absence) was looked at
        self._depth = 0

    @property
    def location(self) -> str:
        return str(self._path)

    def change_token(self) -> object | None:
        # (mtime, size) alone can survive a save: FAT, exFAT and some network shares keep
        # mtime in steps of seconds, and an edit often keeps the size. The file's end (the
        # zip's central directory, which carries every part's CRC) tells such saves apart.
        try:
            with open(self._path, "rb") as f:
                st = os.fstat(f.fileno())
                f.seek(max(0, st.st_size - _TOKEN_TAIL))
                tail = f.read(_TOKEN_TAIL)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns, zlib.crc32(tail))

    # -- reads

    def read_all(self) -> dict[str, Grid]:
        with self._mutex, _translate(self._path):
            self.stats.count("read_all", write=False)
            if self._depth == 0:
                self._refresh()
            book = self._book
            book.load_all_grids()
            return {t: _copy_grid(book.grid(t)) for t in book.titles()}

    def read_tab(self, title: str) -> Grid:
        with self._mutex, _translate(self._path):
            self.stats.count("read_tab", write=False)
            if self._depth == 0:
                self._refresh()
            book = self._book
            return _copy_grid(book.grid(book.resolve(title)))

    # -- writes

    def create_tabs(self, tabs: dict[str, list[str]]) -> None:
        for title in tabs:
            if (
                not title.strip()
                or len(title) > 31
                or _BAD_TITLE_CHARS & set(title)
                or title.startswith("'")
                or title.endswith("'")
            ):
                raise ConfigError(f"{title!r} cannot be a tab name in Excel", key="errors.config")
        with self.transaction(), _translate(self._path):
            self.stats.count("create_tabs", write=True)
            book = self._book
            for title, header in tabs.items():
                if book.find(title) is not None:
                    continue
                if book.base is None and not book.entries:
                    book.init_new()
                book.add_tab(title, [_canon(h) for h in header])

    def append_rows(self, title: str, rows: Sequence[Sequence[Cell]], *, id_col: int) -> None:
        # `id_col` is not needed here: a save is atomic under the lock, so an append either
        # landed completely or raised; there is no timed-out request to de-duplicate.
        rows = [[_canon(v) for v in row] for row in rows]
        for row in rows:
            if len(row) > _MAX_COL:
                raise ValueError(f"{title}: a row has more than {_MAX_COL} cells")
        with self.transaction(), _translate(self._path):
            self.stats.count("append_rows", write=True)
            book = self._book
            if rows:
                book.append(book.resolve(title), rows)

    def update_cells(self, title: str, cells: Sequence[tuple[int, int, Cell]]) -> None:
        canon: list[tuple[int, int, WriteValue]] = []
        for r, c, v in cells:
            if not (1 <= r <= _MAX_ROW and 1 <= c <= _MAX_COL):
                raise ValueError(f"{title}: no cell at row {r}, column {c}")
            canon.append((int(r), int(c), _canon(v)))
        with self.transaction(), _translate(self._path):
            self.stats.count("update_cells", write=True)
            book = self._book
            if canon:
                book.set_cells(book.resolve(title), canon)

    # -- transactions

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the file lock, work on an up-to-date copy in memory, save once at the end.

        Nested blocks join the outer one and only the outermost saves. A block that raises
        is undone (a nested one back to where it began), and nothing of it reaches the file.
        Other threads using this store wait until the block ends.
        """
        with self._mutex:
            outermost = self._depth == 0
            if outermost:
                self._acquire_file_lock()
                try:
                    with _translate(self._path):
                        self._refresh()
                except BaseException:
                    self._file_lock.release()
                    raise
            saved = self._book.snapshot()
            self._depth += 1
            try:
                yield
                if outermost and self._book.dirty:
                    with _translate(self._path):
                        self._save()
            except BaseException:
                self._book = saved  # nothing of this block happened
                raise
            finally:
                self._depth -= 1
                if outermost:
                    self._file_lock.release()

    def _acquire_file_lock(self) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ConfigError(
                f"cannot create the folder {self._path.parent}: {e}", key="errors.config"
            ) from e
        try:
            self._file_lock.acquire(timeout=self._lock_timeout)
        except filelock.Timeout as e:
            raise BackendUnavailableError(
                f"{self._path}: workbook is locked by another session "
                f"(waited {self._lock_timeout:g} s)"
            ) from e
        except OSError as e:
            raise BackendUnavailableError(f"{self._path}: cannot take the file lock: {e}") from e

    def _refresh(self) -> None:
        """Make the cached book match the file, re-reading only if it changed on disk."""
        book = self._book
        for attempt in range(3):
            try:
                f = open(self._path, "rb")  # noqa: SIM115 - closed below, kept for fstat + read
            except FileNotFoundError:
                if not self._book_known or book.stamp is not None or book.ops:
                    self._book = _Book(self._path)
                self._book_known = True
                return
            except OSError as e:
                raise BackendUnavailableError(f"{self._path}: cannot open the workbook: {e}") from e
            with f:
                st = os.fstat(f.fileno())
                stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
                if book.stamp == stamp and self._book_known and len(book.tail) <= st.st_size:
                    f.seek(st.st_size - len(book.tail))
                    if f.read(len(book.tail)) == book.tail:
                        return
                f.seek(0)
                data = f.read()
            try:
                new = _Book.load(self._path, data, stamp)
                new.adopt_grids(book)
                self._book = new
                self._book_known = True
                return
            except _CorruptError:
                # Another program may have been saving the file in place while we read it:
                # if the file moved on since, read it again; if not, it really is broken.
                time.sleep(0.1)
                try:
                    st = os.stat(self._path)
                except OSError:
                    continue
                if attempt == 2 or (st.st_ino, st.st_size, st.st_mtime_ns) == stamp:
                    raise

    def _save(self) -> None:
        book = self._book
        data, cd_offset = book.build()
        stamp = self._write_atomically(data)
        self._book = book.after_save(data, cd_offset, stamp)

    def _write_atomically(self, data: bytes) -> tuple[int, int, int]:
        """Write a temp file beside the workbook, fsync, then os.replace it over the workbook:
        readers see the old file or the new one, never half of one."""
        tmp = self._path.with_name(f".{self._path.name}.{uuid.uuid4().hex[:12]}.tmp")
        try:
            old_mode = os.stat(self._path).st_mode & 0o7777
        except OSError:
            old_mode = None
        try:
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
                if old_mode is not None:
                    os.chmod(tmp, old_mode)
                st = os.fstat(f.fileno())
            os.replace(tmp, self._path)
        except OSError as e:
            with suppress(OSError):
                os.unlink(tmp)
            hint = " (is it open in another program?)" if isinstance(e, PermissionError) else ""
            raise BackendUnavailableError(
                f"{self._path}: cannot save the workbook: {e}{hint}"
            ) from e
        try:  # make the rename itself durable; not possible everywhere, and not fatal
            dir_fd = os.open(self._path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError:
            pass
        return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextmanager
def _translate(path: Path) -> Iterator[None]:
    """Turn the file's problems into the app's error, with the path and the reason."""
    try:
        yield
    except _CorruptError as e:
        raise BackendUnavailableError(f"{path}: the workbook cannot be read ({e})") from e
