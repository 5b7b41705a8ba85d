"""Things people add to the workbook in Excel or WPS, written into a file as Excel writes them.

`decorate()` gives a tab a bar chart (with Excel 2013's chart style and colour parts), a
text box, data bars with Excel 2010's extension, sparklines and a filled, bold cell;
`surviving()` says which of them a file still has. The xlsx store's tests use them to show
that a write keeps them, and bench/bench_xlsx_store.py --openpyxl to show what a full
openpyxl load + save keeps.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_XM = "http://schemas.microsoft.com/office/excel/2006/main"
_CT = "application/vnd.openxmlformats-officedocument"
_CS = "http://schemas.microsoft.com/office/drawing/2012/chartStyle"
_DATABAR_ID = "{7E1A2B3C-0000-4000-8000-000000000001}"

FEATURES = (
    "chart",
    "chart style parts",
    "text box",
    "picture",
    "data bars (x14)",
    "sparklines",
    "cell fill",
)


def _png() -> bytes:
    """A 1x1 red PNG (a union's logo, say)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _anchor(col: int, row: int, body: str) -> str:
    return (
        f"<xdr:twoCellAnchor><xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff>"
        f"<xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to>"
        f"<xdr:col>{col + 6}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + 12}</xdr:row>"
        f"<xdr:rowOff>0</xdr:rowOff></xdr:to>{body}<xdr:clientData/></xdr:twoCellAnchor>"
    )


def _drawing() -> str:
    frame = (
        '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="图表 1"/>'
        '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
        f'uri="{_C}"><c:chart xmlns:c="{_C}" r:id="rId1"/></a:graphicData></a:graphic>'
        "</xdr:graphicFrame>"
    )
    box = (
        '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="文本框 2"/>'
        '<xdr:cNvSpPr txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2000000" cy="600000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/>'
        '</a:prstGeom></xdr:spPr><xdr:txBody><a:bodyPr wrap="square"/><a:lstStyle/><a:p>'
        '<a:r><a:rPr lang="zh-CN"/><a:t>备注：预算以财务审批为准</a:t></a:r></a:p></xdr:txBody>'
        "</xdr:sp>"
    )
    pic = (
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="4" name="图片 3" descr="工会会徽"/><xdr:cNvPicPr/>'
        '</xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId2"/><a:stretch><a:fillRect/></a:stretch>'
        '</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="600000" cy="600000"/>'
        '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
    )
    return (
        f'<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}" xmlns:r="{_R}">'
        f"{_anchor(12, 1, frame)}{_anchor(12, 15, box)}{_anchor(19, 1, pic)}</xdr:wsDr>"
    )


def _chart(tab: str) -> str:
    ref = f"'{tab}'!$B$2:$B$6"
    return (
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}"><c:roundedCorners val="0"/>'
        "<c:chart><c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>各月预算</a:t></a:r></a:p>"
        '</c:rich></c:tx><c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea>'
        '<c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
        '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/><c:spPr><a:solidFill>'
        '<a:srgbClr val="C00000"/></a:solidFill></c:spPr><c:val><c:numRef>'
        f"<c:f>{ref}</c:f></c:numRef></c:val></c:ser>"
        '<c:gapWidth val="219"/><c:axId val="1"/><c:axId val="2"/></c:barChart>'
        '<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx>'
        '<c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea>'
        '<c:plotVisOnly val="1"/></c:chart></c:chartSpace>'
    )


def _sheet_extras(xml: str, tab: str, rows: int) -> str:
    """The worksheet with data bars, a drawing and sparklines, each where the schema puts it."""
    databar = (
        f'<conditionalFormatting sqref="D2:D{rows}"><cfRule type="dataBar" priority="1"><dataBar>'
        '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst><ext '
        f'uri="{{B025F937-C7B1-47D3-B67F-A62EFF666E3E}}" xmlns:x14="{_X14}"><x14:id>{_DATABAR_ID}'
        "</x14:id></ext></extLst></cfRule></conditionalFormatting>"
    )
    ext = (
        f'<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{_X14}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{_XM}">'
        f'<x14:cfRule type="dataBar" id="{_DATABAR_ID}"><x14:dataBar minLength="0" '
        'maxLength="100" gradient="0"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/>'
        '<x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar>'
        f"</x14:cfRule><xm:sqref>D2:D{rows}</xm:sqref></x14:conditionalFormatting>"
        "</x14:conditionalFormattings></ext>"
        f'<ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{_X14}">'
        f'<x14:sparklineGroups xmlns:xm="{_XM}"><x14:sparklineGroup displayEmptyCellsAs="gap">'
        '<x14:colorSeries rgb="FF376092"/><x14:sparklines><x14:sparkline>'
        f"<xm:f>'{tab}'!D2:D{rows}</xm:f><xm:sqref>E1</xm:sqref></x14:sparkline>"
        "</x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
    )
    at = xml.index("<pageMargins")
    xml = xml[:at] + databar + xml[at:]
    end = xml.rindex("</worksheet>")
    return xml[:end] + '<drawing r:id="rIdDraw1"/>' + ext + xml[end:]


