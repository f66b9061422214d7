"""The NHS number: ten digits, the last a modulus 11 check digit (NHS Data Dictionary).

People write it with spaces (``999 000 0018``) or dashes; Beacon stores the ten digits only.
"""

import re

from django.core.exceptions import ValidationError

_SEPARATORS = re.compile(r"[\s-]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")
_WEIGHTS = range(10, 1, -1)  # 10 for the first digit down to 2 for the ninth.


def normalise_nhs_number(value: str) -> str:
    """Strip spaces and dashes; do not otherwise change what was typed."""
    return _SEPARATORS.sub("", value or "")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid NHS number starts with them."""
    remainder = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None  # Such numbers are never issued.
    return check


def validate_nhs_number(value: str) -> None:
    """Raise a ValidationError that says what is wrong with an NHS number (already normalised)."""
    # ASCII digits only: str.isdigit() also accepts superscripts and other scripts' digits ('²', '٣'),
    # which int() then refuses.
    if not _ASCII_DIGITS.fullmatch(value):
        raise ValidationError("Enter an NHS number using numbers only, like 999 000 0018", code="not_digits")
    if len(value) != 10:
        raise ValidationError(
            "An NHS number is 10 digits long; this one has %(length)s",
            code="length",
            params={"length": len(value)},
        )
    if nhs_number_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            "This is not a valid NHS number: the last digit does not match the check. "
            "Check it against a letter or the GP record",
            code="check_digit",
        )


def format_nhs_number(value: str) -> str:
    """The 3-3-4 form people read: 999 000 0018."""
    return f"{value[:3]} {value[3:6]} {value[6:]}" if len(value) == 10 else value
