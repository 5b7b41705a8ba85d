"""One rule for a Google spreadsheet's address: a URL in any of the forms a browser shows,
or the bare key; never a local path or a word too short to be a key."""

from __future__ import annotations

import pytest

from unionplan.data.sheet_address import MIN_KEY_LENGTH, sheet_key, sheet_url

KEY = "1AbC_d-EfGhIjKlMnOpQrStUvWxYz0123456789abcd"  # 44 characters, as Google issues today


@pytest.mark.parametrize(
    "text",
    [
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit?gid=0",
        f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
        f"https://docs.google.com/spreadsheets/d/{KEY}",
        f"https://docs.google.com/spreadsheets/u/1/d/{KEY}/edit",
        f"  docs.google.com/spreadsheets/d/{KEY}/  ",
        KEY,
        f"  {KEY}\n",
    ],
)
def test_url_or_bare_key_gives_the_key(text: str) -> None:
    assert sheet_key(text) == KEY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * (MIN_KEY_LENGTH - 1),  # too short to be a key
        "https://docs.google.com/spreadsheets/d/short/edit",
        "https://example.com/not-a-sheet",
        "data/unionplan.xlsx",
        "abcdefghijklmnopqrstuvwxyz0123.xlsx",
        "工会工作计划二〇二六年度总表工会工作计划二〇二六年度总表",
    ],
)
def test_anything_else_is_not_a_key(text: str) -> None:
    assert sheet_key(text) is None


def test_the_shortest_key_accepted() -> None:
    assert sheet_key("k" * MIN_KEY_LENGTH) == "k" * MIN_KEY_LENGTH


def test_url_round_trips() -> None:
    assert sheet_url(KEY) == f"https://docs.google.com/spreadsheets/d/{KEY}"
    assert sheet_key(sheet_url(KEY)) == KEY
