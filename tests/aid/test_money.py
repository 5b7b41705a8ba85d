"""Money to the fen: exact conversion from what the workbook layer hands over, exact sums,
and amounts in Chinese capitals by the accounting rules (零, 角/分, 整, 万/亿)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from unionplan.aid.money import money_capital, money_sum, money_text, to_money


def test_floats_parsed_from_two_decimal_text_come_back_exactly() -> None:
    # Every cent value, and the same cents on large amounts: float(text) -> to_money -> text.
    for yuan in (0, 1, 7, 1005, 99_999, 12_345_678):
        for fen in range(100):
            text = f"{yuan}.{fen:02d}"
            assert to_money(float(text)) == Decimal(text), text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1600, "1600.00"),
        ("1,600元", "1600.00"),
        ("¥1600.5", "1600.50"),
        ("１６００", "1600.00"),  # full-width digits
        (Decimal("0.005"), "0.01"),  # half up, not banker's rounding
        (Decimal("2.675"), "2.68"),
        (2.675, "2.68"),  # the float 2.675 is 2.67499…; its repr is what was typed
        (None, "0.00"),
        ("", "0.00"),
        (float("nan"), "0.00"),
        (-300, "-300.00"),
    ],
)
def test_to_money(value: object, expected: str) -> None:
    assert to_money(value) == Decimal(expected)
    assert str(to_money(value)) == expected


@pytest.mark.parametrize("bad", ["一千", "12a", float("inf"), True])
def test_not_an_amount(bad: object) -> None:
    with pytest.raises(ValueError):
        to_money(bad)


def test_sums_do_not_drift() -> None:
    dimes = [0.1] * 3
    assert sum(dimes) != 0.3  # what a float sum does
    assert money_sum(dimes) == Decimal("0.30")
    cents = [0.01] * 10_000
    assert sum(cents) != 100.0
    assert money_sum(cents) == Decimal("100.00")
    assert to_money(0.1) + to_money(0.2) == Decimal("0.30")


def test_money_text() -> None:
    assert money_text(Decimal("1600"), "zh-Hans") == "¥1,600.00"
    assert money_text(1600.5, "en") == "¥1,600.50"
    assert money_text(-300, "zh-Hant") == "-¥300.00"


@pytest.mark.parametrize(
    ("amount", "capital"),
    [
        # the cases in the brief
        (1600, "壹仟陆佰元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("0.5", "伍角"),
        (100000, "壹拾万元整"),
        (21000, "贰万壹仟元整"),
        ("10.10", "壹拾元壹角"),
        # zeros: one 零 for a run of zeros inside, none at the end of a group of four
        (0, "零元整"),
        ("0.05", "伍分"),
        (10, "壹拾元整"),
        (110, "壹佰壹拾元整"),
        (1010, "壹仟零壹拾元整"),
        (1001, "壹仟零壹元整"),
        ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
        ("325.04", "叁佰贰拾伍元零肆分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("107000.53", "壹拾万柒仟元伍角叁分"),
        (100005, "壹拾万零伍元整"),
        (20_001_000, "贰仟万壹仟元整"),
        (10_070_500, "壹仟零柒万零伍佰元整"),
        # 亿
        (100_000_000, "壹亿元整"),
        (100_000_001, "壹亿零壹元整"),
        (100_010_000, "壹亿零壹万元整"),
        (1_000_000_000, "壹拾亿元整"),
        (230_000_000_000, "贰仟叁佰亿元整"),
        ("999999999999.99", "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        # rounded to the fen first
        ("0.995", "壹元整"),
    ],
)
def test_capitals(amount: object, capital: str) -> None:
    assert money_capital(amount) == "人民币" + capital
    assert money_capital(amount, prefix="") == capital


@pytest.mark.parametrize("bad", [-1, "1000000000000"])
def test_capitals_refuse_negative_and_huge(bad: object) -> None:
    with pytest.raises(ValueError):
        money_capital(bad)


def test_huge_numbers_and_long_text_are_refused_not_hung() -> None:
    with pytest.raises(ValueError):
        to_money("1" * 100_000)
    with pytest.raises(ValueError):
        to_money(Decimal("1e40"))
    with pytest.raises(ValueError):
        to_money(1e300)
