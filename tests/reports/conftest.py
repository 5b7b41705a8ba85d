"""The demo years as report fixtures: a school union and a township federation on a fixed
day, so every figure is the same on every run; and helpers to read a .docx back."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib

import docx
import pytest

from tests.memory_store import MemoryStore
from unionplan.data.tables import WorkbookData
from unionplan.data.workbook import Workbook
from unionplan.ops import demo

TODAY = dt.date(2026, 11, 20)
YEAR = 2026


def _png_1x1() -> bytes:
    """A valid 1x1 white PNG, built by hand: what the mocked renderer returns."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png_1x1()


def demo_data(kind: str) -> WorkbookData:
    grids = demo.demo_grids(year=YEAR, kind=kind, today=TODAY)
    return Workbook(MemoryStore(grids), ttl=0).load()


@pytest.fixture(scope="session")
def school() -> WorkbookData:
    return demo_data("school")


@pytest.fixture(scope="session")
def township() -> WorkbookData:
    return demo_data("township")


def fake_png(fig: object) -> bytes:
    return PNG


def docx_text(data: bytes) -> str:
    """Every paragraph and every table cell of a .docx, one per line."""
    d = docx.Document(io.BytesIO(data))
    lines = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines)


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def docx_tables(data: bytes) -> list[list[list[str]]]:
    d = docx.Document(io.BytesIO(data))
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def number(text: str) -> float:
    """ "1,240" -> 1240.0; "9,250.50" -> 9250.5."""
    return float(text.replace(",", ""))


def find(pattern: str, text: str) -> re.Match[str]:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in {text!r}"
    return m
