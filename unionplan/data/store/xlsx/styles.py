"""styles.xml: which cell styles show dates, and the two styles a write may add (date, bold).

Reading uses ElementTree; additions are spliced into the original bytes so that every
style the user made stays exactly as it was.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from unionplan.data.store.xlsx.errors import UnsupportedError
from unionplan.data.store.xlsx.package import local, parse_xml
from unionplan.data.store.xlsx.values import xml_attr
from unionplan.data.store.xlsx.zipio import Entry

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


class Styles:
    """Read access to styles.xml plus the few additions a write needs (date, bold)."""

    def __init__(self, entry: Entry) -> None:
        self.name = entry.name
        self.xml = entry.content()
        self.changed = False
        root = parse_xml(entry)
        if local(root.tag) != "styleSheet" or not re.search(rb"<styleSheet\b", self.xml):
            raise UnsupportedError("prefixed styles.xml")
        self.codes: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self.plain_xf: dict[int, int] = {}  # numFmtId -> first xf that only sets that format
        self.n_fonts = 0
        try:
            self._read(root)
        except ValueError as e:
            raise UnsupportedError(f"styles.xml: {e}") from e
        self._bold: int | None = None

    def _read(self, root: ET.Element) -> None:
        for child in root:
            kind = local(child.tag)
            if kind == "numFmts":
                for nf in child:
                    self.codes[int(nf.get("numFmtId", "0"))] = nf.get("formatCode", "")
            elif kind == "fonts":
                self.n_fonts = sum(1 for f in child if local(f.tag) == "font")
            elif kind == "cellXfs":
                for xf in child:
                    fmt = int(xf.get("numFmtId", "0"))
                    plain = len(xf) == 0 and all(
                        xf.get(k, "0") == "0" for k in ("fontId", "fillId", "borderId")
                    )
                    if plain:
                        self.plain_xf.setdefault(fmt, len(self.xf_formats))
                    self.xf_formats.append(fmt)

    def entry(self, like: Entry) -> Entry:
        """The part with this object's additions, to replace `like`."""
        return Entry.new(self.name, self.xml, like)

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
                raise UnsupportedError("styles.xml has no fonts")
            end = self.xml.index(b"</fonts>", m.end())
            first = re.compile(rb"<font\b[^>]*?/>|<font\b[^>]*>.*?</font>", re.S).search(
                self.xml, m.end(), end
            )
            if first is None:
                raise UnsupportedError("styles.xml has no font")
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
        elem = b'<numFmt numFmtId="%d" formatCode="%s"/>' % (fmt, xml_attr(code))
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
                raise UnsupportedError("styles.xml root")
            new = b'<numFmts count="1">' + elem + b"</numFmts>"
            self.xml = self.xml[: root.end()] + new + self.xml[root.end() :]
        self.codes[fmt] = code
        self.changed = True
        return fmt

    def _add_xf(self, elem: bytes, fmt: int) -> int:
        m = re.search(rb"<cellXfs\b[^>]*?(/?)>", self.xml)
        if not m or m.group(1):
            raise UnsupportedError("styles.xml has no cellXfs")
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
