"""What Beacon accepts as a name, a date of birth, the date of a meeting or appointment and a typed time of
day: one place.

Model fields carry these as validators, so ModelForms, ModelSerializers and every service's
``full_clean()`` enforce them; explicit form and serializer fields use the shared field classes in
``apps.core.forms`` and ``apps.core.api.fields``, which carry the same validators.

Text from outside is checked once more, before any view, by ``apps.core.middleware.InputCharactersMiddleware``
and ``apps.core.api.parsers.JSONParser``: no NUL byte or other control character anywhere (PostgreSQL
refuses NUL in text, and control characters hide text or break letters and exports), except a tab or a
line break in free text.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

# Tab, line feed and carriage return are how people lay out free text; every other C0 or C1 control
# character (NUL, escape, backspace ...) is refused.
FREE_TEXT_LAYOUT_CHARACTERS = frozenset("\t\n\r")

# Unicode categories that never belong in a name: controls, surrogates, private use, unassigned, and
# line or paragraph separators (a name is one line on a letter).
_NOT_IN_A_NAME = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp"})
# Bidirectional overrides and isolates reorder the text around them: a name holding one can display as a
# different name (CVE-2021-42574, "Trojan Source"). Zero-width joiners (category Cf) stay allowed: some
# scripts need them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

# No one Beacon records (children, young people up to 25, their parents and carers) was born before this.
EARLIEST_DATE_OF_BIRTH = datetime.date(1900, 1, 1)
# A meeting or appointment is recorded within this window around today: far enough back to enter an
# old record's history, far enough ahead for any booking. Outside it, the year was mistyped.
EVENT_YEARS_BACK = 10
EVENT_YEARS_AHEAD = 5


# Control characters have no Unicode name; these are the ones people have heard of.
_CONTROL_NAMES = {"\x00": "NUL", "\x08": "backspace", "\x1b": "escape", "\x7f": "delete"}


def first_control_character(value: str, *, allow_layout: bool = True) -> str | None:
    """The first control character in ``value`` that text from outside may not hold, or None."""
    for character in value:
        if unicodedata.category(character) == "Cc" and not (
            allow_layout and character in FREE_TEXT_LAYOUT_CHARACTERS
        ):
            return character
    return None


def describe_character(character: str) -> str:
    """How to name a character nobody can see: 'U+0000 (NUL)'."""
    name = _CONTROL_NAMES.get(character) or unicodedata.name(character, "")
    return f"U+{ord(character):04X} ({name})" if name else f"U+{ord(character):04X}"


def validate_printable_name(value: str) -> None:
    """A name is one line of characters that show: no control characters, line breaks or direction
    overrides. Letters of every script, spaces, apostrophes and hyphens are all fine."""
    for character in value or "":
        if unicodedata.category(character) in _NOT_IN_A_NAME or character in _BIDI_CONTROLS:
            raise ValidationError(
                "Names can only contain letters, spaces and punctuation on one line; remove the hidden "
                "character %(character)s",
                code="not_printable",
                params={"character": describe_character(character)},
            )


def validate_free_text(value: str) -> None:
    """Free text may use tabs and line breaks but no other control character."""
    character = first_control_character(value or "")
    if character is not None:
        raise ValidationError(
            "Remove the hidden control character %(character)s from this text",
            code="control_characters",
            params={"character": describe_character(character)},
        )


def london_today() -> datetime.date:
    """Today's calendar day where Beacon works (dates of birth and due dates are Europe/London days)."""
    return timezone.localdate()


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none.
        return day.replace(year=day.year + years, day=28)


def validate_date_of_birth(value: datetime.date) -> None:
    """A date of birth is today or before, and not before 1900."""
    if value is None:
        return
    if value > london_today():
        raise ValidationError("Date of birth must be today or in the past", code="date_of_birth_in_future")
    if value < EARLIEST_DATE_OF_BIRTH:
        raise ValidationError(
            "Date of birth must be after 1 January 1900; check the year", code="date_of_birth_too_early"
        )


def event_date_range(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The first and last day a meeting or appointment may be recorded on."""
    today = today or london_today()
    return _years_from(today, -EVENT_YEARS_BACK), _years_from(today, EVENT_YEARS_AHEAD)


def validate_event_date(value: datetime.date | datetime.datetime) -> None:
    """A meeting or appointment happens within 10 years before today and 5 years after."""
    if value is None:
        return
    if isinstance(value, datetime.datetime):
        day = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    else:
        day = value
    earliest, latest = event_date_range()
    if not earliest <= day <= latest:
        raise ValidationError(
            "The date must be between %(earliest)s and %(latest)s; check the year",
            code="date_out_of_range",
            params={"earliest": f"{earliest:%-d %B %Y}", "latest": f"{latest:%-d %B %Y}"},
        )


# "14:30", "09:30", "9.30", "2pm", "2:30 pm", "12am": the ways people write a time of day.
_TIME_OF_DAY = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm)?$", re.IGNORECASE)
TIME_OF_DAY_EXAMPLE = "Enter a time, like 14:30 or 2:30pm"


def parse_time_of_day(value: str) -> datetime.time:
    """The time of day someone typed, on the 24-hour clock (``14:30``, ``09:30``, ``9.30``) or the 12-hour
    clock (``2pm``, ``2:30 pm``, ``9.30am``), for the time of a meeting, an appointment or a contact.

    On the 12-hour clock the hour is 1 to 12, and ``12am`` is midnight, ``12pm`` midday. ``13pm`` or ``0am``
    is a mistake, not a time: which one was meant cannot be known, so it is refused rather than guessed
    (a meeting recorded twelve hours out is a meeting nobody comes to). Every interface that takes a typed
    time uses this one parser, so the same words always give the same time or the same message.
    """
    match = _TIME_OF_DAY.match((value or "").strip())
    if not match:
        raise ValidationError(TIME_OF_DAY_EXAMPLE, code="time_format")
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), (match["half"] or "").lower()
    if minute > 59:
        raise ValidationError("Enter a real time: minutes go up to 59, like 14:59", code="time_not_real")
    if half:
        if not 1 <= hour <= 12:
            raise ValidationError(
                "Enter an hour from 1 to 12 before am or pm, like 2:30pm, or use the 24-hour clock, "
                "like 14:30",
                code="time_hour_not_12_hour_clock",
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23:
        raise ValidationError("Enter a real time: hours go up to 23, like 23:30", code="time_not_real")
    return datetime.time(hour, minute)
