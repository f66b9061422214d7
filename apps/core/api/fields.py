"""Serializer fields shared by the API's input serializers."""

import uuid
from collections.abc import Callable

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.validation import validate_date_of_birth, validate_event_date, validate_printable_name


@extend_schema_field(OpenApiTypes.UUID)
class PublicIdRelatedField(serializers.RelatedField):
    """A reference to another record by its public UUID; integer keys never cross the API.

    A value that is not a UUID and a UUID that names no record are both errors on this field, so the
    client is told which input to fix (``identifiers.0.issuer``), never a server error.
    """

    default_error_messages = {
        "invalid": "Enter the {what}'s id: a UUID such as 3f2b8c1e-7a4d-4f4e-9c1a-2b6d8e0f1a2b.",
        "does_not_exist": "There is no {what} with the id {value}.",
    }

    def __init__(self, *, what: str, **kwargs) -> None:
        self.what = what
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            public_id = uuid.UUID(str(data))
        except (TypeError, ValueError, AttributeError):
            self.fail("invalid", what=self.what)
        try:
            return self.get_queryset().get(public_id=public_id)
        except self.get_queryset().model.DoesNotExist:
            self.fail("does_not_exist", what=self.what, value=public_id)

    def to_representation(self, value) -> str:
        return str(value.public_id)


class NameField(serializers.CharField):
    """A person's name: one line of printable characters (apps.core.validation)."""

    default_validators = [validate_printable_name]


class DateOfBirthField(serializers.DateField):
    """A date of birth: today or before, not before 1900 (apps.core.validation)."""

    default_validators = [validate_date_of_birth]


class EventDateTimeField(serializers.DateTimeField):
    """When a meeting or appointment happens: within 10 years back and 5 years ahead."""

    default_validators = [validate_event_date]


# Shared by the API modules of teams, consent, appointments and passport (they began in apps/teams/api.py).
class ChildScopedPublicIdField(PublicIdRelatedField):
    """A record of *this* child's, by public id. The child comes from the serializer's context, so an id
    from another child's team is "no such ...", naming this field, and never reaches a service."""

    def __init__(self, *, scope: Callable[[Model], QuerySet], **kwargs) -> None:
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        return self.scope(self.context["child"])


class PersonReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(source="__str__")

    class Meta:
        ref_name = "PersonReference"
