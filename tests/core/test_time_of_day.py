"""A typed time of day is read by one parser, so every form that takes one gives the same time or the same
message (apps.core.validation.parse_time_of_day)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from apps.appointments.forms import AppointmentBookForm
from apps.core.validation import parse_time_of_day
from apps.referrals.forms import ClockForm, WaitingContactForm
from apps.teams.forms import MeetingForm

# Every browser form that takes a typed time, by the name of its time box.
TIME_BOXES = [
    (MeetingForm, "held_time"),
    (AppointmentBookForm, "at"),
    (ClockForm, "at_time"),
    (WaitingContactForm, "contacted_time"),
]

READ_AS = {
    "9:30": datetime.time(9, 30),
    "09:30": datetime.time(9, 30),
    "9.30": datetime.time(9, 30),
    "9.30am": datetime.time(9, 30),
    "9:30 AM": datetime.time(9, 30),
    "14:30": datetime.time(14, 30),
    "2pm": datetime.time(14, 0),
    "2:30 pm": datetime.time(14, 30),
    "12am": datetime.time(0, 0),
    "12:15am": datetime.time(0, 15),
    "12pm": datetime.time(12, 0),
    "12:45pm": datetime.time(12, 45),
    "0:00": datetime.time(0, 0),
    "00:00": datetime.time(0, 0),
    "23:59": datetime.time(23, 59),
    " 16:30 ": datetime.time(16, 30),
}

TWELVE_HOUR_CLOCK = (
    "Enter an hour from 1 to 12 before am or pm, like 2:30pm, or use the 24-hour clock, like 14:30"
)
REFUSED_WITH = {
    "13pm": TWELVE_HOUR_CLOCK,
    "0am": TWELVE_HOUR_CLOCK,
    "00:30am": TWELVE_HOUR_CLOCK,
    "15:00pm": TWELVE_HOUR_CLOCK,
    "24:00": "Enter a real time: hours go up to 23, like 23:30",
    "9:60": "Enter a real time: minutes go up to 59, like 14:59",
    "teatime": "Enter a time, like 14:30 or 2:30pm",
    "930": "Enter a time, like 14:30 or 2:30pm",
    "9:5": "Enter a time, like 14:30 or 2:30pm",
    "9:30 in the morning": "Enter a time, like 14:30 or 2:30pm",
}


@pytest.mark.parametrize(("typed", "expected"), READ_AS.items())
def test_a_time_is_read_on_the_24_or_the_12_hour_clock(typed, expected):
    assert parse_time_of_day(typed) == expected


@pytest.mark.parametrize(("typed", "message"), REFUSED_WITH.items())
def test_a_time_that_cannot_be_known_is_refused_with_what_to_type(typed, message):
    with pytest.raises(ValidationError) as refused:
        parse_time_of_day(typed)

    assert refused.value.messages == [message]


@pytest.mark.parametrize(("typed", "expected"), READ_AS.items())
@pytest.mark.parametrize(
    ("form", "box"), TIME_BOXES, ids=[f"{form.__name__}.{box}" for form, box in TIME_BOXES]
)
def test_every_form_reads_a_time_the_same_way(form, box, typed, expected):
    assert form.base_fields[box].clean(typed) == expected


@pytest.mark.parametrize(("typed", "message"), REFUSED_WITH.items())
@pytest.mark.parametrize(
    ("form", "box"), TIME_BOXES, ids=[f"{form.__name__}.{box}" for form, box in TIME_BOXES]
)
def test_every_form_refuses_a_time_with_the_same_message(form, box, typed, message):
    with pytest.raises(ValidationError) as refused:
        form.base_fields[box].clean(typed)

    assert refused.value.messages == [message]
