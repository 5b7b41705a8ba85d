"""Translation lookup and locale-aware formatting, with no Streamlit in it.

The catalogue of a language is the folder ``unionplan/locales/<lang>/``: one TOML file
per area (``common.toml``, ``activities.toml`` …) holding flat keys. ``t("area.key")``
looks a key up; a test checks every language has every key. Formatting follows the
language: ``2026年3月8日`` / ``Mar 8, 2026``, ``¥1,600``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from unionplan.data.parse import PlanDate
from unionplan.data.schema import DEFAULT_LANG, LANGS

LOCALES = Path(__file__).resolve().parent / "locales"
LANG_NAMES = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}


def _flatten(prefix: str, node: dict[str, Any], out: dict[str, str]) -> None:
    for k, v in node.items():
        key = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = str(v)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every key of a language, as 'area.key' -> text."""
    out: dict[str, str] = {}
    folder = LOCALES / lang
    for f in sorted(folder.glob("*.toml")):
        _flatten(f.stem, tomllib.loads(f.read_text(encoding="utf-8")), out)
    return out


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The text for `key` in `lang`, placeholders filled with `params`.

    A missing key falls back to Simplified Chinese and then to the key itself, so a
    page never crashes on a gap; the catalogue test is what keeps gaps out.
    """
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANG).get(key) or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def normalize_lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


# ---------------------------------------------------------------- formatting

_EN_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def fmt_date(value: dt.date | PlanDate | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, PlanDate):
        if value.month_only:
            if lang == "en":
                return f"{_EN_MONTHS[value.month - 1]} {value.year}"
            return f"{value.year}年{value.month}月"
        value = value.first()
    if isinstance(value, dt.datetime):
        value = value.date()
    if lang == "en":
        return f"{_EN_MONTHS[value.month - 1]} {value.day}, {value.year}"
    return f"{value.year}年{value.month}月{value.day}日"


def fmt_month(year: int, month: int, lang: str) -> str:
    return fmt_date(PlanDate(year, month), lang)


def month_abbr(month: int) -> str:
    """'Mar': an English month's short name, whatever the server's locale."""
    return _EN_MONTHS[month - 1]


def fmt_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    if value is None or value != value:
        return ""
    return f"{value:,.{digits}f}"


def fmt_money(value: float | int | None, lang: str) -> str:
    """'¥1,600' (whole yuan) or '¥1,600.50'; the yuan sign in every language."""
    if value is None or value != value:
        return ""
    digits = 0 if float(value).is_integer() else 2
    sign = "-" if value < 0 else ""
    return f"{sign}¥{abs(value):,.{digits}f}"


def fmt_percent(value: float | None, lang: str, digits: int = 0) -> str:
    if value is None or value != value:
        return ""
    return f"{value * 100:.{digits}f}%"


def fmt_quarter(q: int, lang: str) -> str:
    return f"Q{q}" if lang == "en" else f"第{'一二三四'[q - 1]}季度"
