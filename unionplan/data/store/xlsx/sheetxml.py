"""Edits of one worksheet's XML by slicing bytes: set cells, append rows, start a new sheet.

Only the rows a write touches are rebuilt; every other byte of the sheet (other rows,
other cells of a touched row, formatting, merged cells, anything after </sheetData>) is
copied as it is. What the regular expressions here cannot safely handle raises
UnsupportedError, and the transaction then saves through openpyxl instead.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable

from unionplan.data.store.xlsx.errors import CorruptError, UnsupportedError
from unionplan.data.store.xlsx.package import MAIN_NS, REL_NS, XML_DECL
from unionplan.data.store.xlsx.styles import Styles
from unionplan.data.store.xlsx.values import (
    EPOCH_1900,
    EPOCH_1904,
    MAX_EXACT_INT,
    WriteValue,
    col_index,
    letters,
    xml_text,
)

Changes = dict[int, dict[int, WriteValue]]  # row -> column -> value

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
        raise UnsupportedError("worksheet XML uses a namespace prefix")
    m = _SHEETDATA.search(xml)
    if m is None:
        raise UnsupportedError("worksheet without sheetData")
    if m.group(1):
        return m, m.end(), m.end()
    end = xml.rfind(b"</sheetData>")  # from the end: it is near it, and there is one
    if end < m.end():
        raise CorruptError("worksheet XML is cut off")
    return m, m.end(), end


def _row_at(xml: bytes, start: int) -> tuple[int, int, int, bool]:
    """(row number, index of the start tag's '>', end of the element, self-closing)."""
    try:
        gt = xml.index(b">", start)
        m = _ROW_R.search(xml, start, gt)
        if m is None:
            raise UnsupportedError("row without a row number")
        if xml[gt - 1] == 0x2F:  # '/>'
            return int(m.group(1)), gt, gt + 1, True
        return int(m.group(1)), gt, xml.index(b"</row>", gt) + 6, False
    except ValueError as e:
        raise CorruptError("worksheet XML is cut off") from e


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


def last_used_row(xml: bytes) -> int:
    """The row an append goes below: the last row with a value, or the end of a merged
    block (a title merged over empty rows), whichever is lower; 0 for an empty sheet."""
    _, lo, hi = _sheet_data(xml)
    merges = [int(m.group(1)) for m in _MERGE.finditer(xml, hi)]
    # Below a merged block too, or the new cells would hide under it.
    return max(_last_value_row(xml, lo, hi), *merges, 0)


class CellWriter:
    """Turns values into <c> elements; adds styles for dates on demand."""

    def __init__(self, load_styles: Callable[[], Styles], date1904: bool) -> None:
        self._load_styles = load_styles
        self.date1904 = date1904
        self.styles: Styles | None = None  # loaded on first need; its additions are saved
        self.inexact = False  # a value will read back differently from how the view has it
        self.formula_removed = False

    def _get_styles(self) -> Styles:
        if self.styles is None:
            self.styles = self._load_styles()
        return self.styles

    def cell(self, col: int, row: int, value: WriteValue, style: bytes | None) -> bytes:
        ref = letters(col) + b"%d" % row
        s_attr = b' s="' + style + b'"' if style else b""
        if value is None:
            return b'<c r="' + ref + b'"' + s_attr + b"/>" if style else b""
        if isinstance(value, str):
            ws = value[0].isspace() or value[-1].isspace() or "\n" in value or "\t" in value
            sp = b' xml:space="preserve"' if ws else b""
            text = xml_text(value)
            return b'<c r="%s"%s t="inlineStr"><is><t%s>%s</t></is></c>' % (ref, s_attr, sp, text)
        if isinstance(value, bool):
            return b'<c r="%s"%s t="b"><v>%d</v></c>' % (ref, s_attr, 1 if value else 0)
        if isinstance(value, (int, float)):
            if style and self._get_styles().is_date(int(style)):
                self.inexact = True  # a number in a date-formatted cell reads back as a date
            if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_EXACT_INT:
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
        epoch = EPOCH_1904 if self.date1904 else EPOCH_1900
        if value < epoch:
            return None
        delta = value - epoch
        if delta.seconds == 0 and delta.microseconds == 0:
            return str(delta.days)
        ms = delta.seconds * 1000 + delta.microseconds // 1000
        return repr(delta.days + ms / 86_400_000)


def _row_element(num: int, cells: dict[int, WriteValue], writer: CellWriter) -> bytes:
    body = b"".join(writer.cell(c, num, cells[c], None) for c in sorted(cells))
    return b'<row r="%d">%s</row>' % (num, body) if body else b""


def _merge_row(
    xml: bytes, start: int, num: int, cells: dict[int, WriteValue], writer: CellWriter
) -> tuple[bytes, int]:
    """The existing row element at `start` with `cells` set; every other cell kept verbatim."""
    _, gt, end, closed = _row_at(xml, start)
    tag = xml[start : gt + 1]
    if closed:
        tag = tag[:-2].rstrip() + b">"
    tag = _SPANS.sub(b"", tag)  # an optional hint that may no longer hold
    body_end = gt + 1 if closed else end - 6
    if xml.find(b"<extLst", gt, body_end) >= 0:
        raise UnsupportedError("row with extensions")
    existing: dict[int, tuple[int, int, int]] = {}
    for m in _CELL_START.finditer(xml, gt + 1, body_end):
        cs = m.start()
        cgt = xml.index(b">", cs)
        rm = _CELL_R.search(xml, cs, cgt)
        if rm is None or int(rm.group(2)) != num:
            raise UnsupportedError("cell without a proper reference")
        ce = cgt + 1 if xml[cgt - 1] == 0x2F else xml.index(b"</c>", cgt) + 4
        existing[col_index(rm.group(1))] = (cs, cgt, ce)
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
                    raise UnsupportedError("overwriting a shared or array formula")
                writer.formula_removed = True
        parts.append(writer.cell(col, num, cells[col], style))
    parts.append(b"</row>")
    return b"".join(parts), end


def set_cells(xml: bytes, changes: Changes, writer: CellWriter) -> bytes:
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
                raise UnsupportedError("row without a row number")
            n = int(num.group(1))
            if nums and n <= nums[-1]:
                raise UnsupportedError("rows out of order")
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


def _grow_dimension(head: bytes, changes: Changes) -> bytes:
    """Widen <dimension ref> to cover the new cells (openpyxl's read-only mode trusts it)."""
    m = _DIMENSION.search(head)
    filled = [(r, c) for r, cols in changes.items() for c, v in cols.items() if v is not None]
    if m is None or not filled:
        return head
    ref = _REF.match(m.group(1).decode("ascii", "replace").replace("$", ""))
    if ref is None:
        return head
    c1, r1 = col_index(ref.group(1)), int(ref.group(2))
    c2, r2 = (col_index(ref.group(3)), int(ref.group(4))) if ref.group(3) else (c1, r1)
    r1, r2 = min(r1, *(r for r, _ in filled)), max(r2, *(r for r, _ in filled))
    c1, c2 = min(c1, *(c for _, c in filled)), max(c2, *(c for _, c in filled))
    new = b'<dimension ref="%s%d:%s%d"/>' % (letters(c1), r1, letters(c2), r2)
    return head[: m.start()] + new + head[m.end() :]


def new_sheet_xml(header: list[WriteValue], writer: CellWriter, bold: int | None) -> bytes:
    """A worksheet with the header in row 1 (bold if a style was given), frozen below it."""
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
        XML_DECL
        + b'<worksheet xmlns="%s" xmlns:r="%s">' % (MAIN_NS.encode(), REL_NS.encode())
        + b'<dimension ref="A1:%s1"/>' % letters(n)
        + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
        b'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
        b'activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        b'<sheetFormatPr defaultRowHeight="15"/>'
        + (b"<cols>" + widths + b"</cols>" if widths else b"")
        + (b'<sheetData><row r="1">' + cells + b"</row></sheetData>" if cells else b"<sheetData/>")
        + b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        b'footer="0.3"/></worksheet>'
    )
