"""The package around the sheets: relationships, content types and workbook.xml.

Finds the parts (the workbook, its sheets, its styles) through the relationships, as
Excel does, and makes the few package edits a write needs: a new sheet, no stale
calcChain, recalculation on open. Each edit returns new entries; none mutates its input.
"""

from __future__ import annotations

import posixpath
import re
import uuid
import xml.etree.ElementTree as ET

from unionplan.data.store.xlsx.errors import CorruptError, UnsupportedError
from unionplan.data.store.xlsx.values import xml_attr
from unionplan.data.store.xlsx.zipio import Entry

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET_REL = REL_NS + "/worksheet"
_WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
CONTENT_TYPES = "[Content_Types].xml"

Entries = dict[str, Entry]


def local(tag: str) -> str:
    """An element or attribute name without its {namespace}."""
    return tag.rsplit("}", 1)[-1]


def parse_xml(entry: Entry) -> ET.Element:
    try:
        return ET.fromstring(entry.content())
    except ET.ParseError as e:
        raise CorruptError(f"{entry.name}: {e}") from e


def rels_name(part: str) -> str:
    return posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")


def find_entry(entries: Entries, name: str) -> Entry | None:
    entry = entries.get(name)
    if entry is None:  # part names are case-insensitive in OPC
        low = name.lower()
        entry = next((e for n, e in entries.items() if n.lower() == low), None)
    return entry


def read_rels(entries: Entries, part: str) -> dict[str, tuple[str, str]]:
    """{rel id: (type, target part name)} of a part ('' for the package itself)."""
    entry = find_entry(entries, rels_name(part))
    if entry is None:
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in parse_xml(entry):
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(part), target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def _rel_id_attr(el: ET.Element) -> str | None:
    for key, value in el.attrib.items():
        if key.startswith("{") and local(key) == "id":
            return value
    return None


def read_workbook(entries: Entries) -> tuple[str, list[tuple[str, str | None]], bool]:
    """(workbook part, [(tab title, worksheet part)] in tab order, 1904 date system)."""
    office = [t for typ, t in read_rels(entries, "").values() if typ.endswith("/officeDocument")]
    wb_entry = find_entry(entries, office[0] if office else "xl/workbook.xml")
    if wb_entry is None:
        raise CorruptError("no workbook part (is this an .xlsx file?)")
    rels = read_rels(entries, wb_entry.name)
    sheets: list[tuple[str, str | None]] = []
    date1904 = False
    for el in parse_xml(wb_entry).iter():
        kind = local(el.tag)
        if kind == "workbookPr":
            date1904 = el.get("date1904", "0").lower() in ("1", "true")
        elif kind == "sheet":
            typ, target = rels.get(_rel_id_attr(el) or "", ("", ""))
            entry = find_entry(entries, target) if target else None
            if typ.endswith("/worksheet") and entry is not None:
                sheets.append((el.get("name", ""), entry.name))
    return wb_entry.name, sheets, date1904


def styles_entry(entries: Entries, wb_part: str) -> Entry:
    for typ, target in read_rels(entries, wb_part).values():
        if typ.endswith("/styles"):
            entry = find_entry(entries, target)
            if entry is not None:
                return entry
    raise UnsupportedError("workbook without styles")


def template_entries() -> Entries:
    """The parts of an empty workbook; create_tabs adds the sheets before anything is saved."""
    parts = {
        CONTENT_TYPES: (
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
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/>'
            '</bookViews><sheets/><calcPr calcId="191029"/></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN_NS}">'
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
    return {n: Entry.new(n, XML_DECL + x.encode("utf-8")) for n, x in parts.items()}


def _insert_before(xml: bytes, close: bytes, elem: bytes, empty: bytes) -> bytes:
    """Insert `elem` before the closing tag, or expand a self-closing `empty` element."""
    at = xml.rfind(close)
    if at >= 0:
        return xml[:at] + elem + xml[at:]
    m = re.search(re.escape(empty[:-2]) + rb"\s*/>", xml)
    if m is None:
        raise UnsupportedError(f"cannot find {close.decode()}")
    return xml[: m.start()] + empty[:-2] + b">" + elem + close + xml[m.end() :]


def add_sheet(entries: Entries, wb_part: str, title: str) -> tuple[Entries, str]:
    """New entries with a sheet registered in workbook.xml, its rels and content types,
    and the name of its (not yet written) worksheet part."""
    entries = dict(entries)
    wb = entries[wb_part]
    wb_xml = wb.content()
    root_tag = re.search(rb"<workbook\b[^>]*>", wb_xml)
    if root_tag is None:
        raise UnsupportedError("prefixed workbook.xml")
    prefix = re.search(rb'xmlns:([\w.-]+)\s*=\s*"' + REL_NS.encode() + rb'"', root_tag.group())
    if prefix is None:
        raise UnsupportedError("workbook.xml without the relationships namespace")
    rels_entry = find_entry(entries, rels_name(wb_part))
    ct_entry = find_entry(entries, CONTENT_TYPES)
    if rels_entry is None or ct_entry is None:
        raise UnsupportedError("package without relationships or content types")
    rels = read_rels(entries, wb_part)
    used = {n.lower() for n in entries}
    folder = posixpath.join(posixpath.dirname(wb_part), "worksheets")
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
        xml_attr(title),
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
    entries[wb.name] = Entry.new(
        wb.name, _insert_before(wb_xml, b"</sheets>", sheet_el, b"<sheets/>"), wb
    )
    entries[rels_entry.name] = Entry.new(
        rels_entry.name,
        _insert_before(rels_entry.content(), b"</Relationships>", rel_el, b"<Relationships/>"),
        rels_entry,
    )
    entries[ct_entry.name] = Entry.new(
        ct_entry.name,
        _insert_before(ct_entry.content(), b"</Types>", ct_el, b"<Types/>"),
        ct_entry,
    )
    return entries, part


def drop_calc_chain(entries: Entries, wb_part: str) -> None:
    """Excel's list of formula cells must not name a cell that lost its formula; without
    the list Excel simply rebuilds it. Edits `entries` (a working copy) in place."""
    chain = [n for n in entries if n.lower().endswith("calcchain.xml")]
    if not chain:
        return
    for n in chain:
        del entries[n]
    for name, pattern in (
        (CONTENT_TYPES, rb"<Override\b[^>]*calcChain\.xml[^>]*/>"),
        (rels_name(wb_part), rb"<Relationship\b[^>]*calcChain\.xml[^>]*/>"),
    ):
        e = find_entry(entries, name)
        if e is not None:
            entries[e.name] = Entry.new(e.name, re.sub(pattern, b"", e.content()), e)


def ensure_full_calc(entries: Entries, wb_part: str) -> None:
    """Ask Excel to recalculate on open: a user's own formulas (a summary tab) would
    otherwise show sums cached before our write. openpyxl's files always ask this."""
    wb = entries.get(wb_part)
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
    entries[wb.name] = Entry.new(wb.name, xml, wb)
