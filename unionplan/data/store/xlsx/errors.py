"""The two ways a workbook file can defeat the local store; neither leaves the package.

`store.py` turns `CorruptError` into the app's BackendUnavailableError; `UnsupportedError`
only ever switches a transaction over to the openpyxl fallback (see `fallback.py`).
"""

from __future__ import annotations


class CorruptError(Exception):
    """The file is not a readable workbook (turned into BackendUnavailableError)."""


class UnsupportedError(Exception):
    """The XML is valid but unusual enough that the surgical writer does not touch it."""
