"""The catalogue: every key in every language, no empty text, the same placeholders;
every key the code looks up exists; formatting per language."""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from pathlib import Path

import pytest

from tests import ROOT
from unionplan import i18n
from unionplan.data.parse import PlanDate
from unionplan.data.schema import DEFAULT_LANG, LANGS

AREAS = sorted({f.name for lang in LANGS for f in (i18n.LOCALES / lang).glob("*.toml")})


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("area", AREAS)
def test_every_area_file_exists_in_every_language(area: str) -> None:
    missing = [lang for lang in LANGS if not (i18n.LOCALES / lang / area).exists()]
    assert not missing, f"{area} is missing for {missing}"


@pytest.mark.parametrize("area", AREAS)
def test_area_files_are_valid_toml(area: str) -> None:
    for lang in LANGS:
        path = i18n.LOCALES / lang / area
        if path.exists():
            tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_same_keys_in_every_language(lang: str) -> None:
    reference = set(i18n.catalogue(DEFAULT_LANG))
    keys = set(i18n.catalogue(lang))
    assert not sorted(reference - keys), f"missing in {lang}"
    assert not sorted(keys - reference), f"only in {lang}, not in {DEFAULT_LANG}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_texts(lang: str) -> None:
    empty = [k for k, v in i18n.catalogue(lang).items() if not v.strip()]
    assert not empty


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != DEFAULT_LANG])
def test_placeholders_match(lang: str) -> None:
    ref = i18n.catalogue(DEFAULT_LANG)
    other = i18n.catalogue(lang)
    wrong = {
        k: (sorted(_placeholders(ref[k])), sorted(_placeholders(other[k])))
        for k in ref.keys() & other.keys()
        if _placeholders(ref[k]) != _placeholders(other[k])
    }
    assert not wrong


@pytest.mark.parametrize("lang", LANGS)
def test_texts_format_without_error(lang: str) -> None:
    for key, text in i18n.catalogue(lang).items():
        params = dict.fromkeys(_placeholders(text), "x")
        text.format(**params)  # a stray brace would break at run time, not here
        assert key.count(".") >= 1


# A literal key handed to t(…) or to an error's key=…: "area.name" with a known area.
_KEY_USE = re.compile(r"""(?:\bt\(\s*|\bkey\s*=\s*|_label\(\s*)["']([a-z_]+\.[a-z0-9_.]+)["']""")


def _sources() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "unionplan").rglob("*.py")]
    return [f for f in files if f.exists()]


def test_every_key_used_in_code_exists() -> None:
    areas = {a.removesuffix(".toml") for a in AREAS}
    known = set(i18n.catalogue(DEFAULT_LANG))
    missing = sorted(
        f"{src.relative_to(ROOT)}: {key}"
        for src in _sources()
        for key in _KEY_USE.findall(src.read_text(encoding="utf-8"))
        if key.split(".", 1)[0] in areas
        and key not in known
        and not key.endswith(("_", "."))  # a prefix completed at run time
    )
    assert not missing


def test_nested_tables_become_dotted_keys() -> None:
    assert i18n.t("common.nav.overview", "zh-Hans") == "概览"
    assert i18n.t("common.nav.overview", "zh-Hant") == "概覽"
    assert i18n.t("common.nav.overview", "en") == "Overview"


def test_missing_key_falls_back_to_the_key() -> None:
    assert i18n.t("common.no_such_key", "en") == "common.no_such_key"


def test_dates_money_and_numbers_per_language() -> None:
    day = dt.date(2026, 3, 8)
    assert i18n.fmt_date(day, "zh-Hans") == "2026年3月8日"
    assert i18n.fmt_date(day, "zh-Hant") == "2026年3月8日"
    assert i18n.fmt_date(day, "en") == "Mar 8, 2026"
    assert i18n.fmt_date(PlanDate(2026, 3), "zh-Hans") == "2026年3月"
    assert i18n.fmt_money(1600, "zh-Hans") == "¥1,600"
    assert i18n.fmt_money(1600.5, "en") == "¥1,600.50"
    assert i18n.fmt_number(21000, "zh-Hans") == "21,000"
