"""Mainland resident ID numbers (GB 11643-1999): form, birth date and check digit.

An 18-character number is six region digits, the birth date YYYYMMDD, three sequence
digits (odd for men, even for women) and a check character computed with ISO 7064
MOD 11-2 (0-9 or X). The 15-digit numbers issued before 1999 (YYMMDD, no check digit) are
recognised and flagged as the old form. Anything else is some other kind of document
(passport, Hong Kong/Macao/Taiwan permits …), which the case form records as such.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# What the text is, and what is wrong with it if anything.
IdStatus = Literal[
    "valid",  # an 18-character number, real birth date, right check digit
    "old_form",  # a 15-digit number of the pre-1999 form, real birth date
    "bad_check_digit",
    "bad_birth_date",
    "other_document",  # not shaped like a mainland number at all
    "blank",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SPACES = re.compile(r"[\s\-\u3000]+")
_FORM_18 = re.compile(r"[0-9]{17}[0-9X]")
_FORM_15 = re.compile(r"[0-9]{15}")
MAX_LEN = 64  # longer text is not an ID number of any kind the form accepts


@dataclass(frozen=True)
class IdCheck:
    """The verdict on one ID number as typed.

    `normalized` is the text as it should be stored (spaces dropped, full-width folded, x
    upper-cased); `upgraded` is the 18-character form of an old 15-digit number.
    """

    status: IdStatus
    normalized: str
    birth_date: dt.date | None = None
    gender: Literal["male", "female"] | None = None
    upgraded: str | None = None

    @property
    def ok(self) -> bool:
        """Acceptable as a mainland ID: a valid number, or an old one (flagged)."""
        return self.status in ("valid", "old_form")

    @property
    def is_mainland_form(self) -> bool:
        """Shaped like a mainland number (15 or 18 characters), right or wrong."""
        return self.status not in ("other_document", "blank")

    @property
    def message_key(self) -> str:
        """A message for the case form, in the `aid` locale area."""
        return f"aid.id.{self.status}"


def normalize(text: object) -> str:
    """Spaces and dashes dropped, full-width digits folded, a lower-case x made upper."""
    s = unicodedata.normalize("NFKC", str(text or ""))[: MAX_LEN * 2]
    return _SPACES.sub("", s).upper()


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def _date(yyyymmdd: str) -> dt.date | None:
    try:
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def upgrade_15(number15: str) -> str:
    """The 18-character number a 15-digit one became: '19' inserted before the year, and
    the check digit appended (the rule of GB 11643-1999)."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_digit(first17)


def check_id_number(text: object, *, today: dt.date | None = None) -> IdCheck:
    """Check an ID number as typed; see `IdStatus` for the verdicts.

    A birth date in the future or before 1900 is not a real one for a living worker.
    """
    s = normalize(text)
    if not s:
        return IdCheck("blank", "")
    if len(s) > MAX_LEN:
        return IdCheck("other_document", s[:MAX_LEN])
    today = today or dt.date.today()
    if _FORM_18.fullmatch(s):
        born = _date(s[6:14])
        if born is None or not dt.date(1900, 1, 1) <= born <= today:
            return IdCheck("bad_birth_date", s)
        gender: Literal["male", "female"] = "male" if int(s[16]) % 2 else "female"
        if check_digit(s[:17]) != s[17]:
            return IdCheck("bad_check_digit", s, born, gender)
        return IdCheck("valid", s, born, gender)
    if _FORM_15.fullmatch(s):
        born = _date("19" + s[6:12])
        if born is None or born > today:
            return IdCheck("bad_birth_date", s)
        gender = "male" if int(s[14]) % 2 else "female"
        return IdCheck("old_form", s, born, gender, upgrade_15(s))
    return IdCheck("other_document", s)


def same_person_key(text: object) -> str:
    """A key under which the old and new forms of one person's number are equal."""
    s = normalize(text)
    if _FORM_15.fullmatch(s):
        return upgrade_15(s)
    return s
