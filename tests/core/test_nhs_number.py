import pytest
from django.core.exceptions import ValidationError

from apps.core.nhs_number import format_nhs_number, normalise_nhs_number, validate_nhs_number


@pytest.mark.parametrize("number", ["9990000018", "9990001243", "9434765919"])
def test_valid_nhs_numbers_pass(number):
    validate_nhs_number(number)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("999 000 0018", "9990000018"), ("999-000-0018", "9990000018"), (" 999 000-0018 ", "9990000018")],
)
def test_spaces_and_dashes_are_normalised(typed, stored):
    assert normalise_nhs_number(typed) == stored
    validate_nhs_number(normalise_nhs_number(typed))


def test_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        validate_nhs_number("9990000019")
    assert error.value.code == "check_digit"
    assert "last digit" in error.value.messages[0]


@pytest.mark.parametrize("number", ["999000001", "99900000180", ""])
def test_wrong_length_is_refused(number):
    with pytest.raises(ValidationError) as error:
        validate_nhs_number(number)
    assert error.value.code in {"length", "not_digits"}


def test_letters_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_nhs_number("99900A0018")
    assert error.value.code == "not_digits"


def test_a_stem_whose_check_would_be_ten_is_never_valid():
    # Modulus 11 gives 10 for these nine digits: no NHS number is issued with them.
    from apps.core.nhs_number import nhs_number_check_digit

    stem = next(f"{n:09d}" for n in range(999000000, 999001000) if nhs_number_check_digit(f"{n:09d}") is None)
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_nhs_number(stem + last)


def test_format_for_reading():
    assert format_nhs_number("9990000018") == "999 000 0018"


def test_the_test_factories_only_make_valid_numbers_in_the_999_range():
    from tests.factories import nhs_number_from

    numbers = [nhs_number_from(seed) for seed in range(0, 500_000, 997)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert number.startswith("999")
        validate_nhs_number(number)
