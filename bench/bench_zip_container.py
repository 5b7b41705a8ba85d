"""Benchmark of the local store's zip container: the standard library vs a hand-written one.

    python bench/bench_zip_container.py                       # 10k activities, 7 runs
    python bench/bench_zip_container.py --sizes 1000,10000,50000 --dense --repeat 9

The store reads and writes the .xlsx zip with `zipfile` (unionplan/data/store/xlsx/zipio.py),
whose public API cannot copy a compressed member: every save recompresses every part. The
hand-written container the store used before (kept below, only here) copied unchanged
parts' compressed bytes as found and compressed only the parts a write changed. This
script runs the store's real operations with each container and prints the cost per write,
as wall and CPU time (medians; the variants take turns, so a busy machine slows all of them
alike). Rule (issue 8): use `zipfile` if a write costs under ~0.3 s at 10k activities.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import gen  # bench/gen.py, found through the path set just above

from unionplan.data.store.xlsx import XlsxStore, zipio
from unionplan.data.store.xlsx.errors import CorruptError

ACT, AUDIT = "活动", "操作日志"
BIG_PART = 4 * 2**20  # the store's rule: level 1 above this size, 6 below


# ---------------------------------------------------------------- the hand-written container


class _RawEntry(zipio.Entry):
    """A part kept compressed as found in the file, decompressed only when needed."""

    __slots__ = ("method", "raw")

    def content(self) -> bytes:
        if self.data is None:
            try:
                data = self.raw if self.method == 0 else zlib.decompress(self.raw, -15)
            except zlib.error as e:
                raise CorruptError(f"{self.name}: {e}") from e
            if len(data) != self.size or zlib.crc32(data) != self.crc:
                raise CorruptError(f"{self.name}: checksum mismatch")
            self.data = bytes(data)
        return self.data


def _read_entries_raw(data: bytes) -> dict[str, zipio.Entry]:
    """The directory through zipfile; each member's compressed bytes sliced from its local
    header on (the part of the format zipfile does not expose)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptError(f"not an .xlsx (zip) file: {e}") from e
    mv = memoryview(data)
    out: dict[str, zipio.Entry] = {}
    for info in infos:
        off = info.header_offset
        if data[off : off + 4] != b"PK\x03\x04" or info.filename in out:
            raise CorruptError(f"damaged zip entry {info.filename}")
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        start = off + 30 + name_len + extra_len
        e = _RawEntry(info.filename, crc=info.CRC, size=info.file_size, date_time=info.date_time)
        e.method, e.raw = info.compress_type, mv[start : start + info.compress_size]
        out[info.filename] = e
    return out


_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


