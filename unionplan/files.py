"""Files the app creates are its owner's alone: mode 0600, folders 0700.

The workbook, the demo workbook, backups, the users file and its secret hold personal data
(aid cases' names, ID numbers, incomes; password hashes), so nobody else on the machine
may read them, whatever the umask. One module for every such file, below every layer (the
store uses it), depending on nothing but the standard library:

* `private_dir`: a folder and its missing parents, each new one 0700;
* `private_open`: a new file opened for writing, created 0600 (never world-readable, not
  even for the moment between creating and a chmod);
* `write_private`: replace a file's content atomically (temp file 0600 beside it, fsync,
  ``os.replace``); a file that already exists keeps its mode, so a workbook someone made
  group-readable on purpose stays so;
* `replace_keeping_mode`: move a finished file over another, keeping the other's mode.
"""

from __future__ import annotations

import os
import uuid
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600  # read and write for the owner, nothing for group and others
DIR_MODE = 0o700
_WRITE_FLAGS = {"x": os.O_CREAT | os.O_EXCL, "w": os.O_CREAT | os.O_TRUNC, "a": os.O_CREAT}


def private_dir(path: str | os.PathLike[str]) -> Path:
    """`path` as a folder, creating it and any missing parent with mode 0700.

    Folders that exist are left as they are (a home folder, /tmp, a shared drive).
    """
    folder = Path(path)
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for level in reversed(missing):
        with suppress(FileExistsError):  # another process made it meanwhile
            level.mkdir(mode=DIR_MODE)
            os.chmod(level, DIR_MODE)  # mkdir's mode is filtered by the umask
    if not folder.is_dir():
        raise NotADirectoryError(str(folder))
    return folder


def private_open(path: str | os.PathLike[str], mode: str = "xb", **kwargs: Any) -> IO[Any]:
    """Open `path` for writing; a file it creates is 0600 from its first moment.

    `mode` is an `open` mode starting with "x" (the file must not exist: backups, secrets),
    "w" (truncate; an existing file keeps its mode) or "a" (append); "b" for bytes.
    Other keyword arguments (encoding, newline) go to `open`.
    """
    kind = mode[:1]
    if kind not in _WRITE_FLAGS or "+" in mode or "r" in mode:
        raise ValueError(f"private_open writes new files: mode {mode!r} is not one of x, w, a")
    flags = os.O_WRONLY | _WRITE_FLAGS[kind] | getattr(os, "O_BINARY", 0)
    if kind == "a":
        flags |= os.O_APPEND
    fd = os.open(path, flags, FILE_MODE)
    try:
        return os.fdopen(fd, mode.replace("x", "w"), **kwargs)
    except BaseException:
        os.close(fd)
        raise


def replace_keeping_mode(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """``os.replace(src, dst)``; when `dst` exists, `src` takes its mode first.

    `src` is expected to be a private file the app just wrote (0600): a new `dst` is then
    private too, and an existing one keeps whatever its owner chose.
    """
    try:
        mode = os.stat(dst).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    if mode is not None:
        os.chmod(src, mode)
    os.replace(src, dst)


def write_private(path: str | os.PathLike[str], data: bytes) -> os.stat_result:
    """Replace `path` with `data` atomically; readers see the old file or the new one.

    The temp file beside `path` is created 0600, written, fsynced, given the mode of the
    file it replaces (if any) and moved over it; the folder is fsynced where possible so
    the rename survives a power cut. Returns the stat of the new file (taken before the
    rename, so it is this write's, not a later writer's). On failure the temp file is
    removed and `path` is unchanged.
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    try:
        with private_open(tmp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)  # not fchmod: Windows has none before 3.13
            stat = os.fstat(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return stat


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable; not possible everywhere, and not fatal."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