def _fill_a1(styles: str, sheet: str) -> tuple[str, str]:
    """styles.xml with a yellow fill and a bold 14pt font in a new style, and A1 using it."""
    n_fonts = int(re.search(r'<fonts count="(\d+)"', styles).group(1))  # type: ignore[union-attr]
    n_fills = int(re.search(r'<fills count="(\d+)"', styles).group(1))  # type: ignore[union-attr]
    n_xfs = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))  # type: ignore[union-attr]
    styles = styles.replace(f'<fonts count="{n_fonts}">', f'<fonts count="{n_fonts + 1}">')
    styles = styles.replace("</fonts>", '<font><b/><sz val="14"/><name val="等线"/></font></fonts>')
    styles = styles.replace(f'<fills count="{n_fills}">', f'<fills count="{n_fills + 1}">')
    styles = styles.replace(
        "</fills>",
        '<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill>'
        "</fills>",
    )
    styles = styles.replace(f'<cellXfs count="{n_xfs}">', f'<cellXfs count="{n_xfs + 1}">')
    styles = styles.replace(
        "</cellXfs>",
        f'<xf numFmtId="0" fontId="{n_fonts}" fillId="{n_fills}" borderId="0" xfId="0" '
        'applyFont="1" applyFill="1"/></cellXfs>',
    )
    sheet = re.sub(r'<c r="A1"( s="\d+")?', f'<c r="A1" s="{n_xfs}"', sheet, count=1)
    return styles, sheet


def decorate(path: Path, tab: str) -> None:
    """Add the extras to `tab` of the workbook at `path` (a file the xlsx store wrote)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    wb = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet name="{re.escape(tab)}"[^>]*r:id="(\w+)"', wb).group(1)  # type: ignore[union-attr]
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)  # type: ignore[union-attr]
    sheet_part = "xl/" + target
    sheet = parts[sheet_part].decode()
    rows = int(re.findall(r'<row r="(\d+)"', sheet)[-1])
    styles, sheet = _fill_a1(parts["xl/styles.xml"].decode(), sheet)
    parts["xl/styles.xml"] = styles.encode()
    parts[sheet_part] = _sheet_extras(sheet, tab, rows).encode()
    name = sheet_part.rsplit("/", 1)[1]
    parts[f"xl/worksheets/_rels/{name}.rels"] = (
        f'<Relationships xmlns="{_PKG_R}"><Relationship Id="rIdDraw1" Type="{_R}/drawing" '
        'Target="../drawings/drawing1.xml"/></Relationships>'
    ).encode()
    parts["xl/drawings/drawing1.xml"] = _drawing().encode()
    parts["xl/drawings/_rels/drawing1.xml.rels"] = (
        f'<Relationships xmlns="{_PKG_R}"><Relationship Id="rId1" Type="{_R}/chart" '
        f'Target="../charts/chart1.xml"/><Relationship Id="rId2" Type="{_R}/image" '
        'Target="../media/image1.png"/></Relationships>'
    ).encode()
    parts["xl/media/image1.png"] = _png()
    parts["xl/charts/chart1.xml"] = _chart(tab).encode()
    parts["xl/charts/_rels/chart1.xml.rels"] = (
        f'<Relationships xmlns="{_PKG_R}">'
        f'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/'
        'chartStyle" Target="style1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'microsoft.com/office/2011/relationships/chartColorStyle" Target="colors1.xml"/>'
        "</Relationships>"
    ).encode()
    parts["xl/charts/style1.xml"] = f'<cs:chartStyle xmlns:cs="{_CS}" id="201"/>'.encode()
    parts["xl/charts/colors1.xml"] = (
        f'<cs:colorStyle xmlns:cs="{_CS}" xmlns:a="{_A}" meth="cycle" id="10">'
        '<a:schemeClr val="accent1"/></cs:colorStyle>'
    ).encode()
    ct = parts["[Content_Types].xml"].decode()
    ct = ct.replace(
        "<Default ", '<Default Extension="png" ContentType="image/png"/><Default ', 1
    ).replace(
        "</Types>",
        f'<Override PartName="/xl/drawings/drawing1.xml" ContentType="{_CT}.drawing+xml"/>'
        f'<Override PartName="/xl/charts/chart1.xml" '
        f'ContentType="{_CT}.drawingml.chart+xml"/>'
        '<Override PartName="/xl/charts/style1.xml" '
        'ContentType="application/vnd.ms-office.chartstyle+xml"/>'
        '<Override PartName="/xl/charts/colors1.xml" '
        'ContentType="application/vnd.ms-office.chartcolorstyle+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = ct.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def surviving(path: Path) -> dict[str, bool]:
    """Which of FEATURES the file at `path` still has (looked for in its parts)."""
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        xml = {n: z.read(n).decode("utf-8", "replace") for n in names if n.endswith(".xml")}
    sheets = "".join(v for n, v in xml.items() if n.startswith("xl/worksheets/"))
    drawings = "".join(v for n, v in xml.items() if n.startswith("xl/drawings/"))
    charts = [v for n, v in xml.items() if re.match(r"xl/charts/chart\d+\.xml$", n)]
    styles = xml.get("xl/styles.xml", "")
    return {
        "chart": any("各月预算" in c and "C00000" in c for c in charts),
        "chart style parts": any(re.match(r"xl/charts/(style|colors)\d+\.xml$", n) for n in names),
        "text box": "备注：预算以财务审批为准" in drawings,
        # openpyxl writes the drawing with a default namespace: <pic>, not <xdr:pic>.
        "picture": re.search(r"<(\w+:)?pic[ >]", drawings) is not None
        and any(n.startswith("xl/media/") for n in names),
        "data bars (x14)": "x14:dataBar" in sheets,
        "sparklines": "sparklineGroup" in sheets,
        "cell fill": "FFFFFF00" in styles and re.search(r'<c r="A1" s="[1-9]', sheets) is not None,
    }