def _build_zip_raw(entries: Iterable[zipio.Entry]) -> bytes:
    """A zip of the entries: parts as read are copied compressed; new parts compressed once."""
    buf, central, count = bytearray(), bytearray(), 0
    for e in entries:
        raw = getattr(e, "raw", None)
        method = getattr(e, "method", zipfile.ZIP_DEFLATED)
        if raw is None:  # a part a write made: compress it (the store's levels)
            data = e.content()
            comp = zlib.compressobj(1 if len(data) > BIG_PART else 6, zlib.DEFLATED, -15)
            raw = comp.compress(data) + comp.flush()
            e.crc, e.size = zlib.crc32(data), len(data)
        name = e.name.encode("utf-8")
        flags = 0 if e.name.isascii() else 0x800  # bit 11: the name is UTF-8
        y, mo, d, h, mi, s = e.date_time
        dos_time, dos_date = (h << 11) | (mi << 5) | (s // 2), (y - 1980) << 9 | (mo << 5) | d
        offset = len(buf)
        buf += _LOCAL.pack(
            0x04034B50, 20, flags, method, dos_time, dos_date, e.crc, len(raw), e.size,
            len(name), 0,
        )  # fmt: skip
        buf += name + raw
        central += _CENTRAL.pack(
            0x02014B50, 20, 20, flags, method, dos_time, dos_date, e.crc, len(raw), e.size,
            len(name), 0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        central += name
        count += 1
    end = _END.pack(0x06054B50, 0, 0, count, count, len(central), len(buf), 0)
    return bytes(buf + central + end)


# ---------------------------------------------------------------- zipfile at other levels


def _build_zipfile(level: int) -> Callable[[Iterable[zipio.Entry]], bytes]:
    def build(entries: Iterable[zipio.Entry]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for e in entries:
                info = zipfile.ZipInfo(e.name, e.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED if level else zipfile.ZIP_STORED
                zf.writestr(info, e.content(), compresslevel=level or None)
                e.crc, e.size = info.CRC, info.file_size
        return buf.getvalue()

    return build


# name -> (read_entries, build_zip) in place of the store's; None: the store's own
VARIANTS: dict[str, tuple[Callable[..., object], Callable[..., bytes]] | None] = {
    "zipfile, levels 6/1 (store)": None,
    "zipfile, level 1": (zipio.read_entries, _build_zipfile(1)),
    "zipfile, stored": (zipio.read_entries, _build_zipfile(0)),
    "hand-written raw copy": (_read_entries_raw, _build_zip_raw),
}


@contextmanager
def _container(name: str) -> Iterator[None]:
    swap = VARIANTS[name]
    if swap is None:
        yield
        return
    saved = zipio.read_entries, zipio.build_zip
    zipio.read_entries, zipio.build_zip = swap  # type: ignore[assignment]
    try:
        yield
    finally:
        zipio.read_entries, zipio.build_zip = saved


def _clock(fn: Callable[[], object]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


CASES = ["update 1 cell, warm", "append 1 row, warm", "update + audit row, warm"]
CASES.append("update 1 cell, cold")


def _round(a: XlsxStore, b: XlsxStore, i: int, rows: tuple[list, list, int]) -> list:
    """One run of every case on store `a`: [(wall s, CPU s)] in the order of CASES."""
    row, audit_row, mid = rows

    def flow() -> None:  # what Workbook.update does: the record and its audit row, one save
        with a.transaction():
            a.update_cells(ACT, [(mid, 2, f"流{i}")])
            a.append_rows(AUDIT, [audit_row], id_col=1)

    out = [
        _clock(lambda: a.update_cells(ACT, [(mid, 2, f"改{i}")])),
        _clock(lambda: a.append_rows(ACT, [row], id_col=1)),
        _clock(flow),
    ]
    b.update_cells(ACT, [(3, 2, f"b{i}")])  # another session wrote: a must reload first
    out.append(_clock(lambda: a.update_cells(ACT, [(mid, 2, f"冷{i}")])))
    return out


def bench(n: int, folder: Path, repeat: int, dense: bool) -> None:
    grids = gen.dense(gen.build(n)) if dense else gen.build(n)
    seed = folder / f"seed_{n}.xlsx"
    gen.save_xlsx(seed, grids)
    rows = (list(grids[ACT][1]), list(grids[AUDIT][1]), len(grids[ACT]) // 2)

    stores: dict[str, tuple[XlsxStore, XlsxStore]] = {}
    for k, name in enumerate(VARIANTS):  # each variant: its own copy of the file and stores
        path = folder / f"variant{k}_{n}.xlsx"
        shutil.copyfile(seed, path)
        with _container(name):
            a, b = XlsxStore(path), XlsxStore(path)
            a.update_cells(ACT, [(2, 2, "预热")])  # after a write, what a variant caches is warm
        stores[name] = (a, b)

    times: dict[str, list[list[tuple[float, float]]]] = {name: [] for name in VARIANTS}
    for i in range(repeat):  # the variants take turns, so a busy machine slows all alike
        for name, (a, b) in stores.items():
            with _container(name):
                times[name].append(_round(a, b, i, rows))

    label = f"{n} activities{' (dense)' if dense else ''}"
    print(f"\n== {label}: wall / CPU ms per write, median of {repeat}")
    print(f"  {'container':28s}" + "".join(f"{c:>26s}" for c in CASES) + f"{'file':>9s}")
    for name, runs in times.items():
        figures = ""
        for k in range(len(CASES)):
            wall = statistics.median(r[k][0] for r in runs) * 1000
            cpu = statistics.median(r[k][1] for r in runs) * 1000
            figures += f"{wall:>19.0f} / {cpu:>4.0f}"
        size = Path(stores[name][0].location).stat().st_size / 2**20
        print(f"  {name:28s}{figures}{size:>6.1f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000", help="activity counts, comma-separated")
    ap.add_argument("--repeat", type=int, default=7, help="runs per figure (the median is shown)")
    ap.add_argument("--dense", action="store_true", help="fill every cell, add 2 unknown columns")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench_zip_"))
    try:
        for n in (int(s) for s in args.sizes.split(",")):
            bench(n, folder, args.repeat, args.dense)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
