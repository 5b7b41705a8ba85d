"""XlsxStore: the Store interface over one local .xlsx file, safe across threads and processes.

Every write runs inside `transaction()`: a file lock shared by all processes, a reload if
the file changed on disk, edits in memory (`book.Book`), then one atomic save (temp file,
fsync, os.replace), so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import filelock

from unionplan import files
from unionplan.data.store.base import Cell, Grid, Store
from unionplan.data.store.xlsx.book import Book, Stamp
from unionplan.data.store.xlsx.errors import CorruptError
from unionplan.data.store.xlsx.values import MAX_COL, MAX_ROW, CellEdit, canon, copy_grid
from unionplan.errors import (
    BackendUnavailableError,
    ConfigError,
    StoreChangedError,
    WorkbookOpenElsewhereError,
)

LOCK_TIMEOUT_S = 15.0
_TOKEN_TAIL = 65_536  # bytes at the file's end hashed into change_token: the central directory
_BAD_TITLE_CHARS = set("[]:*?/\\")


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
        self._file_lock = filelock.FileLock(str(self._path) + ".lock", mode=files.FILE_MODE)
        self._mutex = threading.RLock()
        self._book = Book(self._path)
        self._book_known = False  # False until the file (or its absence) was looked at
        self._depth = 0
        self._ignored_locks: dict[Path, tuple[int, int]] = {}  # lock file -> (mtime, size)

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
            return {t: copy_grid(book.grid(t)) for t in book.titles()}

    def read_tab(self, title: str) -> Grid:
        with self._mutex, _translate(self._path):
            self.stats.count("read_tab", write=False)
            if self._depth == 0:
                self._refresh()
            book = self._book
            return copy_grid(book.grid(book.resolve(title)))

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
                book.add_tab(title, [canon(h) for h in header])

    def append_rows(self, title: str, rows: Sequence[Sequence[Cell]], *, id_col: int) -> None:
        # `id_col` is not needed here: a save is atomic under the lock, so an append either
        # landed completely or raised; there is no timed-out request to de-duplicate.
        rows = [[canon(v) for v in row] for row in rows]
        for row in rows:
            if len(row) > MAX_COL:
                raise ValueError(f"{title}: a row has more than {MAX_COL} cells")
        with self.transaction(), _translate(self._path):
            self.stats.count("append_rows", write=True)
            book = self._book
            if rows:
                book.append(book.resolve(title), rows)

    def update_cells(self, title: str, cells: Sequence[tuple[int, int, Cell]]) -> None:
        edits: list[CellEdit] = []
        for r, c, v in cells:
            if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
                raise ValueError(f"{title}: no cell at row {r}, column {c}")
            edits.append((int(r), int(c), canon(v)))
        with self.transaction(), _translate(self._path):
            self.stats.count("update_cells", write=True)
            book = self._book
            if edits:
                book.set_cells(book.resolve(title), edits)

    # -- office lock files

    def lock_files(self) -> list[Path]:
        """The lock files Excel/WPS (``~$name.xlsx``) and LibreOffice (``.~lock.name#``)
        keep beside a workbook they have open. Excel shortens a long name by its first two
        characters (``~$ame.xlsx``), so both spellings are looked for."""
        name = self._path.name
        return [
            self._path.with_name(n)
            for n in dict.fromkeys(("~$" + name, "~$" + name[2:], f".~lock.{name}#"))
        ]

    def office_lock(self) -> Path | None:
        """The office program's lock file present beside the workbook, unless ignored."""
        for lock in self.lock_files():
            try:
                st = os.stat(lock)
            except OSError:
                continue
            if self._ignored_locks.get(lock) != (st.st_mtime_ns, st.st_size):
                return lock
        return None

    def ignore_office_lock(self, lock: Path | str) -> None:
        """Write despite this lock file, as it is now, in this process (an admin's call for a
        lock left by a crash). The file is not deleted; a new lock file is honoured again."""
        path = Path(lock)
        if path not in self.lock_files():
            raise ValueError(f"{path} is not a lock file of {self._path}")
        st = os.stat(path)
        self._ignored_locks[path] = (st.st_mtime_ns, st.st_size)

    def _refuse_if_open_elsewhere(self) -> None:
        lock = self.office_lock()
        if lock is not None:
            raise WorkbookOpenElsewhereError(
                f"{self._path} is open in an office program ({lock.name})",
                lock=str(lock),
                lock_name=lock.name,
            )

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
                # Every write runs in a transaction: none while an office program has the
                # workbook open (its next save would overwrite what the app wrote).
                self._refuse_if_open_elsewhere()
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
            files.private_dir(self._path.parent)
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
                    self._book = Book(self._path)
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
                new = Book.load(self._path, data, stamp)
                new.adopt_grids(book)
                self._book = new
                self._book_known = True
                return
            except CorruptError:
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
        self._check_unchanged(book)
        data, by_parts = book.build()
        stamp = self._write_atomically(data)
        self._book = book.after_save(data, by_parts, stamp)

    def _check_unchanged(self, book: Book) -> None:
        """Refuse to save over a file someone saved since it was read (Excel does not take
        the app's lock): the workbook layer runs the save again on the new content.

        The same test as `_refresh`: inode, size and mtime, and the file's last bytes (the
        zip's directory, with every part's CRC), which tell apart two saves of the same
        size within one coarse mtime step.
        """
        try:
            f = open(self._path, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            if book.stamp is None:
                return
            raise StoreChangedError(f"{self._path} was removed while saving") from None
        except OSError as e:
            raise BackendUnavailableError(f"{self._path}: cannot check the workbook: {e}") from e
        with f:
            st = os.fstat(f.fileno())
            same = book.stamp == (st.st_ino, st.st_size, st.st_mtime_ns)
            if same and book.tail and len(book.tail) <= st.st_size:
                f.seek(st.st_size - len(book.tail))
                same = f.read(len(book.tail)) == book.tail
        if not same:
            raise StoreChangedError(f"{self._path} changed on disk while saving")

    def _write_atomically(self, data: bytes) -> Stamp:
        """Write a temp file beside the workbook, fsync, then os.replace it over the workbook:
        readers see the old file or the new one, never half of one. A new workbook is
        readable by its owner only (0600); an existing one keeps its mode."""
        try:
            st = files.write_private(self._path, data)
        except OSError as e:
            hint = " (is it open in another program?)" if isinstance(e, PermissionError) else ""
            raise BackendUnavailableError(
                f"{self._path}: cannot save the workbook: {e}{hint}"
            ) from e
        return (st.st_ino, st.st_size, st.st_mtime_ns)


@contextmanager
def _translate(path: Path) -> Iterator[None]:
    """Turn the file's problems into the app's error, with the path and the reason."""
    try:
        yield
    except CorruptError as e:
        raise BackendUnavailableError(f"{path}: the workbook cannot be read ({e})") from e
