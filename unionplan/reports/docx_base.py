"""The Word document both exports share: A4, margins, Chinese fonts, headings, tables, charts.

Word and WPS pick a Chinese font from the East Asian slot of a run's fonts
(``w:rFonts w:eastAsia``), not from the font name python-docx sets, so every style used
here sets both: 宋体 (SimSun) for the body, 黑体 (SimHei) for headings and the title,
Times New Roman for Latin text. Margins follow the official-document layout (GB/T 9704:
37 mm top, 35 bottom, 28 left, 26 right). Charts are plotly figures rendered to PNG by
kaleido; rendering needs a browser and may fail, so a chart that cannot be drawn becomes
a note in the document instead of stopping the export.

Every text goes in through `text` (the helpers below, and `heading`): Word's XML cannot
hold control characters, and a title pasted from Word may carry one ("\x07", "\x0b"); it
is shown as its Unicode control picture (␇, ␋) instead of stopping the export.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

log = logging.getLogger(__name__)

BODY_FONT = ("Times New Roman", "宋体")  # (Latin, East Asian)
HEADING_FONT = ("Arial", "黑体")
BODY_SIZE = Pt(12)
CHART_WIDTH = Mm(150)
Renderer = Callable[[Any], bytes]  # a plotly figure -> PNG bytes

_CN_NUMBERS = "一二三四五六七八九十"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Line ends as splitlines() knows them, but not the control characters it also splits at.
_LINES = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def text(value: object) -> str:
    """`value` as text Word's XML can hold: a control character as its control picture."""
    s = "" if value is None else str(value)
    return _NOT_XML.sub(_picture, s) if _NOT_XML.search(s) else s


def _picture(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    return "\ufffd"  # a lone surrogate or a non-character: nothing to show


def plotly_png(fig: Any) -> bytes:
    """The figure as PNG through kaleido (which finds the system's chromium itself)."""
    with warnings.catch_warnings():
        # Under a running kaleido server plotly warns that its per-call options are unused.
        warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)
        return fig.to_image(format="png", width=900, height=max(360, int(fig.layout.height or 0)))


@contextmanager
def kaleido_session() -> Iterator[None]:
    """One browser for all the charts of a document, instead of one per chart.

    Without it kaleido 1.x starts chromium for every image (seconds each); with it the
    second image of a report takes well under a second. A server that does not start is
    no error: each chart then fails or succeeds on its own, as without the session.
    """
    import kaleido  # only when charts are really drawn: importing it costs time

    started = False
    try:
        kaleido.start_sync_server(silence_warnings=True)
        started = True
    except Exception as exc:
        log.warning("kaleido server not started: %s", exc)
    try:
        yield
    finally:
        if started:
            kaleido.stop_sync_server(silence_warnings=True)


def set_fonts(element: Any, fonts: tuple[str, str]) -> None:
    """Latin and East Asian fonts of a style's or run's rPr (created when missing)."""
    latin, east = fonts
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east)):
        rfonts.set(qn(attr), value)


def new_document() -> DocumentObject:
    """An empty A4 document with the margins and fonts above."""
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT[0]
    normal.font.size = BODY_SIZE
    set_fonts(normal.element, BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        style.font.name = HEADING_FONT[0]
        style.font.color.rgb = None
        set_fonts(style.element, HEADING_FONT)
    doc.styles["Title"].font.size = Pt(20)
    doc.styles["Heading 1"].font.size = Pt(16)
    doc.styles["Heading 2"].font.size = Pt(14)
    return doc


def numbered(n: int, text: str, lang: str) -> str:
    """ "一、总体情况" in Chinese, "1. Overview" in English."""
    if lang == "en" or n > len(_CN_NUMBERS):
        return f"{n}. {text}"
    return f"{_CN_NUMBERS[n - 1]}、{text}"


def title(doc: DocumentObject, words: str) -> None:
    p = doc.add_heading(text(words), level=0)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def heading(doc: DocumentObject, words: str, level: int) -> None:
    doc.add_heading(text(words), level=level)


def paragraphs(doc: DocumentObject, words: str) -> None:
    """Each non-blank line of `words` as a paragraph, first line indented two characters."""
    for line in _LINES.split(words or ""):
        if line.strip():
            p = doc.add_paragraph(text(line.strip()))
            p.paragraph_format.first_line_indent = Pt(24)


def table(doc: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A grid table with a bold header row; every cell written as text."""
    tbl = doc.add_table(rows=1, cols=len(header))
    tbl.style = "Table Grid"
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(tbl.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text(name))
        run.bold = True
    for row in rows:
        cells = tbl.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = text(value)
    doc.add_paragraph()


def render_all(
    figs: Mapping[str, Any],
    render: Renderer | None,
    before: Callable[[int], None] | None = None,
) -> dict[str, bytes | str]:
    """Each figure as PNG bytes, or the name of what went wrong drawing it.

    With the default renderer all figures share one kaleido browser (`kaleido_session`).
    `before(n)` is called before the n-th figure (from 1), for progress. Any failure of
    the renderer (no browser, a timeout, a kaleido error) becomes a note in the document,
    never a lost report: hence the broad catch.
    """
    out: dict[str, bytes | str] = {}
    session = kaleido_session() if render is None and figs else nullcontext()
    with session:
        for n, (key, fig) in enumerate(figs.items(), start=1):
            if before:
                before(n)
            try:
                out[key] = (render or plotly_png)(fig)
            except Exception as exc:
                log.warning("chart not rendered: %s", exc)
                out[key] = type(exc).__name__
    return out


def picture(doc: DocumentObject, png: bytes | str, failed: str) -> bool:
    """A rendered chart, centred; or `failed` (with {reason}) as a note. Whether it is in."""
    if isinstance(png, bytes):
        try:
            doc.add_picture(io.BytesIO(png), width=CHART_WIDTH)
        except Exception as exc:
            png = type(exc).__name__
        else:
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            return True
    p = doc.add_paragraph(failed.format(reason=png))
    p.runs[0].italic = True
    return False


def to_bytes(doc: DocumentObject) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
