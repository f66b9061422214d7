"""The API's JSON parser: refuses what would otherwise reach the database or crash the parser.

DRF's own parser hands ``json.load`` anything: JSON nested a thousand deep exhausts Python's recursion
limit (a 500, on an endpoint that needs no sign-in), and a NUL byte in a string reaches PostgreSQL, which
refuses it (another 500). Both are a 400 here, in the API's one error shape, naming the field to fix.
"""

import json

from django.conf import settings
from rest_framework import exceptions, parsers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings

from apps.core.validation import describe_character, first_control_character

# Beacon's deepest request body is a list of objects inside an object; 32 leaves room for any change.
MAX_JSON_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as error:
            raise exceptions.ParseError(f"The request body is not valid {encoding}.") from error
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise _too_deep() from error
        except ValueError as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from error
        _check(data)
        return data


def _refuse_constant(name: str):
    """NaN and Infinity are not JSON (RFC 8259), though Python's parser accepts them."""
    raise ValueError(f"{name} is not a JSON value")


def _too_deep() -> exceptions.ParseError:
    return exceptions.ParseError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")


def _check(data) -> None:
    """Walk the parsed body (without recursion) for nesting depth and for control characters."""
    pending = [(data, (), 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, path)
                pending.append((item, (*path, key), depth + 1))
        elif isinstance(value, list):
            pending.extend((item, (*path, str(index)), depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path)


def _check_text(text: str, path: tuple[str, ...]) -> None:
    character = first_control_character(text)
    if character is not None:
        # The path is dotted like every other field error ("identifiers.0.value").
        field = ".".join(path) or api_settings.NON_FIELD_ERRORS_KEY
        message = f"Remove the hidden control character {describe_character(character)} from this text."
        raise exceptions.ValidationError({field: [ErrorDetail(message, code="control_characters")]})
