"""A message for the person at the form: a locale key (area `aid`) and its parameters.

Warnings that do not stop a write (an old-form ID number, a case already paid this kind
this year, an advance taking a fund below zero) are returned as notices; what does stop it
is raised as an error from `unionplan.errors`, carrying its notices too. Parameters may be
labels, amounts and dates: they are written in the reader's language when shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from unionplan import i18n
from unionplan.aid.money import money_text
from unionplan.data.schema import Label


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, Label):
        return value.get(lang)
    if isinstance(value, Decimal):
        return money_text(value, lang)
    if isinstance(value, dt.date):
        return i18n.fmt_date(value, lang)
    return value


@dataclass(frozen=True)
class Notice:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        return i18n.t(self.key, lang, **{k: _param(v, lang) for k, v in self.params.items()})
