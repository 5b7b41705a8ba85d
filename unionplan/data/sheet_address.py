"""How a Google spreadsheet is addressed: its key, found in a pasted URL or given bare.

One rule for the configuration, the command line, the data page and the Google store.
Keys Google hands out today are 44 characters of ``A–Z a–z 0–9 - _``; keys of
spreadsheets converted from the old Sheets are as long. A floor of 25 keeps a short word
or a file name from being taken for a key, and leaves room below 44.
"""

from __future__ import annotations

import re

SHEET_URL = "https://docs.google.com/spreadsheets/d/{key}"
MIN_KEY_LENGTH = 25

_KEY = re.compile(rf"[A-Za-z0-9_-]{{{MIN_KEY_LENGTH},}}")
# ".../spreadsheets/d/KEY/edit#gid=0", and ".../spreadsheets/u/1/d/KEY" that a browser
# signed in to several Google accounts shows.
_KEY_IN_URL = re.compile(r"docs\.google\.com/spreadsheets/(?:u/\d+/)?d/([^/?#\s]+)")


def sheet_key(text: str) -> str | None:
    """The spreadsheet key in a Google Sheets URL, or the text itself when it is a bare
    key; None when it is neither (a path to a local workbook, say)."""
    text = (text or "").strip()
    found = _KEY_IN_URL.search(text)
    key = found.group(1) if found else text
    return key if _KEY.fullmatch(key) else None


def sheet_url(key: str) -> str:
    """The address that opens the spreadsheet in a browser."""
    return SHEET_URL.format(key=key)
