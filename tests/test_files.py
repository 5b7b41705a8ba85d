"""Files the app creates are its owner's alone (issue #9): the helpers themselves, and every
place that creates a file: the workbook (a new one and an existing one), its folder and
lock, and the demo workbook.

The umask is set to 0 while these tests run: a file created 0666 and left to the usual
umask (022) would come out 0644, world-readable; with 0 it would come out 0666, so only a
file created 0600 on purpose passes.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from unionplan import files
from unionplan.data.store.xlsx import XlsxStore
from unionplan.ops import demo

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_private_dir_creates_every_missing_level_0700(tmp_path: Path) -> None:
    os.chmod(tmp_path, 0o755)
    deep = tmp_path / "a" / "b" / "c"
    assert files.private_dir(deep) == deep
    for level in (tmp_path / "a", tmp_path / "a" / "b", deep):
        assert mode(level) == files.DIR_MODE
    assert mode(tmp_path) == 0o755  # a folder that existed is left alone
    files.private_dir(deep)  # again: nothing to do, no error


def test_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(NotADirectoryError):
        files.private_dir(tmp_path / "f")


def test_private_open_creates_0600_and_never_replaces_with_x(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    with files.private_open(path, "x", encoding="ascii") as f:
        f.write("s3cret")
    assert mode(path) == files.FILE_MODE
    assert path.read_text(encoding="ascii") == "s3cret"
    with pytest.raises(FileExistsError):
        files.private_open(path, "xb")
    assert path.read_text(encoding="ascii") == "s3cret"


def test_private_open_w_truncates_and_keeps_an_existing_mode(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    with files.private_open(path, "wb") as f:
        f.write(b"new")
    assert path.read_bytes() == b"new"
    assert mode(path) == 0o640
    with files.private_open(path, "ab") as f:
        f.write(b"+")
    assert path.read_bytes() == b"new+"


@pytest.mark.parametrize("bad", ["r", "rb", "r+", "w+b"])
def test_private_open_is_for_writing_only(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        files.private_open(tmp_path / "x", bad)


def test_write_private_new_file_is_0600_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    st = files.write_private(path, b"[accounts]\n")
    assert path.read_bytes() == b"[accounts]\n"
    assert mode(path) == files.FILE_MODE
    assert (st.st_ino, st.st_size) == (os.stat(path).st_ino, os.stat(path).st_size)
    assert [p.name for p in tmp_path.iterdir()] == ["users.toml"]


def test_write_private_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"v1")
    os.chmod(path, 0o640)  # made group-readable on purpose by its owner
    files.write_private(path, b"v2")
    assert path.read_bytes() == b"v2"
    assert mode(path) == 0o640


def test_write_private_failure_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"v1")
    with pytest.raises(TypeError):
        files.write_private(path, "not bytes")  # type: ignore[arg-type]
    assert path.read_bytes() == b"v1"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_replace_keeping_mode(tmp_path: Path) -> None:
    new, old = tmp_path / "new", tmp_path / "old"
    new.write_bytes(b"n")
    os.chmod(new, 0o600)
    old.write_bytes(b"o")
    os.chmod(old, 0o644)
    files.replace_keeping_mode(new, old)
    assert old.read_bytes() == b"n" and mode(old) == 0o644
    fresh = tmp_path / "fresh"
    (tmp_path / "n2").write_bytes(b"x")
    os.chmod(tmp_path / "n2", 0o600)
    files.replace_keeping_mode(tmp_path / "n2", fresh)
    assert mode(fresh) == 0o600


# ------------------------------------------------------------------ where files are created


def test_a_new_workbook_its_folder_and_lock_are_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "unionplan.xlsx"
    store = XlsxStore(path)
    store.create_tabs({"活动": ["编号", "活动名称"]})
    store.append_rows("活动", [["A-1", "春游"]], id_col=1)
    assert mode(path) == files.FILE_MODE
    assert mode(path.parent) == files.DIR_MODE
    lock = Path(str(path) + ".lock")
    if lock.exists():  # filelock may remove it after release
        assert mode(lock) == files.FILE_MODE
    assert sorted(p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_an_existing_workbook_keeps_its_mode_across_saves(tmp_path: Path) -> None:
    path = tmp_path / "unionplan.xlsx"
    XlsxStore(path).create_tabs({"活动": ["编号", "活动名称"]})
    os.chmod(path, 0o644)  # the owner's choice, e.g. for a backup job of another user
    store = XlsxStore(path)
    store.append_rows("活动", [["A-1", "春游"]], id_col=1)
    assert mode(path) == 0o644
    assert store.read_tab("活动")[1] == ["A-1", "春游"]


def test_the_demo_workbook_and_its_folder_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "demo.xlsx"
    demo.create_demo(path, year=2026, today=dt.date(2026, 3, 1))
    assert mode(path) == files.FILE_MODE
    assert mode(path.parent) == files.DIR_MODE
    assert [p.name for p in path.parent.iterdir()] == ["demo.xlsx"]


def test_a_demo_written_over_a_workbook_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "demo.xlsx"
    path.write_bytes(b"")
    os.chmod(path, 0o640)
    demo.create_demo(path, year=2026, today=dt.date(2026, 3, 1), overwrite=True)
    assert mode(path) == 0o640
