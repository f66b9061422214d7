"""Structured logs on stdout that never carry a child's NHS number, a date of birth or a search term.

Every record passes ``RedactPersonalDataFilter`` (on the console handler in settings), which rewrites the
message and any ``extra`` fields; ``JsonFormatter`` then writes one JSON object a line. Names cannot be
recognised by a pattern, so the rule is that code never logs them; the one place a name reaches a log
line by accident, a search in a query string (``/children/?q=...``), is stripped here.
"""

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"

# An NHS number: ten digits, whole or spaced 3-3-4, not part of a longer run of digits or a hex string.
NHS_NUMBER = re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# Anything that could be a date of birth: 2011-03-04, 04/03/2011, 4.3.11, 4 March 2011, March 4, 2011.
DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{2,4}}\b"
    rf"|\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{2,4}}\b",
    re.IGNORECASE,
)
# A query string after a path: "/children/?q=Samira" keeps "/children/".
QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")

# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
# Objects Django and the standard library attach for other handlers (mail_admins): never written out.
_NOT_DATA = frozenset({"request", "server_time"})


def redact(text: str) -> str:
    """``text`` without query strings, NHS numbers or dates."""
    text = QUERY_STRING.sub(r"\1", text)
    text = NHS_NUMBER.sub(REDACTED, text)
    return DATE.sub(REDACTED, text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    # Dates, UUIDs, models and anything else become text first, so their str() is checked too.
    return redact(str(value))


class RedactPersonalDataFilter(logging.Filter):
    """Rewrite a record so that no NHS number, date or query string reaches any output.

    The message is formatted with its arguments first (an NHS number is most likely to arrive as an
    argument), and ``extra`` fields are redacted in place. Records are never dropped: losing a log line
    would hide the event itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES and key not in _NOT_DATA:
                setattr(record, key, _redact_value(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, any extra fields, and a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in _NOT_DATA:
                entry[key] = value
        if record.exc_info:
            # A traceback quotes source lines and exception messages: redacted like everything else.
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=lambda value: redact(str(value)), ensure_ascii=False)
