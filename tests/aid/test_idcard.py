"""GB 11643-1999 ID numbers: the check digit (X included), real birth dates, the old
15-digit form, and everything else as another kind of document."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.aid.conftest import ID_2, ID_X
from unionplan.aid.idcard import check_id_number, same_person_key, upgrade_15

TODAY = dt.date(2026, 5, 15)
ID_1880 = "440524188001010014"  # the standard's own example, with a 19th-century birth date


@pytest.mark.parametrize(
    ("text", "born", "gender"),
    [
        (ID_X, dt.date(1949, 12, 31), "female"),  # X as the check character
        (ID_2, dt.date(1990, 3, 7), "male"),
    ],
)
def test_valid_numbers(text: str, born: dt.date, gender: str) -> None:
    verdict = check_id_number(text, today=TODAY)
    assert verdict.status == "valid" and verdict.ok
    assert verdict.birth_date == born and verdict.gender == gender


def test_lower_case_x_spaces_and_full_width_are_normalised() -> None:
    for typed in (
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
    ):
        verdict = check_id_number(typed, today=TODAY)
        assert verdict.status == "valid"
        assert verdict.normalized == ID_X


@pytest.mark.parametrize(
    "text",
    [
        "110101199003071234",  # the right check digit is 3
        "110105194912310020",  # X expected, 0 given
        "110101199003071230",
    ],
)
def test_wrong_check_digit(text: str) -> None:
    verdict = check_id_number(text, today=TODAY)
    assert verdict.status == "bad_check_digit" and not verdict.ok
    assert verdict.message_key == "aid.id.bad_check_digit"


@pytest.mark.parametrize(
    "text",
    [
        "110101199002301233",  # 30 February
        "110101199013011234",  # month 13
        "110101203001011234",  # born in 2030
        ID_1880,  # valid check digit, but born 1880: not a working person's birth date
        "110101900230123",  # old form, 30 February 1990
    ],
)
def test_birth_date_that_is_not_a_real_date(text: str) -> None:
    assert check_id_number(text, today=TODAY).status == "bad_birth_date"


def test_old_15_digit_form_is_recognised_and_flagged() -> None:
    verdict = check_id_number("110105491231002", today=TODAY)
    assert verdict.status == "old_form" and verdict.ok
    assert verdict.birth_date == dt.date(1949, 12, 31)
    assert verdict.gender == "female"
    assert verdict.upgraded == ID_X  # the published 15 -> 18 example
    assert upgrade_15("110105491231002") == ID_X
    assert same_person_key("110105491231002") == same_person_key(ID_X.lower())


@pytest.mark.parametrize(
    "text", ["E12345678", "A123456(7)", "H12345678", "12345", "1101011990030712345", "护照"]
)
def test_anything_else_is_another_kind_of_document(text: str) -> None:
    verdict = check_id_number(text, today=TODAY)
    assert verdict.status == "other_document" and not verdict.is_mainland_form


def test_blank_and_very_long_input() -> None:
    assert check_id_number("", today=TODAY).status == "blank"
    assert check_id_number(None, today=TODAY).status == "blank"
    long = check_id_number("1" * 100_000, today=TODAY)
    assert long.status == "other_document" and len(long.normalized) <= 64
