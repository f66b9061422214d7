"""Logs are JSON lines that never carry NHS numbers, dates of birth or search terms."""

import json
import logging

import pytest

from apps.core.logging import JsonFormatter, RedactPersonalDataFilter, redact

pytestmark = pytest.mark.django_db


def _format(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("beacon.test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    assert RedactPersonalDataFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


@pytest.mark.parametrize(
    "text",
    [
        "NHS number 9990001234 not found",
        "NHS number 999 000 1234 not found",
        "born 2011-03-04",
        "born 04/03/2011",
        "born 4 March 2011",
        "born March 4, 2011",
    ],
)
def test_nhs_numbers_and_dates_are_redacted(text):
    line = _format(text)

    assert "[redacted]" in line["message"]
    for fragment in ("9990001234", "1234", "2011"):
        assert fragment not in line["message"]


def test_query_strings_are_dropped_from_request_lines():
    line = _format('"GET %s HTTP/1.1" 200', "/children/?q=Samira+Okafor")

    assert line["message"] == '"GET /children/ HTTP/1.1" 200'


def test_extra_fields_are_redacted_too_and_the_line_is_json():
    line = _format("Lookup", nhs_number="9990001234", child="123e4567-e89b-12d3-a456-426614174000")

    assert line["nhs_number"] == "[redacted]"
    assert line["child"] == "123e4567-e89b-12d3-a456-426614174000"  # Public ids are not personal data.
    assert line["level"] == "INFO"
    assert line["logger"] == "beacon.test"


def test_a_page_view_logs_no_personal_data(signed_in_client, child, caplog):
    caplog.set_level(logging.DEBUG)
    signed_in_client.get(f"/children/?q={child.family_name}")
    signed_in_client.get(f"/children/{child.public_id}/")

    for record in caplog.records:
        text = redact(record.getMessage())
        assert child.nhs_number not in text
        assert child.family_name not in text
        assert child.date_of_birth.isoformat() not in text
