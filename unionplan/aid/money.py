"""Money exact to the fen: Decimal amounts, their display and their Chinese capitals (大写).

The workbook layer still reads money columns as float64; every aid computation converts
at its boundary with `to_money` and sums Decimals, so 0.1 + 0.2 is 0.30, never
0.30000000000000004, and a total printed on a sign-off sheet is the sum of its rows.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_TEXT = 40  # characters of a typed amount; "¥ 999,999,999,999.99 元" is 22

# Written around amounts people type: "1,600元", "¥1600", "１６００" (full-width).
_NOISE = str.maketrans("", "", ",，¥￥元 \u3000")


def to_money(value: Any) -> Decimal:
    """`value` as a Decimal amount quantized to the fen (ROUND_HALF_UP); blank -> 0.00.

    A float is taken through its shortest repr, so a float parsed from a two-decimal text
    ("1005.07" -> 1005.07) comes back exactly as typed; str, int and Decimal are exact.
    Raises ValueError for text that is not an amount and for infinities.
    """
    if value is None or value is pd.NA:
        return ZERO
    if isinstance(value, bool):
        raise ValueError(f"not an amount: {value!r}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        if math.isnan(value):
            return ZERO
        d = Decimal(repr(value))
    else:
        raw = str(value)
        if len(raw) > MAX_TEXT:
            raise ValueError("not an amount: too long")
        text = unicodedata.normalize("NFKC", raw).translate(_NOISE)
        if not text:
            return ZERO
        try:
            d = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {value!r}") from exc
    if not d.is_finite():
        if d.is_nan():
            return ZERO
        raise ValueError(f"not an amount: {value!r}")
    try:
        return d.quantize(FEN, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:  # more digits than any amount has (28 by default)
        raise ValueError(f"amount out of range: {value!r}") from exc


def money_sum(values: Iterable[Any]) -> Decimal:
    """The exact sum of amounts of any kind `to_money` takes."""
    total = ZERO
    for v in values:
        total += to_money(v)
    return total


def money_text(amount: Any, lang: str) -> str:
    """'¥1,600.00' in every language (the yuan sign is what Chinese receipts use too);
    a negative balance as '-¥300.00'."""
    d = to_money(amount)
    sign = "-" if d < 0 else ""
    return f"{sign}¥{abs(d):,.2f}"


# ---------------------------------------------------------------- 人民币大写

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿")
MAX_CAPITAL = Decimal("999999999999.99")  # 玖仟玖佰玖拾玖亿…: far above any union's fund


def _integer_capital(n: int) -> str:
    """The 元 part of an amount: groups of four digits under 万 and 亿.

    Zero rules of the accounting standard (《会计基础工作规范》): zeros between digits are
    written as one 零; zeros at the end of a group of four are not written ("壹拾万" for
    100000, "贰万壹仟" for 21000); a group that begins with zeros after a higher group
    gets one 零 ("壹拾万零伍" for 100005, "壹亿零壹万" for 100010000).
    """
    digits = str(n)
    out: list[str] = []
    zero = False  # a zero seen since the last digit written, to be said as one 零
    group_has_digit = False
    for i, ch in enumerate(digits):
        pos = len(digits) - 1 - i
        d = int(ch)
        if d == 0:
            zero = True
        else:
            if zero and out:
                out.append("零")
            zero = False
            out.append(_DIGITS[d] + _SMALL[pos % 4])
            group_has_digit = True
        if pos % 4 == 0 and pos > 0:
            if group_has_digit:
                out.append(_BIG[pos // 4])
                zero = False  # the group's own trailing zeros are not said
            group_has_digit = False
    return "".join(out)


def money_capital(amount: Any, *, prefix: str = "人民币") -> str:
    """An amount in Chinese capitals as written on receipts: 1600 -> '人民币壹仟陆佰元整'.

    1005.07 -> 壹仟零伍元零柒分 (a zero 角 before a 分 is said); 10.10 -> 壹拾元壹角 (a zero 元
    digit before a 角 is not, one of the two forms the standard allows); 0.5 -> 伍角;
    0 -> 零元整. Amounts are rounded to the fen first. Raises ValueError for negative
    amounts and for amounts above MAX_CAPITAL.
    """
    d = to_money(amount)
    if d < 0:
        raise ValueError("a negative amount has no capital form on a receipt")
    if d > MAX_CAPITAL:
        raise ValueError(f"amount too large for 大写: {d}")
    fen_total = int(d * 100)
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    parts: list[str] = []
    if yuan:
        parts.append(_integer_capital(yuan) + "元")
    if jiao == 0 and fen == 0:
        parts.append("整" if yuan else "零元整")
    else:
        if jiao:
            parts.append(_DIGITS[jiao] + "角")
        elif yuan:
            parts.append("零")  # 角 is zero but 分 is not: "壹仟零伍元零柒分"
        if fen:
            parts.append(_DIGITS[fen] + "分")
    return prefix + "".join(parts)
