"""The zip container of an .xlsx: read its parts, write a new zip that copies unchanged parts.

Every part keeps its compressed bytes as found; only parts that a write replaced are
compressed again. Reading the directory uses `zipfile`; the raw copy needs the local
headers, which `zipfile` does not expose, so writing is done here (DESIGN.md has figures).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

from unionplan.data.store.xlsx.errors import CorruptError, UnsupportedError

# zlib level for parts we rewrite. A big sheet is recompressed on every write: level 1 takes a
# third of level 6's time (43 MB: 0.11 s vs 0.32 s) for a ~35% larger part. Small parts: 6.
_BIG_PART = 4 * 2**20
_NO_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest time: for parts we create


class Entry:
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
        date_time: tuple[int, int, int, int, int, int] = _NO_TIME,
    ) -> None:
        self.name = name
        self.method = method
        self.crc = crc
        self.size = size
        self.raw = raw  # compressed bytes exactly as stored; None until a new part is packed
        self.data = data
        self.date_time = date_time

    @classmethod
    def new(cls, name: str, data: bytes, like: Entry | None = None) -> Entry:
        """A part with new content (keeping the time stamp of the part it replaces)."""
        return cls(name, data=data, date_time=like.date_time if like else _NO_TIME)

    def content(self) -> bytes:
        if self.data is None:
            assert self.raw is not None
            try:
                if self.method == zipfile.ZIP_STORED:
                    data = bytes(self.raw)
                elif self.method == zipfile.ZIP_DEFLATED:
                    data = zlib.decompress(self.raw, -15)
                else:
                    raise UnsupportedError(f"{self.name}: compression method {self.method}")
            except zlib.error as e:
                raise CorruptError(f"{self.name}: {e}") from e
            if len(data) != self.size or zlib.crc32(data) != self.crc:
                raise CorruptError(f"{self.name}: checksum mismatch")
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


def read_entries(data: bytes) -> dict[str, Entry]:
    """The parts of a zip file by name, each still compressed (a view into `data`)."""
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise CorruptError("not an .xlsx file (a password-protected workbook or an old .xls?)")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptError(f"not an .xlsx (zip) file: {e}") from e
    mv = memoryview(data)
    out: dict[str, Entry] = {}
    for info in infos:
        off = info.header_offset
        if info.flag_bits & 0x1:
            raise CorruptError("the workbook is encrypted")
        if data[off : off + 4] != b"PK\x03\x04" or info.filename in out:
            raise CorruptError(f"damaged zip entry {info.filename}")
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        start = off + 30 + name_len + extra_len
        raw = mv[start : start + info.compress_size]
        if len(raw) != info.compress_size:
            raise CorruptError(f"truncated zip entry {info.filename}")
        out[info.filename] = Entry(
            info.filename,
            method=info.compress_type,
            crc=info.CRC,
            size=info.file_size,
            raw=raw,
            date_time=info.date_time,
        )
    return out


def build_zip(entries: Iterable[Entry]) -> bytes:
    """A zip of the entries, unchanged ones copied compressed, as found."""
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
            raise UnsupportedError("workbook too large for a plain zip")
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
    return bytes(buf)


def zip_tail(data: bytes) -> bytes:
    """The central directory + end record: it carries every part's CRC, so comparing it tells
    apart two versions of the file that happen to share size and mtime."""
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if pos < 0 or pos + 22 > len(data):
        return data[-22:]
    cd_size, cd_offset = struct.unpack_from("<II", data, pos + 12)
    start = cd_offset if cd_offset + cd_size == pos else pos
    return data[start:]
