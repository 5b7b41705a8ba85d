"""The zip container of an .xlsx, through the standard library's `zipfile`.

A part is decompressed when first needed and then kept; a save writes every part anew,
recompressed (zipfile cannot copy a compressed member), with each part's content byte for
byte as it was. DESIGN.md has the cost of that per write and why it was accepted.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

from unionplan.data.store.xlsx.errors import CorruptError, UnsupportedError

# zlib level on save. The big sheet is recompressed on every write: level 1 takes a third of
# level 6's time (43 MB: 0.11 s vs 0.32 s) for a ~35% larger part. Smaller parts: level 6.
_BIG_PART = 4 * 2**20
_NO_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest time: for parts we create
# What zipfile raises on a damaged member, besides BadZipFile (a bad CRC among them).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError)


class Entry:
    """One part of the package: its name, CRC and size, and its content once read."""

    __slots__ = ("crc", "data", "date_time", "name", "size", "source")

    def __init__(
        self,
        name: str,
        *,
        data: bytes | None = None,
        crc: int = 0,
        size: int = 0,
        date_time: tuple[int, int, int, int, int, int] = _NO_TIME,
        source: zipfile.ZipFile | None = None,
    ) -> None:
        self.name = name
        self.data = data
        self.crc = crc  # of a new part: set when it is saved (Book.after_save compares it)
        self.size = size
        self.date_time = date_time
        self.source = source  # the zip to read `data` from; None for a part made here

    @classmethod
    def new(cls, name: str, data: bytes, like: Entry | None = None) -> Entry:
        """A part with new content (keeping the time stamp of the part it replaces)."""
        return cls(name, data=data, date_time=like.date_time if like else _NO_TIME)

    def content(self) -> bytes:
        if self.data is None:
            assert self.source is not None
            try:
                self.data = self.source.read(self.name)  # checks the CRC too
            except NotImplementedError as e:  # a compression method zipfile does not know
                raise UnsupportedError(f"{self.name}: {e}") from e
            except _DAMAGED as e:
                raise CorruptError(f"{self.name}: {e}") from e
        return self.data


def read_entries(data: bytes) -> dict[str, Entry]:
    """The parts of a zip file by name, read lazily from `data`.

    Every member's local header is checked here, so that a file another program is still
    writing fails now, when the store can wait and read it again, and not at the next save.
    """
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise CorruptError("not an .xlsx file (a password-protected workbook or an old .xls?)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptError(f"not an .xlsx (zip) file: {e}") from e
    out: dict[str, Entry] = {}
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            raise CorruptError("the workbook is encrypted")
        if info.filename in out:
            raise CorruptError(f"damaged zip entry {info.filename}")
        try:
            zf.open(info).close()
        except NotImplementedError:
            pass  # an unknown compression method: only reading this part fails
        except _DAMAGED as e:
            raise CorruptError(f"damaged zip entry {info.filename}: {e}") from e
        out[info.filename] = Entry(
            info.filename,
            crc=info.CRC,
            size=info.file_size,
            date_time=info.date_time,
            source=zf,
        )
    return out


def build_zip(entries: Iterable[Entry]) -> bytes:
    """A zip of the entries, every one compressed anew."""
    buf = io.BytesIO()
    try:
        with zipfile.ZipFile(buf, "w", allowZip64=False) as zf:
            for e in entries:
                data = e.content()
                info = zipfile.ZipInfo(e.name, e.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data, compresslevel=1 if len(data) > _BIG_PART else 6)
                e.crc, e.size = info.CRC, info.file_size
    except zipfile.LargeZipFile as e:
        raise UnsupportedError("workbook too large for a plain zip") from e
    return buf.getvalue()


def zip_tail(data: bytes) -> bytes:
    """The central directory + end record: it carries every part's CRC, so comparing it tells
    apart two versions of the file that happen to share size and mtime."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        return data[-22:]
    cd_size, cd_offset = struct.unpack_from("<II", data, pos + 12)
    start = cd_offset if cd_offset + cd_size == pos else pos
    return data[start:]
